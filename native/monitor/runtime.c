/* Running the OCI runtime's commands (create, start, delete) as the monitor's children, with
 * runc's command line, so nsbox-runtime, runc and crun are driven the same way. The container's
 * init is forked by `create`; when that command exits the init is reparented to us (subreaper). */
#include "fdpass.h"
#include "monitor.h"
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

static int wait_child(pid_t pid) {
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* argv: runtime, global args, then `extra` (NULL-terminated). */
static pid_t spawn(const struct monitor_config *cfg, const char **extra, int in, int out, int err) {
  const char *argv[MAX_RUNTIME_ARGS + 16];
  int n = 0;
  argv[n++] = cfg->runtime;
  for (int i = 0; i < cfg->n_runtime_args; i++) argv[n++] = cfg->runtime_args[i];
  for (int i = 0; extra[i] && n < (int)(sizeof argv / sizeof *argv) - 1; i++) argv[n++] = extra[i];
  argv[n] = NULL;
  pid_t pid = fork();
  if (pid != 0) return pid;
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, NULL);
  signal(SIGPIPE, SIG_DFL);
  if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(127);
  execvp(argv[0], (char **)argv);
  dprintf(2, "nsbox-monitor: exec %s: %s\n", argv[0], strerror(errno));
  _exit(127);
}

static int null_fd(void) {
  static int fd = -1;
  if (fd < 0) fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  return fd;
}


/* The pty master comes over the console socket while `create` runs (runc's protocol). */
static int console_listen(const char *path) {
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof addr.sun_path) return errno = ENAMETOOLONG, -1;
  memcpy(addr.sun_path, path, strlen(path) + 1);
  unlink(path);
  if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(s, 1) < 0) return -1;
  return s;
}

int runtime_create(const struct monitor_config *cfg, struct container_io *io, char *err, size_t errsize) {
  char pidfile[4096], console[256];
  snprintf(pidfile, sizeof pidfile, "%s/pid", cfg->dir);
  unlink(pidfile);
  int errpipe[2] = {-1, -1}, lsock = -1;
  const char *extra[12] = {"create", "--bundle", cfg->bundle, "--pid-file", pidfile};
  int n = 5;
  io->in = io->out = io->err = -1;
  if (cfg->terminal) {
    snprintf(console, sizeof console, "%s.con", cfg->socket_path);
    if ((lsock = console_listen(console)) < 0) return snprintf(err, errsize, "console socket %s: %s", console, strerror(errno)), -1;
    extra[n++] = "--console-socket";
    extra[n++] = console;
    if (pipe2(errpipe, O_CLOEXEC) < 0) return snprintf(err, errsize, "pipe: %s", strerror(errno)), -1;
    io->child_in = io->child_out = null_fd();
    io->child_err = errpipe[1];
  } else {
    int p_in[2] = {-1, -1}, p_out[2], p_err[2];
    if ((cfg->open_stdin && pipe2(p_in, O_CLOEXEC) < 0) || pipe2(p_out, O_CLOEXEC) < 0 || pipe2(p_err, O_CLOEXEC) < 0)
      return snprintf(err, errsize, "pipe: %s", strerror(errno)), -1;
    io->in = p_in[1];
    io->child_in = cfg->open_stdin ? p_in[0] : null_fd();
    io->out = p_out[0], io->child_out = p_out[1];
    io->err = p_err[0], io->child_err = p_err[1];
    errpipe[0] = p_err[0];
  }
  extra[n++] = cfg->id;
  extra[n] = NULL;
  pid_t child = spawn(cfg, extra, io->child_in, io->child_out, io->child_err);
  if (io->child_in != null_fd()) close(io->child_in);
  if (io->child_out != null_fd()) close(io->child_out);
  close(io->child_err);
  if (child < 0) return snprintf(err, errsize, "fork: %s", strerror(errno)), -1;
  int code = -1;
  if (lsock >= 0) {
    /* Accept the console connection while create runs; it may also fail before connecting. */
    for (;;) {
      struct pollfd p = {.fd = lsock, .events = POLLIN};
      if (poll(&p, 1, 50) > 0) {
        int c = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
        if (c >= 0) {
          io->out = recv_fd(c);
          close(c);
          if (io->out >= 0 && cfg->rows && cfg->cols) {
            struct winsize ws = {.ws_row = cfg->rows, .ws_col = cfg->cols};
            ioctl(io->out, TIOCSWINSZ, &ws);
          }
        }
      }
      int st;
      pid_t w = waitpid(child, &st, WNOHANG);
      if (w == child) {
        code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        break;
      }
    }
    close(lsock);
    unlink(console);
    io->in = io->out;
  } else {
    code = wait_child(child);
  }
  fcntl(errpipe[0], F_SETFL, O_NONBLOCK);
  if (code != 0 || (cfg->terminal && io->out < 0)) {
    last_line(errpipe[0], err, errsize);
    if (!err[0]) snprintf(err, errsize, code ? "%s create exited with status %d" : "%s create sent no terminal", cfg->runtime, code);
    if (cfg->terminal) close(errpipe[0]);
    return -1;
  }
  if (cfg->terminal) close(errpipe[0]);
  char buf[32] = {0};
  int fd = open(pidfile, O_RDONLY | O_CLOEXEC);
  ssize_t r = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
  if (fd >= 0) close(fd);
  int pid = r > 0 ? atoi(buf) : 0;
  if (pid <= 0) return snprintf(err, errsize, "%s create wrote no pid to %s", cfg->runtime, pidfile), -1;
  if (io->out >= 0) fcntl(io->out, F_SETFL, O_NONBLOCK);
  if (io->err >= 0) fcntl(io->err, F_SETFL, O_NONBLOCK);
  return pid;
}

int runtime_simple(const struct monitor_config *cfg, const char *verb, const char *arg, char *err, size_t errsize) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) return snprintf(err, errsize, "pipe: %s", strerror(errno)), -1;
  const char *extra[] = {verb, arg ? arg : cfg->id, arg ? cfg->id : NULL, NULL};
  pid_t child = spawn(cfg, extra, null_fd(), null_fd(), p[1]);
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
