/* Passing one file descriptor over a unix socket (SCM_RIGHTS, with a one-byte payload): the pty
 * master from the container to the console socket, shared by the launcher and the monitor. */
#ifndef NSBOX_FDPASS_H
#define NSBOX_FDPASS_H

int send_fd(int sock, int fd); /* 0, or -1 with errno */
int recv_fd(int sock);         /* the fd (close-on-exec), or -1 */

#endif
