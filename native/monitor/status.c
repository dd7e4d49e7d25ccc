/* status.json: the monitor's account of the container, read by the engine. Written to a temp
 * file and renamed, so a reader never sees half of it. */
#include "monitor.h"
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void format_time(char *buf, size_t size, const struct timespec *ts) {
  struct tm tm;
  gmtime_r(&ts->tv_sec, &tm);
  size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, size - n, ".%09ldZ", ts->tv_nsec);
}

/* Error texts come from runtimes' stderr: keep them printable and quote-free for JSON. */
static void json_safe(char *dst, size_t size, const char *src) {
  size_t i = 0;
  for (; src[i] && i + 1 < size; i++) {
    unsigned char c = (unsigned char)src[i];
    dst[i] = (c < 0x20 || c == '"' || c == '\\') ? ' ' : (char)c;
  }
  dst[i] = '\0';
}

void status_write(const char *dir, const struct status *st) {
  char tmp[4096], path[4096], err[512], buf[2048];
  snprintf(tmp, sizeof tmp, "%s/status.json.tmp", dir);
  snprintf(path, sizeof path, "%s/status.json", dir);
  json_safe(err, sizeof err, st->error);
  int n = snprintf(buf, sizeof buf,
                   "{\"MonitorPid\":%d,\"Pid\":%d,\"Running\":%s,\"Restarting\":%s,\"ExitCode\":%d,\"OOMKilled\":%s,"
                   "\"RestartCount\":%d,\"StartedAt\":\"%s\",\"FinishedAt\":\"%s\",\"Error\":\"%s\"}\n",
                   st->monitor_pid, st->pid, st->running ? "true" : "false", st->restarting ? "true" : "false",
                   st->exit_code, st->oom_killed ? "true" : "false", st->restart_count, st->started_at,
                   st->finished_at, err);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  ssize_t w = write(fd, buf, (size_t)n);
  close(fd);
  if (w == n) rename(tmp, path);
}
