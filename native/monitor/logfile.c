/* The container log in docker's json-file format: one JSON object per line,
 *   {"log":"hello\n","stream":"stdout","time":"2026-01-01T00:00:00.000000000Z"}
 * Each chunk read from the container is split at newlines, so one entry is one line (or the tail
 * of a chunk without its newline). When the file would grow past max_size it is renamed to
 * PATH.1 (replacing the previous one) and a new file is started. */
#include "monitor.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *log_path;
static long long log_max, log_size;
static int log_fd = -1;

void log_open(const char *path, long long max_size) {
  log_path = path;
  log_max = max_size;
  log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  struct stat st;
  log_size = (log_fd >= 0 && fstat(log_fd, &st) == 0) ? st.st_size : 0;
}

static void rotate(void) {
  char old[4096];
  snprintf(old, sizeof old, "%s.1", log_path);
  close(log_fd);
  rename(log_path, old);
  log_fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  log_size = 0;
}

/* Escapes one line into out (which holds 6 bytes per input byte plus the frame). */
static size_t entry(char *out, const char *stream, const char *data, size_t len) {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  o += (size_t)sprintf(out, "{\"log\":\"");
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)data[i];
    if (c == '"' || c == '\\') { out[o++] = '\\'; out[o++] = (char)c; }
    else if (c == '\n') { out[o++] = '\\'; out[o++] = 'n'; }
    else if (c == '\r') { out[o++] = '\\'; out[o++] = 'r'; }
    else if (c == '\t') { out[o++] = '\\'; out[o++] = 't'; }
    else if (c < 0x20 || c == 0x7f) {
      memcpy(out + o, "\\u00", 4);
      out[o + 4] = hex[c >> 4];
      out[o + 5] = hex[c & 15];
      o += 6;
    } else out[o++] = (char)c;
  }
  struct timespec ts;
  char when[48];
  clock_gettime(CLOCK_REALTIME, &ts);
  format_time(when, sizeof when, &ts);
  o += (size_t)sprintf(out + o, "\",\"stream\":\"%s\",\"time\":\"%s\"}\n", stream, when);
  return o;
}

void log_write(const char *stream, const char *data, size_t len) {
  static char out[6 * 8192 + 256];
  if (log_fd < 0) return;
  while (len > 0) {
    const char *nl = memchr(data, '\n', len);
    size_t line = nl ? (size_t)(nl - data) + 1 : len;
    if (line > 8192) line = 8192;
    size_t n = entry(out, stream, data, line);
    if (log_max > 0 && log_size > 0 && log_size + (long long)n > log_max) rotate();
    ssize_t w;
    do w = write(log_fd, out, n); while (w < 0 && errno == EINTR);
    if (w > 0) log_size += w;
    data += line;
    len -= line;
  }
}
