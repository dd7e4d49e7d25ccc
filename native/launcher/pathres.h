/* Resolving a container path inside the rootfs without ever leaving it (CVE-2021-30465 class).
 * Each component is opened relative to its parent with O_NOFOLLOW; symlinks are read and followed
 * by hand: an absolute target restarts at the rootfs, and ".." above the rootfs is an error
 * (EXDEV) rather than a silent clamp, so a hostile config or image gets a clear refusal. */
#ifndef NSBOX_PATHRES_H
#define NSBOX_PATHRES_H

enum resolve_create {
  RESOLVE_EXISTING = 0,  /* every component must exist */
  RESOLVE_MKDIR = 1,     /* create missing directories, the last one included */
  RESOLVE_MKFILE = 2,    /* create missing parent directories and an empty file as the last one */
  RESOLVE_PARENT = 3,    /* create missing parents; return the parent of the last component */
};

/* Returns an O_PATH fd for `path` inside `rootfd`, or -errno. With RESOLVE_PARENT, *last gets
 * the final component's name (pointing into a static buffer). */
int resolve_in_root(int rootfd, const char *path, enum resolve_create mode, const char **last);

/* "/proc/self/fd/N" for an O_PATH fd, so mount(2) acts on exactly the object resolved. */
const char *fd_path(int fd);

#endif
