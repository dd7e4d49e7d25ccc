#include "config.h"
#include "plan.h"
#include "plan_ids.h"
#include "report.h"
#include <errno.h>
#include <sched.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PUSH(arr, value)                                                        \
  do {                                                                          \
    void *grown = realloc((arr).items, ((arr).len + 1) * sizeof *(arr).items);  \
    if (!grown) fail("decode plan", "out of memory", ENOMEM);                   \
    (arr).items = grown;                                                        \
    (arr).items[(arr).len++] = (value);                                         \
  } while (0)

static __attribute__((noreturn)) void bad(uint16_t type, const char *what) {
  char msg[128];
  snprintf(msg, sizeof msg, "attribute %u: %s", type, what);
  fail_msg("decode plan", msg);
}

static const char *str(const struct plan_attr *a) {
  const char *s;
  if (!attr_str(a, &s)) bad(a->type, "expected a NUL-terminated string");
  return s;
}
static uint32_t u32(const struct plan_attr *a) {
  uint32_t v;
  if (!attr_u32(a, &v)) bad(a->type, "expected a u32");
  return v;
}
static uint64_t u64(const struct plan_attr *a) {
  uint64_t v;
  if (!attr_u64(a, &v)) bad(a->type, "expected a u64");
  return v;
}

/* Iterates the attributes nested in `outer`; a truncated one is a malformed plan. */
static void nested_begin(struct plan_iter *it, const struct plan_attr *outer) {
  plan_iter_init(it, outer->data, outer->len);
}
static bool nested_next(struct plan_iter *it, struct plan_attr *sub, const struct plan_attr *outer) {
  int r = plan_next(it, sub);
  if (r < 0) bad(outer->type, "truncated nested attribute");
  return r > 0;
}

static struct ns_ref decode_ns(const struct plan_attr *a) {
  struct ns_ref ns = {0, NULL, -1};
  struct plan_iter it; struct plan_attr sub;
  nested_begin(&it, a);
  while (nested_next(&it, &sub, a)) {
    if (sub.type == NA_NS_TYPE) ns.type = u32(&sub);
    else if (sub.type == NA_NS_PATH) ns.path = str(&sub);
  }
  if (!ns.type || !ns.path) bad(a->type, "namespace needs a type and a path");
  return ns;
}

static struct mount_entry decode_mount(const struct plan_attr *a) {
  struct mount_entry m = {0};
  struct plan_iter it; struct plan_attr sub;
  nested_begin(&it, a);
  while (nested_next(&it, &sub, a)) {
    switch (sub.type) {
    case NA_MNT_SRC: m.src = str(&sub); break;
    case NA_MNT_DST: m.dst = str(&sub); break;
    case NA_MNT_FSTYPE: m.fstype = str(&sub); break;
    case NA_MNT_FLAGS: m.flags = u64(&sub); break;
    case NA_MNT_DATA: m.data = str(&sub); break;
    case NA_MNT_PROPAGATION: m.propagation = u32(&sub); break;
    case NA_MNT_MKDIR_FILE: m.dst_is_file = true; break;
    }
  }
  if (!m.dst) bad(a->type, "mount needs a destination");
  return m;
}

static struct device_entry decode_device(const struct plan_attr *a) {
  struct device_entry d = {0};
  struct plan_iter it; struct plan_attr sub;
  nested_begin(&it, a);
  while (nested_next(&it, &sub, a)) {
    switch (sub.type) {
    case NA_DEV_PATH: d.path = str(&sub); break;
    case NA_DEV_TYPE: d.type = u32(&sub); break;
    case NA_DEV_MAJOR: d.major = u32(&sub); break;
    case NA_DEV_MINOR: d.minor = u32(&sub); break;
    case NA_DEV_MODE: d.mode = u32(&sub); break;
    case NA_DEV_UID: d.uid = u32(&sub); break;
    case NA_DEV_GID: d.gid = u32(&sub); break;
    case NA_DEV_BIND: d.bind = true; break;
    }
  }
  if (!d.path) bad(a->type, "device needs a path");
  return d;
}

static void decode_pairs(const struct plan_attr *a, uint16_t k1, uint16_t k2, const char **v1, const char **v2) {
  *v1 = *v2 = NULL;
  struct plan_iter it; struct plan_attr sub;
  nested_begin(&it, a);
  while (nested_next(&it, &sub, a)) {
    if (sub.type == k1) *v1 = str(&sub);
    else if (sub.type == k2) *v2 = str(&sub);
  }
  if (!*v1 || !*v2) bad(a->type, "expected two strings");
}

