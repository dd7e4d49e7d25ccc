#include "process.h"
#include "fileio.h"
#include "report.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void write_or_fail(const char *step, const char *path, const char *value) {
  int err = write_file(path, value);
  if (err) fail(step, path, err);
}

/* struct sched_attr as sched_setattr(2) takes it (SCHED_ATTR_SIZE_VER0; not in every libc). */
struct sched_attr_v0 {
  uint32_t size, sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime, sched_deadline, sched_period;
};

static void apply_scheduler(const struct sched_plan *s) {
  struct sched_attr_v0 attr = {
    .size = sizeof attr, .sched_policy = s->policy, .sched_flags = s->flags, .sched_nice = s->nice,
    .sched_priority = s->priority, .sched_runtime = s->runtime, .sched_deadline = s->deadline,
    .sched_period = s->period,
  };
  char what[48];
  snprintf(what, sizeof what, "policy %u priority %u nice %d", s->policy, s->priority, s->nice);
  if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0) fail("sched_setattr", what, errno);
}

static void apply_sysctl(const struct kv_entry *kv) {
  char path[PATH_MAX];
  int n = snprintf(path, sizeof path, "/proc/sys/%s", kv->key);
  if (n < 0 || n >= (int)sizeof path) fail("sysctl", kv->key, ENAMETOOLONG);
  /* "net.ipv4.ip_forward" names /proc/sys/net/ipv4/ip_forward; a key already in slash form keeps
   * its dots, which belong to names such as an interface "a.b" (runc's rule). */
  if (!strchr(kv->key, '/'))
    for (char *p = path + 10; *p; p++)
      if (*p == '.') *p = '/';
  write_or_fail("sysctl", path, kv->value);
}

void process_apply_environment(const struct launch_config *cfg) {
  if (cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0) fail("sethostname", cfg->hostname, errno);
  if (cfg->domainname && setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
    fail("setdomainname", cfg->domainname, errno);
  for (size_t i = 0; i < cfg->sysctls.len; i++) apply_sysctl(&cfg->sysctls.items[i]);
  if (cfg->has_oom_score_adj) {
    char v[16];
    snprintf(v, sizeof v, "%d", cfg->oom_score_adj);
    /* Non-dumpable (main.c), our /proc/self files belong to the host's root, which the root of a
     * user namespace is not: dumpable for this one write only, when it is needed. */
    int lend = !prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) && access("/proc/self/oom_score_adj", W_OK) < 0;
    if (lend) prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    write_or_fail("set oom_score_adj", "/proc/self/oom_score_adj", v);
    if (lend && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) fail("prctl", "set non-dumpable", errno);
  }
  for (size_t i = 0; i < cfg->rlimits.len; i++) {
    const struct rlimit_entry *r = &cfg->rlimits.items[i];
    struct rlimit rl = {.rlim_cur = r->soft, .rlim_max = r->hard};
    if (setrlimit((int)r->resource, &rl) < 0) {
      char what[48];
      snprintf(what, sizeof what, "resource %u soft %llu hard %llu", r->resource, (unsigned long long)r->soft,
               (unsigned long long)r->hard);
      fail("setrlimit", what, errno);
    }
  }
  if (cfg->has_personality && personality(cfg->personality) < 0) fail("personality", "", errno);
  if (cfg->has_ioprio && syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, cfg->ioprio) < 0)
    fail("ioprio_set", "", errno);
  if (cfg->has_sched) apply_scheduler(&cfg->sched);
  if (cfg->apparmor) write_or_fail("set apparmor profile", "/proc/self/attr/apparmor/exec", cfg->apparmor);
  if (cfg->selinux_label) write_or_fail("set selinux label", "/proc/self/attr/exec", cfg->selinux_label);
  /* A session keyring of its own, so keys never leak between containers (runc's default). */
  if (cfg->keyring && syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, cfg->keyring) < 0 && errno != ENOSYS)
    fail("join session keyring", cfg->keyring, errno);
  if (cfg->has_umask) umask(cfg->umask);
  if (cfg->cwd && chdir(cfg->cwd) < 0) fail("chdir to cwd", cfg->cwd, errno);
}

