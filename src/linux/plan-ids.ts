// Mirror of native/common/plan_ids.h: attribute ids of the launcher plan and the sync lines.
// test/unit/plan-ids.test.ts parses the header and checks that every number here matches.

export const PA = {
  FOREGROUND: 1, EXEC_FIFO: 2, CONSOLE_SOCKET: 3, TERMINAL: 4, NO_FORK: 5, SETSID: 6, PDEATHSIG: 7,
  NS_NEW: 10, NS_JOIN: 11, UID_MAP: 12, GID_MAP: 13, SETGROUPS_DENY: 14, CGROUP_JOIN: 15,
  TIME_OFFSETS: 16, NS_PERSIST: 17, ENTER_ROOT: 18, ENTER_CWD: 19,
  ROOTFS: 20, ROOT_PROPAGATION: 21, ROOT_READONLY: 22, NO_PIVOT: 23, MOUNT: 24, DEVICE: 25,
  SYMLINK: 26, MASK_PATH: 27, READONLY_PATH: 28,
  HOSTNAME: 40, DOMAINNAME: 41, SYSCTL: 42, RLIMIT: 43, OOM_SCORE_ADJ: 44, UID: 45, GID: 46,
  GROUPS: 47, UMASK: 48, CWD: 49, ENV: 50, ARG: 51, NO_NEW_PRIVS: 52, CAPS: 53, SECCOMP: 54,
  SECCOMP_FLAGS: 55, PERSONALITY: 56, APPARMOR: 57, SELINUX_LABEL: 58, KEYRING: 59, IOPRIO: 61,
} as const;

export const NA = {
  NS_TYPE: 1, NS_PATH: 2,
  MNT_SRC: 1, MNT_DST: 2, MNT_FSTYPE: 3, MNT_FLAGS: 4, MNT_DATA: 5, MNT_PROPAGATION: 6, MNT_MKDIR_FILE: 7,
  DEV_PATH: 1, DEV_TYPE: 2, DEV_MAJOR: 3, DEV_MINOR: 4, DEV_MODE: 5, DEV_UID: 6, DEV_GID: 7, DEV_BIND: 8,
  LINK_TARGET: 1, LINK_PATH: 2,
  KEY: 1, VALUE: 2,
  RLIM_RESOURCE: 1, RLIM_SOFT: 2, RLIM_HARD: 3,
  CAP_BOUNDING: 1, CAP_EFFECTIVE: 2, CAP_INHERITABLE: 3, CAP_PERMITTED: 4, CAP_AMBIENT: 5,
} as const;

/** Lines the launcher writes on the sync socket, in order: pid, then ready (with an exec fifo). */
export const SYNC = { PID: "pid", READY: "ready", ERROR: "error" } as const;

/** Kernel constants the plan carries (CLONE_NEW* and MS_*), from <sched.h> and <sys/mount.h>. */
export const CLONE = {
  NEWNS: 0x00020000, NEWCGROUP: 0x02000000, NEWUTS: 0x04000000, NEWIPC: 0x08000000,
  NEWUSER: 0x10000000, NEWPID: 0x20000000, NEWNET: 0x40000000, NEWTIME: 0x00000080,
} as const;

export const MS = {
  RDONLY: 1, NOSUID: 2, NODEV: 4, NOEXEC: 8, SYNCHRONOUS: 16, REMOUNT: 32, MANDLOCK: 64,
  DIRSYNC: 128, NOSYMFOLLOW: 256, NOATIME: 1024, NODIRATIME: 2048, BIND: 4096, MOVE: 8192,
  REC: 16384, SILENT: 32768, UNBINDABLE: 1 << 17, PRIVATE: 1 << 18, SLAVE: 1 << 19, SHARED: 1 << 20,
  RELATIME: 1 << 21, STRICTATIME: 1 << 24, LAZYTIME: 1 << 25,
} as const;
