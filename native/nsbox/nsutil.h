/* Small helpers of `nsbox unshare`/`nsenter` (the front end): util-linux's value parsers and
 * messages, path resolution as node:path's resolve, reading account files. Every user error is
 * one line "nsbox: MESSAGE" on stderr and an exit code (ns_die). */
#ifndef NSBOX_NSUTIL_H
#define NSBOX_NSUTIL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The name messages start with: "nsbox", or "nsbox-runtime" as that front end (main.c). */
extern const char *ns_program;
__attribute__((noreturn, format(printf, 2, 3))) void ns_die(int code, const char *fmt, ...);
/* One line "nsbox: MESSAGE" on stderr. */
void ns_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *ns_alloc(size_t n);                  /* zeroed; dies when out of memory */
char *ns_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool ns_all_digits(const char *s);

/* A numeric uid/gid ("failed to parse uid: 'x'"); `what` is "uid" or "gid". */
uint32_t ns_parse_id(const char *s, const char *what);
/* A signal by name (KILL, SIGKILL, kill, RTMIN+3) or number 1-64, else 0. */
int ns_signal_number(const char *s);
/* The absolute, normalized path `path` leads to from `base` (node:path's posix resolve). */
char *ns_resolve(const char *base, const char *path);
/* The whole file, NUL-terminated, or "" when it cannot be read. */
char *ns_read_file(const char *path);
/* The id of `name` in a passwd/group-format text (third field), or -1. */
long ns_lookup_id(const char *text, const char *name);
/* The name of `id` in a passwd-format text, or NULL. */
char *ns_lookup_name(const char *text, uint32_t id);
/* The first `user:start:count` line of /etc/subuid-format text for the user (by name or uid). */
bool ns_find_subid(const char *text, const char *user, uint32_t uid, uint32_t *start, uint32_t *count);
/* The errno description as Node.js words it for the messages that kept TypeScript's wording
 * ("no such file or directory"). */
const char *ns_errno_words(int err);
/* The inode of `path` (following links), 0 when it cannot be stat'ed. */
uint64_t ns_inode(const char *path);
bool ns_path_exists(const char *path);

#endif
