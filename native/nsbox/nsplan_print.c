/* NSBOX_NS_PRINT_PLAN=1: the config `nsbox unshare`/`nsenter` would launch, one `key value` line
 * each, instead of launching it. test/unit/ns-options.test.ts checks the options' meaning through
 * it without root. Namespace types by name, mount flags by MS_* name; the environment is left out. */
#include "nsconfig.h"
#include "nsrun.h"
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

static const char *ns_name(uint32_t flag) {
  for (int t = 0; t < NS_COUNT; t++)
    if (NS_TYPES[t].flag == flag) return NS_TYPES[t].name;
  return "?";
}

static void print_flags(uint64_t flags) {
  static const struct { uint64_t flag; const char *name; } NAMES[] = {
    {MS_REC, "rec"}, {MS_PRIVATE, "private"}, {MS_SLAVE, "slave"}, {MS_SHARED, "shared"},
    {MS_NOSUID, "nosuid"}, {MS_NOEXEC, "noexec"}, {MS_NODEV, "nodev"},
  };
  const char *sep = "";
  for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++)
    if (flags & NAMES[i].flag) printf("%s%s", sep, NAMES[i].name), sep = ",";
  if (!*sep) printf("0");
}

/* A text value on one line: newlines shown as "\n". */
static void print_text(const char *key, const char *text) {
  if (!text) return;
  printf("%s ", key);
  for (const char *p = text; *p; p++) p[0] == '\n' ? fputs("\\n", stdout) : putchar(*p);
  putchar('\n');
}

void ns_print_plan(const struct launch_config *cfg) {
  printf("args");
  for (size_t i = 0; cfg->argv.items[i]; i++) printf(" %s", cfg->argv.items[i]);
  putchar('\n');
  print_text("argv0", cfg->argv0);
  printf("fork %s\n", cfg->no_fork ? "no" : "yes");
  if (cfg->ns_new) {
    printf("new");
    for (int t = 0; t < NS_COUNT; t++)
      if (cfg->ns_new & NS_TYPES[t].flag) printf(" %s", NS_TYPES[t].name);
    putchar('\n');
  }
  for (size_t i = 0; i < cfg->joins.len; i++) printf("join %s %s\n", ns_name(cfg->joins.items[i].type), cfg->joins.items[i].path);
  for (size_t i = 0; i < cfg->persists.len; i++) printf("persist %s %s\n", ns_name(cfg->persists.items[i].type), cfg->persists.items[i].path);
  print_text("uid_map", cfg->uid_map);
  print_text("gid_map", cfg->gid_map);
  if (cfg->setgroups_deny) printf("setgroups deny\n");
  if (cfg->root_propagation) printf("propagation "), print_flags(cfg->root_propagation), putchar('\n');
  print_text("root", cfg->enter_root);
  print_text("cwd", cfg->enter_cwd);
  for (size_t i = 0; i < cfg->mounts.len; i++) {
    const struct mount_entry *m = &cfg->mounts.items[i];
    printf("mount %s %s %s ", m->src ? m->src : "-", m->dst, m->fstype ? m->fstype : "-");
    print_flags(m->flags);
    putchar('\n');
  }
  print_text("time_offsets", cfg->time_offsets);
  if (cfg->has_uid) printf("uid %u\n", cfg->uid);
  if (cfg->has_gid) printf("gid %u\n", cfg->gid);
  if (cfg->pdeathsig) printf("kill_child %u\n", cfg->pdeathsig);
}
