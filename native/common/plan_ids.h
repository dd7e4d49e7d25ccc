/* The launcher plan: attribute ids and sync messages.
 * The TypeScript side mirrors these in src/linux/plan-ids.ts; test/unit/plan-ids.test.ts checks
 * that both agree, so a number can never mean two things.
 *
 * Wire format (host byte order): a u32 total length, then attributes
 *   u16 type | u16 zero | u32 payload length | payload | zero padding to 4 bytes
 * Strings are NUL-terminated. Nested attributes use the same format inside the payload. */
#ifndef NSBOX_PLAN_IDS_H
#define NSBOX_PLAN_IDS_H

enum plan_attr_id {
  /* how the launcher runs */
  PA_FOREGROUND = 1,    /* flag: stage 0 stays, reaps the process, forwards signals, exits with its status */
  PA_EXEC_FIFO = 2,     /* str: fifo the init opens for writing before exec (the `start` gate) */
  PA_CONSOLE_SOCKET = 3,/* str: unix socket that receives the pty master (SCM_RIGHTS) */
  PA_TERMINAL = 4,      /* flag: give the process a new pty as its controlling terminal */
  PA_NO_FORK = 5,       /* flag: stage 1 execs itself instead of forking stage 2 (unshare -p without -f) */
  PA_SETSID = 6,        /* flag: the process starts a new session (containers; not unshare/nsenter) */
  PA_PDEATHSIG = 7,     /* u32: signal the process gets when stage 0 dies (--kill-child); needs PA_FOREGROUND.
                         * Stage 0 then dies (SIGKILL) with its own parent, so the chain reaches the caller. */

  /* namespaces */
  PA_NS_NEW = 10,       /* u32: CLONE_NEW* flags to create */
  PA_NS_JOIN = 11,      /* nested: NA_NS_TYPE u32 (CLONE_NEW*), NA_NS_PATH str. Joined in two passes as
                         * util-linux nsenter: the others, then the user namespace and the others that
                         * failed; all before a new user namespace is created. Supplementary groups are
                         * dropped before joining a user namespace when PA_GID or PA_GROUPS is set. */
  PA_UID_MAP = 12,      /* str: written to /proc/PID/uid_map by stage 0 */
  PA_GID_MAP = 13,      /* str */
  PA_SETGROUPS_DENY = 14, /* flag: write "deny" to /proc/PID/setgroups before gid_map */
  PA_CGROUP_JOIN = 15,  /* str: a cgroup v1 directory stage 1 moves itself into (DIR/tasks) (repeated) */
  PA_TIME_OFFSETS = 16, /* str: written to /proc/self/timens_offsets after unshare(CLONE_NEWTIME) */
  PA_NS_PERSIST = 17,   /* nested: NA_NS_TYPE u32, NA_NS_PATH str: bind the new namespace onto a file */
  PA_ENTER_ROOT = 18,   /* str: directory opened before setns; the process chroots into it (nsenter -r,
                         * unshare -R). With a new mount namespace it is opened again by path in it, after
                         * PA_ROOT_PROPAGATION, and PA_MOUNT destinations are inside it (util-linux order). */
  PA_ENTER_CWD = 19,    /* str: directory opened before setns; the process starts there (nsenter -w). With
                         * a new mount namespace, opened again by path in it, like PA_ENTER_ROOT. */

  /* root filesystem */
  PA_ROOTFS = 20,       /* str: host path of the rootfs; absent for exec */
  PA_ROOT_PROPAGATION = 21, /* u32: MS_* propagation applied to "/" first in a new mount namespace (absent: unchanged) */
  PA_ROOT_READONLY = 22,/* flag */
  PA_NO_PIVOT = 23,     /* flag: chroot instead of pivot_root */
  PA_MOUNT = 24,        /* nested: NA_MNT_* */
  PA_DEVICE = 25,       /* nested: NA_DEV_* */
  PA_SYMLINK = 26,      /* nested: NA_LINK_TARGET, NA_LINK_PATH */
  PA_MASK_PATH = 27,    /* str */
  PA_READONLY_PATH = 28,/* str */