static struct hook_entry decode_hook(const struct plan_attr *a) {
  struct hook_entry h = {0};
  struct plan_iter it;
  struct plan_attr sub;
  nested_begin(&it, a);
  while (nested_next(&it, &sub, a)) {
    switch (sub.type) {
    case NA_HOOK_PATH: h.path = str(&sub); break;
    case NA_HOOK_ARG: PUSH(h.args, (char *)str(&sub)); break;
    case NA_HOOK_ENV: PUSH(h.env, (char *)str(&sub)); break;
    case NA_HOOK_TIMEOUT: h.timeout = u32(&sub); break;
    case NA_HOOK_STDIN: h.stdin_data = sub.data; h.stdin_len = sub.len; break;
    }
  }
  if (!h.path) bad(a->type, "hook needs a path");
  if (!h.args.len) PUSH(h.args, (char *)h.path);
  PUSH(h.args, NULL);
  PUSH(h.env, NULL);
  return h;
}

static struct rlimit_entry decode_rlimit(const struct plan_attr *a) {
  struct rlimit_entry r = {0};
  struct plan_iter it; struct plan_attr sub;
  nested_begin(&it, a);
  while (nested_next(&it, &sub, a)) {
    if (sub.type == NA_RLIM_RESOURCE) r.resource = u32(&sub);
    else if (sub.type == NA_RLIM_SOFT) r.soft = u64(&sub);
    else if (sub.type == NA_RLIM_HARD) r.hard = u64(&sub);
  }
  return r;
}

