#include "stages.h"
#include "cgroup_join.h"
#include "fileio.h"
#include "console.h"
#include "handover.h"
#include "hooks.h"
#include "join.h"
#include "loopback.h"
#include "pathres.h"
#include "plan_ids.h"
#include "process.h"
#include "report.h"
#include "rootfs.h"
#include "seccomp.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

void stage_send(int sock, int msg) {
  unsigned char b = (unsigned char)msg;
  ssize_t n;
  do n = write(sock, &b, 1); while (n < 0 && errno == EINTR);
  if (n != 1) fail("stage sync", "send", n < 0 ? errno : EPIPE);
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

static void read_pid(int fd, pid_t *pid, const char *what) {
  ssize_t n;
  do n = read(fd, pid, sizeof *pid); while (n < 0 && errno == EINTR);
  if (n != sizeof *pid) fail("stage sync", what, n < 0 ? errno : EPIPE);
}

static void write_pid(int fd, pid_t pid, const char *what) {
  ssize_t n;
  do n = write(fd, &pid, sizeof pid); while (n < 0 && errno == EINTR);
  if (n != sizeof pid) fail("stage sync", what, n < 0 ? errno : EPIPE);
}

pid_t stage_recv_pid(int sock) {
  pid_t pid;
  read_pid(sock, &pid, "child pid");
  return pid;
}

static void send_pid(int sock, pid_t pid) {
  stage_send(sock, STAGE_SYNC_CHILD_PID);
  write_pid(sock, pid, "child pid");
}

static void write_self(const char *path, const char *value) {
  int err = write_file(path, value);
  if (err) fail("write", path, err);
}

/* A child of stage 0, not of us: stage 1 exits as soon as it has reported, and a parent-death
 * signal must refer to the process that stays (runc's nsexec does the same). Like fork() (no new
 * stack): only code that does not rely on glibc's cached TID runs in the child (no raise()). */
static pid_t fork_for_stage0(void) {
  return (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, NULL, NULL, 0);
}

/* Host root is not mapped in a container's user namespace: as it is, everything the setup creates
 * would fail with EOVERFLOW. Capabilities survive: the old ids were not this namespace's root. */
static void become_userns_root(const struct launch_config *cfg) {
  if (!cfg->setgroups_deny && setgroups(0, NULL) < 0) fail("setgroups", "new user namespace", errno);
  if (setresgid(0, 0, 0) < 0) fail("setresgid", "gid 0 of the new user namespace (is it mapped?)", errno);
  if (setresuid(0, 0, 0) < 0) fail("setresuid", "uid 0 of the new user namespace (is it mapped?)", errno);
}

static void set_dumpable(int on) {
  if (prctl(PR_SET_DUMPABLE, on, 0, 0, 0) < 0) fail("prctl", on ? "set dumpable" : "set non-dumpable", errno);
}

static int joins_type(const struct launch_config *cfg, uint32_t type) {
  for (size_t i = 0; i < cfg->joins.len; i++)
    if (cfg->joins.items[i].type == type) return 1;
  return 0;
}

static __attribute__((noreturn)) void stage2_run(const struct launch_config *cfg, const struct host_fds *host, pid_t host_pid);

void stage1_run(const struct launch_config *cfg, const struct host_fds *host, int sync) {
  report_set_stage("stage1");
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL); /* stage 0 blocks them all in the foreground */
  expect(sync, STAGE_SYNC_GO);
  /* Before namespaces: a new cgroup namespace is rooted where we are. With PA_CGROUP_WAIT the
   * cgroups come after the other namespaces, and stage 2 makes the cgroup namespace. */
  if (!cfg->cgroup_wait) cgroup_join_v1_self(cfg);

  namespaces_join(cfg);
  if (cfg->ns_new & CLONE_NEWUSER) {
    if (unshare(CLONE_NEWUSER) < 0) fail("unshare", "user namespace", errno);
    /* Stage 0 writes our uid/gid maps; a non-root stage 0 may only if we are dumpable (runc does
     * the same). Stage 1 is in no container's PID namespace: nothing there can reach it. */
    set_dumpable(1);
    stage_send(sync, STAGE_SYNC_USERMAP_PLS);
    expect(sync, STAGE_SYNC_USERMAP_ACK);
    set_dumpable(0);
    if (cfg->userns_root) become_userns_root(cfg);
  }
  uint32_t rest = cfg->ns_new & ~(uint32_t)CLONE_NEWUSER;
  if (cfg->cgroup_wait) rest &= ~(uint32_t)CLONE_NEWCGROUP;
  if (rest && unshare((int)rest) < 0) fail("unshare", "namespaces", errno);
  if (cfg->loopback_up && (rest & CLONE_NEWNET)) loopback_up();
  if (cfg->time_offsets) { /* a file of the host's root while we are not dumpable (see above) */
    set_dumpable(1);
    write_self("/proc/self/timens_offsets", cfg->time_offsets);
    set_dumpable(0);
  }
  if (cfg->persists.len) {
    stage_send(sync, STAGE_SYNC_PERSIST_PLS);
    expect(sync, STAGE_SYNC_PERSIST_ACK);
  }
  bool placed_v2 = false;
  if (cfg->cgroup_wait) {
    stage_send(sync, STAGE_SYNC_CGROUPS_PLS);
    expect(sync, STAGE_SYNC_CGROUPS_ACK);
    cgroup_join_v1_self(cfg);
  }
  if (cfg->no_fork) {
    send_pid(sync, getpid());
    close(sync);
    stage2_run(cfg, host, getpid());
  }
  /* Stage 2 may be in a new PID namespace: it learns its PID as the caller sees it from us
   * (the seccomp agent is told that PID). */
  int pid_pipe[2] = {-1, -1};
  if (cfg->seccomp_listener && pipe2(pid_pipe, O_CLOEXEC) < 0) fail("pipe", "stage 2 pid", errno);
  pid_t child = cfg->cgroup_wait ? cgroup_fork_into(cfg, CLONE_PARENT, &placed_v2) : fork_for_stage0();
  if (child < 0) fail("clone", "stage 2", errno);
  if (child == 0) {
    close(sync);
    pid_t host_pid = 0;
    if (pid_pipe[0] >= 0) {
      close(pid_pipe[1]);
      read_pid(pid_pipe[0], &host_pid, "own pid");
      close(pid_pipe[0]);
    }
    stage2_run(cfg, host, host_pid);
  }
  if (cfg->cgroup_wait && cfg->cgroup_v2_dir && !placed_v2) cgroup_join_v2_by_pid(cfg, child);
  if (pid_pipe[1] >= 0) {
    close(pid_pipe[0]);
    write_pid(pid_pipe[1], child, "stage 2 pid");
    close(pid_pipe[1]);
  }
  send_pid(sync, child);
  _exit(0);
}

