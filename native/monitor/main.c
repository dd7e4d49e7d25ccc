/* nsbox-monitor main: arguments, detaching, and the container's life cycle:
 *   create (runtime, or the launcher the engine drives: then its "pid N" first) -> "created PID" to the engine -> wait for its "s" -> start (runtime) ->
 *   "ready" -> serve until the init exits -> status.json -> delete (runtime) -> restart policy ->
 *   exit command.
 * Talks to the engine over fd 3 (a socketpair) until ready, with the launcher's error contract:
 *   "error monitor\tSTEP\tPATH-OR-MESSAGE\tERRNO". After that, status.json is its only output. */
#include "monitor.h"
#include "plan_ids.h"
#include "report.h"
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void usage_fail(const char *msg) {
  dprintf(2, "nsbox-monitor: %s\n", msg);
  exit(2);
}

static void parse_restart(struct monitor_config *cfg, const char *v) {
  if (!strcmp(v, "no")) cfg->restart = RESTART_NO;
  else if (!strcmp(v, "always")) cfg->restart = RESTART_ALWAYS;
  else if (!strcmp(v, "unless-stopped")) cfg->restart = RESTART_UNLESS_STOPPED;
  else if (!strncmp(v, "on-failure", 10)) {
    cfg->restart = RESTART_ON_FAILURE;
    cfg->max_retries = v[10] == ':' ? atoi(v + 11) : 0;
  } else usage_fail("--restart: expected no, always, unless-stopped or on-failure[:N]");
}

static void parse_args(struct monitor_config *cfg, int argc, char **argv) {
  static const struct option opts[] = {
      {"id", 1, 0, 'i'}, {"dir", 1, 0, 'd'}, {"bundle", 1, 0, 'b'}, {"socket", 1, 0, 's'},
      {"log", 1, 0, 'l'}, {"log-max", 1, 0, 'm'}, {"runtime", 1, 0, 'r'}, {"runtime-arg", 1, 0, 'a'},
      {"terminal", 0, 0, 't'}, {"stdin", 0, 0, 'I'}, {"stdin-once", 0, 0, 'O'}, {"restart", 1, 0, 'R'},
      {"oom-file", 1, 0, 'o'}, {"start-fifo", 1, 0, 'f'}, {"loopback", 0, 0, 'L'}, {"console-size", 1, 0, 'z'},
      {"launcher", 1, 0, 'X'}, {"console-socket", 1, 0, 'C'}, {"runtime-state", 1, 0, 'S'}, {"cgroup", 1, 0, 'g'},
      {0, 0, 0, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
    switch (c) {
    case 'i': cfg->id = optarg; break;
    case 'd': cfg->dir = optarg; break;
    case 'b': cfg->bundle = optarg; break;
    case 's': cfg->socket_path = optarg; break;
    case 'l': cfg->log_path = optarg; break;
    case 'm': cfg->log_max = atoll(optarg); break;
    case 'r': cfg->runtime = optarg; break;
    case 'a':
      if (cfg->n_runtime_args >= MAX_RUNTIME_ARGS) usage_fail("too many --runtime-arg");
      cfg->runtime_args[cfg->n_runtime_args++] = optarg;
      break;
    case 't': cfg->terminal = true; break;
    case 'I': cfg->open_stdin = true; break;
    case 'O': cfg->stdin_once = true; break;
    case 'R': parse_restart(cfg, optarg); break;
    case 'o': cfg->oom_file = optarg; break;
    case 'f': cfg->start_fifo = optarg; break;
    case 'L': cfg->loopback = true; break;
    case 'X': cfg->launcher = optarg; break;
    case 'C': cfg->console_socket = optarg; break;
    case 'S': cfg->runtime_state = optarg; break;
    case 'g':
      if (cfg->n_cgroups >= MAX_CGROUPS) usage_fail("too many --cgroup");
      cfg->cgroups[cfg->n_cgroups++] = optarg;
      break;
    case 'z':
      if (sscanf(optarg, "%hux%hu", &cfg->rows, &cfg->cols) != 2) usage_fail("--console-size: expected ROWSxCOLS");
      break;
    default: usage_fail("unknown option");
    }
  }
  /* Whatever follows is the exit command, run once the container is finally stopped. */
  for (int i = 0; optind < argc && i < MAX_EXIT_ARGS; i++) cfg->exit_args[i] = argv[optind++];
  if (!cfg->id || !cfg->dir || !cfg->bundle || !cfg->socket_path || !cfg->log_path || !cfg->runtime)
    usage_fail("usage: nsbox-monitor --id ID --dir DIR --bundle DIR --socket PATH --log FILE --runtime PATH [...] [EXIT-COMMAND...]");
  if (cfg->terminal && !cfg->console_socket) usage_fail("--terminal needs --console-socket");
}

/* Double fork and setsid: the monitor outlives the CLI that started it and has no terminal. */
static void detach(void) {
  pid_t first = fork();
  if (first < 0) fail("fork", "monitor", errno);
  if (first > 0) {
    int st;
    waitpid(first, &st, 0);
    _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
  }
  if (setsid() < 0) fail("setsid", "monitor", errno);
  pid_t second = fork();
  if (second < 0) fail("fork", "monitor", errno);
  if (second > 0) _exit(0);
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0) fail("open", "/dev/null", errno);
  for (int i = 0; i < 3; i++) dup2(null, i);
  close(null);
  if (chdir("/") < 0) fail("chdir", "/", errno);
}

