/* `nsbox unshare` options with util-linux unshare(1)'s names, arguments and implications. */
#include "unshare.h"
#include "nsopt.h"
#include "nsrun.h"
#include "nsutil.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char HELP[] =
  "Usage:\n"
  " nsbox unshare [options] [<program> [<argument>...]]\n"
  "\n"
  "Run a program with some namespaces unshared from the parent.\n"
  "\n"
  "Options:\n"
  " -m, --mount[=<file>]      unshare mounts namespace\n"
  " -u, --uts[=<file>]        unshare UTS namespace (hostname etc)\n"
  " -i, --ipc[=<file>]        unshare System V IPC namespace\n"
  " -n, --net[=<file>]        unshare network namespace\n"
  " -p, --pid[=<file>]        unshare pid namespace\n"
  " -U, --user[=<file>]       unshare user namespace\n"
  " -C, --cgroup[=<file>]     unshare cgroup namespace\n"
  " -T, --time[=<file>]       unshare time namespace\n"
  "\n"
  " -f, --fork                fork before launching <program>\n"
  " --map-user=<uid>|<name>   map current user to uid (implies --user)\n"
  " --map-group=<gid>|<name>  map current group to gid (implies --user)\n"
  " -r, --map-root-user       map current user to root (implies --user)\n"
  " -c, --map-current-user    map current user to itself (implies --user)\n"
  " --map-auto                map users and groups automatically (implies --user)\n"
  " --map-users=<outeruid>,<inneruid>,<count>\n"
  "                           map count users from outeruid to inneruid (implies --user)\n"
  " --map-groups=<outergid>,<innergid>,<count>\n"
  "                           map count groups from outergid to innergid (implies --user)\n"
  "\n"
  " --kill-child[=<signame>]  when dying, kill the forked child (implies --fork)\n"
  "                             defaults to SIGKILL\n"
  " --mount-proc[=<dir>]      mount proc filesystem first (implies --mount)\n"
  " --propagation slave|shared|private|unchanged\n"
  "                           modify mount propagation in mount namespace\n"
  " --setgroups allow|deny    control the setgroups syscall in user namespaces\n"
  "\n"
  " -R, --root=<dir>          run the command with root directory set to <dir>\n"
  " -w, --wd=<dir>            change working directory to <dir>\n"
  " -S, --setuid <uid>        set uid in entered namespace\n"
  " -G, --setgid <gid>        set gid in entered namespace\n"
  " --monotonic <offset>      set clock monotonic offset (seconds) in time namespaces\n"
  " --boottime <offset>       set clock boottime offset (seconds) in time namespaces\n"
  "\n"
  " -h, --help                display this help\n"
  " -V, --version             display version\n";

enum {
  O_NS = 0, /* O_NS + index into NS_TYPES */
  O_FORK = 16, O_KILL_CHILD, O_MOUNT_PROC, O_MAP_USER, O_MAP_USERS, O_MAP_GROUP, O_MAP_GROUPS,
  O_MAP_ROOT, O_MAP_CURRENT, O_MAP_AUTO, O_PROPAGATION, O_SETGROUPS, O_KEEP_CAPS, O_SETUID,
  O_SETGID, O_ROOT, O_WD, O_MONOTONIC, O_BOOTTIME, O_HELP, O_VERSION,
};