/* Blocks until `nsbox-runtime start` opens the fifo for reading. */
static void wait_for_start(const struct host_fds *host) {
  report_line("%s", SYNC_READY);
  close(report_fd());
  report_set_fd(-1);
  int fd = open(fd_path(host->exec_fifo), O_WRONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) /* no /proc in this root */
    fd = openat(host->exec_fifo_dir, host->exec_fifo_name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) fail("open exec fifo", host->exec_fifo_name, errno);
  if (write(fd, "0", 1) != 1) fail("write exec fifo", host->exec_fifo_name, errno);
  close(fd);
  close(host->exec_fifo);
  close(host->exec_fifo_dir);
}

static int reopen_dir(const char *step, const char *path) {
  int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail(step, path, errno);
  return fd;
}

/* nsenter -r/-w, unshare -R/-w. In a new mount namespace the fds stage 0 opened still name the
 * parent namespace's mounts (a root there would put us outside our own namespace): open the
 * paths again in the new one, a copy of the old, as util-linux unshare does by calling chroot. */
static void enter_root_and_cwd(const struct launch_config *cfg, const struct host_fds *host) {
  int root = host->enter_root, cwd = host->enter_cwd;
  if (cfg->ns_new & CLONE_NEWNS) {
    if (root >= 0) root = reopen_dir("open root directory", cfg->enter_root);
    if (cwd >= 0) cwd = reopen_dir("open working directory", cfg->enter_cwd);
  }
  if (root >= 0 && (fchdir(root) < 0 || chroot(".") < 0)) fail("chroot", cfg->enter_root, errno);
  if (cwd >= 0 && fchdir(cwd) < 0) fail("chdir", cfg->enter_cwd, errno);
}

static void stage2_run(const struct launch_config *cfg, const struct host_fds *host, pid_t host_pid) {
  report_set_stage("stage2");
  /* PA_CGROUP_WAIT: only now are we in all our cgroups, where the new cgroup namespace is rooted. */
  if (cfg->cgroup_wait && (cfg->ns_new & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0) fail("unshare", "cgroup namespace", errno);
  handover_reset_signals();
  handover_pdeathsig(cfg, host->stage0_pidfd);
  if (cfg->setsid && setsid() < 0) fail("setsid", "", errno);
  /* A mount namespace of its own: a new one, or one joined by path (runc sets up the rootfs in a
   * joined one too). Never the caller's: the mounts and pivot_root would change the host. */
  int own_mounts = (cfg->ns_new & CLONE_NEWNS) || (cfg->rootfs && joins_type(cfg, CLONE_NEWNS));
  if (cfg->rootfs && !own_mounts) fail_msg("rootfs", "a rootfs needs a mount namespace of its own");
  /* util-linux unshare's order: propagation of "/", then the new root, then the mounts in it. */
  if (own_mounts) {
    rootfs_set_propagation(cfg);
    rootfs_prepare(cfg);
  }
  if (cfg->hook_sync) hooks_wait_for_parent();
  enter_root_and_cwd(cfg, host);
  rootfs_enter(cfg);
  if (cfg->terminal) console_setup(host->console);
  else if (host->console >= 0) close(host->console);
  process_apply_environment(cfg);
  rootfs_finish(cfg);
  const char *path = process_find_executable(cfg);
  seccomp_apply(cfg, 0, host->listener, host_pid);
  process_apply_identity(cfg);
  handover_pdeathsig(cfg, host->stage0_pidfd); /* a uid or capability change clears it */
  if (host->exec_fifo >= 0) wait_for_start(host);
  if (!cfg->keep_fds) handover_close_fds(PLAN_FD); /* the startContainer hooks are programs in the container too */
  hooks_run_start(cfg);
  seccomp_apply(cfg, 1, host->listener, host_pid);
  if (!cfg->keep_fds) handover_close_fds(handover_preserved_fds(cfg->preserve_fds));
  char **argv = cfg->argv.items;
  if (cfg->argv0) argv[0] = (char *)cfg->argv0; /* `path` was found from the first PA_ARG */
  execve(path, argv, cfg->env.items);
  fail("exec", path, errno);
}
