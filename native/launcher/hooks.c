#include "hooks.h"
#include "plan_ids.h"
#include "report.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

void hooks_wait_for_parent(void) {
  report_line("%s", SYNC_HOOKS);
  char go;
  ssize_t n;
  do n = read(report_fd(), &go, 1); while (n < 0 && errno == EINTR);
  if (n != 1) fail("wait for hooks", "parent went away", n < 0 ? errno : EPIPE);
}

/* "startContainer hook PATH", the step every failure of a hook names (as the runtime's own hooks). */
static const char *hook_step(const char *path) {
  static char step[PATH_MAX + 32];
  snprintf(step, sizeof step, "startContainer hook %s", path);
  return step;
}

/* Waits for `pid` at most `timeout` seconds (0: forever); SIGKILLs it when time runs out. */
static int wait_hook(pid_t pid, uint32_t timeout, const char *path) {
  int status;
  if (timeout) {
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0) fail("pidfd_open for hook", path, errno);
    struct pollfd p = {pidfd, POLLIN, 0};
    int r;
    do r = poll(&p, 1, (int)timeout * 1000); while (r < 0 && errno == EINTR);
    close(pidfd);
    if (r == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      char what[48];
      snprintf(what, sizeof what, "timed out after %us", timeout);
      fail_msg(hook_step(path), what);
    }
  }
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) fail("wait for hook", path, errno);
  return status;
}

static void run_hook(const struct hook_entry *h) {
  int in[2];
  if (pipe2(in, O_CLOEXEC) < 0) fail("pipe for hook", h->path, errno);
  pid_t pid = fork();
  if (pid < 0) fail("fork hook", h->path, errno);
  if (pid == 0) {
    if (dup2(in[0], STDIN_FILENO) < 0) _exit(127);
    execve(h->path, h->args.items, h->env.items);
    dprintf(STDERR_FILENO, "nsbox-launcher: exec hook %s: %s\n", h->path, strerror(errno));
    _exit(127);
  }
  close(in[0]);
  /* A hook that does not read its stdin must not block us: ignore EPIPE. */
  signal(SIGPIPE, SIG_IGN);
  for (size_t off = 0; off < h->stdin_len;) {
    ssize_t w = write(in[1], (const char *)h->stdin_data + off, h->stdin_len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    off += (size_t)w;
  }
  close(in[1]);
  signal(SIGPIPE, SIG_DFL);
  int status = wait_hook(pid, h->timeout, h->path);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    char what[48];
    if (WIFEXITED(status)) snprintf(what, sizeof what, "exited with status %d", WEXITSTATUS(status));
    else snprintf(what, sizeof what, "killed by signal %d", WTERMSIG(status));
    fail_msg(hook_step(h->path), what);
  }
}

void hooks_run_start(const struct launch_config *cfg) {
  for (size_t i = 0; i < cfg->start_hooks.len; i++) run_hook(&cfg->start_hooks.items[i]);
}