static const struct nsopt_spec SPECS[] = {
  /* unshare's optstring has no optional arguments: only the long forms take =FILE. */
  {"mount", 'm', NSOPT_OPTIONAL, NSOPT_NONE, O_NS + 1}, {"uts", 'u', NSOPT_OPTIONAL, NSOPT_NONE, O_NS + 5},
  {"ipc", 'i', NSOPT_OPTIONAL, NSOPT_NONE, O_NS + 4},   {"net", 'n', NSOPT_OPTIONAL, NSOPT_NONE, O_NS + 3},
  {"pid", 'p', NSOPT_OPTIONAL, NSOPT_NONE, O_NS + 2},   {"user", 'U', NSOPT_OPTIONAL, NSOPT_NONE, O_NS + 0},
  {"cgroup", 'C', NSOPT_OPTIONAL, NSOPT_NONE, O_NS + 6}, {"time", 'T', NSOPT_OPTIONAL, NSOPT_NONE, O_NS + 7},
  {"fork", 'f', NSOPT_NONE, NSOPT_NONE, O_FORK},
  {"kill-child", 0, NSOPT_OPTIONAL, NSOPT_OPTIONAL, O_KILL_CHILD},
  {"mount-proc", 0, NSOPT_OPTIONAL, NSOPT_OPTIONAL, O_MOUNT_PROC},
  {"map-user", 0, NSOPT_REQUIRED, NSOPT_REQUIRED, O_MAP_USER},
  {"map-users", 0, NSOPT_REQUIRED, NSOPT_REQUIRED, O_MAP_USERS},
  {"map-group", 0, NSOPT_REQUIRED, NSOPT_REQUIRED, O_MAP_GROUP},
  {"map-groups", 0, NSOPT_REQUIRED, NSOPT_REQUIRED, O_MAP_GROUPS},
  {"map-root-user", 'r', NSOPT_NONE, NSOPT_NONE, O_MAP_ROOT},
  {"map-current-user", 'c', NSOPT_NONE, NSOPT_NONE, O_MAP_CURRENT},
  {"map-auto", 0, NSOPT_NONE, NSOPT_NONE, O_MAP_AUTO},
  {"propagation", 0, NSOPT_REQUIRED, NSOPT_REQUIRED, O_PROPAGATION},
  {"setgroups", 0, NSOPT_REQUIRED, NSOPT_REQUIRED, O_SETGROUPS},
  {"keep-caps", 0, NSOPT_NONE, NSOPT_NONE, O_KEEP_CAPS},
  {"setuid", 'S', NSOPT_REQUIRED, NSOPT_REQUIRED, O_SETUID},
  {"setgid", 'G', NSOPT_REQUIRED, NSOPT_REQUIRED, O_SETGID},
  {"root", 'R', NSOPT_REQUIRED, NSOPT_REQUIRED, O_ROOT},
  {"wd", 'w', NSOPT_REQUIRED, NSOPT_REQUIRED, O_WD},
  {"monotonic", 0, NSOPT_REQUIRED, NSOPT_REQUIRED, O_MONOTONIC},
  {"boottime", 0, NSOPT_REQUIRED, NSOPT_REQUIRED, O_BOOTTIME},
  {"help", 'h', NSOPT_NONE, NSOPT_NONE, O_HELP},
  {"version", 'V', NSOPT_NONE, NSOPT_NONE, O_VERSION},
};

bool unshare_creates(const struct unshare_opts *o, const char *type) {
  for (int k = 0; k < o->ncreate; k++)
    if (!strcmp(NS_TYPES[o->create[k]].name, type)) return true;
  return false;
}

/* Adds a namespace to create (keeping its first place); a file given replaces an earlier one. */
static void create(struct unshare_opts *o, int t, const char *file) {
  int k = 0;
  while (k < o->ncreate && o->create[k] != t) k++;
  if (k == o->ncreate) o->create[o->ncreate++] = t;
  if (file) o->file[t] = file;
}

/* `outer,inner,count` (util-linux 2.38) or `inner:outer:count` (newer util-linux). */
static struct id_range parse_range(const char *s) {
  char sep = strchr(s, ',') ? ',' : ':';
  char a[16], b[16], c[16], tail;
  char fmt[64];
  snprintf(fmt, sizeof fmt, "%%15[0-9]%c%%15[0-9]%c%%15[0-9]%%c", sep, sep);
  if (sscanf(s, fmt, a, b, c, &tail) != 3 || strlen(a) > 10 || strlen(b) > 10 || strlen(c) > 10)
    ns_die(1, "invalid mapping '%s'", s);
  uint32_t x = (uint32_t)strtoul(a, NULL, 10), y = (uint32_t)strtoul(b, NULL, 10), n = (uint32_t)strtoul(c, NULL, 10);
  return sep == ',' ? (struct id_range){.outer = x, .inner = y, .count = n} : (struct id_range){.inner = x, .outer = y, .count = n};
}

static long long parse_offset(const char *s, const char *what) {
  if (!ns_all_digits(s + (*s == '-')) || strlen(s) > 19) ns_die(1, "failed to parse %s offset: '%s'", what, s);
  return strtoll(s, NULL, 10);
}

static void add_range(struct id_range *list, int *n, const char *value, const char *what) {
  if (*n >= MAX_ID_RANGES) ns_die(1, "too many %s mappings (the kernel takes at most %d)", what, MAX_ID_RANGES);
  list[(*n)++] = parse_range(value);
}