static void now(char *buf, size_t size) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  format_time(buf, size, &ts);
}

static bool stopped_by_user(const struct monitor_config *cfg) {
  char path[4096];
  snprintf(path, sizeof path, "%s/stopped", cfg->dir);
  return access(path, F_OK) == 0;
}

static bool should_restart(const struct monitor_config *cfg, const struct status *st) {
  if (stopped_by_user(cfg)) return false;
  switch (cfg->restart) {
  case RESTART_ALWAYS:
  case RESTART_UNLESS_STOPPED: return true;
  case RESTART_ON_FAILURE: return st->exit_code != 0 && (cfg->max_retries == 0 || st->restart_count < cfg->max_retries);
  default: return false;
  }
}

/* docker's back-off: 100 ms doubling per consecutive restart, reset after 10 s of running. */
static bool backoff(const struct monitor_config *cfg, long *delay_ms, time_t ran_for) {
  *delay_ms = ran_for >= 10 ? 100 : (*delay_ms ? *delay_ms * 2 : 100);
  if (*delay_ms > 60000) *delay_ms = 60000;
  for (long slept = 0; slept < *delay_ms; slept += 50) {
    if (stopped_by_user(cfg)) return false;
    usleep(50000);
  }
  return !stopped_by_user(cfg);
}

static void run_exit_command(const struct monitor_config *cfg) {
  if (!exit_command_wanted(cfg)) return;
  pid_t pid = fork();
  if (pid == 0) {
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    execvp(cfg->exit_args[0], (char **)cfg->exit_args);
    _exit(127);
  }
  int st;
  while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
}

static void close_io(struct container_io *io) {
  if (io->in >= 0 && io->in != io->out) close(io->in);
  if (io->out >= 0) close(io->out);
  if (io->err >= 0) close(io->err);
  io->in = io->out = io->err = -1;
}

/* The engine went away before start (killed, or gave up): leave nothing behind. */
__attribute__((noreturn)) static void abandon(const struct monitor_config *cfg, struct container_io *io, int pid) {
  if (pid > 0) kill(pid, SIGKILL);
  close_io(io);
  delete_container(cfg);
  unlink(cfg->socket_path);
  _exit(1);
}

