/* Two shortcuts that save a process each per container start (see monitor.h):
 *  - start_by_fifo: what `nsbox-runtime start` does (open and read the exec fifo the container's
 *    init is blocked on, then remove it), done here;
 *  - loopback_up: `ip link set lo up` inside the container's network namespace, from a forked
 *    child that joins it (the monitor itself never changes namespace). */
#include "monitor.h"
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

int start_by_fifo(const char *fifo, int pid, char *err, size_t errsize) {
  int fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return snprintf(err, errsize, "open %s: %s", fifo, strerror(errno)), -1;
  char byte;
  for (bool exited = false;;) {
    ssize_t n = read(fd, &byte, 1);
    if (n == 1) break;
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      snprintf(err, errsize, "read %s: %s", fifo, strerror(errno));
      close(fd);
      return -1;
    }
    /* Gone, and the fifo (read again after it went) holds no byte: it died before `start`. */
    if (exited) {
      snprintf(err, errsize, "the container's process exited before start");
      close(fd);
      return -1;
    }
    /* Not written yet: wait, but notice an init that dies. A quick one (`true`) may write its byte,
     * exec and exit between our poll and this check: so the fifo is read once more before giving
     * up, and the init is not reaped here (WNOWAIT: serve_container collects its exit status). */
    struct pollfd p = {.fd = fd, .events = POLLIN};
    poll(&p, 1, 20);
    siginfo_t si = {0};
    exited = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid;
  }
  close(fd);
  unlink(fifo);
  return 0;
}

int loopback_up(int pid, char *err, size_t errsize) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/ns/net", pid);
  pid_t child = fork();
  if (child < 0) return snprintf(err, errsize, "fork: %s", strerror(errno)), -1;
  if (child == 0) {
    int ns = open(path, O_RDONLY | O_CLOEXEC);
    if (ns < 0 || setns(ns, CLONE_NEWNET) < 0) _exit(1);
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, "lo", 3);
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0) _exit(2);
    ifr.ifr_flags |= IFF_UP;
    _exit(ioctl(s, SIOCSIFFLAGS, &ifr) < 0 ? 3 : 0);
  }
  int st;
  while (waitpid(child, &st, 0) < 0 && errno == EINTR) {}
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return 0;
  return snprintf(err, errsize, "bring up lo in %s: step %d failed", path, WIFEXITED(st) ? WEXITSTATUS(st) : -1), -1;
}