static void parse(struct unshare_opts *o, int argc, char **argv, bool *help, bool *version) {
  struct nsopt p = {SPECS, sizeof SPECS / sizeof SPECS[0], argc, argv, 0, 0};
  const char *v;
  int id;
  while ((id = nsopt_next(&p, &v)) >= 0) {
    if (id < O_FORK) {
      create(o, id - O_NS, v);
      continue;
    }
    if (id >= O_MAP_USER && id <= O_MAP_AUTO) create(o, 0, NULL); /* implies --user */
    switch (id) {
    case O_FORK: o->fork = true; break;
    case O_KILL_CHILD:
      o->fork = true;
      if (v && !(o->kill_child = ns_signal_number(v))) ns_die(1, "unknown signal: %s", v);
      if (!v) o->kill_child = 9;
      break;
    case O_MOUNT_PROC: create(o, 1, NULL); o->mount_proc = v ? v : "/proc"; break;
    case O_MAP_USER: o->map_user = v; break;
    case O_MAP_GROUP: o->map_group = v; break;
    case O_MAP_ROOT: o->map_user = o->map_group = "0"; break;
    case O_MAP_CURRENT:
      o->map_user = ns_format("%u", geteuid());
      o->map_group = ns_format("%u", getegid());
      break;
    case O_MAP_USERS: add_range(o->map_users, &o->nmap_users, v, "uid"); break;
    case O_MAP_GROUPS: add_range(o->map_groups, &o->nmap_groups, v, "gid"); break;
    case O_MAP_AUTO: o->map_auto = true; break;
    case O_PROPAGATION:
      if (!strcmp(v, "private")) o->propagation = PROP_PRIVATE;
      else if (!strcmp(v, "slave")) o->propagation = PROP_SLAVE;
      else if (!strcmp(v, "shared")) o->propagation = PROP_SHARED;
      else if (!strcmp(v, "unchanged")) o->propagation = PROP_UNCHANGED;
      else ns_die(1, "unsupported propagation mode: %s", v);
      break;
    case O_SETGROUPS:
      if (strcmp(v, "allow") && strcmp(v, "deny")) ns_die(1, "unsupported --setgroups argument '%s'", v);
      o->setgroups = v;
      break;
    case O_KEEP_CAPS: ns_die(1, "--keep-caps is not supported yet");
    case O_SETUID: o->has_setuid = true; o->setuid = ns_parse_id(v, "uid"); break;
    case O_SETGID: o->has_setgid = true; o->setgid = ns_parse_id(v, "gid"); break;
    case O_ROOT: o->root = v; break;
    case O_WD: o->wd = v; break;
    case O_MONOTONIC: o->has_monotonic = true; o->monotonic = parse_offset(v, "monotonic"); break;
    case O_BOOTTIME: o->has_boottime = true; o->boottime = parse_offset(v, "boottime"); break;
    case O_HELP: *help = true; break;
    case O_VERSION: *version = true; break;
    }
  }
  o->program = argv + p.i;
  o->nprogram = argc - p.i;
  if ((o->has_monotonic || o->has_boottime) && !unshare_creates(o, "time"))
    ns_die(1, "options --monotonic and --boottime require unsharing of a time namespace (-T)");
  if (o->setgroups && !strcmp(o->setgroups, "allow") && o->map_group)
    ns_die(1, "options --setgroups=allow and --map-group are mutually exclusive");
}

int unshare_main(int argc, char **argv, char **envp) {
  struct unshare_opts o = {.propagation = PROP_PRIVATE};
  bool help = false, version = false;
  parse(&o, argc, argv, &help, &version);
  if (help) return fputs(HELP, stdout), 0;
  if (version) return puts("nsbox unshare (nsbox 0.1.0)"), 0;
  /* Checked here so a typo fails before any namespace exists (util-linux fails after unshare(2)). */
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) ns_die(1, "cannot get the working directory: %s", ns_errno_words(errno));
  for (int k = 0; k < o.ncreate; k++) {
    const char *file = o.file[o.create[k]];
    if (file && !ns_path_exists(ns_resolve(cwd, file)))
      ns_die(1, "cannot persist the %s namespace on %s: no such file (create it first, e.g. touch %s)", NS_TYPES[o.create[k]].name, file, file);
  }
  struct launch_config cfg = {0};
  unshare_plan(&o, &cfg, envp);
  return ns_run(&cfg);
}
