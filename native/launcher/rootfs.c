#include "rootfs.h"
#include "pathres.h"
#include "report.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int rootfd = -1;

/* Flags a bind remount must keep because the kernel locked them (mounts from a less privileged
 * user namespace): remounting without them fails with EPERM. */
static unsigned long locked_flags(const char *path) {
  struct statvfs sv;
  if (statvfs(path, &sv) < 0) return 0;
  unsigned long keep = 0;
  if (sv.f_flag & ST_NOSUID) keep |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) keep |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) keep |= MS_NOEXEC;
  if (sv.f_flag & ST_RDONLY) keep |= MS_RDONLY;
  if (sv.f_flag & ST_NOATIME) keep |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME) keep |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME) keep |= MS_RELATIME;
  return keep;
}

static int remount_bind(const char *path, unsigned long flags) {
  unsigned long f = MS_REMOUNT | MS_BIND | flags;
  if (mount(NULL, path, NULL, f, NULL) == 0) return 0;
  if (errno != EPERM) return -1;
  return mount(NULL, path, NULL, f | locked_flags(path), NULL);
}

static int resolve_or_fail(const char *step, const char *path, enum resolve_create mode) {
  int fd = resolve_in_root(rootfd, path, mode, NULL);
  if (fd == -EXDEV) fail(step, path, EXDEV);   /* TS turns EXDEV into "escapes the rootfs" */
  if (fd < 0) fail(step, path, -fd);
  return fd;
}

/* Bind-type flags the first mount(2) ignores and a remount must apply. */
#define REMOUNT_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)

static void do_mount(const struct mount_entry *m) {
  if (m->flags & MS_REMOUNT) { /* changes flags of a mount made by an earlier step */
    int fd = resolve_or_fail("resolve remount destination", m->dst, RESOLVE_EXISTING);
    if (mount(NULL, fd_path(fd), NULL, m->flags, m->data) < 0) fail("remount", m->dst, errno);
    close(fd);
    return;
  }
  int is_bind = (m->flags & MS_BIND) != 0;
  enum resolve_create mode = RESOLVE_MKDIR;
  if (is_bind && m->src) {
    struct stat st;
    if (stat(m->src, &st) < 0) fail("stat mount source", m->src, errno);
    if (!S_ISDIR(st.st_mode)) mode = RESOLVE_MKFILE;
  } else if (m->dst_is_file) {
    mode = RESOLVE_MKFILE;
  }
  int fd = resolve_or_fail("resolve mount destination", m->dst, mode);
  unsigned long flags = m->flags;
  if (is_bind) flags &= ~(unsigned long)REMOUNT_FLAGS;
  if (mount(m->src ? m->src : "none", fd_path(fd), m->fstype, flags, is_bind ? NULL : m->data) < 0) {
    char what[64];
    snprintf(what, sizeof what, "mount %s on", m->fstype ? m->fstype : "bind");
    fail(what, m->dst, errno);
  }
  close(fd);
  if ((is_bind && (m->flags & REMOUNT_FLAGS)) || m->propagation) {
    /* The fd above names the covered directory; resolve again to reach the new mount. */
    fd = resolve_or_fail("resolve mount destination", m->dst, RESOLVE_EXISTING);
    if (is_bind && (m->flags & REMOUNT_FLAGS) && remount_bind(fd_path(fd), m->flags & REMOUNT_FLAGS) < 0)
      fail("remount bind", m->dst, errno);
    if (m->propagation && mount(NULL, fd_path(fd), NULL, m->propagation, NULL) < 0)
      fail("set mount propagation", m->dst, errno);
    close(fd);
  }
}

static void make_device(const struct device_entry *d) {
  if (d->bind) {
    int fd = resolve_or_fail("create device", d->path, RESOLVE_MKFILE);
    if (mount(d->path, fd_path(fd), NULL, MS_BIND, NULL) < 0) fail("bind device", d->path, errno);
    close(fd);
    return;
  }
  const char *name;
  int dir = resolve_in_root(rootfd, d->path, RESOLVE_PARENT, &name);
  if (dir < 0) fail("create device", d->path, dir == -EXDEV ? EXDEV : -dir);
  if (unlinkat(dir, name, 0) < 0 && errno != ENOENT) fail("replace device", d->path, errno);
  if (mknodat(dir, name, d->type | (d->mode & 07777), makedev(d->major, d->minor)) < 0)
    fail("mknod", d->path, errno);
  /* mknod honours the umask; chmod sets the mode the config asked for. */
  if (fchmodat(dir, name, d->mode & 07777, 0) < 0) fail("chmod device", d->path, errno);
  if (fchownat(dir, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0) fail("chown device", d->path, errno);
  close(dir);
}

static void make_symlink(const struct symlink_entry *s) {
  const char *name;
  int dir = resolve_in_root(rootfd, s->path, RESOLVE_PARENT, &name);
  if (dir < 0) fail("create symlink", s->path, dir == -EXDEV ? EXDEV : -dir);
  if (symlinkat(s->target, dir, name) < 0) {
    /* An existing link with the same target is fine (a rootfs that already has it). */
    int err = errno;
    char existing[4096];
    ssize_t n = err == EEXIST ? readlinkat(dir, name, existing, sizeof existing - 1) : -1;
    if (n < 0 || (existing[n] = '\0', strcmp(existing, s->target))) fail("symlink", s->path, err);
  }
  close(dir);
}

void rootfs_set_propagation(const struct launch_config *cfg) {
  if (cfg->root_propagation && mount(NULL, "/", NULL, cfg->root_propagation, NULL) < 0)
    fail("set propagation of /", "/", errno);
}

/* The mount point under which `path` lives: the longest mount point in mountinfo that is `path`
 * or one of its parents. Written into `out`. */
static void parent_mount_point(const char *path, char *out, size_t size) {
  FILE *f = fopen("/proc/self/mountinfo", "re");
  if (!f) fail("open", "/proc/self/mountinfo", errno);
  char line[4096], mp[4096];
  size_t best = 0;
  snprintf(out, size, "/");
  while (fgets(line, sizeof line, f)) {
    /* fields: id parent major:minor root mountpoint ... ("\040" escapes a space) */
    if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1) continue;
    size_t n = strlen(mp);
    int under = !strcmp(mp, "/") || (!strncmp(path, mp, n) && (path[n] == '/' || path[n] == '\0'));
    if (under && n >= best && !strchr(mp, '\\')) {
      best = n;
      snprintf(out, size, "%s", mp);
    }
  }
  fclose(f);
}

