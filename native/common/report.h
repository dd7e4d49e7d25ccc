/* Failure reporting, crun's contract: every failure names the step, the path and errno.
 * Lines go to the TypeScript parent over the sync socket (fd 3) as
 *   "error STAGE\tSTEP\tPATH\tERRNO\n"
 * and, when that socket is gone, to stderr as "nsbox-launcher: STEP PATH: strerror". */
#ifndef NSBOX_REPORT_H
#define NSBOX_REPORT_H

void report_set_stage(const char *stage);
void report_set_fd(int fd);   /* -1 once the parent no longer listens */
int report_fd(void);
/* Writes one whole line to the parent (a single write, so lines of several stages never mix). */
void report_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void fail(const char *step, const char *path, int err);
/* In-process callers (the nsbox front end's stage 0) turn a failure into their own message: when
 * set, fail() calls `hook` first (it should not return). Cleared in children that report instead. */
void report_set_failure_hook(void (*hook)(const char *step, const char *path, int err));
/* For failures that are not a syscall's: errno 0 and a message as the path. */
__attribute__((noreturn)) void fail_msg(const char *step, const char *msg);

#endif
