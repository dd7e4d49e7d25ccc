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

void delete_container(const struct monitor_config *cfg) {
  if (!cfg->runtime_state) {
    char ignored[512];
    runtime_simple(cfg, "delete", "--force", ignored, sizeof ignored);
    return;
  }
  const char *failed = NULL;
  if (container_remove_cgroups(cfg->cgroups, cfg->n_cgroups, 5000, &failed) < 0)
    dprintf(2, "nsbox-monitor: rmdir %s: %s\n", failed, strerror(errno));
  container_remove_state(cfg->runtime_state);
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
