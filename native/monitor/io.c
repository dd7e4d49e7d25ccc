/* The monitor's event loop while a container runs: its output goes to the log and to every
 * attached client; clients' bytes go to its stdin; resize requests arrive on the ctl fifo;
 * SIGCHLD (signalfd) reaps the init and any orphan reparented to us.
 *
 * Attach protocol (unix stream socket): the client sends raw stdin bytes and may half-close
 * (shutdown SHUT_WR), which closes the container's stdin when it was started with stdin-once.
 * The monitor sends output raw for a terminal, else in docker's multiplexed frames
 * [stream 1|2][0 0 0][size u32 BE][payload], and closes the connection once the init has exited
 * and its output is drained. */
#include "monitor.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define MAX_CLIENTS 16

struct client {
  int fd;
  bool reading; /* false after the client half-closed */
  bool dead;    /* a send failed or timed out: dropped at the next turn of the loop */
};
static struct client clients[MAX_CLIENTS];
static int n_clients;

int attach_listen(const char *path) {
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof addr.sun_path) return errno = ENAMETOOLONG, -1;
  memcpy(addr.sun_path, path, strlen(path) + 1);
  unlink(path);
  if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(s, 16) < 0) return -1;
  return s;
}

/* Takes every queued connection: a client that connected before `start` must see all output. */
static void accept_pending(int listen_fd) {
  for (;;) {
    int c = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) return;
    if (n_clients >= MAX_CLIENTS) {
      close(c);
      continue;
    }
    /* A client that stops reading must not stall the container's output and log: give up on it
     * after 5 s of a full socket buffer. */
    struct timeval tv = {.tv_sec = 5};
    setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    clients[n_clients++] = (struct client){c, true, false};
  }
}

static void drop_client(int i) {
  close(clients[i].fd);
  clients[i] = clients[--n_clients];
}

static bool write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t w = send(fd, buf, len, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    buf += w;
    len -= (size_t)w;
  }
  return true;
}

static void broadcast(bool framed, int stream, const char *data, size_t len) {
  unsigned char hdr[8] = {(unsigned char)stream, 0, 0, 0,
                          (unsigned char)(len >> 24), (unsigned char)(len >> 16), (unsigned char)(len >> 8), (unsigned char)len};
  for (int i = 0; i < n_clients; i++) {
    if (clients[i].dead) continue;
    if ((framed && !write_all(clients[i].fd, (const char *)hdr, sizeof hdr)) || !write_all(clients[i].fd, data, len))
      clients[i].dead = true;
  }
}

/* Reads what is available on one output fd; returns false at EOF (or EIO from a pty). */
static bool pump(const struct monitor_config *cfg, int fd, int stream) {
  char buf[8192];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return true;
    if (n <= 0) return false;
    log_write(stream == 2 ? "stderr" : "stdout", buf, (size_t)n);
    broadcast(!cfg->terminal, stream, buf, (size_t)n);
  }
}

static void handle_ctl(const struct monitor_config *cfg, int ctl_fd, int pty) {
  char buf[256];
  ssize_t n = read(ctl_fd, buf, sizeof buf - 1);
  if (n <= 0) return;
  buf[n] = '\0';
  for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
    unsigned short h, w;
    if (cfg->terminal && pty >= 0 && sscanf(line, "resize %hu %hu", &h, &w) == 2) {
      struct winsize ws = {.ws_row = h, .ws_col = w};
      ioctl(pty, TIOCSWINSZ, &ws);
    }
  }
}

static void handle_client_input(const struct monitor_config *cfg, struct container_io *io, int i) {
  char buf[8192];
  ssize_t n = read(clients[i].fd, buf, sizeof buf);
  if (n < 0 && errno == EINTR) return;
  if (n > 0) {
    if (io->in >= 0) {
      for (ssize_t off = 0; off < n;) {
        ssize_t w = write(io->in, buf + off, (size_t)(n - off));
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) break;
        off += w;
      }
    }
    return;
  }
  clients[i].reading = false;
  /* Half-close: the end of this client's stdin. Pipes close; a pty is left alone (a detach). */
  if (n == 0 && cfg->stdin_once && !cfg->terminal && io->in >= 0) {
    close(io->in);
    io->in = -1;
  }
  if (n < 0) drop_client(i);
}

int serve_container(const struct monitor_config *cfg, struct container_io *io, int listen_fd, int sigfd, int ctl_fd, int pid) {
  int status = 0;
  bool exited = false;
  const int pty = cfg->terminal ? io->out : -1;
  for (;;) {
    accept_pending(listen_fd);
    /* Reap first: the init may be gone already (a fast `true`), before any SIGCHLD is read. */
    int st;
    pid_t w;
    while ((w = waitpid(-1, &st, WNOHANG)) > 0)
      if (w == pid) exited = true, status = st;
    if (exited) break;
    struct pollfd p[5 + MAX_CLIENTS];
    int n = 0;
    p[n++] = (struct pollfd){.fd = listen_fd, .events = POLLIN};
    p[n++] = (struct pollfd){.fd = sigfd, .events = POLLIN};
    p[n++] = (struct pollfd){.fd = ctl_fd, .events = POLLIN};
    p[n++] = (struct pollfd){.fd = io->out, .events = POLLIN};
    p[n++] = (struct pollfd){.fd = io->err, .events = POLLIN};
    /* Gone clients go; half-closed ones are polled for nothing but the hang-up of a full close. */
    for (int i = n_clients - 1; i >= 0; i--)
      if (clients[i].dead) drop_client(i);
    for (int i = 0; i < n_clients; i++) p[n++] = (struct pollfd){.fd = clients[i].fd, .events = clients[i].reading ? POLLIN : 0};
    if (poll(p, (nfds_t)n, -1) < 0) continue;
    if (p[0].revents & POLLIN) accept_pending(listen_fd);
    if (p[1].revents & POLLIN) {
      struct signalfd_siginfo si;
      if (read(sigfd, &si, sizeof si) == sizeof si && si.ssi_signo != SIGCHLD) kill(pid, (int)si.ssi_signo);
    }
    if (p[2].revents & POLLIN) handle_ctl(cfg, ctl_fd, pty);
    if (p[3].revents && !pump(cfg, io->out, 1)) {
      if (io->out != io->in) close(io->out);
      io->out = -1;
    }
    if (p[4].revents && !pump(cfg, io->err, 2)) close(io->err), io->err = -1;
    for (int i = n_clients - 1; i >= 0; i--) {
      if (!p[5 + i].revents) continue;
      if (clients[i].reading) handle_client_input(cfg, io, i);
      else if (p[5 + i].revents & (POLLHUP | POLLERR)) drop_client(i);
    }
  }
  /* Drain what the init left; a process outside its PID namespace may keep the pipe open, so
   * stop at the first empty read instead of waiting for EOF. */
  if (io->out >= 0) pump(cfg, io->out, 1);
  if (io->err >= 0) pump(cfg, io->err, 2);
  return status;
}

void close_clients(void) {
  while (n_clients > 0) drop_client(n_clients - 1);
}
