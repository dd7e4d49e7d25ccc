/* Terminals: the pty is opened inside the container (its devpts), its master goes out over a
 * unix socket with SCM_RIGHTS; in foreground mode stage 0 relays it to the caller's tty. */
#ifndef NSBOX_CONSOLE_H
#define NSBOX_CONSOLE_H
#include <sys/types.h>

/* Opens a new pty from the current root's /dev/ptmx, sends the master over `sock`, and makes the
 * peer the caller's stdio and controlling terminal. */
void console_setup(int sock);
/* Blocks every signal so none is lost before foreground_wait reads them from a signalfd.
 * Children must reset their mask (stage 1 does, first thing). */
void foreground_block_signals(void);
/* Stage 0's foreground loop: relays stdin/stdout <-> master (when master >= 0), forwards signals
 * to `child`, reaps, and returns the child's wait status. */
int foreground_wait(pid_t child, int master_sock);

#endif
