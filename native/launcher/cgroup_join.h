/* Placing stage 1 (and so the container process it forks) in the container's cgroups without
 * the kernel's global cgroup_threadgroup_rwsem: writing a PID into cgroup.procs takes that lock
 * for writing, which waits for an RCU grace period (5-20 ms on a 2-core VM, the largest single
 * cost of a `run`). Two ways around it, one per cgroup version:
 *   v1: the process moves itself by writing "0" to each hierarchy's `tasks` file; moving only the
 *       calling thread skips the lock (kernel/cgroup/cgroup.c, cgroup_procs_write_start), and
 *       stage 1 is single-threaded, so the thread is the whole process;
 *   v2: stage 0 forks stage 1 straight into the cgroup with clone3(CLONE_INTO_CGROUP), which
 *       only takes the lock for reading. Kernels without it (< 5.7) get the old cgroup.procs write.
 * TypeScript decides which directories are v1 and which is v2 (PA_CGROUP_JOIN, PA_CGROUP_JOIN_V2). */
#ifndef NSBOX_CGROUP_JOIN_H
#define NSBOX_CGROUP_JOIN_H
#include "config.h"
#include <stdbool.h>
#include <sys/types.h>

/* Stage 0 (or, with PA_CGROUP_WAIT, stage 1 with CLONE_PARENT in `flags`): fork (like fork(2))
 * into cfg->cgroup_v2_dir when there is one. *placed_v2 tells whether the child is already
 * there; if not, call cgroup_join_v2_by_pid once it exists. */
pid_t cgroup_fork_into(const struct launch_config *cfg, unsigned long long flags, bool *placed_v2);

/* Fallback: write the child's PID into the v2 directory's cgroup.procs. */
int cgroup_join_v2_by_pid(const struct launch_config *cfg, pid_t pid);

/* Stage 1 (with PA_CGROUP_WAIT, once the namespaces exist): move itself into every v1 directory (writes "0" to DIR/tasks); fails with the path. */
void cgroup_join_v1_self(const struct launch_config *cfg);

#endif
