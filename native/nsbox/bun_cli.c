#include "bun_cli.h"
#include "nsutil.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char exe_dir[PATH_MAX];
static const char *exe_name;

/* Our directory and our name, from /proc/self/exe: one binary is both bin/nsbox and
 * bin/nsbox-runtime (setup copies it), and serves the TypeScript program of that name. */
static void find_self(void) {
  if (exe_name) return;
  ssize_t n = readlink("/proc/self/exe", exe_dir, sizeof exe_dir - 1);
  if (n < 0) ns_die(1, "cannot find the nsbox CLI: readlink /proc/self/exe: %s", strerror(errno));
  exe_dir[n] = '\0';
  char *slash = strrchr(exe_dir, '/');
  *slash = '\0';
  exe_name = slash + 1;
}

bool bun_cli_is_runtime(void) {
  find_self();
  return !strcmp(exe_name, "nsbox-runtime");
}

/* argv for running the CLI with `nargs` more arguments (filled by the caller from index *first). */
static char **cli_argv(int nargs, int *first) {
  bool runtime = bun_cli_is_runtime();
  const char *name = runtime ? "nsbox-runtime" : "nsbox";
  char **argv = ns_alloc(sizeof(char *) * (size_t)(nargs + 4));
  char *installed = ns_format("%s/../libexec/%s", exe_dir, name);
  if (access(installed, X_OK) == 0) {
    argv[0] = installed;
    *first = 1;
    return argv;
  }
  /* native/build/nsbox in a checkout: the sources, as `bun src/cli/main.ts` (no .env, as setup's shims). */
  argv[0] = ns_format("%s/../../node_modules/.bin/bun", exe_dir);
  argv[1] = "--no-env-file";
  argv[2] = ns_format("%s/../../src/%s/main.ts", exe_dir, runtime ? "runtime" : "cli");
  if (access(argv[0], X_OK) < 0) ns_die(1, "cannot find the %s program: neither %s nor %s exists", name, installed, argv[0]);
  *first = 3;
  return argv;
}

void bun_cli_exec(int argc, char **argv) {
  int first;
  char **args = cli_argv(argc, &first);
  for (int i = 0; i < argc; i++) args[first + i] = argv[i];
  execve(args[0], args, environ);
  ns_die(1, "cannot run the nsbox CLI %s: %s", args[0], strerror(errno));
}

pid_t bun_cli_resolve_target(const char *name) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) < 0) ns_die(1, "cannot resolve %s: pipe: %s", name, strerror(errno));
  int first;
  char **args = cli_argv(2, &first);
  args[first] = "__ns-target";
  args[first + 1] = (char *)name;
  pid_t pid = fork();
  if (pid < 0) ns_die(1, "cannot resolve %s: fork: %s", name, strerror(errno));
  if (pid == 0) {
    if (dup2(out[1], STDOUT_FILENO) < 0) _exit(1);
    execve(args[0], args, environ);
    ns_say("cannot run the nsbox CLI %s: %s", args[0], strerror(errno));
    _exit(1);
  }
  close(out[1]);
  char buf[32] = {0};
  size_t len = 0;
  for (ssize_t n; len < sizeof buf - 1 && ((n = read(out[0], buf + len, sizeof buf - 1 - len)) > 0 || (n < 0 && errno == EINTR));)
    if (n > 0) len += (size_t)n;
  close(out[0]);
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
  buf[strcspn(buf, "\n")] = '\0';
  if (!ns_all_digits(buf)) ns_die(1, "cannot resolve %s: the nsbox CLI answered '%s'", name, buf);
  return (pid_t)strtol(buf, NULL, 10);
}
