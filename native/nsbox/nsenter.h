/* `nsbox nsenter`: util-linux nsenter(1)'s options (nsenter.c) and their meaning as a
 * launch_config (nsenter_plan.c). */
#ifndef NSBOX_NSENTER_H
#define NSBOX_NSENTER_H
#include "config.h"
#include "nsconfig.h"
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct nsenter_opts {
  const char *target;        /* -t: a PID, or (nsbox) a container name or ID */
  pid_t target_pid;          /* resolved, 0: none */
  /* Namespaces to enter (index into NS_TYPES), in the order first named, each from a file when
   * one was given (-n/path), else from the target. */
  bool enter[NS_COUNT];
  const char *file[NS_COUNT];
  int order[NS_COUNT], norder;
  bool all, preserve_credentials, no_fork, follow_context;
  bool has_setuid, has_setgid;
  uint32_t setuid, setgid;
  /* -r/-w: NULL none, "" the target's, else that directory. */
  const char *root, *wd;
  char **program;
  int nprogram;
};

int nsenter_main(int argc, char **argv, char **envp);
/* The options' meaning: the config to launch (reads /proc for what -a and -U need). */
void nsenter_plan(const struct nsenter_opts *o, struct launch_config *cfg, char **envp);

#endif
