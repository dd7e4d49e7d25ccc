/* `nsbox unshare` options -> the launcher's config. The order of effects follows util-linux
 * unshare(1): user namespace and id maps first, then the other namespaces, persisting bind mounts
 * from the parent's mount namespace, root propagation, chroot/chdir, --mount-proc, then -G/-S. */
#include "nsutil.h"
#include "unshare.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

/* The account files, read only when an option needs them (--map-user NAME, --map-auto). */
static const char *cached(const char *path) {
  static struct { const char *path; char *text; } files[4];
  for (int i = 0; i < 4; i++) {
    if (!files[i].path) files[i].path = path, files[i].text = ns_read_file(path);
    if (!strcmp(files[i].path, path)) return files[i].text;
  }
  return "";
}

static const char *user_name(void) {
  char *name = ns_lookup_name(cached("/etc/passwd"), geteuid());
  return name ? name : ns_format("%u", geteuid());
}

/* A uid or user name (util-linux accepts both). */
static uint32_t resolve_id(const char *s, bool group) {
  if (ns_all_digits(s)) return ns_parse_id(s, group ? "gid" : "uid");
  long id = ns_lookup_id(cached(group ? "/etc/group" : "/etc/passwd"), s);
  if (id < 0) ns_die(1, "failed to parse %s '%s'", group ? "gid" : "uid", s);
  return (uint32_t)id;
}

static bool overlap(uint32_t x, uint32_t xn, uint32_t y, uint32_t yn) {
  return (uint64_t)x < (uint64_t)y + yn && (uint64_t)y < (uint64_t)x + xn;
}

/* uid_map/gid_map text: the single "caller becomes X" line first, then ranges; no overlaps. */
static const char *id_map_text(const struct id_range *single, const struct id_range *ranges, int n, const char *what) {
  static struct id_range all[MAX_ID_RANGES + 2];
  int count = 0;
  if (single) all[count++] = *single;
  for (int i = 0; i < n; i++) all[count++] = ranges[i];
  if (!count) return NULL;
  if (count > MAX_ID_RANGES) ns_die(1, "too many %s mappings (the kernel takes at most %d)", what, MAX_ID_RANGES);
  for (int i = 0; i < count; i++)
    for (int j = i + 1; j < count; j++) {
      const struct id_range *a = &all[i], *b = &all[j];
      if (overlap(a->inner, a->count, b->inner, b->count) || overlap(a->outer, a->count, b->outer, b->count))
        ns_die(1, "%s mappings overlap: '%u %u %u' and '%u %u %u'", what, a->inner, a->outer, a->count, b->inner, b->outer, b->count);
    }
  char *text = ns_alloc((size_t)count * 36 + 1);
  for (int i = 0; i < count; i++)
    sprintf(text + strlen(text), "%u %u %u\n", all[i].inner, all[i].outer, all[i].count);
  return text;
}

static struct id_range auto_range(const char *file) {
  uint32_t start, count;
  const char *name = user_name();
  if (!ns_find_subid(cached(file), name, geteuid(), &start, &count)) ns_die(1, "no line matching user \"%s\" in %s", name, file);
  return (struct id_range){.inner = 0, .outer = start, .count = count};
}

static void plan_user(const struct unshare_opts *o, struct launch_config *cfg) {
  static struct id_range uid1, gid1, uids[MAX_ID_RANGES + 1], gids[MAX_ID_RANGES + 1];
  int nu = o->nmap_users, ng = o->nmap_groups;
  memcpy(uids, o->map_users, sizeof o->map_users);
  memcpy(gids, o->map_groups, sizeof o->map_groups);
  if (o->map_user) uid1 = (struct id_range){resolve_id(o->map_user, false), geteuid(), 1};
  if (o->map_group) gid1 = (struct id_range){resolve_id(o->map_group, true), getegid(), 1};
  if (o->map_auto) {
    uids[nu++] = auto_range("/etc/subuid");
    gids[ng++] = auto_range("/etc/subgid");
  }
  cfg->uid_map = id_map_text(o->map_user ? &uid1 : NULL, uids, nu, "uid");
  cfg->gid_map = id_map_text(o->map_group ? &gid1 : NULL, gids, ng, "gid");
  /* An unprivileged gid_map write needs setgroups denied first; util-linux denies whenever it
   * maps a single group itself (-r, -c, --map-group). */
  cfg->setgroups_deny = (o->setgroups && !strcmp(o->setgroups, "deny")) || (o->map_group && ng == 0);
}

