#include "stages.h"
#include "console.h"
#include "hooks.h"
#include "pathres.h"
#include "plan_ids.h"
#include "process.h"
#include "report.h"
#include "rootfs.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

void stage_send(int sock, int msg) {
  unsigned char b = (unsigned char)msg;
  if (write(sock, &b, 1) != 1) fail("stage sync", "send", errno);
}

int stage_recv(int sock) {
  unsigned char b;
  ssize_t n;
  do n = read(sock, &b, 1); while (n < 0 && errno == EINTR);
  return n == 1 ? b : -1;
}

static void expect(int sock, int msg) {
  if (stage_recv(sock) != msg) fail("stage sync", "peer stage went away", EPIPE);
}

pid_t stage_recv_pid(int sock) {
  pid_t pid;
  if (read(sock, &pid, sizeof pid) != sizeof pid) fail("stage sync", "child pid", errno);
  return pid;
}

static void send_pid(int sock, pid_t pid) {
  stage_send(sock, STAGE_SYNC_CHILD_PID);
  if (write(sock, &pid, sizeof pid) != sizeof pid) fail("stage sync", "child pid", errno);
}

/* The order in which namespaces are joined: a user namespace first (it grants the rights to join
 * the ones it owns), the mount namespace last (joining it changes how paths resolve). */
static const uint32_t join_order[] = {CLONE_NEWUSER, CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWUTS,
                                      CLONE_NEWNET,  CLONE_NEWPID,    CLONE_NEWTIME, CLONE_NEWNS};

static void join_namespaces(const struct launch_config *cfg, uint32_t only, int exclude) {
  for (size_t t = 0; t < sizeof join_order / sizeof join_order[0]; t++) {
    uint32_t type = join_order[t];
    if ((only && type != only) || (exclude && type == CLONE_NEWUSER)) continue;
    for (size_t i = 0; i < cfg->joins.len; i++) {
      const struct ns_ref *ns = &cfg->joins.items[i];
      if (ns->type == type && setns(ns->fd, (int)type) < 0) fail("setns", ns->path, errno);
    }
  }
}

static void write_self(const char *path, const char *value) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  size_t len = strlen(value);
  if (fd < 0 || write(fd, value, len) != (ssize_t)len) fail("write", path, errno);
  close(fd);
}

static __attribute__((noreturn)) void stage2_run(const struct launch_config *cfg, const struct host_fds *host);

void stage1_run(const struct launch_config *cfg, const struct host_fds *host, int sync) {
  report_set_stage("stage1");
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  expect(sync, STAGE_SYNC_GO);

  join_namespaces(cfg, CLONE_NEWUSER, 0);
  if (cfg->ns_new & CLONE_NEWUSER) {
    if (unshare(CLONE_NEWUSER) < 0) fail("unshare", "user namespace", errno);
    stage_send(sync, STAGE_SYNC_USERMAP_PLS);
    expect(sync, STAGE_SYNC_USERMAP_ACK);
  }
  join_namespaces(cfg, 0, 1);
  if (host->enter_root >= 0 && (fchdir(host->enter_root) < 0 || chroot(".") < 0))
    fail("chroot", cfg->enter_root, errno);
  if (host->enter_cwd >= 0 && fchdir(host->enter_cwd) < 0) fail("chdir", cfg->enter_cwd, errno);
  uint32_t rest = cfg->ns_new & ~(uint32_t)CLONE_NEWUSER;
  if (rest && unshare((int)rest) < 0) fail("unshare", "namespaces", errno);
  if (cfg->time_offsets) write_self("/proc/self/timens_offsets", cfg->time_offsets);
  if (cfg->persists.len) {
    stage_send(sync, STAGE_SYNC_PERSIST_PLS);
    expect(sync, STAGE_SYNC_PERSIST_ACK);
  }
  if (cfg->no_fork) {
    send_pid(sync, getpid());
    close(sync);
    stage2_run(cfg, host);
  }
  pid_t child = fork();
  if (child < 0) fail("fork", "stage 2", errno);
  if (child == 0) {
    close(sync);
    stage2_run(cfg, host);
  }
  send_pid(sync, child);
  _exit(0);
}

/* Blocks until `nsbox-runtime start` opens the fifo for reading. */
static void wait_for_start(int fifo) {
  report_line("%s", SYNC_READY);
  close(report_fd());
  report_set_fd(-1);
  int fd = open(fd_path(fifo), O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail("open exec fifo", fd_path(fifo), errno);
  if (write(fd, "0", 1) != 1) fail("write exec fifo", fd_path(fifo), errno);
  close(fd);
  close(fifo);
}

static void stage2_run(const struct launch_config *cfg, const struct host_fds *host) {
  report_set_stage("stage2");
  if (cfg->setsid && setsid() < 0) fail("setsid", "", errno);
  if (cfg->pdeathsig && prctl(PR_SET_PDEATHSIG, cfg->pdeathsig, 0, 0, 0) < 0) fail("prctl pdeathsig", "", errno);
  if (cfg->rootfs && !(cfg->ns_new & CLONE_NEWNS)) fail_msg("rootfs", "a rootfs needs a new mount namespace");
  if (cfg->ns_new & CLONE_NEWNS) rootfs_prepare(cfg);
  if (cfg->hook_sync) hooks_wait_for_parent();
  rootfs_enter(cfg);
  if (cfg->terminal) console_setup(host->console);
  else if (host->console >= 0) close(host->console);
  process_apply_environment(cfg);
  rootfs_finish(cfg);
  const char *path = process_find_executable(cfg);
  process_apply_seccomp(cfg, 0);
  process_apply_identity(cfg);
  if (host->exec_fifo >= 0) wait_for_start(host->exec_fifo);
  hooks_run_start(cfg);
  process_apply_seccomp(cfg, 1);
  /* No host fd may reach the container (CVE-2024-21626 class): all above stdio close on exec. */
  syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
  execve(path, cfg->argv.items, cfg->env.items);
  fail("exec", path, errno);
}
