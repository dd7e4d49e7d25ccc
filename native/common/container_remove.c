/* See container_remove.h. */
#include "container_remove.h"
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

int container_remove_cgroups(const char *const *cgroups, int n_cgroups, long long timeout_ms, const char **failed) {
  long long deadline = now_ms() + timeout_ms;
  int rc = 0, err = 0;
  for (int i = 0; i < n_cgroups; i++) {
    while (kill_tree(cgroups[i]) > 0 && now_ms() < deadline) usleep(1000);
    if (remove_tree(cgroups[i], deadline) < 0 && rc == 0) {
      rc = -1, err = errno;
      if (failed) *failed = cgroups[i];
    }
  }
  errno = err;
  return rc;
}

void container_remove_state(const char *state_dir) { remove_state(state_dir); }
