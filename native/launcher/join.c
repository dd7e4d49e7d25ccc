#include "join.h"
#include "report.h"
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

/* Mount last: it is the one that changes our root and cwd. */
static const uint32_t order[] = {CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNET,
                                 CLONE_NEWPID,    CLONE_NEWTIME, CLONE_NEWNS};

static void join_type(const struct launch_config *cfg, uint32_t type, char *done, int must) {
  for (size_t i = 0; i < cfg->joins.len; i++) {
    const struct ns_ref *ns = &cfg->joins.items[i];
    if (done[i] || ns->type != type) continue;
    if (setns(ns->fd, (int)type) == 0) {
      done[i] = 1;
      close(ns->fd);
    } else if (must) {
      fail("setns", ns->path, errno);
    }
  }
}

/* Inside a user namespace whose setgroups file says "deny", setgroups is refused for good: drop
 * the caller's supplementary groups now, while we may (util-linux nsenter does the same), when
 * the plan sets an identity. EPERM here means we never could; setgroups in stage 2 reports. */
static void drop_groups_before_user_join(const struct launch_config *cfg) {
  if (!cfg->has_gid && !cfg->groups.len) return;
  if (setgroups(0, NULL) < 0 && errno != EPERM) fail("setgroups", "drop before joining the user namespace", errno);
}

void namespaces_join(const struct launch_config *cfg) {
  if (!cfg->joins.len) return;
  char *done = calloc(cfg->joins.len, 1);
  if (!done) fail("join namespaces", "out of memory", ENOMEM);
  int joins_user = 0;
  for (size_t i = 0; i < cfg->joins.len; i++) joins_user |= cfg->joins.items[i].type == CLONE_NEWUSER;
  if (joins_user) drop_groups_before_user_join(cfg);
  for (size_t t = 0; t < sizeof order / sizeof order[0]; t++) join_type(cfg, order[t], done, 0);
  join_type(cfg, CLONE_NEWUSER, done, 1);
  for (size_t t = 0; t < sizeof order / sizeof order[0]; t++) join_type(cfg, order[t], done, 1);
  for (size_t i = 0; i < cfg->joins.len; i++)
    if (!done[i]) fail("setns", cfg->joins.items[i].path, EINVAL); /* a type we do not know */
  free(done);
}