static const char *env_path(const struct launch_config *cfg) {
  for (size_t i = 0; cfg->env.items[i]; i++)
    if (!strncmp(cfg->env.items[i], "PATH=", 5)) return cfg->env.items[i] + 5;
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

static int is_executable_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

const char *process_find_executable(const struct launch_config *cfg) {
  const char *name = cfg->argv.items[0];
  if (strchr(name, '/')) {
    struct stat st;
    if (stat(name, &st) < 0) fail("exec", name, errno);
    if (S_ISDIR(st.st_mode)) fail("exec", name, EISDIR);
    /* Not executable: refused at create, as runc does, so callers can tell 126 from 127. */
    if (access(name, X_OK) < 0) fail("exec", name, errno);
    return name;
  }
  static char found[PATH_MAX];
  const char *p = env_path(cfg);
  while (*p) {
    const char *colon = strchr(p, ':');
    size_t n = colon ? (size_t)(colon - p) : strlen(p);
    if (n == 0) snprintf(found, sizeof found, "./%s", name);
    else snprintf(found, sizeof found, "%.*s/%s", (int)n, p, name);
    if (is_executable_file(found)) return found;
    p += n + (colon ? 1 : 0);
  }
  fail("exec: executable file not found in $PATH", name, ENOENT);
}

static void capset_masks(uint64_t effective, uint64_t permitted, uint64_t inheritable) {
  struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct data[2] = {
      {(uint32_t)effective, (uint32_t)permitted, (uint32_t)inheritable},
      {(uint32_t)(effective >> 32), (uint32_t)(permitted >> 32), (uint32_t)(inheritable >> 32)},
  };
  if (syscall(SYS_capset, &hdr, data) < 0) fail("capset", "", errno);
}

static bool setgroups_denied(const struct launch_config *cfg) {
  if (cfg->setgroups_deny) return true;
  char buf[8] = {0};
  int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  return n >= 4 && !strncmp(buf, "deny", 4);
}

void process_apply_identity(const struct launch_config *cfg) {
  enum { BOUNDING, EFFECTIVE, INHERITABLE, PERMITTED, AMBIENT };
  if (cfg->has_caps) {
    int last = CAP_LAST_CAP;
    int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      char b[16] = {0};
      if (read(fd, b, sizeof b - 1) > 0) last = atoi(b);
      close(fd);
    }
    for (int cap = 0; cap <= last; cap++)
      if (!(cfg->caps[BOUNDING] & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
        fail("drop bounding capability", "", errno);
    /* Keep the permitted set across the uid change below; capset then trims it. */
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) fail("prctl keepcaps", "", errno);
  }
  if (cfg->groups.len || cfg->has_gid) {
    if (setgroups(cfg->groups.len, cfg->groups.items) < 0) {
      /* A user namespace whose setgroups file says "deny" refuses it for good. Without groups
       * asked for that is fine: they were dropped before joining it (namespaces_join) or are the
       * creator's, which nobody in it can change. Groups asked for are never dropped silently. */
      int err = errno;
      if (err != EPERM || !setgroups_denied(cfg)) fail("setgroups", "", err);
      if (cfg->groups.len) fail("setgroups", "/proc/self/setgroups is \"deny\" in this user namespace", err);
    }
  }
  if (cfg->has_gid && setresgid(cfg->gid, cfg->gid, cfg->gid) < 0) fail("setgid", "", errno);
  if (cfg->has_uid && setresuid(cfg->uid, cfg->uid, cfg->uid) < 0) fail("setuid", "", errno);
  if (cfg->has_caps) {
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) fail("prctl keepcaps", "", errno);
    capset_masks(cfg->caps[EFFECTIVE], cfg->caps[PERMITTED], cfg->caps[INHERITABLE]);
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) fail("clear ambient", "", errno);
    for (int cap = 0; cap < 64; cap++)
      if ((cfg->caps[AMBIENT] & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
        fail("raise ambient capability", "", errno);
  }
}
