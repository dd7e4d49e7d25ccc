#include "plan.h"
#include <string.h>

#define HEADER_SIZE 8u

void plan_iter_init(struct plan_iter *it, const void *buf, size_t len) {
  it->pos = buf;
  it->end = (const uint8_t *)buf + len;
}

int plan_next(struct plan_iter *it, struct plan_attr *attr) {
  if (it->pos == it->end) return 0;
  if ((size_t)(it->end - it->pos) < HEADER_SIZE) return -1;
  uint16_t type;
  uint32_t len;
  memcpy(&type, it->pos, sizeof type);
  memcpy(&len, it->pos + 4, sizeof len);
  size_t room = (size_t)(it->end - it->pos) - HEADER_SIZE;
  if (len > room) return -1;
  attr->type = type;
  attr->len = len;
  attr->data = it->pos + HEADER_SIZE;
  size_t padded = ((size_t)len + 3u) & ~(size_t)3u;
  it->pos += HEADER_SIZE + (padded <= room ? padded : room);
  return 1;
}

bool attr_str(const struct plan_attr *a, const char **out) {
  if (a->len == 0 || a->data[a->len - 1] != '\0') return false;
  *out = (const char *)a->data;
  return true;
}

bool attr_u32(const struct plan_attr *a, uint32_t *out) {
  if (a->len != sizeof *out) return false;
  memcpy(out, a->data, sizeof *out);
  return true;
}

bool attr_u64(const struct plan_attr *a, uint64_t *out) {
  if (a->len != sizeof *out) return false;
  memcpy(out, a->data, sizeof *out);
  return true;
}
