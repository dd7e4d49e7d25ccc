/* `nsbox-runtime start ID` in C, for the common case only. podman and containerd start the runtime
 * once per verb, and `start` is nearly all start-up: the TypeScript runtime's start opens the
 * container's exec fifo, waits for the byte its init writes into it, and removes it. When create
 * finds nothing else for start to do (no poststart hooks: src/runtime/lifecycle.ts), it leaves a
 * file `start-fast` in the container's state directory naming the init ("PID STARTTIME"), and
 * this does the same three steps. Whatever is not that case goes on to the TypeScript runtime,
 * which decides and words every error: a flag other than the global ones podman and containerd
 * pass (--root, --log, --log-format, --systemd-cgroup), no such file, a fifo that is gone (the
 * container is not "created"), an init that died before writing. Policy stays there; once
 * the byte is read, the container is started and only the fifo's removal is left. */
#include "fast_start.h"
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

/* Whether PID is still the process that started at STARTTIME (not gone, not a zombie). */
static int alive(long pid, unsigned long long start_time) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%ld/stat", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  char *p = strrchr(buf, ')');
  if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X') return 0;
  /* Field 22, starttime; p + 2 is field 3, the state. */
  p += 2;
  for (int field = 3; field < 22 && p; field++) p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
  return p && strtoull(p, NULL, 10) == start_time;
}

void fast_start(int argc, char **argv) {
  const char *root = "/run/nsbox-runtime"; /* src/runtime/constants.ts DEFAULT_ROOT */
  int i = 1;
  while (i < argc && !strncmp(argv[i], "--", 2)) {
    const char *v;
    if ((v = flag_value(argc, argv, &i, "--root"))) root = v;
    else if (flag_value(argc, argv, &i, "--log-format") || flag_value(argc, argv, &i, "--log")) continue;
    else if (!strcmp(argv[i], "--systemd-cgroup")) i++;
    else return;
  }
  if (argc - i != 2 || strcmp(argv[i], "start") || !valid_id(argv[i + 1])) return;
  char marker[4096], fifo[4096];
  if (snprintf(marker, sizeof marker, "%s/%s/start-fast", root, argv[i + 1]) >= (int)sizeof marker) return;
  snprintf(fifo, sizeof fifo, "%s/%s/exec.fifo", root, argv[i + 1]);
  char text[64] = {0};
  int mfd = open(marker, O_RDONLY | O_CLOEXEC);
  if (mfd < 0) return;
  ssize_t got = read(mfd, text, sizeof text - 1);
  close(mfd);
  long pid;
  unsigned long long start_time;
  if (got <= 0 || sscanf(text, "%ld %llu", &pid, &start_time) != 2 || pid <= 0) return;
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
    dprintf(STDERR_FILENO, "nsbox-runtime: start %s: remove %s: %s\n", argv[i + 1], fifo, strerror(errno));
    exit(1);
  }
  exit(0);
}
