/* `nsbox run`, and every verb of bin/nsbox-runtime, through a child: the Bun program runs as our
 * child instead of in our place, and we end as soon as it writes its exit code on a pipe (fd
 * NSBOX_DONE_FD; src/common/done-fd.ts: the CLI's `run` just before its _exit, once the container
 * is started or, with --rm, removed and all output written; the runtime once its verb is done,
 * its stdio closed).
 * The kernel's teardown of the Bun process (its mappings and threads: ~1 ms, docs/performance.md
 * "Session 5") then follows the command's return instead of delaying it.
 *
 * Otherwise it behaves as the exec'd CLI did: a child that ends without writing (any other exit
 * path, a crash, a signal) is waited for and its status passed on, an exit code or the same
 * signal; signals a process sends us (kill PID, timeout) are passed on to it, while those the
 * terminal sends to the whole process group (Ctrl-C, a hang-up) reach it by themselves; and if we
 * are killed, PR_SET_PDEATHSIG kills it, as killing the exec'd CLI did.
 *
 * Two threads a CLI of some 20 ms has no use for are turned off in its environment (unless set):
 * JavaScriptCore's JSCWarmUp, which prepares heap blocks ahead of allocation, and mimalloc's
 * mi-scavenger, which returns freed pages to the system later: together ~6 % of the CPU of 50
 * `run -d` at once, and ~0.8 ms of CPU per `run --rm` (docs/performance.md "Session 5"). An option
 * name JavaScriptCore no longer knows makes Bun refuse to start, which every `nsbox run` test
 * would show (test/integration/engine-early-exit.test.ts runs through this file). */
#include "bun_cli.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t child;
static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

static void forward(int sig, siginfo_t *si, void *ctx) {
  (void)ctx;
  if (si->si_code == SI_KERNEL) return; /* the terminal's: the child, in our group, has it too */
  if (child > 0) kill(child, sig);
}

static __attribute__((noreturn)) void end_like(int status) {
  if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
  signal(sig, SIG_DFL);
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, sig);
  sigprocmask(SIG_UNBLOCK, &s, NULL);
  raise(sig);
  _exit(128 + sig);
}

void bun_cli_run_child(int argc, char **argv) {
  int done[2];
  if (pipe2(done, O_CLOEXEC) < 0) bun_cli_exec(argc, argv);
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old); /* no handler of ours runs in the child before its exec */
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent) _exit(137);
    char fd[16];
    snprintf(fd, sizeof fd, "%d", done[1]);
    if (fcntl(done[1], F_SETFD, 0) < 0 || setenv("NSBOX_DONE_FD", fd, 1) < 0) _exit(1);
    setenv("BUN_JSC_useWarmUpMarkedBlocks", "0", 0);
    setenv("MIMALLOC_PURGE_DELAY", "-1", 0);
    close(done[0]);
    sigprocmask(SIG_SETMASK, &old, NULL);
    bun_cli_exec(argc, argv);
  }
  if (pid < 0) {
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(done[0]), close(done[1]);
    bun_cli_exec(argc, argv);
  }
  child = pid;
  close(done[1]);
  struct sigaction sa = {.sa_sigaction = forward, .sa_flags = SA_SIGINFO | SA_RESTART};
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) sigaction(forwarded[i], &sa, NULL);
  sigprocmask(SIG_SETMASK, &old, NULL);
  unsigned char code;
  ssize_t n;
  do n = read(done[0], &code, 1); while (n < 0 && errno == EINTR);
  if (n == 1) _exit(code);
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) _exit(1);
  end_like(status);
}
