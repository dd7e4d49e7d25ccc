#include "report.h"
#include "plan_ids.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *stage_name = "stage0";
static int sync_fd = PLAN_FD;
static void (*failure_hook)(const char *step, const char *path, int err);

void report_set_failure_hook(void (*hook)(const char *, const char *, int)) { failure_hook = hook; }

void report_set_stage(const char *stage) { stage_name = stage; }
void report_set_fd(int fd) { sync_fd = fd; }
int report_fd(void) { return sync_fd; }

/* One whole line to the parent; 0 when there is no parent listening on the sync socket. */
static int send_line(const char *fmt, va_list ap) {
  char buf[4096];
  int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  if (n < 0 || sync_fd < 0) return 0;
  if (n > (int)sizeof buf - 2) n = sizeof buf - 2;
  buf[n++] = '\n';
  ssize_t w;
  do w = write(sync_fd, buf, (size_t)n); while (w < 0 && errno == EINTR);
  return w == n;
}

void report_line(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int sent = send_line(fmt, ap);
  va_end(ap);
  if (!sent) {
    va_start(ap, fmt);
    (void)!write(STDERR_FILENO, "nsbox-launcher: ", 16);
    (void)!vdprintf(STDERR_FILENO, fmt, ap);
    (void)!write(STDERR_FILENO, "\n", 1);
    va_end(ap);
  }
}

static int report_sync(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int report_sync(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int sent = send_line(fmt, ap);
  va_end(ap);
  return sent;
}

/* Tabs and newlines would break the line format; paths come from configs, so replace them. */
static void sanitize(char *dst, size_t size, const char *src) {
  size_t i = 0;
  for (; src && src[i] && i + 1 < size; i++) dst[i] = (src[i] == '\t' || src[i] == '\n') ? ' ' : src[i];
  dst[i] = '\0';
}

void fail(const char *step, const char *path, int err) {
  if (failure_hook) failure_hook(step, path, err);
  char p[2048];
  sanitize(p, sizeof p, path);
  /* Nobody listening (e.g. the binary run by hand, or by a container through #!/proc/self/exe):
   * the human form on stderr instead. */
  if (!report_sync("%s %s\t%s\t%s\t%d", SYNC_ERROR, stage_name, step, p, err)) {
    if (err) dprintf(STDERR_FILENO, "nsbox-launcher: %s %s: %s\n", step, p, strerror(err));
    else dprintf(STDERR_FILENO, "nsbox-launcher: %s: %s\n", step, p);
  }
  _exit(1);
}

void fail_msg(const char *step, const char *msg) { fail(step, msg, 0); }
