// Helpers for nsbox-runtime's integration tests: a temp dir per test holding the runtime's --root
// and bundles (a copy of build/rootfs/busybox plus a config.json), the CLI run synchronously or in
// the background, and a leak check run after every test: no state dir, no cgroup, no mount, no
// process left behind by the containers the test made.
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { defaultSpec } from "../../src/oci/defaults.ts";
import type { Spec } from "../../src/oci/spec.ts";
import { bun, top, type Result } from "./cli.ts";
export { top, type Result };

export const BUSYBOX_ROOTFS = join(top, "build/rootfs/busybox");
/** argv prefix that runs nsbox-runtime (bin/nsbox-runtime is bun + this entry point). */
export const RUNTIME = [bun, join(top, "src/runtime/main.ts")];
export const isRoot = process.getuid?.() === 0;
export const canRun = isRoot && existsSync(join(BUSYBOX_ROOTFS, "bin/busybox")) && existsSync(join(top, "native/build/nsbox-launcher"));

/** The default config (runc's `spec`) made for tests: no terminal, writable root, `args`. */
export function testSpec(args: string[], edit?: (spec: Spec) => void): Spec {
  const spec = defaultSpec();
  spec.process!.terminal = false;
  spec.process!.args = args;
  spec.root!.readonly = false;
  edit?.(spec);
  return spec;
}

/** runc's rootless adjustments for a user namespace mapping root to 100000..165535. */
export function userNamespace(spec: Spec, hostID = 100000): void {
  const linux = spec.linux!;
  linux.namespaces!.push({ type: "user" });
  linux.uidMappings = [{ containerID: 0, hostID, size: 65536 }];
  linux.gidMappings = [{ containerID: 0, hostID, size: 65536 }];
  // cgroup v1 hierarchies cannot be mounted from a user namespace; sysfs needs its own netns (kept).
  spec.mounts = spec.mounts!.filter((m) => m.destination !== "/sys/fs/cgroup");
}

let seq = 0;

/** One test's world: a temp dir with the runtime root and bundles; `cleanup` checks for leaks. */
export class Sandbox {
  readonly dir = mkdtempSync(join(tmpdir(), "nsbox-rt-"));
  readonly root = join(this.dir, "root");
  constructor() {
    // A user namespace's root (an unprivileged host uid) must be able to reach the bundles.
    chmodSync(this.dir, 0o755);
  }
  private ids = new Set<string>();
  private background: Subprocess[] = [];

  /** A container id unique on this machine (other test runs may share the cgroup tree). */
  id(prefix = "c"): string {
    const id = `${prefix}-${process.pid}-${++seq}`;
    this.ids.add(id);
    return id;
  }

  /** Copies the busybox rootfs into a new bundle and writes `spec` as its config.json. */
  bundle(spec: Spec | string, name = `bundle${++seq}`): string {
    const dir = join(this.dir, name);
    cpSync(BUSYBOX_ROOTFS, join(dir, "rootfs"), { recursive: true, verbatimSymlinks: true });
    writeFileSync(join(dir, "config.json"), typeof spec === "string" ? spec : JSON.stringify(spec, null, 2));
    return dir;
  }

  /** Runs `nsbox-runtime --root <root> ARGS` to completion. Output goes through files, not pipes:
   * a detached container inherits them and would hold a pipe open long after the CLI exits. */
  /** `passFds`: our fds the runtime gets as its 3, 4, ...; `prefix`: a command the runtime runs under. */
  rt(args: string[], opts: { stdin?: string; cwd?: string; passFds?: number[]; env?: Record<string, string>; prefix?: string[] } = {}): Result {
    const out = join(this.dir, `out-${++seq}`);
    const err = `${out}.err`;
    const stdin = opts.stdin === undefined ? "ignore" : Buffer.from(opts.stdin);
    const p = Bun.spawnSync([...(opts.prefix ?? []), ...RUNTIME, "--root", this.root, ...args], {
      stdio: [stdin, Bun.file(out), Bun.file(err), ...(opts.passFds ?? [])],
      cwd: opts.cwd ?? this.dir, // so a launcher left running shows up in leftovers() by its cwd
      env: opts.env ? { ...process.env, ...opts.env } : undefined,
    } as never);
    const result = { code: p.exitCode ?? 128 + signalNumber(p.signalCode), stdout: readFileSync(out, "utf8"), stderr: readFileSync(err, "utf8") };
    rmSync(out);
    rmSync(err);
    return result;
  }

  /** Starts `nsbox-runtime --root <root> ARGS` in the background (killed by cleanup if still running). */
  spawn(args: string[], opts: { cwd?: string } = {}): Subprocess<"ignore", "pipe", "pipe"> {
    const p = Bun.spawn([...RUNTIME, "--root", this.root, ...args], { stdin: "ignore", stdout: "pipe", stderr: "pipe", cwd: opts.cwd ?? this.dir });
    this.background.push(p);
    return p;
  }

