/* nsbox-monitor: the per-container monitor (conmon's role). One process per container, detached
 * from the nsbox CLI (double fork + setsid), subreaper and so parent of the container's init.
 * It runs the OCI runtime's create (or the engine's launcher) and start, holds the container's stdio (pipes or a pty),
 * writes the log as JSON lines, serves attach on a unix stream socket, records the exit in
 * status.json, applies the restart policy and finally runs the exit command.
 * No policy beyond that: TypeScript (src/engine/monitor.ts) decides every argument. */
#ifndef NSBOX_MONITOR_H
#define NSBOX_MONITOR_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define MAX_RUNTIME_ARGS 16
#define MAX_EXIT_ARGS 32
#define MAX_CGROUPS 16
#define LAUNCHER_FD 4 /* with --launcher: the launcher's end of the engine's plan socket */

enum restart_kind { RESTART_NO, RESTART_ALWAYS, RESTART_UNLESS_STOPPED, RESTART_ON_FAILURE };

struct monitor_config {
  const char *id, *dir, *bundle, *socket_path, *log_path, *oom_file;
  const char *start_fifo; /* nsbox-runtime's exec fifo: start by reading it, without a runtime process */
  const char *launcher;   /* first create: this launcher, driven by the engine over fd 4 (runtime.c) */
  const char *console_socket; /* where the pty master arrives (with terminal) */
  /* nsbox-runtime only: the container's state directory and cgroup directories, removed by hand
   * instead of running `runtime delete --force` (cleanup.c) */
  const char *runtime_state;
  const char *cgroups[MAX_CGROUPS];
  int n_cgroups;
  bool loopback;          /* bring up lo in the container's network namespace after create */
  unsigned short rows, cols; /* initial pty size (docker's ConsoleSize), set before start */
  const char *runtime;
  const char *runtime_args[MAX_RUNTIME_ARGS];
  int n_runtime_args;
  const char *exit_args[MAX_EXIT_ARGS + 1];
  bool terminal, open_stdin, stdin_once;
  long long log_max;
  enum restart_kind restart;
  int max_retries;
};

/* The live container's stdio as the monitor holds it. */
struct container_io {
  int out, err;     /* read ends (pty master in out when terminal; err -1) */
  int in;           /* write end of stdin, or the pty master; -1 when closed */
  int child_in, child_out, child_err; /* ends given to the runtime, closed after create */
};

/* status.c */
void format_time(char *buf, size_t size, const struct timespec *ts);
struct status {
  int monitor_pid, pid, exit_code, restart_count;
  bool running, restarting, oom_killed;
  char started_at[48], finished_at[48], error[512];
};
void status_write(const char *dir, const struct status *st);

/* logfile.c */
void log_open(const char *path, long long max_size);
void log_write(const char *stream, const char *data, size_t len);

/* runtime.c: both return the container's PID, or -1 with err; launcher_create -2 when the engine
 * went away before telling the PID. */
int runtime_create(const struct monitor_config *cfg, struct container_io *io, char *err, size_t errsize);
int launcher_create(const struct monitor_config *cfg, struct container_io *io, char *err, size_t errsize);
int runtime_simple(const struct monitor_config *cfg, const char *verb, const char *arg, char *err, size_t errsize);
int read_oom_kills(const char *path);
int start_by_fifo(const char *fifo, int pid, char *err, size_t errsize);
int loopback_up(int pid, char *err, size_t errsize);

/* cleanup.c */
void delete_container(const struct monitor_config *cfg);
bool exit_command_wanted(const struct monitor_config *cfg);

/* io.c: serves the container until its init (pid) exits; returns its wait status. */
int attach_listen(const char *path);
int serve_container(const struct monitor_config *cfg, struct container_io *io, int listen_fd, int sigfd, int ctl_fd, int pid);
void close_clients(void);

#endif
