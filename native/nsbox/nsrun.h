/* Runs an unshare/nsenter config in the foreground with the launcher's stages, in this process
 * (it is stage 0), and turns launcher failures into util-linux's messages and exit codes
 * (126/127 for exec failures, 1 otherwise). */
#ifndef NSBOX_NSRUN_H
#define NSBOX_NSRUN_H
#include "config.h"

/* Returns the program's exit status (128 + signal if killed). With NSBOX_NS_PRINT_PLAN=1 in the
 * environment it prints the config instead (nsplan_print.c; how the tests check the options'
 * meaning without root). */
int ns_run(struct launch_config *cfg);
/* The one line for a failure the launcher names by step, path and errno, and its exit code. */
const char *ns_describe_failure(const char *step, const char *path, int err, const char *program, int *code);
void ns_print_plan(const struct launch_config *cfg);

#endif
