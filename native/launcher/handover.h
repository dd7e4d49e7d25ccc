/* What the program inherits at execve besides the plan's own settings: no launcher fd, a clean
 * signal state, and a parent-death signal that really refers to stage 0. */
#ifndef NSBOX_HANDOVER_H
#define NSBOX_HANDOVER_H
#include "config.h"

/* Empty signal mask, every disposition back to SIG_DFL (an ignored signal survives execve, and
 * the caller may have ignored some: SIGPIPE, SIGHUP under nohup...). */
void handover_reset_signals(void);
/* Marks every fd from `first` on close-on-exec (CVE-2024-21626 class: no host fd may reach the
 * program but those it was given). */
void handover_close_fds(int first);
/* Moves the n fds the caller asked to pass on (PA_PRESERVE_FDS, at 4..3+n) to 3..2+n, where the
 * program expects them, and the sync socket above them; returns the first fd not passed on. */
int handover_preserved_fds(uint32_t n);
/* Sets PR_SET_PDEATHSIG to cfg->pdeathsig unless it is already set (a credential change clears
 * it), then checks that stage 0 (`parent_pidfd`) is still alive: if it died before the prctl, no
 * signal would ever come, so stage 2 stops here instead. */
void handover_pdeathsig(const struct launch_config *cfg, int parent_pidfd);
/* Stage 0's own parent-death signal (SIGKILL) tied to the caller, when cfg->pdeathsig asks for
 * the chain caller -> stage 0 -> program. Returns a pidfd of stage 0 for handover_pdeathsig. */
int handover_stage0_pdeathsig(const struct launch_config *cfg, int caller_sock);

#endif
