#include "nsutil.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

const char *ns_program = "nsbox";

static void vsay(const char *fmt, va_list ap) {
  char line[8192];
  int n = vsnprintf(line, sizeof line - 1, fmt, ap);
  if (n < 0) return;
  if (n > (int)sizeof line - 2) n = sizeof line - 2;
  line[n++] = '\n';
  (void)!write(STDERR_FILENO, ns_program, strlen(ns_program));
  (void)!write(STDERR_FILENO, ": ", 2);
  (void)!write(STDERR_FILENO, line, (size_t)n);
}

void ns_say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsay(fmt, ap);
  va_end(ap);
}

void ns_die(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsay(fmt, ap);
  va_end(ap);
  exit(code);
}

void *ns_alloc(size_t n) {
  void *p = calloc(1, n ? n : 1);
  if (!p) ns_die(1, "out of memory");
  return p;
}

char *ns_format(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  int n = vasprintf(&s, fmt, ap);
  va_end(ap);
  if (n < 0) ns_die(1, "out of memory");
  return s;
}

bool ns_all_digits(const char *s) {
  if (!*s) return false;
  for (; *s; s++)
    if (*s < '0' || *s > '9') return false;
  return true;
}

uint32_t ns_parse_id(const char *s, const char *what) {
  if (!ns_all_digits(s) || strlen(s) > 10 || strtoull(s, NULL, 10) > 0xfffffffeULL) ns_die(1, "failed to parse %s: '%s'", what, s);
  return (uint32_t)strtoul(s, NULL, 10);
}

/* Linux's numbering on x86_64 and arm64 (as Node's os.constants.signals). */
static const struct { const char *name; int num; } SIGNALS[] = {
  {"HUP", 1}, {"INT", 2}, {"QUIT", 3}, {"ILL", 4}, {"TRAP", 5}, {"ABRT", 6}, {"IOT", 6}, {"BUS", 7},
  {"FPE", 8}, {"KILL", 9}, {"USR1", 10}, {"SEGV", 11}, {"USR2", 12}, {"PIPE", 13}, {"ALRM", 14},
  {"TERM", 15}, {"STKFLT", 16}, {"CHLD", 17}, {"CONT", 18}, {"STOP", 19}, {"TSTP", 20}, {"TTIN", 21},
  {"TTOU", 22}, {"URG", 23}, {"XCPU", 24}, {"XFSZ", 25}, {"VTALRM", 26}, {"PROF", 27}, {"WINCH", 28},
  {"IO", 29}, {"POLL", 29}, {"PWR", 30}, {"SYS", 31},
};

int ns_signal_number(const char *s) {
  if (ns_all_digits(s)) {
    long n = strlen(s) > 3 ? 0 : strtol(s, NULL, 10);
    return n >= 1 && n <= 64 ? (int)n : 0;
  }
  const char *name = strncasecmp(s, "SIG", 3) ? s : s + 3;
  for (size_t i = 0; i < sizeof SIGNALS / sizeof SIGNALS[0]; i++)
    if (!strcasecmp(name, SIGNALS[i].name)) return SIGNALS[i].num;
  int base = !strncasecmp(name, "RTMIN", 5) ? 34 : !strncasecmp(name, "RTMAX", 5) ? 64 : 0;
  if (!base) return 0;
  const char *rest = name + 5;
  if (!*rest) return base;
  if (*rest != (base == 34 ? '+' : '-') || !ns_all_digits(rest + 1) || strlen(rest + 1) > 2) return 0;
  int n = base == 34 ? base + atoi(rest + 1) : base - atoi(rest + 1);
  return n >= 34 && n <= 64 ? n : 0;
}

char *ns_resolve(const char *base, const char *path) {
  char *joined = path[0] == '/' ? ns_format("%s", path) : ns_format("%s/%s", base, path);
  char *out = ns_alloc(strlen(joined) + 2);
  size_t len = 0;
  for (char *part = strtok(joined, "/"); part; part = strtok(NULL, "/")) {
    if (!strcmp(part, ".")) continue;
    if (!strcmp(part, "..")) {
      while (len > 0 && out[len] != '/') len--;
      out[len] = '\0';
      continue;
    }
    len += (size_t)sprintf(out + len, "/%s", part);
  }
  if (!len) strcpy(out, "/");
  free(joined);
  return out;
}

char *ns_read_file(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  size_t cap = 4096, len = 0;
  char *buf = ns_alloc(cap + 1);
  if (fd < 0) return buf;
  for (;;) {
    if (len == cap) {
      char *grown = realloc(buf, (cap *= 2) + 1);
      if (!grown) ns_die(1, "out of memory");
      buf = grown;
    }
    ssize_t n = read(fd, buf + len, cap - len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    len += (size_t)n;
  }
  close(fd);
  buf[len] = '\0';
  return buf;
}

/* Field `index` (0-based, ':'-separated) of the line starting at `line`, copied into `out`. */
static bool field(const char *line, int index, char *out, size_t size) {
  for (int i = 0; i < index; i++) {
    line = strpbrk(line, ":\n");
    if (!line || *line == '\n') return false;
    line++;
  }
  size_t n = strcspn(line, ":\n");
  if (n >= size) return false;
  memcpy(out, line, n);
  out[n] = '\0';
  return true;
}

#define EACH_LINE(p, text) for (const char *p = (text); p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)

long ns_lookup_id(const char *text, const char *name) {
  char who[256], id[32];
  EACH_LINE(line, text) {
    if (field(line, 0, who, sizeof who) && !strcmp(who, name) && field(line, 2, id, sizeof id) && ns_all_digits(id))
      return strtol(id, NULL, 10);
  }
  return -1;
}

char *ns_lookup_name(const char *text, uint32_t uid) {
  char who[256], id[32];
  EACH_LINE(line, text) {
    if (field(line, 2, id, sizeof id) && ns_all_digits(id) && strtoul(id, NULL, 10) == uid && field(line, 0, who, sizeof who))
      return ns_format("%s", who);
  }
  return NULL;
}

bool ns_find_subid(const char *text, const char *user, uint32_t uid, uint32_t *start, uint32_t *count) {
  char who[256], a[32], b[32], uidtext[16];
  snprintf(uidtext, sizeof uidtext, "%u", uid);
  EACH_LINE(line, text) {
    while (*line == ' ' || *line == '\t') line++;
    if (!field(line, 0, who, sizeof who) || !field(line, 1, a, sizeof a) || !field(line, 2, b, sizeof b)) continue;
    size_t bl = strlen(b); /* the line's own trailing blanks */
    while (bl && isspace((unsigned char)b[bl - 1])) b[--bl] = '\0';
    if ((!strcmp(who, user) || !strcmp(who, uidtext)) && ns_all_digits(a) && ns_all_digits(b)) {
      *start = (uint32_t)strtoul(a, NULL, 10);
      *count = (uint32_t)strtoul(b, NULL, 10);
      return true;
    }
  }
  return false;
}

const char *ns_errno_words(int err) {
  switch (err) {
  case ENOENT: return "no such file or directory";
  case EEXIST: return "file exists";
  case EACCES: return "permission denied";
  case EPERM: return "operation not permitted";
  case ENOTDIR: return "not a directory";
  case EISDIR: return "is a directory";
  case EINVAL: return "invalid argument";
  case ESRCH: return "no such process";
  case EBUSY: return "device or resource busy";
  }
  return strerror(err);
}

uint64_t ns_inode(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

bool ns_path_exists(const char *path) { return access(path, F_OK) == 0; }