void config_decode(struct launch_config *c, const void *plan, size_t len) {
  memset(c, 0, sizeof *c);
  struct plan_iter it;
  struct plan_attr a;
  int r;
  plan_iter_init(&it, plan, len);
  while ((r = plan_next(&it, &a)) > 0) {
    switch (a.type) {
    case PA_FOREGROUND: c->foreground = true; break;
    case PA_EXEC_FIFO: c->exec_fifo = str(&a); break;
    case PA_CONSOLE_SOCKET: c->console_socket = str(&a); break;
    case PA_TERMINAL: c->terminal = true; break;
    case PA_NO_FORK: c->no_fork = true; break;
    case PA_SETSID: c->setsid = true; break;
    case PA_PDEATHSIG: c->pdeathsig = u32(&a); break;
    case PA_NS_NEW: c->ns_new = u32(&a); break;
    case PA_NS_JOIN: PUSH(c->joins, decode_ns(&a)); break;
    case PA_NS_PERSIST: PUSH(c->persists, decode_ns(&a)); break;
    case PA_UID_MAP: c->uid_map = str(&a); break;
    case PA_GID_MAP: c->gid_map = str(&a); break;
    case PA_SETGROUPS_DENY: c->setgroups_deny = true; break;
    case PA_CGROUP_JOIN: PUSH(c->cgroup_v1_dirs, str(&a)); break;
    case PA_CGROUP_JOIN_V2: c->cgroup_v2_dir = str(&a); break;
    case PA_PRESERVE_FDS: c->preserve_fds = u32(&a); break;
    case PA_SCHEDULER: {
      c->has_sched = true;
      struct plan_iter sit;
      struct plan_attr s;
      nested_begin(&sit, &a);
      while (nested_next(&sit, &s, &a)) {
        switch (s.type) {
          case NA_SCHED_POLICY: c->sched.policy = u32(&s); break;
          case NA_SCHED_FLAGS: c->sched.flags = u64(&s); break;
          case NA_SCHED_NICE: c->sched.nice = (int32_t)u32(&s); break;
          case NA_SCHED_PRIORITY: c->sched.priority = u32(&s); break;
          case NA_SCHED_RUNTIME: c->sched.runtime = u64(&s); break;
          case NA_SCHED_DEADLINE: c->sched.deadline = u64(&s); break;
          case NA_SCHED_PERIOD: c->sched.period = u64(&s); break;
          default: bad(s.type, "unknown scheduler attribute");
        }
      }
      break;
    }
    case PA_TIME_OFFSETS: c->time_offsets = str(&a); break;
    case PA_ENTER_ROOT: c->enter_root = str(&a); break;
    case PA_ENTER_CWD: c->enter_cwd = str(&a); break;
    case PA_ROOTFS: c->rootfs = str(&a); break;
    case PA_ROOT_PROPAGATION: c->root_propagation = u32(&a); break;
    case PA_ROOT_READONLY: c->root_readonly = true; break;
    case PA_NO_PIVOT: c->no_pivot = true; break;
    case PA_MOUNT: PUSH(c->mounts, decode_mount(&a)); break;
    case PA_DEVICE: PUSH(c->devices, decode_device(&a)); break;
    case PA_SYMLINK: {
      struct symlink_entry s;
      decode_pairs(&a, NA_LINK_TARGET, NA_LINK_PATH, &s.target, &s.path);
      PUSH(c->symlinks, s);
      break;
    }
    case PA_MASK_PATH: PUSH(c->masked_paths, str(&a)); break;
    case PA_READONLY_PATH: PUSH(c->readonly_paths, str(&a)); break;
    case PA_HOSTNAME: c->hostname = str(&a); break;
    case PA_DOMAINNAME: c->domainname = str(&a); break;
    case PA_SYSCTL: {
      struct kv_entry kv;
      decode_pairs(&a, NA_KEY, NA_VALUE, &kv.key, &kv.value);
      PUSH(c->sysctls, kv);
      break;
    }
    case PA_RLIMIT: PUSH(c->rlimits, decode_rlimit(&a)); break;
    case PA_OOM_SCORE_ADJ: c->has_oom_score_adj = true; c->oom_score_adj = (int32_t)u32(&a); break;
    case PA_UID: c->has_uid = true; c->uid = u32(&a); break;
    case PA_GID: c->has_gid = true; c->gid = u32(&a); break;
    case PA_GROUPS:
      if (a.len % 4) bad(a.type, "expected a u32 array");
      for (uint32_t i = 0; i < a.len; i += 4) {
        uint32_t g;
        memcpy(&g, a.data + i, 4);
        PUSH(c->groups, g);
      }
      break;
    case PA_UMASK: c->has_umask = true; c->umask = u32(&a); break;
    case PA_CWD: c->cwd = str(&a); break;
    case PA_ENV: PUSH(c->env, (char *)str(&a)); break;
    case PA_ARG: PUSH(c->argv, (char *)str(&a)); break;
    case PA_NO_NEW_PRIVS: c->no_new_privs = true; break;
    case PA_CAPS:
      c->has_caps = true;
      struct plan_iter cit;
      struct plan_attr sub;
      nested_begin(&cit, &a);
      while (nested_next(&cit, &sub, &a)) {
        if (sub.type >= NA_CAP_BOUNDING && sub.type <= NA_CAP_AMBIENT) c->caps[sub.type - NA_CAP_BOUNDING] = u64(&sub);
      }
      break;
    case PA_SECCOMP:
      if (a.len == 0 || a.len % 8) bad(a.type, "seccomp program must be whole sock_filter entries");
      c->seccomp = a.data;
      c->seccomp_len = a.len;
      break;
    case PA_SECCOMP_FLAGS: c->seccomp_flags = u32(&a); break;
    case PA_PERSONALITY: c->has_personality = true; c->personality = u32(&a); break;
    case PA_APPARMOR: c->apparmor = str(&a); break;
    case PA_SELINUX_LABEL: c->selinux_label = str(&a); break;
    case PA_KEYRING: c->keyring = str(&a); break;
    case PA_IOPRIO: c->has_ioprio = true; c->ioprio = u32(&a); break;
    case PA_ARGV0: c->argv0 = str(&a); break;
    case PA_USERNS_ROOT: c->userns_root = true; break;
    case PA_LOOPBACK_UP: c->loopback_up = true; break;
    case PA_SECCOMP_LISTENER: c->seccomp_listener = str(&a); break;
    case PA_SECCOMP_LISTENER_DATA: PUSH(c->listener_data, ((struct bytes){a.data, a.len})); break;
    case PA_HOOK_SYNC: c->hook_sync = true; break;
    case PA_CGROUP_WAIT: c->cgroup_wait = true; break;
    case PA_START_HOOK: PUSH(c->start_hooks, decode_hook(&a)); break;
    default: bad(a.type, "unknown attribute (launcher older than the TypeScript side?)");
    }
  }
  if (r < 0) fail_msg("decode plan", "truncated attribute");
  if (c->argv.len == 0) fail_msg("decode plan", "no process arguments");
  if (c->pdeathsig && !c->foreground) bad(PA_PDEATHSIG, "needs PA_FOREGROUND (stage 0 must stay the parent)");
  if (c->cgroup_wait && c->no_fork) bad(PA_CGROUP_WAIT, "needs stage 1 to fork stage 2 (not with PA_NO_FORK)");
  if (c->cgroup_wait && (c->ns_new & CLONE_NEWUSER))
    bad(PA_CGROUP_WAIT, "a stage 1 in a new user namespace cannot join host cgroups late");
  for (size_t i = 0; c->cgroup_wait && i < c->joins.len; i++) {
    uint32_t t = c->joins.items[i].type;
    if (t == CLONE_NEWUSER || t == CLONE_NEWNS || t == CLONE_NEWCGROUP)
      bad(PA_CGROUP_WAIT, "a stage 1 in a joined user, mount or cgroup namespace cannot join host cgroups late");
  }
  for (size_t i = 0; c->cgroup_wait && i < c->persists.len; i++)
    if (c->persists.items[i].type == CLONE_NEWCGROUP) bad(PA_CGROUP_WAIT, "stage 1 has no new cgroup namespace to persist");
  /* The listener is the filter's, so it means nothing without one; a listener fd nobody receives
   * would make every notifying syscall fail with ENOSYS. */
  if (!(c->seccomp_flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)) c->seccomp_listener = NULL;
  else if (!c->seccomp_listener) bad(PA_SECCOMP_FLAGS, "SECCOMP_FILTER_FLAG_NEW_LISTENER needs PA_SECCOMP_LISTENER");
  else if (!c->listener_data.len) bad(PA_SECCOMP_LISTENER, "needs PA_SECCOMP_LISTENER_DATA (the container process state)");
  PUSH(c->argv, NULL);
  PUSH(c->env, NULL);
}
