/* `nsbox-runtime start ID` and `delete [--force] ID` without Bun, where create said each is only
 * mechanism (native/nsbox/fast_verbs.c). */
#ifndef NSBOX_FAST_VERBS_H
#define NSBOX_FAST_VERBS_H

/* Does the verb and exits 0 when it can; returns (having changed nothing) when the TypeScript
 * runtime must: another verb or flag, no such file, a container in another state. */
void fast_verbs(int argc, char **argv);

#endif