  /** `state ID` parsed. */
  state(id: string): Record<string, unknown> {
    const r = this.rt(["state", id]);
    if (r.code !== 0) throw new Error(`state ${id}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  }

  /** Polls `state ID` until its status is `status`. */
  async waitStatus(id: string, status: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      last = String(this.state(id).status);
      if (last === status) return;
      await Bun.sleep(20);
    }
    throw new Error(`${id} stayed ${last}, never ${status}`);
  }

  /** What the containers of this sandbox left behind (empty when clean). */
  leftovers(): string[] {
    const found: string[] = [];
    for (const id of this.ids) {
      if (existsSync(join(this.root, id))) found.push(`state dir ${join(this.root, id)}`);
      for (const dir of cgroupDirs(id)) found.push(`cgroup ${dir}`);
    }
    for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
      if (line.includes(this.dir)) found.push(`mount ${line}`);
    }
    for (const pid of processesRootedIn(this.dir)) found.push(`process ${pid} (${cmdline(pid)})`);
    return found;
  }

  /** Force-deletes every container, kills background CLIs, reports leftovers, removes the dir. */
  async cleanup(): Promise<string[]> {
    for (const p of this.background) p.kill("SIGKILL");
    await Promise.all(this.background.map((p) => p.exited));
    for (const id of this.ids) if (existsSync(join(this.root, id))) this.rt(["delete", "--force", id]);
    const found = this.leftovers();
    // Clean up by hand whatever the runtime left, so one failure does not cascade.
    for (const pid of processesRootedIn(this.dir)) try { process.kill(pid, "SIGKILL"); } catch {}
    for (const id of this.ids) for (const dir of cgroupDirs(id)) Bun.spawnSync(["rmdir", dir]);
    for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n").reverse()) {
      const mnt = line.split(" ")[4];
      if (mnt?.startsWith(this.dir)) Bun.spawnSync(["umount", "-l", mnt]);
    }
    rmSync(this.dir, { recursive: true, force: true });
    return found;
  }
}

/** /sys/fs/cgroup/<hierarchy>/nsbox-runtime/<id> that exist. */
export function cgroupDirs(id: string): string[] {
  const base = "/sys/fs/cgroup";
  const dirs = [join(base, "nsbox-runtime", id)];
  try {
    for (const h of readdirSync(base)) dirs.push(join(base, h, "nsbox-runtime", id));
  } catch {}
  return dirs.filter((d) => existsSync(d));
}

/** Processes whose root (a container's rootfs) or cwd (a launcher the CLI started) is under `dir`. */
export function processesRootedIn(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const state = readFileSync(`/proc/${name}/stat`, "latin1");
      if (state.slice(state.lastIndexOf(")") + 2, state.lastIndexOf(")") + 3) === "Z") continue; // reaping is not ours to do
      if (readlinkSync(`/proc/${name}/root`).startsWith(dir) || readlinkSync(`/proc/${name}/cwd`).startsWith(dir)) pids.push(Number(name));
    } catch {}
  }
  return pids;
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    return "?";
  }
}

/** The inode of a namespace file, as `stat -L` shows it. */
export function nsInode(pid: number | "self", type: string): number {
  return Number(/\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/${type}`))![1]);
}

function signalNumber(name: string | null | undefined): number {
  if (!name) return 0;
  return (require("node:os").constants.signals as Record<string, number>)[name] ?? 0;
}

/** Asserts a failed command printed exactly one line, starting with "nsbox-runtime: ". */
export function oneErrorLine(r: Result): string {
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  if (r.code === 0) throw new Error(`expected failure, got exit 0 (stdout: ${r.stdout})`);
  if (lines.length !== 1 || !lines[0]!.startsWith("nsbox-runtime: "))
    throw new Error(`expected one "nsbox-runtime: " line on stderr, got:\n${r.stderr}`);
  return lines[0]!;
}

/** Builds test/helpers/recvtty.c (runc's recvtty, reduced) into `dir` with the system cc. */
export function buildRecvtty(dir: string): string {
  const out = join(dir, "recvtty");
  const cc = Bun.spawnSync(["cc", "-O1", "-Wall", "-o", out, join(import.meta.dir, "recvtty.c")], { stderr: "pipe" });
  if (cc.exitCode !== 0) throw new Error(`cc recvtty.c: ${cc.stderr.toString()}`);
  return out;
}

/** Runs recvtty on a new socket in `dir`; resolves when it listens. */
export async function recvtty(bin: string, dir: string, input: string): Promise<{ socket: string; proc: Subprocess<"ignore", "pipe", "pipe"> }> {
  const socket = join(dir, `console-${++seq}.sock`);
  const proc = Bun.spawn([bin, socket, input], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  for (let i = 0; i < 250 && !existsSync(socket); i++) await Bun.sleep(4);
  if (!existsSync(socket)) throw new Error("recvtty did not listen");
  return { socket, proc };
}
