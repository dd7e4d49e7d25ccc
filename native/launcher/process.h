/* The process's own attributes, applied in stage 2 just before exec. */
#ifndef NSBOX_PROCESS_H
#define NSBOX_PROCESS_H
#include "config.h"

/* Hostname, domainname, sysctls, oom_score_adj, rlimits, personality, LSM labels. */
void process_apply_environment(const struct launch_config *cfg);
/* Finds the program in the process's PATH (from its env) now, so a missing binary is reported at
 * create time, as runc does. Returns the path to exec. */
const char *process_find_executable(const struct launch_config *cfg);
/* Groups, gid, uid and capabilities, in the order that keeps the capabilities asked for. */
void process_apply_identity(const struct launch_config *cfg);
#endif
