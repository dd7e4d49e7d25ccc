/* nsbox: the command line's front door. `nsbox unshare` and `nsbox nsenter` are handled here, in
 * C, with the launcher's stages run in this very process: their benchmark is util-linux's
 * unshare/nsenter (~1.6 ms), and a compiled Bun program needs ~3.4 ms just to start and exit
 * (docs/decisions.md). Every other command is the TypeScript CLI, exec'd (bun_cli.c): a static
 * musl program in front of it costs nothing measurable (< 0.05 ms). */
#include "bun_cli.h"
#include "nsenter.h"
#include "unshare.h"
#include <string.h>

int main(int argc, char **argv, char **envp) {
  if (argc > 1 && !strcmp(argv[1], "unshare")) return unshare_main(argc - 2, argv + 2, envp);
  if (argc > 1 && !strcmp(argv[1], "nsenter")) return nsenter_main(argc - 2, argv + 2, envp);
  bun_cli_exec(argc - 1, argv + 1);
}
