/* `nsbox nsenter` options with util-linux nsenter(1)'s names and meanings; `-t` also takes a
 * container of nsbox's engine or runtime, resolved by the TypeScript side (bun_cli.c). */
#include "nsenter.h"
#include "bun_cli.h"
#include "nsopt.h"
#include "nsrun.h"
#include "nsutil.h"
#include "sealed_exe.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#define NSFS_MAGIC 0x6e736673

static const char HELP[] =
  "Usage:\n"
  " nsbox nsenter [options] [<program> [<argument>...]]\n"
  "\n"
  "Run a program with namespaces of other processes.\n"
  "\n"
  "Options:\n"
  " -a, --all              enter all namespaces\n"
  " -t, --target <pid>     target process (or nsbox container name/ID) to get namespaces from\n"
  " -m, --mount[=<file>]   enter mount namespace\n"
  " -u, --uts[=<file>]     enter UTS namespace (hostname etc)\n"
  " -i, --ipc[=<file>]     enter System V IPC namespace\n"
  " -n, --net[=<file>]     enter network namespace\n"
  " -p, --pid[=<file>]     enter pid namespace\n"
  " -C, --cgroup[=<file>]  enter cgroup namespace\n"
  " -U, --user[=<file>]    enter user namespace\n"
  " -T, --time[=<file>]    enter time namespace\n"
  " -S, --setuid <uid>     set uid in entered namespace\n"
  " -G, --setgid <gid>     set gid in entered namespace\n"
  "     --preserve-credentials do not touch uids or gids\n"
  " -r, --root[=<dir>]     set the root directory\n"
  " -w, --wd[=<dir>]       set the working directory\n"
  " -F, --no-fork          do not fork before exec'ing <program>\n"
  " -Z, --follow-context   set SELinux context according to --target PID\n"
  "\n"
  " -h, --help             display this help\n"
  " -V, --version          display version\n";

enum {
  O_NS = 0, /* O_NS + index into NS_TYPES */
  O_ALL = 16, O_TARGET, O_SETUID, O_SETGID, O_PRESERVE, O_ROOT, O_WD, O_NO_FORK, O_FOLLOW, O_HELP, O_VERSION,
};

static const struct nsopt_spec SPECS[] = {
  {"all", 'a', NSOPT_NONE, NSOPT_NONE, O_ALL},
  {"target", 't', NSOPT_REQUIRED, NSOPT_REQUIRED, O_TARGET},
  {"mount", 'm', NSOPT_OPTIONAL, NSOPT_OPTIONAL, O_NS + 1}, {"uts", 'u', NSOPT_OPTIONAL, NSOPT_OPTIONAL, O_NS + 5},
  {"ipc", 'i', NSOPT_OPTIONAL, NSOPT_OPTIONAL, O_NS + 4},   {"net", 'n', NSOPT_OPTIONAL, NSOPT_OPTIONAL, O_NS + 3},
  {"pid", 'p', NSOPT_OPTIONAL, NSOPT_OPTIONAL, O_NS + 2},   {"user", 'U', NSOPT_OPTIONAL, NSOPT_OPTIONAL, O_NS + 0},
  {"cgroup", 'C', NSOPT_OPTIONAL, NSOPT_OPTIONAL, O_NS + 6}, {"time", 'T', NSOPT_OPTIONAL, NSOPT_OPTIONAL, O_NS + 7},
  {"setuid", 'S', NSOPT_REQUIRED, NSOPT_REQUIRED, O_SETUID},
  {"setgid", 'G', NSOPT_REQUIRED, NSOPT_REQUIRED, O_SETGID},
  {"preserve-credentials", 0, NSOPT_NONE, NSOPT_NONE, O_PRESERVE},
  {"root", 'r', NSOPT_OPTIONAL, NSOPT_OPTIONAL, O_ROOT},
  {"wd", 'w', NSOPT_OPTIONAL, NSOPT_OPTIONAL, O_WD},
  {"no-fork", 'F', NSOPT_NONE, NSOPT_NONE, O_NO_FORK},
  {"follow-context", 'Z', NSOPT_NONE, NSOPT_NONE, O_FOLLOW},
  {"help", 'h', NSOPT_NONE, NSOPT_NONE, O_HELP},
  {"version", 'V', NSOPT_NONE, NSOPT_NONE, O_VERSION},
};

/* util-linux also accepts "-n=path" for the short form; the "=" is not part of the path. */
static const char *drop_eq(const char *v) { return v && v[0] == '=' ? v + 1 : v; }

