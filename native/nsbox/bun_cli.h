/* The TypeScript program that the front end hands every other command to: the compiled Bun
 * program at ../libexec/NAME beside this executable's directory (bin/nsbox -> libexec/nsbox,
 * bin/nsbox-runtime -> libexec/nsbox-runtime: the same binary, told apart by its name), or, for
 * the front end built in the checkout (native/build/nsbox), the sources through Bun. Found
 * relative to /proc/self/exe, so a checkout works wherever it is. */
#ifndef NSBOX_BUN_CLI_H
#define NSBOX_BUN_CLI_H
#include <stdbool.h>
#include <sys/types.h>

/* Whether this binary runs as bin/nsbox-runtime (its name), the runtime's front end. */
bool bun_cli_is_runtime(void);
/* Replaces this process with the Bun CLI, given our own arguments (argv[0] excluded). */
__attribute__((noreturn)) void bun_cli_exec(int argc, char **argv);
/* `nsbox run`: the same CLI as our child, ending when it tells us its exit code (early_exit.c). */
__attribute__((noreturn)) void bun_cli_run_child(int argc, char **argv);
/* The host PID of an nsbox container's init, by name or ID: `nsbox __ns-target NAME` (the
 * engine's SQLite state and the runtime's state files are the TypeScript side's). Its error line
 * ("no such container or process: NAME") reaches stderr as is, and ends this command too. */
pid_t bun_cli_resolve_target(const char *name);

#endif
