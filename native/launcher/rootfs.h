/* The container's filesystem view, built in its new mount namespace (stage 2). */
#ifndef NSBOX_ROOTFS_H
#define NSBOX_ROOTFS_H
#include "config.h"

/* Everything before the switch of root: propagation, the rootfs bind, the ordered mounts,
 * devices and symlinks. Without a rootfs (unshare --mount-proc) the mounts apply to "/". */
void rootfs_prepare(const struct launch_config *cfg);
/* pivot_root (or chroot with no_pivot) into the prepared rootfs. */
void rootfs_enter(const struct launch_config *cfg);
/* After the switch: masked and read-only paths, then the read-only root. */
void rootfs_finish(const struct launch_config *cfg);

#endif
