/* Creating the container as the monitor's child, so that its init ends up ours (subreaper):
 *  - runtime_create: the OCI runtime's `create`, with runc's command line, so nsbox-runtime, runc
 *    and crun are driven the same way (also `start` and `delete`: runtime_simple);
 *  - launcher_create: the nsbox launcher itself, whose plan and sync lines the engine handles in
 *    its own process over the socket it gave us as fd 4 (the engine runs nsbox-runtime's create
 *    in-process, src/engine/runtime-inline.ts), saving a runtime process per start.
 * Either way the container's stdio are pipes we hold, or a pty master sent over the console socket. */
#include "fdpass.h"
#include "monitor.h"
#include "plan_ids.h"
#include "report.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* Keeps the last non-empty line of what a runtime printed to stderr: its error message. */
static void last_line(int fd, char *err, size_t errsize) {
  char buf[8192];
  ssize_t total = 0, n;
  while (total < (ssize_t)sizeof buf - 1 && (n = read(fd, buf + total, sizeof buf - 1 - (size_t)total)) > 0) total += n;
  buf[total] = '\0';
  while (total > 0 && (buf[total - 1] == '\n' || buf[total - 1] == '\r' || buf[total - 1] == ' ')) buf[--total] = '\0';
  char *start = strrchr(buf, '\n');
  snprintf(err, errsize, "%s", start ? start + 1 : buf);
}

static int exit_code(int st);

static int wait_child(pid_t pid) {
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return -1;
  return exit_code(st);
}

/* argv: runtime, global args, then `extra` (NULL-terminated), into `argv` (MAX_RUNTIME_ARGS + 16). */
static void runtime_argv(const struct monitor_config *cfg, const char **extra, const char **argv) {
  int n = 0;
  argv[n++] = cfg->runtime;
  for (int i = 0; i < cfg->n_runtime_args; i++) argv[n++] = cfg->runtime_args[i];
  for (int i = 0; extra[i] && n < MAX_RUNTIME_ARGS + 15; i++) argv[n++] = extra[i];
  argv[n] = NULL;
}

/* Forks and execs argv with in/out/err as its stdio and, when sync >= 0, sync as its fd 3. */
static pid_t spawn(const char **argv, int in, int out, int err, int sync) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, NULL);
  signal(SIGPIPE, SIG_DFL);
  if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(127);
  if (sync >= 0 && dup2(sync, 3) < 0) _exit(127);
  execvp(argv[0], (char **)argv);
  dprintf(2, "nsbox-monitor: exec %s: %s\n", argv[0], strerror(errno));
  _exit(127);
}

static int null_fd(void) {
  static int fd = -1;
  if (fd < 0) fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  return fd;
}

/* The pty master comes over the console socket while the container is created (runc's protocol). */
static int console_listen(const char *path) {
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof addr.sun_path) return errno = ENAMETOOLONG, -1;
  memcpy(addr.sun_path, path, strlen(path) + 1);
  unlink(path);
  if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(s, 1) < 0) return -1;
  return s;
}

static void accept_console(const struct monitor_config *cfg, int lsock, struct container_io *io) {
  int c = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
  if (c < 0) return;
  io->out = recv_fd(c);
  close(c);
  if (io->out >= 0 && cfg->rows && cfg->cols) {
    struct winsize ws = {.ws_row = cfg->rows, .ws_col = cfg->cols};
    ioctl(io->out, TIOCSWINSZ, &ws);
  }
}

/* What a create in progress holds: the console socket, the pipe its errors come on. */
struct creating {
  int lsock, errpipe;
};

/* The container's stdio: pipes, or for a terminal /dev/null and the console socket the pty
 * master will come over. Fills io->child_* (the ends the creating process gets). */
