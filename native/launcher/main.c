/* nsbox-launcher: carries out one plan written by the TypeScript side (src/linux/launcher.ts).
 * It has no policy and parses no JSON. Three stages, like runc's nsexec:
 *   stage 0  host side: opens what must be opened before namespaces change, places stage 1 in
 *            its cgroups, writes the uid/gid maps, relays the container's PID to TypeScript and,
 *            in foreground mode, stays as the container's parent (subreaper, signals, tty, status).
 *   stage 1  joins namespaces (two passes, as util-linux nsenter), creates new ones (a new user
 *            namespace first and alone), then clones stage 2 as a child of stage 0
 *            (CLONE_PARENT) so that the process is inside the new PID and time namespaces and its
 *            parent-death signal refers to the stage that stays. With PA_CGROUP_WAIT (nsbox-runtime
 *            create) it makes the namespaces while the parent makes the cgroups, and joins them
 *            after (plan_ids.h).
 *   stage 2  the container process: propagation, mounts, root, terminal, identity, the `start`
 *            gate, seccomp (and its listener), a clean fd table and signal state, exec.
 * Stage sync points are named in plan_ids.h. */
#include "config.h"
#include "console.h"
#include "handover.h"
#include "plan_ids.h"
#include "report.h"
#include "sealed_exe.h"
#include "stage0.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static void read_exact(int fd, void *buf, size_t len) {
  for (size_t off = 0; off < len;) {
    ssize_t n = read(fd, (char *)buf + off, len - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("read plan", "fd 3", n == 0 ? EPIPE : errno);
    off += (size_t)n;
  }
}

static void *read_plan(size_t *len) {
  int fl = fcntl(PLAN_FD, F_GETFL);
  if (fl < 0) fail("read plan", "fd 3 (started without a plan socket?)", errno);
  if (fcntl(PLAN_FD, F_SETFL, fl & ~O_NONBLOCK) < 0) fail("read plan", "fd 3: clear O_NONBLOCK", errno);
  if (fcntl(PLAN_FD, F_SETFD, FD_CLOEXEC) < 0) fail("read plan", "fd 3: set close-on-exec", errno);
  uint32_t total;
  /* EOF before the plan's first byte: the caller started us ahead of its plan and then gave up
   * (bad config, id in use). Nothing was done, so there is nothing to report. */
  ssize_t first;
  do first = recv(PLAN_FD, &total, 1, MSG_PEEK); while (first < 0 && errno == EINTR);
  if (first == 0) _exit(0);
  read_exact(PLAN_FD, &total, sizeof total);
  if (total > PLAN_MAX) fail("read plan", "plan too large", EFBIG);
  void *plan = malloc(total ? total : 1);
  if (!plan) fail("read plan", "out of memory", ENOMEM);
  read_exact(PLAN_FD, plan, total);
  *len = total;
  return plan;
}

static void report_child(pid_t child) { report_line("%s %d", SYNC_PID, child); }

int main(int argc, char **argv, char **envp) {
  (void)argc;
  report_set_stage("stage0");
  sealed_exe_ensure(argv, envp);
  size_t plan_len;
  void *plan = read_plan(&plan_len);
  struct launch_config cfg;
  config_decode(&cfg, plan, plan_len);
  struct host_fds host;
  stage0_open_host_side(&cfg, &host);
  host.stage0_pidfd = handover_stage0_pdeathsig(&cfg, PLAN_FD);
  struct stage0_io io = {.on_child = report_child};
  pid_t child = stage0_run(&cfg, &host, &io);
  if (child < 0) return 1; /* stage 1 reported why */
  if (!cfg.foreground) return 0;
  /* Our copy of the sync socket must not delay the EOF that tells TypeScript the exec happened. */
  close(PLAN_FD);
  report_set_fd(-1);
  return stage0_exit_code(foreground_wait(child, io.relay));
}