  /* the process */
  PA_HOSTNAME = 40, PA_DOMAINNAME = 41,
  PA_SYSCTL = 42,       /* nested: NA_KEY, NA_VALUE */
  PA_RLIMIT = 43,       /* nested: NA_RLIM_RESOURCE u32, NA_RLIM_SOFT u64, NA_RLIM_HARD u64 */
  PA_OOM_SCORE_ADJ = 44,/* s32 */
  PA_UID = 45, PA_GID = 46, /* u32 */
  PA_GROUPS = 47,       /* u32 array */
  PA_UMASK = 48,        /* u32 */
  PA_CWD = 49,          /* str */
  PA_ENV = 50,          /* str, repeated, in order */
  PA_ARG = 51,          /* str, repeated, in order */
  PA_NO_NEW_PRIVS = 52, /* flag */
  PA_CAPS = 53,         /* nested: NA_CAP_* u64 masks */
  PA_SECCOMP = 54,      /* bytes: struct sock_filter array */
  PA_SECCOMP_FLAGS = 55,/* u32 */
  PA_PERSONALITY = 56,  /* u32 */
  PA_APPARMOR = 57,     /* str: profile for exec (/proc/self/attr/exec) */
  PA_SELINUX_LABEL = 58,/* str: label for exec (/proc/self/attr/exec) */
  PA_KEYRING = 59,      /* str: session keyring name to join (absent: --no-new-keyring) */
  PA_IOPRIO = 61,       /* u32: ioprio value for ioprio_set */

  /* hooks */
  PA_HOOK_SYNC = 62,    /* flag: before pivot_root, report "hooks" and wait for one byte back
                           (the parent runs prestart, createRuntime and createContainer hooks) */
  PA_START_HOOK = 63,   /* nested NA_HOOK_*: a startContainer hook, run by the process itself after
                           `start` and before exec, in the container's namespaces (repeated, in order) */
  PA_ARGV0 = 64,        /* str: argv[0] the program sees, when it is not the executable (the first PA_ARG),
                         * e.g. "-sh" for a login shell */
  PA_SECCOMP_LISTENER = 65, /* str: AF_UNIX SOCK_STREAM socket that receives the seccomp listener fd
                         * (SCM_RIGHTS) with PA_SECCOMP_LISTENER_DATA; used only when PA_SECCOMP_FLAGS has
                         * SECCOMP_FILTER_FLAG_NEW_LISTENER, which then requires both. Stage 0 connects. */
  PA_SECCOMP_LISTENER_DATA = 66, /* bytes, repeated, in order: the payload sent with the fd (the OCI
                         * "container process state" JSON), in pieces: the process's host PID, in decimal,
                         * is written between each two consecutive pieces */
  PA_USERNS_ROOT = 67,  /* flag: once the maps of the new user namespace are written, stage 1 becomes uid
                         * and gid 0 in it (runc does; a container's setup must own what it creates:
                         * unmapped host root gets EOVERFLOW). unshare(1) keeps the caller's ids. */
  PA_LOOPBACK_UP = 68,  /* flag: stage 1 brings "lo" up once its new network namespace exists (runc,
                         * crun do; unshare(1) does not) */
  PA_CGROUP_JOIN_V2 = 69, /* str: the cgroup v2 directory stage 1 is forked into (clone3 CLONE_INTO_CGROUP;
                         * stage 0 writes its PID to cgroup.procs on kernels without that) */
  PA_PRESERVE_FDS = 70, /* u32 N: the launcher's fds 4..3+N become the program's 3..2+N (runc's
                         * --preserve-fds; the launcher's own fd 3 is the plan socket) */
  PA_SCHEDULER = 71,    /* nested NA_SCHED_*: struct sched_attr for sched_setattr(2) of the process */
  PA_CGROUP_WAIT = 72,  /* flag: the parent makes the cgroups only once it has sent the plan, while
                         * stage 1 creates the namespaces; stage 1 then asks (STAGE_SYNC_CGROUPS_PLS),
                         * stage 0 waits for one byte from the parent on fd 3 (EOF: it gave up, so
                         * stage 0 kills stage 1 and exits), stage 1 joins the v1 cgroups and forks
                         * stage 2 into the v2 one, and stage 2 creates the cgroup namespace. Needs a
                         * fork: not with PA_NO_FORK, nor persisting a new cgroup namespace; not in a
                         * new or joined user namespace, nor a joined mount or cgroup one (the host's
                         * cgroup files are no longer writable or reachable from there). */
};

