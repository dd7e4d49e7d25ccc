#include "seccomp.h"
#include "report.h"
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The container process state: the pieces with the PID between them (see PA_SECCOMP_LISTENER_DATA). */
static char *listener_payload(const struct launch_config *cfg, pid_t host_pid, size_t *len) {
  char pid[16];
  int pid_len = snprintf(pid, sizeof pid, "%d", (int)host_pid);
  size_t total = 0;
  for (size_t i = 0; i < cfg->listener_data.len; i++) total += cfg->listener_data.items[i].len + (size_t)pid_len;
  char *buf = malloc(total + 1);
  if (!buf) fail("seccomp listener payload", "out of memory", ENOMEM);
  size_t off = 0;
  for (size_t i = 0; i < cfg->listener_data.len; i++) {
    if (i > 0) memcpy(buf + off, pid, (size_t)pid_len), off += (size_t)pid_len;
    memcpy(buf + off, cfg->listener_data.items[i].data, cfg->listener_data.items[i].len);
    off += cfg->listener_data.items[i].len;
  }
  *len = off;
  return buf;
}

/* One connection, one state: the fd rides on the first sendmsg, the rest of the payload follows
 * (the spec allows several sendmsg calls, with the fds in the first only). */
static void send_listener(const char *path, int sock, int listener, const char *payload, size_t len) {
  char ctrl[CMSG_SPACE(sizeof(int))];
  memset(ctrl, 0, sizeof ctrl);
  struct iovec iov = {.iov_base = (void *)payload, .iov_len = len};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctrl, .msg_controllen = sizeof ctrl};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &listener, sizeof(int));
  ssize_t n;
  do n = sendmsg(sock, &msg, MSG_NOSIGNAL); while (n < 0 && errno == EINTR);
  if (n <= 0) fail("send seccomp listener", path, n < 0 ? errno : EPIPE);
  /* sendmsg only: the filter is live, and a profile must be able to tell which syscalls we make
   * before the agent holds the listener (notifying on them would wait forever). */
  msg.msg_control = NULL;
  msg.msg_controllen = 0;
  for (size_t off = (size_t)n; off < len; off += (size_t)n) {
    iov.iov_base = (void *)(payload + off);
    iov.iov_len = len - off;
    do n = sendmsg(sock, &msg, MSG_NOSIGNAL); while (n < 0 && errno == EINTR);
    if (n <= 0) fail("send seccomp listener", path, n < 0 ? errno : EPIPE);
  }
  if (close(sock) < 0) fail("close seccomp listener socket", path, errno);
  close(listener);
}

void seccomp_apply(const struct launch_config *cfg, int late, int listener_sock, pid_t host_pid) {
  /* no_new_privs makes seccomp installable without CAP_SYS_ADMIN, so it can wait until last;
   * without it the filter must go in while we still have the capability. */
  if (late != cfg->no_new_privs) return;
  if (late && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail("prctl no_new_privs", "", errno);
  if (!cfg->seccomp) return;
  /* Built before the filter exists: from then on every syscall we make goes through it, and a
   * notifying one would wait for an agent that has no listener yet. */
  size_t payload_len = 0;
  char *payload = cfg->seccomp_listener ? listener_payload(cfg, host_pid, &payload_len) : NULL;
  struct sock_fprog prog = {.len = (unsigned short)(cfg->seccomp_len / sizeof(struct sock_filter)),
                            .filter = (struct sock_filter *)cfg->seccomp};
  long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, cfg->seccomp_flags, &prog);
  if (rc < 0) fail("seccomp", "", errno);
  if (cfg->seccomp_listener) send_listener(cfg->seccomp_listener, listener_sock, (int)rc, payload, payload_len);
}