static int open_stdio(const struct monitor_config *cfg, struct container_io *io, struct creating *c, char *err, size_t errsize) {
  c->lsock = c->errpipe = -1;
  io->in = io->out = io->err = -1;
  if (cfg->terminal) {
    if ((c->lsock = console_listen(cfg->console_socket)) < 0)
      return snprintf(err, errsize, "console socket %s: %s", cfg->console_socket, strerror(errno)), -1;
    int errpipe[2];
    if (pipe2(errpipe, O_CLOEXEC) < 0) return snprintf(err, errsize, "pipe: %s", strerror(errno)), -1;
    io->child_in = io->child_out = null_fd();
    io->child_err = errpipe[1];
    c->errpipe = errpipe[0];
    return 0;
  }
  int p_in[2] = {-1, -1}, p_out[2], p_err[2];
  if ((cfg->open_stdin && pipe2(p_in, O_CLOEXEC) < 0) || pipe2(p_out, O_CLOEXEC) < 0 || pipe2(p_err, O_CLOEXEC) < 0)
    return snprintf(err, errsize, "pipe: %s", strerror(errno)), -1;
  io->in = p_in[1];
  io->child_in = cfg->open_stdin ? p_in[0] : null_fd();
  io->out = p_out[0], io->child_out = p_out[1];
  io->err = p_err[0], io->child_err = p_err[1];
  c->errpipe = p_err[0];
  return 0;
}

/* Starts the creating process with the container's stdio; our copies of its ends go. */
static pid_t spawn_creator(struct container_io *io, const char **argv, int sync) {
  pid_t child = spawn(argv, io->child_in, io->child_out, io->child_err, sync);
  if (io->child_in != null_fd()) close(io->child_in);
  if (io->child_out != null_fd()) close(io->child_out);
  close(io->child_err);
  return child;
}

/* The creation is over: on failure the creator's last stderr line becomes the error. */
static int finish_create(const struct monitor_config *cfg, struct container_io *io, struct creating *c, const char *what,
                         int code, char *err, size_t errsize) {
  if (c->lsock >= 0) {
    close(c->lsock);
    unlink(cfg->console_socket);
    io->in = io->out;
  }
  fcntl(c->errpipe, F_SETFL, O_NONBLOCK);
  int rc = 0;
  if (code != 0 || (cfg->terminal && io->out < 0)) {
    if (!err[0]) last_line(c->errpipe, err, errsize);
    if (!err[0]) snprintf(err, errsize, code ? "%s exited with status %d" : "%s sent no terminal", what, code);
    rc = -1;
  }
  if (cfg->terminal) close(c->errpipe);
  if (rc == 0 && io->out >= 0) fcntl(io->out, F_SETFL, O_NONBLOCK);
  if (rc == 0 && io->err >= 0) fcntl(io->err, F_SETFL, O_NONBLOCK);
  return rc;
}

