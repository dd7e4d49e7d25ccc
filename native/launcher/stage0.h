/* Stage 0, the host side of a launch: opens what names host paths, forks stage 1 (into its
 * cgroups), writes the uid/gid maps and binds persisted namespaces when stage 1 asks, and learns
 * the process's PID. Shared by the launcher (plan from TypeScript over fd 3) and by the nsbox
 * front end (native/nsbox: `nsbox unshare`/`nsenter`, config built in-process). */
#ifndef NSBOX_STAGE0_H
#define NSBOX_STAGE0_H
#include "config.h"
#include "stages.h"
#include <sys/types.h>

struct stage0_io {
  /* Called in stage 1 right after the fork, before anything else (e.g. where it reports to). */
  void (*in_stage1)(void);
  /* Called when stage 1 reports the process's PID (the launcher tells its caller). */
  void (*on_child)(pid_t child);
  /* Out: the tty relay's receiving end when cfg->terminal without a console socket, else -1. */
  int relay;
  /* Out: how many of cfg->persists are bind-mounted so far (to undo them after a failure). */
  size_t persisted;
};

/* Makes stage 0 non-dumpable when namespaces change, then opens namespace files, -r/-w directories, the exec fifo and sockets, before namespaces change.
 * host->stage0_pidfd is left -1 for the caller to set. */
void stage0_open_host_side(struct launch_config *cfg, struct host_fds *host);
/* Runs stage 0 until stage 1 is done: returns the process's PID, or -1 when stage 1 failed (it
 * reported why). The process may still fail before its exec (stage 2 reports that too). */
pid_t stage0_run(struct launch_config *cfg, struct host_fds *host, struct stage0_io *io);
/* A wait status as a shell exit code: the code, or 128 + signal. */
int stage0_exit_code(int status);

#endif
