/* The container's filesystem view, built in its new mount namespace (stage 2). */
#ifndef NSBOX_ROOTFS_H
#define NSBOX_ROOTFS_H
#include "config.h"

/* Propagation of "/" (PA_ROOT_PROPAGATION), first in the new mount namespace, while "/" is still
 * its real root (after a chroot it would not be a mount: EINVAL). */
void rootfs_set_propagation(const struct launch_config *cfg);
/* Everything before the switch of root: the rootfs bind, the ordered mounts, devices and
 * symlinks. Without a rootfs the mounts apply inside PA_ENTER_ROOT (unshare -R) or "/". */
void rootfs_prepare(const struct launch_config *cfg);
/* pivot_root (or chroot with no_pivot) into the prepared rootfs. */
void rootfs_enter(const struct launch_config *cfg);
/* After the switch: masked and read-only paths, then the read-only root. */
void rootfs_finish(const struct launch_config *cfg);

#endif
