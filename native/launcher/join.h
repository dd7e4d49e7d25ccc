/* Joining existing namespaces (stage 1): PA_NS_JOIN entries, opened by stage 0. */
#ifndef NSBOX_JOIN_H
#define NSBOX_JOIN_H
#include "config.h"

/* util-linux nsenter's two passes: every namespace but the user one, refusals ignored (one we
 * may enter now, as the caller, can be out of reach from inside a less privileged user
 * namespace); then the user namespace; then again those refused (the user namespace just joined
 * may own them), now fatally. Runs before any namespace is created, so a new user namespace never
 * stands between us and a namespace the caller could join. */
void namespaces_join(const struct launch_config *cfg);

#endif
