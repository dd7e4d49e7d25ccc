/* no_new_privs, the seccomp filter and, for SECCOMP_RET_USER_NOTIF filters, handing the listener
 * fd to the agent at PA_SECCOMP_LISTENER (OCI runtime-spec, config-linux.md "listenerPath"). */
#ifndef NSBOX_SECCOMP_H
#define NSBOX_SECCOMP_H
#include "config.h"
#include <sys/types.h>

/* `late`: called right before exec (filters that need no_new_privs go last so they don't filter
 * the launcher's own setup). `listener_sock`: the connection stage 0 opened to the agent (-1 when
 * none); `host_pid`: the process's PID as the caller sees it, written into the payload. */
void seccomp_apply(const struct launch_config *cfg, int late, int listener_sock, pid_t host_pid);

#endif