void rootfs_prepare(const struct launch_config *cfg) {
  /* pivot_root refuses a new root whose parent mount is shared, and binding from an unbindable
   * mount fails: make the rootfs's parent mount private first, as runc does, so that any
   * rootfsPropagation ("shared", "unbindable") works; it is applied to "/" again after the switch. */
  if (cfg->rootfs && cfg->root_propagation & (MS_SHARED | MS_UNBINDABLE)) {
    char parent[4096];
    parent_mount_point(cfg->rootfs, parent, sizeof parent);
    if (mount(NULL, parent, NULL, MS_PRIVATE, NULL) < 0) fail("make rootfs parent mount private", parent, errno);
  }
  /* Mounts go inside the rootfs, else inside the directory the process will chroot into (still
   * reachable by path: /proc/self/fd, which fd_path relies on, is the host's until then). */
  const char *root = cfg->rootfs ? cfg->rootfs : cfg->enter_root ? cfg->enter_root : "/";
  if (cfg->rootfs && mount(cfg->rootfs, cfg->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    fail("bind rootfs", cfg->rootfs, errno);
  rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) fail("open rootfs", root, errno);
  for (size_t i = 0; i < cfg->mounts.len; i++) do_mount(&cfg->mounts.items[i]);
  for (size_t i = 0; i < cfg->devices.len; i++) make_device(&cfg->devices.items[i]);
  for (size_t i = 0; i < cfg->symlinks.len; i++) make_symlink(&cfg->symlinks.items[i]);
}

void rootfs_enter(const struct launch_config *cfg) {
  if (!cfg->rootfs) return;
  if (fchdir(rootfd) < 0) fail("chdir to rootfs", cfg->rootfs, errno);
  if (cfg->no_pivot) {
    if (mount(cfg->rootfs, "/", NULL, MS_MOVE, NULL) < 0) fail("move rootfs to /", cfg->rootfs, errno);
    if (chroot(".") < 0) fail("chroot", cfg->rootfs, errno);
  } else {
    /* pivot_root(".", ".") stacks the old root on top of the new one; detaching "." then
     * drops the old root without needing a directory for it inside the container. */
    if (syscall(SYS_pivot_root, ".", ".") < 0) fail("pivot_root", cfg->rootfs, errno);
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0) fail("make old root slave", "/", errno);
    if (umount2(".", MNT_DETACH) < 0) fail("unmount old root", "/", errno);
  }
  if (chdir("/") < 0) fail("chdir", "/", errno);
  if (cfg->root_propagation & (MS_SHARED | MS_UNBINDABLE) && mount(NULL, "/", NULL, cfg->root_propagation, NULL) < 0)
    fail("set propagation of the new /", "/", errno);
  close(rootfd);
  rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) fail("open new root", "/", errno);
}

static void mask_path(const char *path) {
  int fd = resolve_in_root(rootfd, path, RESOLVE_EXISTING, NULL);
  if (fd == -ENOENT) return;
  if (fd < 0) fail("resolve masked path", path, -fd);
  struct stat st;
  if (fstat(fd, &st) < 0) fail("stat masked path", path, errno);
  int rc = S_ISDIR(st.st_mode) ? mount("tmpfs", fd_path(fd), "tmpfs", MS_RDONLY, "size=0k")
                               : mount("/dev/null", fd_path(fd), NULL, MS_BIND, NULL);
  if (rc < 0) fail("mask path", path, errno);
  close(fd);
}

static void readonly_path(const char *path) {
  int fd = resolve_in_root(rootfd, path, RESOLVE_EXISTING, NULL);
  if (fd == -ENOENT) return;
  if (fd < 0) fail("resolve readonly path", path, -fd);
  if (mount(fd_path(fd), fd_path(fd), NULL, MS_BIND | MS_REC, NULL) < 0) fail("bind readonly path", path, errno);
  close(fd);
  fd = resolve_or_fail("resolve readonly path", path, RESOLVE_EXISTING);
  if (remount_bind(fd_path(fd), MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC) < 0 &&
      remount_bind(fd_path(fd), MS_RDONLY) < 0)
    fail("remount readonly path", path, errno);
  close(fd);
}

void rootfs_finish(const struct launch_config *cfg) {
  if (rootfd < 0) return;
  for (size_t i = 0; i < cfg->masked_paths.len; i++) mask_path(cfg->masked_paths.items[i]);
  for (size_t i = 0; i < cfg->readonly_paths.len; i++) readonly_path(cfg->readonly_paths.items[i]);
  if (cfg->rootfs && cfg->root_readonly && remount_bind("/", MS_RDONLY) < 0) fail("remount root read-only", "/", errno);
  close(rootfd);
  rootfd = -1;
}
