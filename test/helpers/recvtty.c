/* A console-socket receiver for the tests, like runc's recvtty: listens on a unix socket,
 * receives one pty master over SCM_RIGHTS (Bun cannot receive fds), writes INPUT to it, then
 * copies everything the container prints to stdout until the pty's last user closes it (EIO).
 * Usage: recvtty SOCKET INPUT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what) {
  fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
  exit(1);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: recvtty SOCKET INPUT\n");
    return 2;
  }
  alarm(20); /* a hung container must not hang the test run */
  int lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (lsock < 0) die("socket");
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(argv[1]) >= sizeof addr.sun_path) {
    fprintf(stderr, "recvtty: socket path too long\n");
    return 1;
  }
  strcpy(addr.sun_path, argv[1]);
  /* Bind under a temporary name and rename it, so the path appears only once we listen. */
  char tmp[sizeof addr.sun_path + 8];
  snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
  struct sockaddr_un tmpaddr = {.sun_family = AF_UNIX};
  if (strlen(tmp) >= sizeof tmpaddr.sun_path) die("socket path too long");
  strcpy(tmpaddr.sun_path, tmp);
  unlink(tmp);
  if (bind(lsock, (struct sockaddr *)&tmpaddr, sizeof tmpaddr) < 0) die("bind");
  if (listen(lsock, 1) < 0) die("listen");
  if (rename(tmp, argv[1]) < 0) die("rename");

  int conn = accept(lsock, NULL, NULL);
  if (conn < 0) die("accept");
  char byte, ctrl[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctrl, .msg_controllen = sizeof ctrl};
  if (recvmsg(conn, &msg, 0) <= 0) die("recvmsg");
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
    fprintf(stderr, "recvtty: no fd in the message\n");
    return 1;
  }
  int master;
  memcpy(&master, CMSG_DATA(c), sizeof master);
  close(conn);
  close(lsock);
  unlink(argv[1]);

  size_t len = strlen(argv[2]);
  if (len && write(master, argv[2], len) != (ssize_t)len) die("write pty");
  char buf[4096];
  for (;;) {
    ssize_t n = read(master, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break; /* EIO: the container side is closed */
    fwrite(buf, 1, (size_t)n, stdout);
    fflush(stdout);
  }
  return 0;
}
