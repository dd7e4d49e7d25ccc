#include "console.h"
#include "fdpass.h"
#include "report.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

void console_setup(int sock) {
  int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) fail("open pty master", "/dev/ptmx", errno);
  int unlock = 0;
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0) fail("unlock pty", "/dev/ptmx", errno);
  int peer = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
  if (peer < 0) fail("open pty peer", "/dev/ptmx", errno);
  if (send_fd(sock, master) < 0) fail("send pty master", "console socket", errno);
  close(master);
  close(sock);
  for (int i = 0; i < 3; i++)
    if (dup2(peer, i) < 0) fail("dup pty", "stdio", errno);
  if (peer > 2) close(peer);
  if (ioctl(0, TIOCSCTTY, 0) < 0) fail("set controlling terminal", "pty", errno);
}

static struct termios saved_tty;
static int tty_raw = 0;

static void restore_tty(void) {
  if (tty_raw) tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
}

static void copy_winsize(int master) {
  struct winsize ws;
  if (master >= 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) ioctl(master, TIOCSWINSZ, &ws);
}

/* Returns 0 at EOF or error (the direction is then closed). */
static int pump(int from, int to) {
  char buf[16384];
  ssize_t n = read(from, buf, sizeof buf);
  if (n <= 0) return 0;
  for (ssize_t off = 0; off < n;) {
    ssize_t w = write(to, buf + off, (size_t)(n - off));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return 0;
    off += w;
  }
  return 1;
}

/* Reaps every exited child (stage 1, orphans handed to us as subreaper); 1 once `child` is done. */
static int reap(pid_t child, int *status) {
  int st, done = 0;
  pid_t r;
  while ((r = waitpid(-1, &st, WNOHANG)) > 0)
    if (r == child) *status = st, done = 1;
  return done;
}

void foreground_block_signals(void) {
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, NULL);
}

int foreground_wait(pid_t child, int master_sock) {
  sigset_t all;
  sigfillset(&all);
  int sfd = signalfd(-1, &all, SFD_CLOEXEC);
  if (sfd < 0) fail("signalfd", "", errno);

  int master = -1;
  if (master_sock >= 0) {
    master = recv_fd(master_sock);
    close(master_sock);
    if (master >= 0 && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_tty) == 0) {
      struct termios raw = saved_tty;
      cfmakeraw(&raw);
      if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0) tty_raw = 1;
      atexit(restore_tty);
    }
    copy_winsize(master);
  }
  int stdin_open = master >= 0, status = 0, exited = reap(child, &status);
  while (!exited || master >= 0) {
    struct pollfd p[3] = {{sfd, POLLIN, 0}, {master, POLLIN, 0}, {stdin_open ? STDIN_FILENO : -1, POLLIN, 0}};
    if (exited) p[0].fd = -1;
    int n = poll(p, 3, exited ? 100 : -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("poll", "", errno);
    if (n == 0 && exited) break; /* child gone and its output drained */
    if (p[1].revents && !pump(master, STDOUT_FILENO)) {
      close(master);
      master = -1;
    }
    if (p[2].revents && master >= 0 && !pump(STDIN_FILENO, master)) stdin_open = 0;
    if (p[0].revents) {
      struct signalfd_siginfo si;
      if (read(sfd, &si, sizeof si) != sizeof si) continue;
      if (si.ssi_signo == SIGCHLD) {
        exited |= reap(child, &status);
      } else if (si.ssi_signo == SIGWINCH && master >= 0) {
        copy_winsize(master);
      } else {
        kill(child, (int)si.ssi_signo);
      }
    }
  }
  restore_tty();
  return status;
}
