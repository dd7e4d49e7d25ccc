/* Two runtime verbs in C, for their common case only. podman and containerd start the runtime once
 * per verb, and `start` and `delete` are nearly all start-up. When create finds nothing else for
 * them to do, it leaves a file in the container's state directory that names the init ("PID
 * STARTTIME", to tell an init that died from a live one; src/runtime/state.ts):
 *   start-fast   no poststart hooks: start is opening the exec fifo, waiting for the init's
 *                byte, removing the fifo;
 *   delete-fast  no poststop hooks, and the container's cgroup directories on the next lines:
 *                delete of a stopped container is removing those and the state directory
 *                (native/common/container_remove.c, as the engine's monitor does).
 * Whatever is not that case goes on to the TypeScript runtime, which decides and words every
 * error: a flag other than the global ones podman and containerd pass (--root, --log,
 * --log-format, --systemd-cgroup), no such file, a fifo that is gone (not "created"), an init
 * that is alive at delete or died before start, a frozen cgroup, a cgroup that will not go.
 * Policy stays there. */
#include "fast_verbs.h"
#include "container_remove.h"
#include "nsutil.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* src/runtime/state.ts's ID_PATTERN, and never "." or "..". */
static int valid_id(const char *id) {
  if (!*id || !strcmp(id, ".") || !strcmp(id, "..")) return 0;
  for (const char *c = id; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr("_+-.", *c))) return 0;
  return 1;
}

/* A global flag's value, as `--flag VALUE` or `--flag=VALUE`; *i moves past it. NULL if not it. */
static const char *flag_value(int argc, char **argv, int *i, const char *flag) {
  size_t n = strlen(flag);
  if (strncmp(argv[*i], flag, n)) return NULL;
  if (argv[*i][n] == '=') return argv[(*i)++] + n + 1;
  if (argv[*i][n] || *i + 1 >= argc) return NULL;
  *i += 2;
  return argv[*i - 1];
}

/* Whether PID is still the process that started at STARTTIME (not gone, not a zombie). Asked in
 * start's wait loop, so it frees what it reads; the other files below are read once each with
 * nsutil's ns_read_file ("" when unreadable) and live until this short process exits or execs
 * the TypeScript runtime. */
static int alive(long pid, unsigned long long start_time) {
  char *path = ns_format("/proc/%ld/stat", pid), *stat = ns_read_file(path);
  char *p = strrchr(stat, ')');
  int same = 0;
  if (p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X') {
    /* Field 22, starttime; p + 2 is field 3, the state. */
    p += 2;
    for (int field = 3; field < 22 && p; field++) p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
    same = p && strtoull(p, NULL, 10) == start_time;
  }
  free(stat);
  free(path);
  return same;
}

/* The file NAME of the container's state directory: its init ("PID STARTTIME") and, after
 * that line, up to `max` more lines into `lines` (the delete-fast cgroup directories). */
static int read_fast_file(const char *dir, const char *name, long *pid, unsigned long long *start_time, char **lines, int max, int *n) {
  char *next = NULL, *line = strtok_r(ns_read_file(ns_format("%s/%s", dir, name)), "\n", &next);
  if (!line || sscanf(line, "%ld %llu", pid, start_time) != 2 || *pid <= 0) return -1;
  *n = 0;
  while ((line = strtok_r(NULL, "\n", &next))) {
    if (*n == max || line[0] != '/') return -1;
    lines[(*n)++] = line;
  }
  return 0;
}

static void start(const char *dir, const char *id) {
  long pid;
  unsigned long long start_time;
  char fifo[4096];
  int none;
  if (read_fast_file(dir, "start-fast", &pid, &start_time, NULL, 0, &none) < 0) return;
  if (snprintf(fifo, sizeof fifo, "%s/exec.fifo", dir) >= (int)sizeof fifo) return;
  /* Non-blocking, so an init that died cannot hang us: it writes once it has the fifo open. */
  int fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return;
  for (;;) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    poll(&p, 1, 20);
    char byte;
    ssize_t n = read(fd, &byte, 1);
    if (n == 1) break;
    if ((n < 0 && errno != EAGAIN && errno != EINTR) || !alive(pid, start_time)) {
      close(fd);
      return;
    }
    /* Until the init has the fifo open, poll reports a hang-up at once: do not spin. */
    if (n == 0) nanosleep(&(struct timespec){.tv_nsec = 200000}, NULL);
  }
  close(fd);
  /* Started. What is left cannot go back to TypeScript (its start would wait for a byte that
   * was read): a fifo that cannot be removed is this verb's failure, as it is there. */
  if (unlink(fifo) < 0 && errno != ENOENT) {
    dprintf(STDERR_FILENO, "nsbox-runtime: start %s: remove %s: %s\n", id, fifo, strerror(errno));
    exit(1);
  }
  exit(0);
}

/* A cgroup directory that is frozen (v1 freezer.state, v2 cgroup.freeze): its tasks would not die. */
static int frozen(const char *dir) {
  const char *v1 = ns_read_file(ns_format("%s/freezer.state", dir));
  if (*v1) return strncmp(v1, "THAWED", 6) != 0;
  return ns_read_file(ns_format("%s/cgroup.freeze", dir))[0] == '1';
}

static void delete(const char *dir) {
  long pid;
  unsigned long long start_time;
  char *cgroups[32];
  int n;
  if (read_fast_file(dir, "delete-fast", &pid, &start_time, cgroups, 32, &n) < 0) return;
  if (alive(pid, start_time)) return; /* running or created: the TypeScript runtime's (--force or not) */
  for (int i = 0; i < n; i++)
    if (frozen(cgroups[i])) return;
  if (container_remove_cgroups((const char *const *)cgroups, n, 2000, NULL) < 0) return;
  container_remove_state(dir);
  exit(0);
}

void fast_verbs(int argc, char **argv) {
  const char *root = "/run/nsbox-runtime"; /* src/runtime/constants.ts DEFAULT_ROOT */
  int i = 1;
  while (i < argc && !strncmp(argv[i], "--", 2)) {
    const char *v;
    if ((v = flag_value(argc, argv, &i, "--root"))) root = v;
    else if (flag_value(argc, argv, &i, "--log-format") || flag_value(argc, argv, &i, "--log")) continue;
    else if (!strcmp(argv[i], "--systemd-cgroup")) i++;
    else return;
  }
  if (i >= argc) return;
  const char *verb = argv[i++];
  int is_delete = !strcmp(verb, "delete");
  if (is_delete && i < argc && (!strcmp(argv[i], "--force") || !strcmp(argv[i], "-f"))) i++;
  if (argc - i != 1 || !valid_id(argv[i])) return;
  char dir[4096];
  if (snprintf(dir, sizeof dir, "%s/%s", root, argv[i]) >= (int)sizeof dir) return;
  if (!strcmp(verb, "start")) start(dir, argv[i]);
  else if (is_delete) delete(dir);
}
