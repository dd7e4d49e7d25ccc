#include "nsrun.h"
#include "console.h"
#include "nsutil.h"
#include "plan_ids.h"
#include "report.h"
#include "stage0.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static struct launch_config *running;
static struct stage0_io io;
static int report_pipe[2] = {-1, -1};

static bool starts_with(const char *s, const char *prefix) { return !strncmp(s, prefix, strlen(prefix)); }

/* strerror's words, as the TypeScript side showed them ("No such file or directory"). */
static const char *errno_text(int err) { return strerror(err); }

const char *ns_describe_failure(const char *step, const char *path, int err, const char *program, int *code) {
  const char *text = err ? errno_text(err) : path;
  *code = 1;
  if (!strcmp(step, "exec") || starts_with(step, "exec:")) {
    /* util-linux: 127 when the program does not exist, 126 when it cannot be executed. */
    *code = err == ENOENT ? 127 : 126;
    return ns_format("failed to execute %s: %s", program, text);
  }
  if (!strcmp(step, "open namespace")) {
    const char *pid_end = starts_with(path, "/proc/") ? path + 6 + strspn(path + 6, "0123456789") : NULL;
    bool proc_pid = pid_end && pid_end > path + 6 && *pid_end == '/';
    return ns_format("cannot open %s: %s%s", path, text, err == ENOENT && proc_pid ? " (process gone?)" : "");
  }
  if (!strcmp(step, "setns"))
    return ns_format("reassociate to namespace %s failed: %s", path,
                     err == EINVAL ? "not a namespace file of that type, or not allowed to enter it" : text);
  if (!strcmp(step, "bind namespace")) return ns_format("cannot persist a namespace on %s: %s", path, text);
  if (!strcmp(step, "unshare")) return ns_format("unshare failed: %s", text);
  size_t n = strlen(path);
  if (!strcmp(step, "write") && ((n > 4 && !strcmp(path + n - 4, "_map")) || (n > 9 && !strcmp(path + n - 9, "setgroups")))) {
    const char *name = strrchr(path, '/');
    return ns_format("cannot write /proc/PID%s: %s", name ? name : path, text);
  }
  if (!err) return *path ? ns_format("%s: %s", step, path) : step;
  return *path ? ns_format("%s %s: %s", step, path, text) : ns_format("%s: %s", step, text);
}

/* A failure after the namespace files were bind-mounted must not leave them mounted. */
static void unmount_persisted(void) {
  for (size_t i = 0; i < io.persisted; i++) {
    const char *p = running->persists.items[i].path;
    if (umount2(p, 0) < 0) ns_say("warning: could not unmount %s; remove it with: umount %s", p, p);
  }
  io.persisted = 0;
}

static __attribute__((noreturn)) void give_up(const char *step, const char *path, int err) {
  int code;
  const char *line = ns_describe_failure(step, path, err, running->argv.items[0], &code);
  unmount_persisted();
  ns_die(code, "%s", line);
}

/* Stage 0's own failures (fail() in this process): described at once. */
static void stage0_failed(const char *step, const char *path, int err) { give_up(step, path, err); }

/* Stages 1 and 2 report as they do to TypeScript: "error STAGE\tSTEP\tPATH\tERRNO" lines. */
static void in_stage1(void) {
  report_set_failure_hook(NULL);
  close(report_pipe[0]);
  report_set_fd(report_pipe[1]);
}

/* Waits until the process has exec'd (EOF: the report socket is close-on-exec) or a stage reports
 * a failure, which ends the command. */
static void await_exec(pid_t child) {
  char buf[4096];
  size_t len = 0;
  for (;;) {
    ssize_t n = read(report_pipe[0], buf + len, sizeof buf - 1 - len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || (len += (size_t)n) == sizeof buf - 1) break;
  }
  close(report_pipe[0]);
  buf[len] = '\0';
  if (!starts_with(buf, SYNC_ERROR " ")) {
    if (child > 0) return;
    ns_die(1, "the launcher's stage 1 exited before starting the process");
  }
  char *fields[4] = {buf + strlen(SYNC_ERROR) + 1, NULL, NULL, NULL};
  for (int i = 1; i < 4; i++) {
    fields[i] = fields[i - 1] ? strchr(fields[i - 1], '\t') : NULL;
    if (fields[i]) *fields[i]++ = '\0';
  }
  if (fields[3]) fields[3][strcspn(fields[3], "\n")] = '\0';
  if (child > 0) while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {}
  give_up(fields[1] ? fields[1] : "launcher", fields[2] ? fields[2] : "", fields[3] ? atoi(fields[3]) : 0);
}

int ns_run(struct launch_config *cfg) {
  const char *print = getenv("NSBOX_NS_PRINT_PLAN");
  if (print && *print) return ns_print_plan(cfg), 0;
  running = cfg;
  report_set_stage("stage0");
  report_set_fd(-1);
  report_set_failure_hook(stage0_failed);
  struct host_fds host;
  stage0_open_host_side(cfg, &host);
  /* --kill-child: the program's parent-death signal refers to this process, which stage 2 checks
   * through a pidfd (the caller is the user's shell: there is no further link, as util-linux). */
  if (cfg->pdeathsig && (host.stage0_pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0)) < 0) fail("pidfd_open", "stage 0", errno);
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, report_pipe) < 0) fail("socketpair", "stage reports", errno);
  io.in_stage1 = in_stage1;
  pid_t child = stage0_run(cfg, &host, &io);
  close(report_pipe[1]);
  await_exec(child);
  return stage0_exit_code(foreground_wait(child, io.relay));
}
