/* Bringing up "lo" in a new network namespace (PA_LOOPBACK_UP), as runc and crun do: a container
 * made with a network namespace of its own and nothing else (podman --network none, ctr run) can
 * still talk to itself on 127.0.0.1. */
#ifndef NSBOX_LOOPBACK_H
#define NSBOX_LOOPBACK_H

/* Sets IFF_UP on "lo" of the calling process's network namespace; fails (report) on error. */
void loopback_up(void);

#endif
