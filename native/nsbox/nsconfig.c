#include "nsconfig.h"
#include "nsutil.h"
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

const struct ns_type NS_TYPES[NS_COUNT] = {
  {"user", "user", 'U', CLONE_NEWUSER}, {"mnt", "mount", 'm', CLONE_NEWNS},
  {"pid", "pid", 'p', CLONE_NEWPID},    {"net", "net", 'n', CLONE_NEWNET},
  {"ipc", "ipc", 'i', CLONE_NEWIPC},    {"uts", "uts", 'u', CLONE_NEWUTS},
  {"cgroup", "cgroup", 'C', CLONE_NEWCGROUP}, {"time", "time", 'T', CLONE_NEWTIME},
};
const int NS_OPTION_ORDER[NS_COUNT] = {1, 5, 4, 3, 2, 0, 6, 7};

#define PUSH(arr, value)                                                        \
  do {                                                                          \
    void *grown = realloc((arr).items, ((arr).len + 1) * sizeof *(arr).items);  \
    if (!grown) ns_die(1, "out of memory");                                     \
    (arr).items = grown;                                                        \
    (arr).items[(arr).len++] = (value);                                         \
  } while (0)

typedef ARRAY(struct ns_ref) ns_refs;

void nscfg_add_ns(void *array, uint32_t type, const char *path) {
  ns_refs *refs = array;
  PUSH(*refs, ((struct ns_ref){type, path, -1}));
}

void nscfg_add_mount(struct launch_config *cfg, const char *src, const char *dst, const char *fstype, uint64_t flags) {
  PUSH(cfg->mounts, ((struct mount_entry){.src = src, .dst = dst, .fstype = fstype, .flags = flags}));
}

void nscfg_program(struct launch_config *cfg, char **program, int nprogram, char **envp) {
  cfg->foreground = true;
  /* The caller's open fds reach the program, as with util-linux (ours are all close-on-exec). */
  cfg->keep_fds = true;
  if (nprogram > 0) {
    for (int i = 0; i < nprogram; i++) PUSH(cfg->argv, program[i]);
  } else {
    const char *shell = getenv("SHELL");
    if (!shell || !*shell) shell = "/bin/sh";
    const char *slash = strrchr(shell, '/');
    PUSH(cfg->argv, (char *)shell);
    cfg->argv0 = ns_format("-%s", slash ? slash + 1 : shell);
  }
  PUSH(cfg->argv, NULL);
  for (char **e = envp; *e; e++) PUSH(cfg->env, *e);
  PUSH(cfg->env, NULL);
}
