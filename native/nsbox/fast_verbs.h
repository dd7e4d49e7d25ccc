/* `nsbox-runtime start ID` without Bun, where create said start is only the exec fifo. */
#ifndef NSBOX_FAST_START_H
#define NSBOX_FAST_START_H

/* Starts the container and exits 0 when it can; returns (having done nothing) when the
 * TypeScript runtime must: another flag, no such file, an init that is gone. */
void fast_start(int argc, char **argv);

#endif