static int exit_code(int st) {
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int runtime_create(const struct monitor_config *cfg, struct container_io *io, char *err, size_t errsize) {
  char pidfile[4096];
  snprintf(pidfile, sizeof pidfile, "%s/pid", cfg->dir);
  unlink(pidfile);
  struct creating c;
  if (open_stdio(cfg, io, &c, err, errsize) < 0) return -1;
  const char *extra[12] = {"create", "--bundle", cfg->bundle, "--pid-file", pidfile};
  int n = 5;
  if (cfg->terminal) extra[n++] = "--console-socket", extra[n++] = cfg->console_socket;
  extra[n++] = cfg->id;
  extra[n] = NULL;
  const char *argv[MAX_RUNTIME_ARGS + 16];
  runtime_argv(cfg, extra, argv);
  pid_t child = spawn_creator(io, argv, -1);
  if (child < 0) return snprintf(err, errsize, "fork: %s", strerror(errno)), -1;
  /* Accept the console connection while create runs; it may also fail before connecting. */
  int code = -1;
  for (;;) {
    struct pollfd p = {.fd = c.lsock, .events = POLLIN};
    if (c.lsock >= 0 && poll(&p, 1, 50) > 0) accept_console(cfg, c.lsock, io);
    int st;
    pid_t w = waitpid(child, &st, c.lsock >= 0 ? WNOHANG : 0);
    if (w == child) {
      code = exit_code(st);
      break;
    }
    if (w < 0 && errno != EINTR) break;
  }
  char what[64];
  snprintf(what, sizeof what, "%.50s create", cfg->runtime);
  if (finish_create(cfg, io, &c, what, code, err, errsize) < 0) return -1;
  char buf[32] = {0};
  int fd = open(pidfile, O_RDONLY | O_CLOEXEC);
  ssize_t r = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
  if (fd >= 0) close(fd);
  int pid = r > 0 ? atoi(buf) : 0;
  if (pid <= 0) return snprintf(err, errsize, "%s create wrote no pid to %s", cfg->runtime, pidfile), -1;
  return pid;
}

/* One "\n"-terminated line from the engine (fd 3); false at EOF. */
static bool engine_line(char *buf, size_t size) {
  size_t n = 0;
  for (;;) {
    char ch;
    ssize_t r = read(PLAN_FD, &ch, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    if (ch == '\n' || n + 1 >= size) break;
    buf[n++] = ch;
  }
  buf[n] = '\0';
  return true;
}

int launcher_create(const struct monitor_config *cfg, struct container_io *io, char *err, size_t errsize) {
  struct creating c;
  if (open_stdio(cfg, io, &c, err, errsize) < 0) return -1;
  const char *argv[] = {cfg->launcher, NULL};
  pid_t child = spawn_creator(io, argv, LAUNCHER_FD);
  /* The engine and the launcher's processes must be the only holders: EOF tells it they are gone. */
  close(LAUNCHER_FD);
  if (child < 0) return snprintf(err, errsize, "fork: %s", strerror(errno)), -1;
  /* The engine follows the launcher on the socket it gave us and tells us the container's PID;
   * meanwhile the pty master arrives (before the launcher's "ready"), or the launcher fails. */
  int pid = 0, code = 0;
  bool launcher_done = false;
  while (!pid) {
    struct pollfd p[2] = {{.fd = PLAN_FD, .events = POLLIN}, {.fd = c.lsock, .events = POLLIN}};
    int ready = poll(p, c.lsock >= 0 ? 2 : 1, launcher_done ? -1 : 50);
    if (ready < 0 && errno != EINTR) return snprintf(err, errsize, "poll: %s", strerror(errno)), -1;
    if (ready > 0 && (p[1].revents & POLLIN)) accept_console(cfg, c.lsock, io);
    if (ready > 0 && p[0].revents) {
      char line[64];
      if (!engine_line(line, sizeof line) || sscanf(line, "pid %d", &pid) != 1 || pid <= 0) {
        snprintf(err, errsize, "the engine went away before the container's PID");
        finish_create(cfg, io, &c, cfg->launcher, 1, err, errsize);
        return -2;
      }
    }
    int st;
    if (!launcher_done && waitpid(child, &st, WNOHANG) == child) {
      /* The engine waits for this after a failure, whichever stage failed (stage 2 fails after
       * stage 0 exited 0), so that nothing of the launcher is left when it cleans up. */
      launcher_done = true;
      report_line("launcher %d", code = exit_code(st));
      if (code != 0) break; /* it told the engine why */
    }
  }
  if (finish_create(cfg, io, &c, cfg->launcher, code, err, errsize) < 0) return -1;
  return pid;
}

int runtime_simple(const struct monitor_config *cfg, const char *verb, const char *arg, char *err, size_t errsize) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) return snprintf(err, errsize, "pipe: %s", strerror(errno)), -1;
  const char *extra[] = {verb, arg ? arg : cfg->id, arg ? cfg->id : NULL, NULL};
  const char *argv[MAX_RUNTIME_ARGS + 16];
  runtime_argv(cfg, extra, argv);
  pid_t child = spawn(argv, null_fd(), null_fd(), p[1], -1);
  close(p[1]);
  if (child < 0) {
    close(p[0]);
    return snprintf(err, errsize, "fork: %s", strerror(errno)), -1;
  }
  int code = wait_child(child);
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  if (code != 0) {
    last_line(p[0], err, errsize);
    if (!err[0]) snprintf(err, errsize, "%s %s exited with status %d", cfg->runtime, verb, code);
  }
  close(p[0]);
  return code;
}

/* "oom_kill N" from cgroup v2 memory.events or v1 memory.oom_control; 0 when unreadable. */
int read_oom_kills(const char *path) {
  if (!path) return 0;
  char buf[1024];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  char *p = strstr(buf, "oom_kill ");
  return p ? atoi(p + 9) : 0;
}
