#include "handover.h"
#include "report.h"
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdio.h>
#include "plan_ids.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

void handover_reset_signals(void) {
  struct sigaction dfl = {.sa_handler = SIG_DFL};
  sigemptyset(&dfl.sa_mask);
  for (int sig = 1; sig < NSIG; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    /* glibc refuses its two internal real-time signals (EINVAL): they are never ignored. */
    if (sigaction(sig, &dfl, NULL) < 0 && errno != EINVAL) fail("reset signal disposition", "", errno);
  }
  sigset_t none;
  sigemptyset(&none);
  if (sigprocmask(SIG_SETMASK, &none, NULL) < 0) fail("reset signal mask", "", errno);
}

/* When close_range cannot do it: mark each open fd by walking the fd table. */
static void cloexec_by_walking(int first) {
  DIR *d = opendir("/proc/self/fd");
  if (!d) fail("list open fds", "/proc/self/fd", errno);
  int self = dirfd(d);
  struct dirent *e;
  while ((e = readdir(d))) {
    int fd = atoi(e->d_name);
    if (fd < first || fd == self || e->d_name[0] == '.') continue;
    int fl = fcntl(fd, F_GETFD);
    if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0) fail("mark fd close-on-exec", e->d_name, errno);
  }
  closedir(d);
}

void handover_close_fds(int first) {
  if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  /* Whatever the reason (EINVAL/ENOSYS before 5.11, or any errno a seccomp profile installed
   * earlier without no_new_privs gives to close_range), walk the table; that one must work. */
  cloexec_by_walking(first);
}

int handover_preserved_fds(uint32_t n) {
  if (!n) return PLAN_FD;
  /* Failures after this still reach the parent: the sync socket (fd 3, where the first passed fd
   * goes) moves above them all, close-on-exec. */
  int sync = report_fd();
  if (sync >= 0 && sync < PRESERVED_FD + (int)n) {
    int moved = fcntl(sync, F_DUPFD_CLOEXEC, PRESERVED_FD + (int)n);
    if (moved < 0) fail("move the sync socket", "above the preserved fds", errno);
    report_set_fd(moved);
  }
  /* Upwards: each target is a source already copied (or the old sync socket). dup2 leaves the
   * copy without close-on-exec, so exactly these reach the program. */
  for (uint32_t i = 0; i < n; i++) {
    if (dup2(PRESERVED_FD + (int)i, PLAN_FD + (int)i) < 0) {
      char what[32];
      snprintf(what, sizeof what, "fd %u", PLAN_FD + i);
      fail("preserve", what, errno);
    }
  }
  return PLAN_FD + (int)n;
}

void handover_pdeathsig(const struct launch_config *cfg, int parent_pidfd) {
  if (!cfg->pdeathsig) return;
  int current = 0;
  if (prctl(PR_GET_PDEATHSIG, &current, 0, 0, 0) < 0) fail("prctl get pdeathsig", "", errno);
  if (current == (int)cfg->pdeathsig) return;
  if (prctl(PR_SET_PDEATHSIG, cfg->pdeathsig, 0, 0, 0) < 0) fail("prctl pdeathsig", "", errno);
  /* A pidfd polls readable once its process has exited; it names stage 0 whatever PID namespace
   * we are in (getppid() is 0 here when the parent is outside our new PID namespace). */
  struct pollfd p = {.fd = parent_pidfd, .events = POLLIN};
  int n;
  do n = poll(&p, 1, 0); while (n < 0 && errno == EINTR);
  if (n < 0) fail("poll", "stage 0 pidfd", errno);
  if (n > 0) fail_msg("parent death signal", "stage 0 exited before it was set");
}

int handover_stage0_pdeathsig(const struct launch_config *cfg, int caller_sock) {
  if (!cfg->pdeathsig) return -1;
  pid_t caller = getppid();
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) fail("prctl pdeathsig", "stage 0", errno);
  /* The caller may have died before the prctl: then we were reparented, or its end of the plan
   * socket is closed (it is the only holder). */
  struct pollfd p = {.fd = caller_sock, .events = POLLRDHUP};
  int n;
  do n = poll(&p, 1, 0); while (n < 0 && errno == EINTR);
  if (getppid() != caller || (n > 0 && (p.revents & (POLLRDHUP | POLLHUP))))
    fail_msg("parent death signal", "the caller exited before it was set");
  int fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
  if (fd < 0) fail("pidfd_open", "stage 0", errno);
  return fd; /* pidfds are always close-on-exec */
}
