// encodePlan against an independent decoder of the wire format (native/common/plan_ids.h):
// u32 total length, then attributes u16 type | u16 0 | u32 len | payload | zero pad to 4; nested
// attributes use the same format inside a payload. The decoder is strict, so a framing mistake
// (bad padding, non-zero reserved field, wrong total) fails here instead of in the C parser.
import { describe, expect, test } from "bun:test";
import { encodePlan, PlanWriter, type LaunchPlan } from "../../src/linux/plan.ts";
import { CLONE, MS, NA, PA } from "../../src/linux/plan-ids.ts";

interface Attr {
  type: number;
  payload: Buffer;
}

function decodeAttrs(buf: Buffer): Attr[] {
  const out: Attr[] = [];
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < 8) throw new Error(`truncated header at ${off}`);
    const type = buf.readUInt16LE(off);
    if (buf.readUInt16LE(off + 2) !== 0) throw new Error(`reserved u16 not zero at ${off}`);
    const len = buf.readUInt32LE(off + 4);
    if (off + 8 + len > buf.length) throw new Error(`attribute ${type} overruns the buffer`);
    out.push({ type, payload: buf.subarray(off + 8, off + 8 + len) });
    const padded = (len + 3) & ~3;
    if (off + 8 + padded > buf.length) throw new Error(`attribute ${type}: padding missing`);
    for (let i = off + 8 + len; i < off + 8 + padded; i++) if (buf[i] !== 0) throw new Error(`non-zero pad at ${i}`);
    off += 8 + padded;
  }
  return out;
}

function decodePlan(buf: Buffer): Attr[] {
  const total = buf.readUInt32LE(0);
  if (total !== buf.length - 4) throw new Error(`total length ${total} but ${buf.length - 4} bytes follow`);
  if (total % 4) throw new Error("total length not a multiple of 4");
  return decodeAttrs(buf.subarray(4));
}

const str = (a: Attr) => {
  expect(a.payload.at(-1)).toBe(0); // NUL-terminated
  return a.payload.toString("utf8", 0, a.payload.length - 1);
};
const u32 = (a: Attr) => (expect(a.payload.length).toBe(4), a.payload.readUInt32LE(0));
const u64 = (a: Attr) => (expect(a.payload.length).toBe(8), a.payload.readBigUInt64LE(0));
const all = (attrs: Attr[], type: number) => attrs.filter((a) => a.type === type);
const one = (attrs: Attr[], type: number) => {
  const found = all(attrs, type);
  expect({ type, count: found.length }).toEqual({ type, count: 1 });
  return found[0]!;
};
const nested = (a: Attr) => decodeAttrs(a.payload);

describe("PlanWriter framing", () => {
  test("an empty plan is just a zero length", () => {
    expect([...new PlanWriter().finish()]).toEqual([0, 0, 0, 0]);
  });

  test("payloads of every length 0..9 are padded to 4 with zeros", () => {
    const w = new PlanWriter();
    for (let n = 0; n < 10; n++) w.bytes(100 + n, Buffer.alloc(n, 0xab));
    const attrs = decodePlan(w.finish());
    expect(attrs.map((a) => [a.type, a.payload.length])).toEqual([...Array(10).keys()].map((n) => [100 + n, n]));
    expect(attrs.every((a) => a.payload.every((b) => b === 0xab))).toBe(true);
  });

  test("u32 writes negatives as two's complement, u64 keeps 64 bits", () => {
    const w = new PlanWriter().u32(1, -1000).u32(2, 0xffffffff).u64(3, 0xffffffffffffffffn).u64(4, -1n).u64(5, 7);
    const [a, b, c, d, e] = decodePlan(w.finish());
    expect(a!.payload.readInt32LE(0)).toBe(-1000);
    expect(u32(b!)).toBe(0xffffffff);
    expect(u64(c!)).toBe(0xffffffffffffffffn);
    expect(u64(d!)).toBe(0xffffffffffffffffn);
    expect(u64(e!)).toBe(7n);
  });

  test("undefined values and false flags write nothing; strings with NUL are refused", () => {
    const w = new PlanWriter().str(1, undefined).u32(2, undefined).u64(3, undefined).flag(4, false).flag(5, undefined).flag(6, true);
    expect(decodePlan(w.finish()).map((a) => [a.type, a.payload.length])).toEqual([[6, 0]]);
    expect(() => new PlanWriter().str(1, "a\0b")).toThrow(/NUL/);
  });

  test("nested attributes are framed the same way inside the payload", () => {
    const w = new PlanWriter().nested(9, (n) => n.str(1, "abc").nested(2, (m) => m.u32(3, 42)));
    const [outer] = decodePlan(w.finish());
    const inner = nested(outer!);
    expect(str(inner[0]!)).toBe("abc");
    expect(u32(decodeAttrs(inner[1]!.payload)[0]!)).toBe(42);
  });

  test("UTF-8 strings keep their bytes", () => {
    const [a] = decodePlan(new PlanWriter().str(1, "héllo ☃").finish());
    expect(str(a!)).toBe("héllo ☃");
  });
});

