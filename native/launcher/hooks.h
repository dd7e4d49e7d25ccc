/* OCI hooks the launcher itself takes part in: the pause before pivot_root (while the parent runs
 * prestart/createRuntime/createContainer hooks) and the startContainer hooks, which run in the
 * container after `start` and before the process is exec'd. */
#ifndef NSBOX_HOOKS_H
#define NSBOX_HOOKS_H
#include "config.h"

/* Reports SYNC_HOOKS to the parent and waits for its go-ahead byte. */
void hooks_wait_for_parent(void);
/* Runs each startContainer hook with the state JSON on stdin; the first failure is fatal. */
void hooks_run_start(const struct launch_config *cfg);

#endif
