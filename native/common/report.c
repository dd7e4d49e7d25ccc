#include "report.h"
#include "plan_ids.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *stage_name = "stage0";
static int sync_fd = PLAN_FD;

void report_set_stage(const char *stage) { stage_name = stage; }
void report_set_fd(int fd) { sync_fd = fd; }
int report_fd(void) { return sync_fd; }

void report_line(const char *fmt, ...) {
  char buf[4096];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (n > (int)sizeof buf - 2) n = sizeof buf - 2;
  buf[n++] = '\n';
  if (sync_fd >= 0) {
    ssize_t w;
    do w = write(sync_fd, buf, (size_t)n); while (w < 0 && errno == EINTR);
    if (w == n) return;
  }
  (void)!write(STDERR_FILENO, "nsbox-launcher: ", 16);
  (void)!write(STDERR_FILENO, buf, (size_t)n);
}

/* Tabs and newlines would break the line format; paths come from configs, so replace them. */
static void sanitize(char *dst, size_t size, const char *src) {
  size_t i = 0;
  for (; src && src[i] && i + 1 < size; i++) dst[i] = (src[i] == '\t' || src[i] == '\n') ? ' ' : src[i];
  dst[i] = '\0';
}

void fail(const char *step, const char *path, int err) {
  char p[2048];
  sanitize(p, sizeof p, path);
  if (sync_fd >= 0) {
    report_line("%s %s\t%s\t%s\t%d", SYNC_ERROR, stage_name, step, p, err);
  } else if (err) {
    dprintf(STDERR_FILENO, "nsbox-launcher: %s %s: %s\n", step, p, strerror(err));
  } else {
    dprintf(STDERR_FILENO, "nsbox-launcher: %s: %s\n", step, p);
  }
  _exit(1);
}

void fail_msg(const char *step, const char *msg) { fail(step, msg, 0); }
