#include "stage0.h"
#include "cgroup_join.h"
#include "console.h"
#include "fileio.h"
#include "plan_ids.h"
#include "report.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int connect_unix(const char *step, const char *path) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof addr.sun_path) fail(step, path, ENAMETOOLONG);
  strcpy(addr.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail("socket", path, errno);
  int rc;
  do rc = connect(fd, (struct sockaddr *)&addr, sizeof addr); while (rc < 0 && errno == EINTR);
  if (rc < 0) fail(step, path, errno);
  return fd;
}

void stage0_open_host_side(struct launch_config *cfg, struct host_fds *h) {
  /* Non-dumpable (runc's nsexec does the same): a process in a namespace we join or create cannot
   * open our /proc/PID/fd, cwd, root or exe, which name host files until execve (CVE-2016-9962),
   * nor ptrace us. execve makes the container's program dumpable again. */
  if ((cfg->joins.len || cfg->ns_new) && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) fail("prctl", "set non-dumpable", errno);
  for (size_t i = 0; i < cfg->joins.len; i++) {
    struct ns_ref *ns = &cfg->joins.items[i];
    ns->fd = open(ns->path, O_RDONLY | O_CLOEXEC);
    if (ns->fd < 0) fail("open namespace", ns->path, errno);
  }
  h->enter_root = h->enter_cwd = h->exec_fifo = h->exec_fifo_dir = h->console = h->listener = h->stage0_pidfd = -1;
  if (cfg->enter_root && (h->enter_root = open(cfg->enter_root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
    fail("open root directory", cfg->enter_root, errno);
  if (cfg->enter_cwd && (h->enter_cwd = open(cfg->enter_cwd, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
    fail("open working directory", cfg->enter_cwd, errno);
  if (cfg->exec_fifo) {
    if (mkfifo(cfg->exec_fifo, 0622) < 0) fail("create exec fifo", cfg->exec_fifo, errno);
    /* 0622 whatever the umask: the process opens it for writing as whoever it has become by then
     * (a mapped root or another user), runc's mode. */
    if (chmod(cfg->exec_fifo, 0622) < 0) fail("chmod exec fifo", cfg->exec_fifo, errno);
    /* The fifo itself (reopened through /proc/self/fd, which needs no search right on its
     * directory: a mapped root may have none) and, for a container without /proc (chrooted, no
     * mount namespace), its directory, to reopen it by name. */
    if ((h->exec_fifo = open(cfg->exec_fifo, O_PATH | O_CLOEXEC)) < 0) fail("open exec fifo", cfg->exec_fifo, errno);
    static char dir[4096];
    snprintf(dir, sizeof dir, "%s", cfg->exec_fifo);
    char *slash = strrchr(dir, '/');
    h->exec_fifo_name = slash ? cfg->exec_fifo + (slash - dir) + 1 : cfg->exec_fifo;
    if (slash == dir) dir[1] = '\0';
    else if (slash) *slash = '\0';
    else snprintf(dir, sizeof dir, ".");
    if ((h->exec_fifo_dir = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) fail("open exec fifo directory", dir, errno);
  }
  if (cfg->console_socket) h->console = connect_unix("connect console socket", cfg->console_socket);
  /* Connected now: stage 2 sends on it from inside the container, where the path is unreachable. */
  if (cfg->seccomp_listener) h->listener = connect_unix("connect seccomp listener socket", cfg->seccomp_listener);
}

static void write_proc_file(pid_t pid, const char *name, const char *value) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/%s", pid, name);
  int err = write_file(path, value);
  if (err) fail("write", path, err);
}

static void write_id_maps(const struct launch_config *cfg, pid_t pid) {
  if (cfg->setgroups_deny) write_proc_file(pid, "setgroups", "deny");
  if (cfg->uid_map) write_proc_file(pid, "uid_map", cfg->uid_map);
  if (cfg->gid_map) write_proc_file(pid, "gid_map", cfg->gid_map);
}

static const char *ns_file_name(uint32_t type) {
  switch (type) {
  case CLONE_NEWNS: return "mnt";
  case CLONE_NEWUTS: return "uts";
  case CLONE_NEWIPC: return "ipc";
  case CLONE_NEWNET: return "net";
  case CLONE_NEWPID: return "pid_for_children";
  case CLONE_NEWUSER: return "user";
  case CLONE_NEWCGROUP: return "cgroup";
  case CLONE_NEWTIME: return "time_for_children";
  }
  return NULL;
}

static void persist_namespaces(const struct launch_config *cfg, pid_t pid, struct stage0_io *io) {
  for (size_t i = 0; i < cfg->persists.len; i++) {
    const struct ns_ref *ns = &cfg->persists.items[i];
    const char *name = ns_file_name(ns->type);
    if (!name) fail("persist namespace", ns->path, EINVAL);
    char src[64];
    snprintf(src, sizeof src, "/proc/%d/ns/%s", pid, name);
    if (mount(src, ns->path, NULL, MS_BIND, NULL) < 0) fail("bind namespace", ns->path, errno);
    io->persisted = i + 1;
  }
}

/* PA_CGROUP_WAIT: the parent's one byte on fd 3 says the cgroups exist. EOF means it gave up
 * (it could not make them, and says why itself): stage 1 goes, and so do we, quietly. */
static void wait_for_cgroups(pid_t stage1) {
  char go;
  ssize_t n;
  do n = read(PLAN_FD, &go, 1); while (n < 0 && errno == EINTR);
  if (n == 1) return;
  kill(stage1, SIGKILL);
  while (waitpid(stage1, NULL, 0) < 0 && errno == EINTR) {}
  _exit(1);
}

int stage0_exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

pid_t stage0_run(struct launch_config *cfg, struct host_fds *host, struct stage0_io *io) {
  io->relay = -1;
  io->persisted = 0;
  int relay[2] = {-1, -1};
  if (cfg->terminal && host->console < 0) {
    if (!cfg->foreground) fail_msg("terminal", "a detached terminal needs a console socket");
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, relay) < 0) fail("socketpair", "tty relay", errno);
    host->console = relay[1];
  }
  int sync[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync) < 0) fail("socketpair", "stage sync", errno);
  if (cfg->foreground) {
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) fail("prctl subreaper", "", errno);
    foreground_block_signals();
  }

  /* With PA_CGROUP_WAIT stage 1 gets no cgroup: it joins them later, and forks stage 2 into v2. */
  bool placed_v2 = false;
  pid_t stage1 = cfg->cgroup_wait ? fork() : cgroup_fork_into(cfg, 0, &placed_v2);
  if (stage1 < 0) fail("fork", "stage 1", errno);
  if (stage1 == 0) {
    if (io->in_stage1) io->in_stage1();
    close(sync[0]);
    if (relay[0] >= 0) close(relay[0]);
    stage1_run(cfg, host, sync[1]);
  }
  close(sync[1]);
  if (relay[1] >= 0) close(relay[1]);
  /* The fds to pass on are stage 2's to hand over; our copies would keep a pipe's end open. */
  for (uint32_t i = 0; i < cfg->preserve_fds; i++) close(PRESERVED_FD + (int)i);
  /* The agent learns the state is complete when the connection closes: only stage 2 keeps it. */
  if (host->listener >= 0) close(host->listener);
  if (cfg->cgroup_v2_dir && !placed_v2 && !cfg->cgroup_wait) cgroup_join_v2_by_pid(cfg, stage1);
  stage_send(sync[0], STAGE_SYNC_GO);

  pid_t child = -1;
  for (;;) {
    int msg = stage_recv(sync[0]);
    if (msg < 0) break; /* EOF: stage 1 exited or exec'd */
    if (msg == STAGE_SYNC_USERMAP_PLS) {
      write_id_maps(cfg, stage1);
      stage_send(sync[0], STAGE_SYNC_USERMAP_ACK);
    } else if (msg == STAGE_SYNC_PERSIST_PLS) {
      persist_namespaces(cfg, stage1, io);
      stage_send(sync[0], STAGE_SYNC_PERSIST_ACK);
    } else if (msg == STAGE_SYNC_CGROUPS_PLS) {
      wait_for_cgroups(stage1);
      stage_send(sync[0], STAGE_SYNC_CGROUPS_ACK);
    } else if (msg == STAGE_SYNC_CHILD_PID) {
      child = stage_recv_pid(sync[0]);
      if (io->on_child) io->on_child(child);
    } else {
      fail_msg("stage sync", "unexpected message from stage 1");
    }
  }
  close(sync[0]);
  io->relay = relay[0];
  if (child != stage1) {
    int st;
    while (waitpid(stage1, &st, 0) < 0 && errno == EINTR) {}
    if (child < 0 || stage0_exit_code(st) != 0) return -1; /* stage 1 reported why */
  }
  return child;
}
