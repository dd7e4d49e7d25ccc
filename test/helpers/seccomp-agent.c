/* A minimal seccomp agent for launcher tests (OCI runtime-spec "listenerPath"): listens on a unix
 * socket, accepts one connection, takes the listener fd (SCM_RIGHTS) and the container process
 * state that come with it, prints the state on one line, then answers every notification with
 * success (return value 0) and prints "notify NR PID" for each, until the filter has no users.
 * Usage: seccomp-agent SOCKET_PATH */
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what) {
  fprintf(stderr, "seccomp-agent: %s: %s\n", what, strerror(errno));
  exit(1);
}

int main(int argc, char **argv) {
  if (argc != 2) return fprintf(stderr, "usage: seccomp-agent SOCKET\n"), 2;
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s", argv[1]);
  int srv = socket(AF_UNIX, SOCK_STREAM, 0);
  if (srv < 0 || bind(srv, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(srv, 1) < 0) die("listen");
  printf("listening\n");
  fflush(stdout);
  int conn = accept(srv, NULL, NULL);
  if (conn < 0) die("accept");

  static char state[1 << 20];
  char ctrl[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {.iov_base = state, .iov_len = sizeof state - 1};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctrl, .msg_controllen = sizeof ctrl};
  ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
  if (n <= 0) die("recvmsg");
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_type != SCM_RIGHTS) return fprintf(stderr, "seccomp-agent: no fd with the state\n"), 1;
  int listener;
  memcpy(&listener, CMSG_DATA(c), sizeof listener);
  size_t len = (size_t)n;
  while ((n = read(conn, state + len, sizeof state - 1 - len)) > 0) len += (size_t)n; /* until EOF */
  if (n < 0) die("read state");
  state[len] = '\0';
  printf("state %s\n", state);
  fflush(stdout);
  close(conn);

  for (;;) {
    struct pollfd p = {.fd = listener, .events = POLLIN};
    if (poll(&p, 1, -1) < 0) die("poll");
    if (p.revents & POLLHUP) break; /* every process using the filter is gone */
    struct seccomp_notif req;
    struct seccomp_notif_resp resp;
    memset(&req, 0, sizeof req);
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
      if (errno == EINTR || errno == ENOENT) continue;
      die("NOTIF_RECV");
    }
    printf("notify %d %d\n", req.data.nr, req.pid);
    fflush(stdout);
    memset(&resp, 0, sizeof resp);
    resp.id = req.id; /* error 0, val 0: the syscall "succeeds" without running */
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT) die("NOTIF_SEND");
  }
  printf("done\n");
  return 0;
}