static void parse(struct nsenter_opts *o, int argc, char **argv, bool *help, bool *version) {
  struct nsopt p = {SPECS, sizeof SPECS / sizeof SPECS[0], argc, argv, 0, 0};
  const char *v;
  int id;
  while ((id = nsopt_next(&p, &v)) >= 0) {
    if (id < O_ALL) {
      int t = id - O_NS;
      if (!o->enter[t]) o->order[o->norder++] = t;
      o->enter[t] = true;
      if (v) o->file[t] = drop_eq(v); /* a later bare -n keeps an earlier -n/path's file */
      continue;
    }
    switch (id) {
    case O_ALL: o->all = true; break;
    case O_TARGET:
      if (o->target) ns_die(1, "option --target may be given only once");
      if (!*v) ns_die(1, "failed to parse pid: ''");
      o->target = v;
      break;
    case O_SETUID: o->has_setuid = true; o->setuid = ns_parse_id(v, "uid"); break;
    case O_SETGID: o->has_setgid = true; o->setgid = ns_parse_id(v, "gid"); break;
    case O_PRESERVE: o->preserve_credentials = true; break;
    case O_ROOT: o->root = v ? v : ""; break;
    case O_WD: o->wd = v ? drop_eq(v) : ""; break;
    case O_NO_FORK: o->no_fork = true; break;
    case O_FOLLOW: o->follow_context = true; break;
    case O_HELP: *help = true; break;
    case O_VERSION: *version = true; break;
    }
  }
  o->program = argv + p.i;
  o->nprogram = argc - p.i;
}

/* A PID as is; a container name or ID through the TypeScript side (the engine's SQLite state). */
static pid_t resolve_target(const char *target) {
  if (!ns_all_digits(target)) return bun_cli_resolve_target(target);
  long pid = strlen(target) > 9 ? 0 : strtol(target, NULL, 10);
  if (pid <= 0 || !ns_path_exists(ns_format("/proc/%ld", pid))) ns_die(1, "no such process: %s", target);
  return (pid_t)pid;
}

/* Fails with one clear line unless `path` exists and is a namespace file (nsfs). */
static void check_namespace_file(const char *path, const char *type) {
  struct statfs st;
  if (statfs(path, &st) < 0) ns_die(1, "cannot open %s: %s", path, ns_errno_words(errno));
  if ((unsigned long)st.f_type != NSFS_MAGIC) ns_die(1, "%s is not a namespace file (for --%s)", path, type);
}

/* CVE-2019-5736: a program in the target's mount namespace that is a script starting
 * `#!/proc/self/exe` would run this very binary inside the target (a container, with
 * `nsenter -t db -a`), where a process could keep it open and later rewrite the host's
 * bin/nsbox. So entering a mount namespace, or another root, runs from a sealed memfd copy as
 * the launcher always does (one copy and one exec, ~0.6 ms). The resolved target travels to the
 * copy in the environment (a container name is looked up once, before /proc/self/exe stops
 * naming the checkout), and leaves it before the program's environment is built. */
#define RESOLVED_ENV "NSBOX_NSENTER_RESOLVED="

static bool needs_sealed_copy(const struct nsenter_opts *o) {
  return (o->all || o->enter[1 /* mnt */] || o->root) && !getenv("NSBOX_NS_PRINT_PLAN");
}

/* envp without our variable; its PID when it names `target` (else 0). */
static pid_t take_resolved(char **envp, const char *target) {
  pid_t pid = 0;
  size_t k = 0;
  for (size_t i = 0; envp[i]; i++) {
    if (strncmp(envp[i], RESOLVED_ENV, strlen(RESOLVED_ENV))) {
      envp[k++] = envp[i];
      continue;
    }
    const char *v = envp[i] + strlen(RESOLVED_ENV), *tab = strchr(v, '\t');
    if (target && tab && !strcmp(tab + 1, target)) pid = (pid_t)strtol(v, NULL, 10);
  }
  envp[k] = NULL;
  return pid;
}

static void run_sealed(char **argv, char **envp, const struct nsenter_opts *o) {
  size_t n = 0;
  while (envp[n]) n++;
  char **env = ns_alloc(sizeof(char *) * (n + 2)); /* zeroed: NULL-terminated */
  memcpy(env, envp, sizeof(char *) * n);
  if (o->target) env[n] = ns_format("%s%d\t%s", RESOLVED_ENV, (int)o->target_pid, o->target);
  /* argv is main's from index 2 ("nsbox nsenter ..."): the copy gets the whole command line */
  sealed_exe_ensure(argv - 2, env); /* returns only when already the sealed copy */
}

int nsenter_main(int argc, char **argv, char **envp) {
  struct nsenter_opts o = {0};
  bool help = false, version = false;
  parse(&o, argc, argv, &help, &version);
  if (help) return fputs(HELP, stdout), 0;
  if (version) return puts("nsbox nsenter (nsbox 0.1.0)"), 0;
  if (o.follow_context && ns_path_exists("/sys/fs/selinux/enforce")) ns_die(1, "--follow-context is not supported yet");
  pid_t resolved = take_resolved(envp, o.target);
  if (o.target) o.target_pid = resolved ? resolved : resolve_target(o.target);
  if (needs_sealed_copy(&o)) run_sealed(argv, envp, &o);
  for (int k = 0; k < o.norder; k++)
    if (o.file[o.order[k]]) check_namespace_file(o.file[o.order[k]], NS_TYPES[o.order[k]].name);
  struct launch_config cfg = {0};
  nsenter_plan(&o, &cfg, envp);
  return ns_run(&cfg);
}
