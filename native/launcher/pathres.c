#include "pathres.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 128
#define MAX_LINKS 40

const char *fd_path(int fd) {
  static char buf[2][32];
  static int which;
  which ^= 1;
  snprintf(buf[which], sizeof buf[which], "/proc/self/fd/%d", fd);
  return buf[which];
}

/* The directories walked so far, as fds; stack[0] is the rootfs itself (not owned). */
struct walk {
  int stack[MAX_DEPTH];
  int depth;
};

static void walk_reset(struct walk *w) {
  while (w->depth > 0) close(w->stack[w->depth--]);
}

static int create_missing(int dirfd, const char *name, enum resolve_create mode, int is_last) {
  if (is_last && mode == RESOLVE_MKFILE) {
    int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EEXIST) return -errno;
    if (fd >= 0) close(fd);
    return 0;
  }
  if (mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST) return -errno;
  return 0;
}

int resolve_in_root(int rootfd, const char *path, enum resolve_create mode, const char **last) {
  /* `todo` holds what is left to walk; symlink targets are spliced in front of it. */
  static char todo[PATH_MAX * 2], name_out[NAME_MAX + 1];
  char scratch[PATH_MAX * 2];
  struct walk w = {.stack = {rootfd}, .depth = 0};
  int links = 0, rc = 0;

  if (last) *last = NULL;
  if (strlen(path) >= PATH_MAX) return -ENAMETOOLONG;
  snprintf(todo, sizeof todo, "%s", path);

  char *rest = todo;
  for (;;) {
    while (*rest == '/') rest++;
    if (!*rest) break;
    char *slash = strchr(rest, '/');
    size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
    char name[NAME_MAX + 1];
    if (n > NAME_MAX) { rc = -ENAMETOOLONG; goto out; }
    memcpy(name, rest, n);
    name[n] = '\0';
    rest += n;
    const char *after = rest;
    while (*after == '/') after++;
    int is_last = *after == '\0';

    if (!strcmp(name, ".")) continue;
    if (!strcmp(name, "..")) {
      if (w.depth == 0) { rc = -EXDEV; goto out; }
      close(w.stack[w.depth--]);
      continue;
    }
    if (is_last && mode == RESOLVE_PARENT) {
      snprintf(name_out, sizeof name_out, "%s", name);
      if (last) *last = name_out;
      break;
    }
    int dir = w.stack[w.depth];
    struct stat st;
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
      if (errno != ENOENT || mode == RESOLVE_EXISTING) { rc = -errno; goto out; }
      if ((rc = create_missing(dir, name, mode, is_last)) < 0) goto out;
      if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) { rc = -errno; goto out; }
    }
    if (S_ISLNK(st.st_mode)) {
      char target[PATH_MAX];
      ssize_t len = readlinkat(dir, name, target, sizeof target - 1);
      if (len < 0) { rc = -errno; goto out; }
      target[len] = '\0';
      if (++links > MAX_LINKS) { rc = -ELOOP; goto out; }
      if (target[0] == '/') walk_reset(&w);
      size_t tlen = (size_t)len, rlen = strlen(rest);
      if (tlen + rlen + 2 > sizeof scratch) { rc = -ENAMETOOLONG; goto out; }
      memcpy(scratch, target, tlen);
      scratch[tlen] = '/';
      memcpy(scratch + tlen + 1, rest, rlen + 1);
      memcpy(todo, scratch, tlen + rlen + 2);
      rest = todo;
      continue;
    }
    if (!is_last && !S_ISDIR(st.st_mode)) { rc = -ENOTDIR; goto out; }
    if (w.depth + 1 >= MAX_DEPTH) { rc = -ELOOP; goto out; }
    int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) { rc = -errno; goto out; }
    w.stack[++w.depth] = fd;
  }
  if (mode == RESOLVE_PARENT && !(last && *last)) {
    rc = -EINVAL; /* the path had no last component ("/" or only dots) */
    goto out;
  }
  /* Hand the deepest fd to the caller (a fresh one when it is the rootfs itself). */
  if (w.depth == 0) return (rc = fcntl(rootfd, F_DUPFD_CLOEXEC, 0)) < 0 ? -errno : rc;
  rc = w.stack[w.depth--];
out:
  walk_reset(&w);
  return rc;
}
