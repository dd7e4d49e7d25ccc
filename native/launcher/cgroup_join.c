/* See cgroup_join.h for why the launcher joins cgroups this way. */
#include "cgroup_join.h"
#include "fileio.h"
#include "report.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* DIR/FILE into `path` (for the error message), then the value written to it. */
static int write_value(const char *dir, const char *file, const char *value, char *path, size_t size) {
  snprintf(path, size, "%s/%s", dir, file);
  return write_file(path, value);
}

/* The clone that fork(2) and our stage 1's CLONE_PARENT fork both are, without a cgroup. */
static pid_t plain_fork(unsigned long long flags) {
  return (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, 0, NULL, NULL, 0);
}

pid_t cgroup_fork_into(const struct launch_config *cfg, unsigned long long flags, bool *placed_v2) {
  *placed_v2 = false;
  if (!cfg->cgroup_v2_dir) return plain_fork(flags);
  int dirfd = open(cfg->cgroup_v2_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) fail("open cgroup", cfg->cgroup_v2_dir, errno);
  struct clone_args args;
  memset(&args, 0, sizeof args);
  args.flags = CLONE_INTO_CGROUP | flags;
  /* clone3 refuses an exit signal with CLONE_PARENT: the child then signals our parent as we do */
  args.exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD;
  args.cgroup = (uint64_t)dirfd;
  pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
  int err = errno;
  /* Both sides close it at once: a directory fd of the host kept open into the container is
   * runc's CVE-2024-21626 (`cwd: /proc/self/fd/N` walks out of the rootfs). */
  close(dirfd);
  if (pid == 0) return 0;
  if (pid > 0) {
    *placed_v2 = true;
    return pid;
  }
  /* Only a kernel without clone3 or without its cgroup field gets the slow way; any other
   * error (a full pids.max, a v2 domain with controllers enabled below) is the cgroup's answer. */
  if (err != ENOSYS && err != E2BIG) fail("clone3 into cgroup", cfg->cgroup_v2_dir, err);
  return plain_fork(flags);
}

int cgroup_join_v2_by_pid(const struct launch_config *cfg, pid_t pid) {
  char value[16], path[4096];
  snprintf(value, sizeof value, "%d", pid);
  int err = write_value(cfg->cgroup_v2_dir, "cgroup.procs", value, path, sizeof path);
  if (err) {
    kill(pid, SIGKILL);
    fail("join cgroup", path, err);
  }
  return 0;
}

void cgroup_join_v1_self(const struct launch_config *cfg) {
  char path[4096];
  for (size_t i = 0; i < cfg->cgroup_v1_dirs.len; i++) {
    int err = write_value(cfg->cgroup_v1_dirs.items[i], "tasks", "0", path, sizeof path);
    if (err) fail("join cgroup", path, err);
  }
}