/* Whether `path` is a mount point in our mount namespace (/proc/self/mountinfo, \040 escapes). */
static bool is_mount_point(const char *path) {
  char *info = ns_read_file("/proc/self/mountinfo");
  for (char *line = strtok(info, "\n"); line; line = strtok(NULL, "\n")) {
    char mp[4096], out[4096];
    if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1) continue;
    size_t n = 0;
    for (const char *p = mp; *p && n + 1 < sizeof out; p++) {
      if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] && p[3]) {
        out[n++] = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
        p += 3;
      } else out[n++] = *p;
    }
    out[n] = '\0';
    if (!strcmp(out, path)) return free(info), true;
  }
  free(info);
  return false;
}

void unshare_plan(const struct unshare_opts *o, struct launch_config *cfg, char **envp) {
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) ns_die(1, "cannot get the working directory");
  nscfg_program(cfg, o->program, o->nprogram, envp);
  /* Without --fork the program itself is what unshare(2) ran in: it is not in a new PID (or time)
   * namespace, only its children are, exactly as with util-linux. */
  cfg->no_fork = !o->fork;
  for (int k = 0; k < o->ncreate; k++) {
    int t = o->create[k];
    cfg->ns_new |= NS_TYPES[t].flag;
    /* Persisting: the namespace file bind-mounted onto its path (which must exist, like util-linux). */
    if (o->file[t]) nscfg_add_ns(&cfg->persists, NS_TYPES[t].flag, ns_resolve(cwd, o->file[t]));
  }
  if (unshare_creates(o, "user")) plan_user(o, cfg);
  else if (o->setgroups) ns_die(1, "--setgroups needs a new user namespace (-U)");

  static const uint32_t PROPAGATION[] = {MS_PRIVATE, MS_SLAVE, MS_SHARED, 0};
  if (unshare_creates(o, "mnt") && o->propagation != PROP_UNCHANGED) cfg->root_propagation = MS_REC | PROPAGATION[o->propagation];
  if (o->root) cfg->enter_root = ns_resolve(cwd, o->root);
  /* -w is a path inside the new root when there is one (util-linux does chroot, then chdir). */
  if (o->wd) cfg->enter_cwd = o->root && o->wd[0] == '/' ? ns_resolve(cfg->enter_root, ns_format(".%s", o->wd)) : ns_resolve(cwd, o->wd);

  if (o->mount_proc) {
    const char *here = ns_resolve(cwd, o->mount_proc);
    /* With propagation other than private, a proc mounted over the existing /proc would
     * propagate back to the parent namespace: make that mount private first (util-linux does). */
    if (!o->root && o->propagation != PROP_PRIVATE && is_mount_point(here)) nscfg_add_mount(cfg, NULL, here, NULL, MS_REC | MS_PRIVATE);
    nscfg_add_mount(cfg, "proc", o->root ? ns_resolve("/", o->mount_proc) : here, "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV);
  }
  if (o->has_monotonic || o->has_boottime) {
    char *text = ns_alloc(96);
    if (o->has_monotonic) sprintf(text, "monotonic %lld 0\n", o->monotonic);
    if (o->has_boottime) sprintf(text + strlen(text), "boottime %lld 0\n", o->boottime);
    cfg->time_offsets = text;
  }
  if (o->has_setgid) cfg->has_gid = true, cfg->gid = o->setgid;
  if (o->has_setuid) cfg->has_uid = true, cfg->uid = o->setuid;
  cfg->pdeathsig = (uint32_t)o->kill_child;
}