enum plan_nested_attr_id {
  NA_NS_TYPE = 1, NA_NS_PATH = 2,
  NA_MNT_SRC = 1, NA_MNT_DST = 2, NA_MNT_FSTYPE = 3, NA_MNT_FLAGS = 4 /* u64 MS_* */,
  NA_MNT_DATA = 5, NA_MNT_PROPAGATION = 6 /* u32 MS_* */, NA_MNT_MKDIR_FILE = 7 /* flag: dst is a file */,
  NA_DEV_PATH = 1, NA_DEV_TYPE = 2 /* u32 S_IFCHR/S_IFBLK/S_IFIFO */, NA_DEV_MAJOR = 3, NA_DEV_MINOR = 4,
  NA_DEV_MODE = 5, NA_DEV_UID = 6, NA_DEV_GID = 7, NA_DEV_BIND = 8 /* flag: bind from host path */,
  NA_LINK_TARGET = 1, NA_LINK_PATH = 2,
  NA_KEY = 1, NA_VALUE = 2,
  NA_RLIM_RESOURCE = 1, NA_RLIM_SOFT = 2, NA_RLIM_HARD = 3,
  NA_HOOK_PATH = 1, NA_HOOK_ARG = 2 /* repeated */, NA_HOOK_ENV = 3 /* repeated */,
  NA_HOOK_TIMEOUT = 4 /* u32 seconds, 0: none */, NA_HOOK_STDIN = 5 /* bytes: the state JSON */,
  NA_CAP_BOUNDING = 1, NA_CAP_EFFECTIVE = 2, NA_CAP_INHERITABLE = 3, NA_CAP_PERMITTED = 4, NA_CAP_AMBIENT = 5,
  NA_SCHED_POLICY = 1 /* u32 */, NA_SCHED_FLAGS = 2 /* u64 */, NA_SCHED_NICE = 3 /* u32, signed */,
  NA_SCHED_PRIORITY = 4 /* u32 */, NA_SCHED_RUNTIME = 5, NA_SCHED_DEADLINE = 6, NA_SCHED_PERIOD = 7 /* u64 ns */,
};

/* Sync points between the launcher and the TypeScript parent, written as text lines on fd 3.
 * In order: "pid N" (the container process, host PID), then "ready" (created, waiting on the
 * exec fifo) when there is a fifo; "error STAGE\tSTEP\tPATH\tERRNO" at any point ends it. EOF
 * without "error" after "pid" means the process was exec'd (fd 3 is close-on-exec). */
#define SYNC_PID "pid"
#define SYNC_READY "ready"
#define SYNC_ERROR "error"
#define SYNC_HOOKS "hooks"   /* with PA_HOOK_SYNC: mounts done, waiting for one byte before pivot_root */

/* Sync points between launcher stages (stage 0 = host side, stage 1 = namespace setup,
 * stage 2 = the container process), one byte each on an internal socketpair. */
enum stage_sync {
  STAGE_SYNC_USERMAP_PLS = 1, /* stage 1 -> 0: my user namespace exists, write its maps */
  STAGE_SYNC_USERMAP_ACK = 2, /* stage 0 -> 1: maps written */
  STAGE_SYNC_CHILD_PID = 3,   /* stage 1 -> 0: followed by the stage 2 PID (int) */
  STAGE_SYNC_GO = 4,          /* stage 0 -> 1: placed in the cgroups, go on */
  STAGE_SYNC_PERSIST_PLS = 5, /* stage 1 -> 0: namespaces created, bind them onto their files */
  STAGE_SYNC_PERSIST_ACK = 6, /* stage 0 -> 1: done */
  STAGE_SYNC_CGROUPS_PLS = 7, /* stage 1 -> 0 (PA_CGROUP_WAIT): namespaces made, are the cgroups? */
  STAGE_SYNC_CGROUPS_ACK = 8, /* stage 0 -> 1: the parent says they are */
};

#define PLAN_FD 3            /* the socketpair shared with the TypeScript parent */
#define PRESERVED_FD (PLAN_FD + 1) /* where the PA_PRESERVE_FDS fds arrive, in order */
#define PLAN_MAX (16 << 20)  /* refuse plans larger than 16 MiB */

#endif
