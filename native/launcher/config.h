/* The plan, decoded once by stage 0 into plain structs that every stage reads (after fork the
 * children share a copy). Strings point into the plan buffer, which lives until exec. */
#ifndef NSBOX_CONFIG_H
#define NSBOX_CONFIG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ns_ref { uint32_t type; const char *path; int fd; };
struct mount_entry {
  const char *src, *dst, *fstype, *data;
  uint64_t flags;
  uint32_t propagation;
  bool dst_is_file;
};
struct device_entry {
  const char *path;
  uint32_t type, major, minor, mode, uid, gid;
  bool bind;
};
struct symlink_entry { const char *target, *path; };
struct kv_entry { const char *key, *value; };
struct rlimit_entry { uint32_t resource; uint64_t soft, hard; };
struct bytes { const uint8_t *data; size_t len; };

/* A growable array; `items` is realloc'd, `len` counts used entries. */
#define ARRAY(T) struct { T *items; size_t len; }

struct hook_entry {
  const char *path;
  ARRAY(char *) args; /* NULL-terminated after decoding */
  ARRAY(char *) env;  /* NULL-terminated after decoding */
  uint32_t timeout;   /* seconds; 0: none */
  const void *stdin_data;
  size_t stdin_len;
};

struct launch_config {
  /* how to run */
  bool foreground, terminal, no_fork, setsid;
  uint32_t pdeathsig;
  const char *exec_fifo, *console_socket;
  /* namespaces */
  uint32_t ns_new;
  ARRAY(struct ns_ref) joins;
  ARRAY(struct ns_ref) persists;
  const char *uid_map, *gid_map, *time_offsets;
  bool setgroups_deny;
  ARRAY(const char *) cgroup_v1_dirs; /* see cgroup_join.h */
  const char *cgroup_v2_dir;
  const char *enter_root, *enter_cwd;
  /* root filesystem */
  const char *rootfs;
  uint32_t root_propagation;
  bool root_readonly, no_pivot;
  ARRAY(struct mount_entry) mounts;
  ARRAY(struct device_entry) devices;
  ARRAY(struct symlink_entry) symlinks;
  ARRAY(const char *) masked_paths;
  ARRAY(const char *) readonly_paths;
  /* the process */
  const char *hostname, *domainname, *cwd, *apparmor, *selinux_label, *keyring;
  ARRAY(struct kv_entry) sysctls;
  ARRAY(struct rlimit_entry) rlimits;
  bool has_oom_score_adj, has_uid, has_gid, has_umask, has_caps, has_personality, has_ioprio;
  int32_t oom_score_adj;
  uint32_t uid, gid, umask, personality, ioprio, seccomp_flags;
  ARRAY(uint32_t) groups;
  ARRAY(char *) env;   /* NULL-terminated when decoding is done */
  ARRAY(char *) argv;  /* NULL-terminated when decoding is done */
  bool no_new_privs;
  uint64_t caps[5];    /* bounding, effective, inheritable, permitted, ambient */
  const void *seccomp;
  size_t seccomp_len;
  /* hooks */
  bool hook_sync;
  ARRAY(struct hook_entry) start_hooks;
  /* seccomp notify, argv[0] */
  const char *seccomp_listener;          /* socket path; set only with SECCOMP_FILTER_FLAG_NEW_LISTENER */
  ARRAY(struct bytes) listener_data;     /* payload pieces, the host PID goes between them */
  const char *argv0;                     /* NULL: argv.items[0] */
  bool userns_root;
  bool loopback_up;
  bool cgroup_wait;
  uint32_t preserve_fds;                 /* PA_PRESERVE_FDS */
  bool keep_fds;                         /* the caller's fds reach the program as they are (not from a
                                          * plan: the nsbox front end's unshare/nsenter, as util-linux) */
  bool has_sched;                        /* PA_SCHEDULER */
  struct sched_plan {
    uint32_t policy, priority;
    int32_t nice;
    uint64_t flags, runtime, deadline, period;
  } sched;
};

/* Decodes a plan; on a malformed plan it reports and exits (step "decode plan"). */
void config_decode(struct launch_config *cfg, const void *plan, size_t len);

#endif
