/* Reading the launcher plan: a flat walk over length-prefixed attributes (see plan_ids.h). */
#ifndef NSBOX_PLAN_H
#define NSBOX_PLAN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct plan_attr {
  uint16_t type;
  uint32_t len;
  const uint8_t *data;
};

struct plan_iter {
  const uint8_t *pos, *end;
};

void plan_iter_init(struct plan_iter *it, const void *buf, size_t len);
/* 1: *attr filled; 0: end; -1: malformed (truncated header or payload). */
int plan_next(struct plan_iter *it, struct plan_attr *attr);

/* Typed views of a payload. They return false when the payload has the wrong size
 * (or, for strings, no terminating NUL), so a malformed plan is an error, never a guess. */
bool attr_str(const struct plan_attr *a, const char **out);
bool attr_u32(const struct plan_attr *a, uint32_t *out);
bool attr_u64(const struct plan_attr *a, uint64_t *out);

#endif
