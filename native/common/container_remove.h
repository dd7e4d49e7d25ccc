/* What `nsbox-runtime delete --force` does to a stopped container, in C, for the two callers that
 * must not start Bun for it: the engine's per-container monitor once its container has exited
 * (native/monitor/cleanup.c) and the runtime's front end for podman's and containerd's delete
 * (native/nsbox/fast_start.c). The TypeScript original is src/runtime/operations.ts remove(). */
#ifndef NSBOX_CONTAINER_REMOVE_H
#define NSBOX_CONTAINER_REMOVE_H

/* Kills what is left in each cgroup directory (and below) and removes them deepest first, EBUSY
 * from a dying task retried for up to timeout_ms. 0 when all are gone; otherwise -1, errno set,
 * `failed` naming the first directory that stayed (the others are still tried). */
int container_remove_cgroups(const char *const *cgroups, int n_cgroups, long long timeout_ms, const char **failed);

/* Removes the state directory and its plain files (state.json, creating.json, seccomp.bpf, ...). */
void container_remove_state(const char *state_dir);

#endif
