/* Building the launcher's launch_config in-process (what config_decode makes from a plan that
 * TypeScript wrote): the namespace types as util-linux names them, and the program to run. */
#ifndef NSBOX_NSCONFIG_H
#define NSBOX_NSCONFIG_H
#include "config.h"
#include <stdint.h>

struct ns_type {
  const char *name;   /* as under /proc/PID/ns: "mnt" */
  const char *option; /* util-linux's long option: "mount" */
  char letter;        /* and short one: 'm' */
  uint32_t flag;      /* CLONE_NEW* */
};
enum { NS_COUNT = 8 };
/* In /proc/PID/ns order as `nsbox ns` prints them: user, mnt, pid, net, ipc, uts, cgroup, time. */
extern const struct ns_type NS_TYPES[NS_COUNT];
/* In util-linux's option order (mount, uts, ipc, net, pid, user, cgroup, time): indexes into NS_TYPES. */
extern const int NS_OPTION_ORDER[NS_COUNT];

void nscfg_add_ns(void *array, uint32_t type, const char *path); /* joins or persists */
void nscfg_add_mount(struct launch_config *cfg, const char *src, const char *dst, const char *fstype, uint64_t flags);
/* argv (the program, or $SHELL/-sh as a login shell when none, as util-linux), the environment
 * unchanged, foreground; NULL-terminates argv and env as config_decode does. */
void nscfg_program(struct launch_config *cfg, char **program, int nprogram, char **envp);

#endif
