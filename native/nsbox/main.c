/* nsbox: the command line's front door. `nsbox unshare` and `nsbox nsenter` are handled here, in
 * C, with the launcher's stages run in this very process: their benchmark is util-linux's
 * unshare/nsenter (~1.6 ms), and a compiled Bun program needs ~3.4 ms just to start and exit
 * (docs/decisions.md). Every other command is the TypeScript CLI, exec'd (bun_cli.c): a static
 * musl program in front of it costs nothing measurable (< 0.05 ms). `nsbox run` runs it as a child
 * instead, and returns once it has told its exit code (early_exit.c). Copied to bin/nsbox-runtime,
 * it does that for every runtime verb: podman and containerd start the runtime once per verb,
 * and the kernel's teardown of each Bun process (~1 ms) need not delay them. */
#include "bun_cli.h"
#include "fast_verbs.h"
#include "nsutil.h"
#include "nsenter.h"
#include "unshare.h"
#include <string.h>

/* The command word, after the global flags (`--root DIR`, `--root=DIR`) the CLI takes before it. */
static const char *command(int argc, char **argv) {
  int i = 1;
  while (i < argc && (!strcmp(argv[i], "--root") || !strncmp(argv[i], "--root=", 7))) i += argv[i][6] == '=' ? 1 : 2;
  return i < argc ? argv[i] : "";
}

int main(int argc, char **argv, char **envp) {
  /* As bin/nsbox-runtime: every verb through a child, ending when it tells its exit code. */
  if (bun_cli_is_runtime()) {
    ns_program = "nsbox-runtime";
    fast_verbs(argc, argv); /* returns unless it did start or delete itself (fast_verbs.c) */
    bun_cli_run_child(argc - 1, argv + 1);
  }
  if (argc > 1 && !strcmp(argv[1], "unshare")) return unshare_main(argc - 2, argv + 2, envp);
  if (argc > 1 && !strcmp(argv[1], "nsenter")) return nsenter_main(argc - 2, argv + 2, envp);
  if (!strcmp(command(argc, argv), "run")) bun_cli_run_child(argc - 1, argv + 1);
  bun_cli_exec(argc - 1, argv + 1);
}