describe("encodePlan round trip", () => {
  const plan: LaunchPlan = {
    args: ["sh", "-c", "echo hi"],
    env: ["PATH=/bin", "A=b=c"],
    foreground: true,
    execFifo: "/run/x/exec.fifo",
    consoleSocket: "/tmp/console.sock",
    terminal: true,
    setsid: true,
    newNamespaces: CLONE.NEWNS | CLONE.NEWPID | CLONE.NEWUSER,
    join: [{ type: CLONE.NEWNET, path: "/proc/42/ns/net" }, { type: CLONE.NEWIPC, path: "/run/netns/x" }],
    uidMap: "0 1000 1\n1 100000 65536\n",
    gidMap: "0 1000 1\n",
    setgroupsDeny: true,
    cgroupJoin: { v1: ["/sys/fs/cgroup/memory/c1", "/sys/fs/cgroup/pids/c1"], v2: "/sys/fs/cgroup/unified/c1" },
    rootfs: "/b/rootfs",
    rootPropagation: MS.SLAVE | MS.REC,
    rootReadonly: true,
    mounts: [
      { source: "proc", destination: "/proc", type: "proc", flags: 0 },
      { source: "/host/dir", destination: "/data", flags: MS.BIND | MS.REC | MS.RDONLY, propagation: MS.PRIVATE, data: "" },
      { source: "tmpfs", destination: "/tmp", type: "tmpfs", flags: MS.NOSUID, data: "size=1m,mode=1777" },
      { source: "/etc/hosts", destination: "/etc/hosts", flags: MS.BIND, fileDestination: true },
    ],
    devices: [
      { path: "/dev/null", type: "c", major: 1, minor: 3, mode: 0o666, uid: 0, gid: 0 },
      { path: "/dev/sda", type: "b", major: 8, minor: 0, mode: 0o600, uid: 5, gid: 6, bind: true },
      { path: "/dev/fifo", type: "p", major: 0, minor: 0, mode: 0o644, uid: 0, gid: 0 },
    ],
    symlinks: [{ target: "/proc/self/fd", path: "/dev/fd" }],
    maskedPaths: ["/proc/kcore", "/proc/keys"],
    readonlyPaths: ["/proc/sys"],
    hostname: "box",
    domainname: "example.org",
    sysctls: [["net.ipv4.ip_forward", "1"], ["kernel.shmmax", "1000"]],
    rlimits: [{ resource: 7, soft: 1024n, hard: 0xffffffffffffffffn }],
    oomScoreAdj: -500,
    uid: 1000,
    gid: 1001,
    groups: [5, 6, 7],
    umask: 0o027,
    cwd: "/work",
    noNewPrivileges: true,
    capabilities: { bounding: 1n << 40n, effective: 3n, inheritable: 0n, permitted: 7n, ambient: 1n },
    seccomp: { program: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]), flags: 2 },
    personality: 8,
    keyring: "nsbox-c1",
    ioprio: 0x4004,
  };
  const attrs = decodePlan(encodePlan(plan));

  test("every attribute type is a known PA_ id", () => {
    const known = new Set<number>(Object.values(PA));
    expect(attrs.filter((a) => !known.has(a.type))).toEqual([]);
  });

  test("flags and scalars", () => {
    for (const t of [PA.FOREGROUND, PA.TERMINAL, PA.SETSID, PA.SETGROUPS_DENY, PA.ROOT_READONLY, PA.NO_NEW_PRIVS])
      expect(one(attrs, t).payload.length).toBe(0);
    expect(all(attrs, PA.NO_FORK)).toEqual([]);
    expect(all(attrs, PA.NO_PIVOT)).toEqual([]);
    expect(u32(one(attrs, PA.NS_NEW))).toBe(CLONE.NEWNS | CLONE.NEWPID | CLONE.NEWUSER);
    expect(u32(one(attrs, PA.ROOT_PROPAGATION))).toBe(MS.SLAVE | MS.REC);
    expect(one(attrs, PA.OOM_SCORE_ADJ).payload.readInt32LE(0)).toBe(-500);
    expect([u32(one(attrs, PA.UID)), u32(one(attrs, PA.GID)), u32(one(attrs, PA.UMASK))]).toEqual([1000, 1001, 0o027]);
    expect(u32(one(attrs, PA.PERSONALITY))).toBe(8);
    expect(u32(one(attrs, PA.IOPRIO))).toBe(0x4004);
    const groups = one(attrs, PA.GROUPS).payload;
    expect([groups.readUInt32LE(0), groups.readUInt32LE(4), groups.readUInt32LE(8), groups.length]).toEqual([5, 6, 7, 12]);
  });

  test("strings", () => {
    const s = (t: number) => str(one(attrs, t));
    expect([s(PA.EXEC_FIFO), s(PA.CONSOLE_SOCKET), s(PA.ROOTFS), s(PA.HOSTNAME), s(PA.DOMAINNAME), s(PA.CWD), s(PA.KEYRING)]).toEqual([
      "/run/x/exec.fifo", "/tmp/console.sock", "/b/rootfs", "box", "example.org", "/work", "nsbox-c1",
    ]);
    expect([s(PA.UID_MAP), s(PA.GID_MAP)]).toEqual([plan.uidMap!, plan.gidMap!]);
  });

  test("repeated attributes keep their order", () => {
    expect(all(attrs, PA.ARG).map(str)).toEqual(plan.args);
    expect(all(attrs, PA.ENV).map(str)).toEqual(plan.env);
    expect(all(attrs, PA.CGROUP_JOIN).map(str)).toEqual(plan.cgroupJoin!.v1);
    expect(all(attrs, PA.CGROUP_JOIN_V2).map(str)).toEqual([plan.cgroupJoin!.v2!]);
    expect(all(attrs, PA.MASK_PATH).map(str)).toEqual(plan.maskedPaths!);
    expect(all(attrs, PA.READONLY_PATH).map(str)).toEqual(plan.readonlyPaths!);
  });

  test("namespace joins", () => {
    const joins = all(attrs, PA.NS_JOIN).map(nested);
    expect(joins.map((n) => [u32(one(n, NA.NS_TYPE)), str(one(n, NA.NS_PATH))])).toEqual([
      [CLONE.NEWNET, "/proc/42/ns/net"],
      [CLONE.NEWIPC, "/run/netns/x"],
    ]);
  });

  test("mounts, in order, with optional fields left out when empty", () => {
    const mounts = all(attrs, PA.MOUNT).map(nested);
    expect(mounts.length).toBe(4);
    const view = mounts.map((n) => ({
      src: str(one(n, NA.MNT_SRC)),
      dst: str(one(n, NA.MNT_DST)),
      fstype: all(n, NA.MNT_FSTYPE).map(str)[0],
      flags: Number(u64(one(n, NA.MNT_FLAGS))),
      data: all(n, NA.MNT_DATA).map(str)[0],
      prop: all(n, NA.MNT_PROPAGATION).map(u32)[0],
      file: all(n, NA.MNT_MKDIR_FILE).length === 1,
    }));
    expect(view).toEqual([
      { src: "proc", dst: "/proc", fstype: "proc", flags: 0, data: undefined, prop: undefined, file: false },
      { src: "/host/dir", dst: "/data", fstype: undefined, flags: MS.BIND | MS.REC | MS.RDONLY, data: undefined, prop: MS.PRIVATE, file: false },
      { src: "tmpfs", dst: "/tmp", fstype: "tmpfs", flags: MS.NOSUID, data: "size=1m,mode=1777", prop: undefined, file: false },
      { src: "/etc/hosts", dst: "/etc/hosts", fstype: undefined, flags: MS.BIND, data: undefined, prop: undefined, file: true },
    ]);
  });

  test("devices carry S_IF* types and the bind flag", () => {
    const devs = all(attrs, PA.DEVICE).map(nested).map((n) => [
      str(one(n, NA.DEV_PATH)), u32(one(n, NA.DEV_TYPE)), u32(one(n, NA.DEV_MAJOR)), u32(one(n, NA.DEV_MINOR)),
      u32(one(n, NA.DEV_MODE)), u32(one(n, NA.DEV_UID)), u32(one(n, NA.DEV_GID)), all(n, NA.DEV_BIND).length,
    ]);
    expect(devs).toEqual([
      ["/dev/null", 0o020000, 1, 3, 0o666, 0, 0, 0],
      ["/dev/sda", 0o060000, 8, 0, 0o600, 5, 6, 1],
      ["/dev/fifo", 0o010000, 0, 0, 0o644, 0, 0, 0],
    ]);
  });

  test("symlinks, sysctls, rlimits, capabilities, seccomp", () => {
    const [link] = all(attrs, PA.SYMLINK).map(nested);
    expect([str(one(link!, NA.LINK_TARGET)), str(one(link!, NA.LINK_PATH))]).toEqual(["/proc/self/fd", "/dev/fd"]);
    expect(all(attrs, PA.SYSCTL).map(nested).map((n) => [str(one(n, NA.KEY)), str(one(n, NA.VALUE))])).toEqual(plan.sysctls!);
    const [rl] = all(attrs, PA.RLIMIT).map(nested);
    expect([u32(one(rl!, NA.RLIM_RESOURCE)), u64(one(rl!, NA.RLIM_SOFT)), u64(one(rl!, NA.RLIM_HARD))]).toEqual([7, 1024n, 0xffffffffffffffffn]);
    const caps = nested(one(attrs, PA.CAPS));
    expect([NA.CAP_BOUNDING, NA.CAP_EFFECTIVE, NA.CAP_INHERITABLE, NA.CAP_PERMITTED, NA.CAP_AMBIENT].map((t) => u64(one(caps, t)))).toEqual([
      1n << 40n, 3n, 0n, 7n, 1n,
    ]);
    expect([...one(attrs, PA.SECCOMP).payload]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(u32(one(attrs, PA.SECCOMP_FLAGS))).toBe(2);
  });

  test("a minimal plan holds only args and env", () => {
    const min = decodePlan(encodePlan({ args: ["true"], env: [] }));
    expect(min.map((a) => a.type)).toEqual([PA.ARG]);
  });
});
