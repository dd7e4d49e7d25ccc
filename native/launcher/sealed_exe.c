/* CVE-2019-5736 (runc): a process in the container can reach the launcher's /proc/PID/exe.
 * Stage 2 runs inside the container's PID namespace (for exec, next to the container's
 * processes), and an image whose program is a script starting with `#!/proc/self/exe` makes the
 * kernel run this very binary as the container's process. A process that opened that exe
 * (O_PATH or read-only) can reopen it for writing through /proc/self/fd/N as soon as no launcher
 * runs, and replace the host's launcher, which root runs next time. Like runc (libcontainer's
 * cloned binary) and crun, we run from a copy in a memfd sealed against every change: the
 * container can only ever reach the copy. Costs one copy (sendfile, ~200 KB) and one exec. */
#include "sealed_exe.h"
#include "report.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

void sealed_exe_ensure(char **argv, char **envp) {
  int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0) fail("open", "/proc/self/exe", errno);
  int seals = fcntl(self, F_GET_SEALS); /* EINVAL on a regular file */
  if (seals >= 0 && (seals & SEALS) == SEALS) {
    close(self);
    /* exec through an fd names the process after the fd number: keep ps and tests readable */
    prctl(PR_SET_NAME, "nsbox-launcher", 0, 0, 0);
    return;
  }
  struct stat st;
  if (fstat(self, &st) < 0) fail("stat", "/proc/self/exe", errno);
  int mem = memfd_create("nsbox-launcher", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mem < 0) fail("memfd_create", "sealed copy of the launcher", errno);
  for (off_t left = st.st_size; left > 0;) {
    ssize_t n = sendfile(mem, self, NULL, (size_t)left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("copy", "/proc/self/exe into a memfd", n < 0 ? errno : EIO);
    left -= n;
  }
  close(self);
  if (fcntl(mem, F_ADD_SEALS, SEALS) < 0) fail("seal", "the launcher's memfd copy", errno);
  fexecve(mem, argv, envp); /* execveat(AT_EMPTY_PATH): works on a close-on-exec fd for ELF */
  fail("exec", "the launcher's sealed copy", errno);
}
