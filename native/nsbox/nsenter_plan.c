/* `nsbox nsenter` options -> the launcher's config. Like util-linux nsenter(1): every namespace
 * file (and -r/-w directory) is opened before the first setns; a user namespace is entered first
 * when that grants rights (the launcher orders joins); entering a PID namespace forks so the
 * program really runs inside it, unless -F. */
#include "nsenter.h"
#include "nsutil.h"
#include <string.h>
#include <unistd.h>

static const char *from_target(const struct nsenter_opts *o, const char *what) {
  if (!o->target_pid) ns_die(1, "neither filename nor target pid supplied for %s", what);
  return ns_format("/proc/%d/%s", o->target_pid, what);
}

/* Whether the namespace file at `path` is the namespace of this type we are already in. */
static bool already_in(const char *type, const char *path) {
  uint64_t mine = ns_inode(ns_format("/proc/self/ns/%s", type));
  return mine && mine == ns_inode(path);
}

void nsenter_plan(const struct nsenter_opts *o, struct launch_config *cfg, char **envp) {
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) ns_die(1, "cannot get the working directory");
  bool enter[NS_COUNT];
  memcpy(enter, o->enter, sizeof enter);
  if (o->all) {
    if (!o->target_pid) ns_die(1, "no target PID specified for --all");
    for (int t = 0; t < NS_COUNT; t++) {
      if (enter[t] || !ns_path_exists(ns_format("/proc/self/ns/%s", NS_TYPES[t].name))) continue;
      /* setns into our own user namespace fails: -a skips it, as util-linux. */
      if (t == 0 && already_in("user", ns_format("/proc/%d/ns/user", o->target_pid))) continue;
      enter[t] = true;
    }
  }
  bool same_mount = false;
  for (int t = 0; t < NS_COUNT; t++) {
    if (!enter[t]) continue;
    const char *path = o->file[t] ? ns_resolve(cwd, o->file[t]) : from_target(o, ns_format("ns/%s", NS_TYPES[t].name));
    /* The launcher joins a user namespace first. util-linux instead tries the others first too,
     * so entering a *less* privileged user namespace (-a on an `unshare -r` process) still joins
     * the caller's own namespaces, which it owns no more once inside. Joining a namespace we are
     * already in changes nothing (but for mnt: cwd goes to its root), so leave those out. */
    if (t != 0 && enter[0] && already_in(NS_TYPES[t].name, path)) {
      if (t == 1) same_mount = true;
      continue;
    }
    nscfg_add_ns(&cfg->joins, NS_TYPES[t].flag, path);
  }
  nscfg_program(cfg, o->program, o->nprogram, envp);
  /* Fork only where it matters, as util-linux: into a PID namespace, unless -F. */
  cfg->no_fork = !(enter[2] && !o->no_fork);
  if (o->root) cfg->enter_root = *o->root ? ns_resolve(cwd, o->root) : from_target(o, "root");
  if (o->wd) cfg->enter_cwd = *o->wd ? ns_resolve(cwd, o->wd) : from_target(o, "cwd");
  /* util-linux keeps the caller's working directory (opened before the chroot) when only -r is given. */
  else if (cfg->enter_root) cfg->enter_cwd = ns_format("%s", cwd);
  /* setns(CLONE_NEWNS), even into our own mount namespace, moves us to its root. */
  else if (same_mount) cfg->enter_cwd = "/";

  /* In a user namespace nsenter becomes root of it (uid 0, gid 0, no groups) unless told otherwise. */
  bool become_root = enter[0] && !o->preserve_credentials;
  cfg->has_uid = o->has_setuid || become_root;
  cfg->uid = o->has_setuid ? o->setuid : 0;
  cfg->has_gid = o->has_setgid || become_root;
  cfg->gid = o->has_setgid ? o->setgid : 0;
  /* util-linux drops supplementary groups before entering (as the caller) and tolerates the
   * refusal inside a namespace that denies setgroups; the launcher tolerates it when told so. */
  if (cfg->has_gid && enter[0] && o->target_pid) {
    char *text = ns_read_file(ns_format("/proc/%d/setgroups", o->target_pid));
    cfg->setgroups_deny = !strncmp(text, "deny", 4);
  }
}
