/* Stage 1 (namespaces) and stage 2 (the container process), and their sync helpers. */
#ifndef NSBOX_STAGES_H
#define NSBOX_STAGES_H
#include "config.h"
#include <sys/types.h>

/* Host-side fds that stage 0 opens for the later stages (-1 when unused). */
struct host_fds {
  int enter_root, enter_cwd, exec_fifo, exec_fifo_dir, console;
  const char *exec_fifo_name;
  int listener;     /* connection to the seccomp agent (PA_SECCOMP_LISTENER) */
  int stage0_pidfd; /* stage 0 itself, to check it outlived PR_SET_PDEATHSIG (PA_PDEATHSIG) */
};

__attribute__((noreturn)) void stage1_run(const struct launch_config *cfg, const struct host_fds *host, int sync);

void stage_send(int sock, int msg);
int stage_recv(int sock);            /* -1 on EOF */
pid_t stage_recv_pid(int sock);

#endif
