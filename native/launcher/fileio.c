#include "fileio.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int write_file(const char *path, const char *value) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  size_t len = strlen(value);
  ssize_t n = write(fd, value, len);
  int err = n < 0 ? errno : n != (ssize_t)len ? EIO : 0;
  close(fd);
  return err;
}