int main(int argc, char **argv) {
  struct monitor_config cfg = {.log_max = 0, .restart = RESTART_NO};
  parse_args(&cfg, argc, argv);
  if (fcntl(PLAN_FD, F_GETFD) < 0) usage_fail("fd 3 must be the engine's sync socket");
  fcntl(PLAN_FD, F_SETFD, FD_CLOEXEC);
  if (cfg.launcher && fcntl(LAUNCHER_FD, F_SETFD, FD_CLOEXEC) < 0) usage_fail("--launcher: fd 4 must be the launcher's plan socket");
  report_set_stage("monitor");
  signal(SIGPIPE, SIG_IGN);
  detach();
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) fail("prctl PR_SET_CHILD_SUBREAPER", "", errno);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD), sigaddset(&mask, SIGTERM), sigaddset(&mask, SIGINT), sigaddset(&mask, SIGHUP);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  int sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sigfd < 0) fail("signalfd", "", errno);
  int listen_fd = attach_listen(cfg.socket_path);
  if (listen_fd < 0) fail("listen", cfg.socket_path, errno);
  char ctl[4096];
  snprintf(ctl, sizeof ctl, "%s/ctl", cfg.dir);
  unlink(ctl);
  if (mkfifo(ctl, 0600) < 0) fail("mkfifo", ctl, errno);
  int ctl_fd = open(ctl, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (ctl_fd < 0) fail("open", ctl, errno);
  log_open(cfg.log_path, cfg.log_max);
  report_line("monitor %d", getpid());

  struct status st = {.monitor_pid = getpid()};
  struct container_io io = {-1, -1, -1, -1, -1, -1};
  long delay_ms = 0;
  char err[512];
  for (bool first = true;; first = false) {
    err[0] = '\0';
    int pid = first && cfg.launcher ? launcher_create(&cfg, &io, err, sizeof err) : runtime_create(&cfg, &io, err, sizeof err);
    if (pid == -2) abandon(&cfg, &io, 0);
    if (pid < 0) {
      close_io(&io);
      if (first) fail_msg("runtime create", err);
      snprintf(st.error, sizeof st.error, "%s", err);
      st.restarting = false;
      status_write(cfg.dir, &st);
      break;
    }
    if (cfg.loopback && loopback_up(pid, err, sizeof err) < 0) {
      kill(pid, SIGKILL);
      close_io(&io);
      delete_container(&cfg);
      if (first) fail_msg("loopback", err);
      snprintf(st.error, sizeof st.error, "%s", err);
      status_write(cfg.dir, &st);
      break;
    }
    if (first) {
      report_line("created %d", pid);
      char go = 0;
      ssize_t n;
      do n = read(PLAN_FD, &go, 1); while (n < 0 && errno == EINTR);
      if (n != 1 || go != 's') abandon(&cfg, &io, pid);
    }
    int start_rc = cfg.start_fifo ? start_by_fifo(cfg.start_fifo, pid, err, sizeof err)
                                 : runtime_simple(&cfg, "start", NULL, err, sizeof err);
    if (start_rc != 0) {
      kill(pid, SIGKILL);
      close_io(&io);
      delete_container(&cfg);
      if (first) fail_msg("runtime start", err);
      snprintf(st.error, sizeof st.error, "%s", err);
      st.restarting = false;
      status_write(cfg.dir, &st);
      break;
    }
    st.pid = pid, st.running = true, st.restarting = false, st.exit_code = 0, st.error[0] = '\0';
    now(st.started_at, sizeof st.started_at);
    status_write(cfg.dir, &st);
    time_t started = time(NULL);
    if (first) {
      report_line("%s", SYNC_READY);
      close(PLAN_FD);
      report_set_fd(-1);
    }
    int oom_before = read_oom_kills(cfg.oom_file);
    int ws = serve_container(&cfg, &io, listen_fd, sigfd, ctl_fd, pid);
    st.oom_killed = read_oom_kills(cfg.oom_file) > oom_before;
    st.exit_code = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    st.running = false;
    now(st.finished_at, sizeof st.finished_at);
    close_io(&io);
    bool again = should_restart(&cfg, &st);
    st.restarting = again;
    status_write(cfg.dir, &st);
    close_clients();
    delete_container(&cfg);
    if (!again || !backoff(&cfg, &delay_ms, time(NULL) - started)) {
      if (st.restarting) st.restarting = false, status_write(cfg.dir, &st);
      break;
    }
    st.restart_count++;
  }
  close(listen_fd);
  unlink(cfg.socket_path);
  run_exit_command(&cfg);
  return 0;
}
