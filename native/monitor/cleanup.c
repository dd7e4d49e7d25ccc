/* Once the container has stopped: deleting what the runtime made for it, and whether the exit
 * command still has anything to do.
 *
 * delete_container: for nsbox-runtime the engine names the container's state directory and its
 * cgroup directories (--runtime-state, --cgroup), and we do what `nsbox-runtime delete --force`
 * would (src/runtime/lifecycle.ts remove; the engine's specs have no poststop hooks): kill what is
 * left in the cgroups, remove them deepest first, then the state directory. That saves starting a
 * runtime process per exit. Other runtimes: `runtime delete --force`.
 *
 * exit_command_wanted: the engine's --rm exit command removes the container; an attached
 * `nsbox run --rm` removes it itself and says so with a lease file <dir>/attached.PID (see
 * src/engine/ops.ts leasePath). No need to start the command when the directory is gone or a live
 * process holds a lease. */
#include "monitor.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* SIGKILLs every process listed in dir/cgroup.procs and in its child cgroups; how many there were. */
static int kill_tree(const char *dir) {
  int found = 0;
  char path[4096];
  snprintf(path, sizeof path, "%s/cgroup.procs", dir);
  FILE *f = fopen(path, "re");
  if (f) {
    int pid;
    while (fscanf(f, "%d", &pid) == 1) kill(pid, SIGKILL), found++;
    fclose(f);
  }
  DIR *d = opendir(dir);
  if (!d) return found;
  struct dirent *e;
  while ((e = readdir(d)))
    if (e->d_type == DT_DIR && e->d_name[0] != '.') {
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      found += kill_tree(path);
    }
  closedir(d);
  return found;
}

/* rmdir of a cgroup and its children, deepest first; EBUSY (a dying task) is retried until the deadline. */
static int remove_tree(const char *dir, long long deadline) {
  DIR *d = opendir(dir);
  if (!d) return errno == ENOENT ? 0 : -1;
  struct dirent *e;
  char path[4096];
  while ((e = readdir(d)))
    if (e->d_type == DT_DIR && e->d_name[0] != '.') {
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      remove_tree(path, deadline);
    }
  closedir(d);
  while (rmdir(dir) < 0) {
    if (errno == ENOENT) return 0;
    if (errno != EBUSY || now_ms() > deadline) return -1;
    usleep(1000);
  }
  return 0;
}

/* The state directory holds plain files only (state.json, creating.json, seccomp.bpf, exec.fifo). */
static void remove_state(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) unlinkat(dirfd(d), e->d_name, 0);
  closedir(d);
  rmdir(dir);
}

void delete_container(const struct monitor_config *cfg) {
  if (!cfg->runtime_state) {
    char ignored[512];
    runtime_simple(cfg, "delete", "--force", ignored, sizeof ignored);
    return;
  }
  long long deadline = now_ms() + 5000;
  for (int i = 0; i < cfg->n_cgroups; i++) {
    while (kill_tree(cfg->cgroups[i]) > 0 && now_ms() < deadline) usleep(1000);
    if (remove_tree(cfg->cgroups[i], deadline) < 0)
      dprintf(2, "nsbox-monitor: rmdir %s: %s\n", cfg->cgroups[i], strerror(errno));
  }
  remove_state(cfg->runtime_state);
}

bool exit_command_wanted(const struct monitor_config *cfg) {
  if (!cfg->exit_args[0]) return false;
  DIR *d = opendir(cfg->dir);
  if (!d) return false; /* already removed */
  bool leased = false;
  struct dirent *e;
  while (!leased && (e = readdir(d))) {
    int pid;
    if (sscanf(e->d_name, "attached.%d", &pid) == 1 && pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)) leased = true;
  }
  closedir(d);
  return !leased;
}
