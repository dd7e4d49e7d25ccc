// Real clients driving bin/nsbox-runtime (issue 3, item 5): podman (through conmon) and containerd
// (through containerd-shim-runc-v2). Each lab lives in one temp dir: podman gets a private
// --root/--runroot/--tmpdir and file locks there (not the host-wide /dev/shm/libpod_lock);
// containerd runs as its own daemon with its own config, root, state, sockets and runtime --root
// there. Nothing of the host's podman or containerd state is read or changed. podman's
// containers keep nsbox-runtime's default root (/run/nsbox-runtime, as runc's /run/runc): podman
// does not pass --runtime-flag to the `container cleanup` conmon runs at exit, whose
// `delete --force` would look elsewhere. Commands run synchronously with output through files (a detached
// container or a daemonized monitor may inherit them and would hold a pipe open).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { top, type Result } from "./cli.ts";
export { top, type Result };

/** The compiled runtime, as a client would be configured with it. */
export const RUNTIME_BIN = join(top, "bin/nsbox-runtime");
/** Built offline from Debian's busybox-static by scripts/setup.d/20-images.sh (docs/images.md). */
export const BUSYBOX_ARCHIVE = join(top, "build/images/busybox.tar");
export const BUSYBOX_REF = "docker.io/library/busybox:latest";

let seq = 0;

/** Runs argv to completion (killed after `timeoutMs`), output through files in `dir`. */
export function runIn(dir: string, argv: string[], opts: { stdin?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Result {
  const out = join(dir, `out-${process.pid}-${++seq}`);
  const p = Bun.spawnSync(argv, {
    // in `dir`: conmon drops an `oom` file into its working directory when a container is OOM-killed
    cwd: dir,
    stdin: opts.stdin === undefined ? "ignore" : Buffer.from(opts.stdin),
    stdout: Bun.file(out),
    stderr: Bun.file(`${out}.err`),
    env: opts.env ?? (process.env as Record<string, string>),
    timeout: opts.timeoutMs ?? 20_000,
  });
  const r = { code: p.exitCode ?? 128 + 9, stdout: readFileSync(out, "utf8"), stderr: readFileSync(`${out}.err`, "utf8") };
  rmSync(out, { force: true });
  rmSync(`${out}.err`, { force: true });
  return r;
}

/** `cmd` in a real pseudo-terminal (script(1)), as a user's terminal would run it; -e: its status. */
export function inPty(dir: string, cmd: string, timeoutMs = 30_000): Result {
  return runIn(dir, ["script", "-qec", cmd, "/dev/null"], { timeoutMs });
}

export const shellQuote = (args: string[]) => args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");

const onPath = (bin: string) => Bun.which(bin) !== null;

/**
 * Makes sure the client's Debian packages are installed (scripts/setup.sh installs
 * scripts/apt-packages/clients.txt; a test run without setup installs them here). Returns why the
 * client cannot be tested, or undefined when it can.
 */
export function clientUnavailable(packages: string[], binaries: string[]): string | undefined {
  if (process.getuid?.() !== 0) return "needs root";
  if (!existsSync(RUNTIME_BIN)) return `${RUNTIME_BIN} is missing (run scripts/setup.sh)`;
  if (!existsSync(BUSYBOX_ARCHIVE)) return `${BUSYBOX_ARCHIVE} is missing (run scripts/setup.sh)`;
  if (!binaries.every(onPath)) {
    const p = Bun.spawnSync(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...packages], {
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      stdout: "ignore",
      stderr: "pipe",
      timeout: 300_000,
    });
    const missing = binaries.filter((b) => !onPath(b));
    if (missing.length) {
      const why = p.stderr.toString().trim().split("\n").at(-1) || `exit status ${p.exitCode}`;
      return `${missing.join(", ")} not installed and \`apt-get install ${packages.join(" ")}\` failed: ${why}`;
    }
  }
  return undefined;
}

/** Unmounts whatever is still mounted under `dir` (deepest first), then removes it. */
export function removeTree(dir: string): void {
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[4]?.replace(/\\040/g, " "))
    .filter((m): m is string => !!m && (m === dir || m.startsWith(dir + "/")))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) Bun.spawnSync(["umount", "-l", m]);
  rmSync(dir, { recursive: true, force: true });
}

/** The host path of `file` in `pid`'s cgroup: in the v1 hierarchy with `v1Controller`, else cgroup2. */
export function hostCgroupFile(pid: number, v1Controller: string, file: string): string | undefined {
  for (const line of readFileSync(`/proc/${pid}/cgroup`, "utf8").trim().split("\n")) {
    const [, controllers, path] = line.split(":");
    const v1 = `/sys/fs/cgroup/${v1Controller}${path}/${file}`;
    if (controllers.split(",").includes(v1Controller) && existsSync(v1)) return v1;
  }
  const v2 = readFileSync(`/proc/${pid}/cgroup`, "utf8").match(/^0::(.*)$/m)?.[1];
  return v2 !== undefined ? `/sys/fs/cgroup${v2}/${file}` : undefined;
}

/** A namespace's identity as the kernel shows it ("net:[4026532...]"). */
export function nsOf(pid: number, type: string): string {
  return readlinkSync(`/proc/${pid}/ns/${type}`);
}

/** nsbox-runtime's own view of its state root (what podman/containerd made it create). */
export function runtimeList(dir: string, root: string): string[] {
  const r = runIn(dir, [RUNTIME_BIN, "--root", root, "list", "-q"]);
  return r.stdout.split("\n").filter(Boolean);
}

/** nsbox-runtime's `state ID` under `root` (undefined when it has no such container). */
export function runtimeState(dir: string, root: string, id: string): { status: string; pid: number } | undefined {
  const r = runIn(dir, [RUNTIME_BIN, "--root", root, "state", id]);
  return r.code === 0 ? JSON.parse(r.stdout) : undefined;
}

/** A private podman: storage, run root, tmp dir and nsbox-runtime state all in one temp dir. */
export class PodmanLab {
  readonly dir = mkdtempSync(join(tmpdir(), "nsbox-podman-"));
  readonly runtimeRoot = "/run/nsbox-runtime";
  readonly env: Record<string, string>;
  /** Root here lacks CAP_SYS_RESOURCE: podman's default rlimits (from its own) cannot be set. */
  static readonly ULIMITS = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=4096:4096"];

  constructor() {
    // File locks live in --tmpdir; the default shm locks are one segment for every podman store
    // on the machine, and lock numbers clash between stores ("acquiring lock N: file exists").
    const conf = join(this.dir, "containers.conf");
    writeFileSync(conf, '[engine]\nlock_type = "file"\n');
    this.env = { ...(process.env as Record<string, string>), CONTAINERS_CONF: conf };
  }

  get argv(): string[] {
    return [
      "podman", "--root", join(this.dir, "storage"), "--runroot", join(this.dir, "run"), "--tmpdir", join(this.dir, "tmp"),
      "--runtime", RUNTIME_BIN, "--cgroup-manager", "cgroupfs", "--events-backend", "file", "--storage-driver", "overlay",
    ];
  }

  podman(args: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Result {
    return runIn(this.dir, [...this.argv, ...args], { ...opts, env: this.env });
  }

  /** The shell command line of `podman ARGS` (for script(1)), with this lab's environment. */
  command(args: string[]): string {
    return `CONTAINERS_CONF=${shellQuote([this.env.CONTAINERS_CONF])} ${shellQuote([...this.argv, ...args])}`;
  }

  inspect(name: string, format: string): string {
    return this.podman(["inspect", "--format", format, name]).stdout.trim();
  }

  cleanup(): void {
    this.podman(["rm", "-af", "-t", "0"], { timeoutMs: 60_000 });
    this.podman(["rmi", "-af"], { timeoutMs: 60_000 });
    removeTree(this.dir);
  }
}

/** A containerd daemon of our own: config, root, state, sockets and runc root in one temp dir. */
export class ContainerdLab {
  readonly dir = mkdtempSync(join(tmpdir(), "nsbox-containerd-"));
  readonly address = join(this.dir, "containerd.sock");
  /** The shim's runtime --root is this plus the namespace (runc's convention). */
  readonly runcRoot = join(this.dir, "runc");
  readonly namespace = `nsbox-test-${process.pid}`;
  private daemon?: Subprocess;

  async start(): Promise<void> {
    const config = join(this.dir, "config.toml");
    // Only what a task needs: the CRI plugin (Kubernetes) would start CNI syncers and servers.
    writeFileSync(config, [
      "version = 2",
      `root = "${this.dir}/root"`,
      `state = "${this.dir}/state"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      "[grpc]", `  address = "${this.address}"`,
      "[ttrpc]", `  address = "${this.address}.ttrpc"`,
      "[debug]", '  address = ""',
      "[metrics]", '  address = ""',
      "",
    ].join("\n"));
    mkdirSync(this.runcRoot, { recursive: true });
    const log = Bun.file(join(this.dir, "containerd.log"));
    this.daemon = Bun.spawn(["containerd", "--config", config], { stdin: "ignore", stdout: log, stderr: log });
    for (let i = 0; i < 100; i++) {
      if (existsSync(this.address) && this.ctr(["version"]).code === 0) return;
      if (this.daemon.exitCode !== null) break;
      await Bun.sleep(50);
    }
    throw new Error(`containerd did not come up:\n${this.log()}`);
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, "containerd.log"), "utf8").split("\n").slice(-20).join("\n");
    } catch {
      return "";
    }
  }

  ctr(args: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Result {
    return runIn(this.dir, ["ctr", "--address", this.address, "--namespace", this.namespace, ...args], opts);
  }

  command(args: string[]): string {
    return shellQuote(["ctr", "--address", this.address, "--namespace", this.namespace, ...args]);
  }

  /** `ctr run` options that make the runc shim call nsbox-runtime, with a private state root. */
  get runtimeOptions(): string[] {
    return ["--runc-binary", RUNTIME_BIN, "--runc-root", this.runcRoot];
  }

  /** Where nsbox-runtime keeps this namespace's containers. */
  get runtimeRoot(): string {
    return join(this.runcRoot, this.namespace);
  }

  /** Kills every task, removes containers and images, stops the daemon, removes the temp dir. */
  async stop(): Promise<void> {
    if (this.daemon && this.daemon.exitCode === null) {
      for (const id of this.ctr(["containers", "ls", "-q"]).stdout.split("\n").filter(Boolean)) {
        this.ctr(["task", "kill", "-a", "-s", "SIGKILL", id]);
        this.ctr(["task", "delete", "-f", id]);
        this.ctr(["containers", "delete", id]);
      }
      for (const ref of this.ctr(["images", "ls", "-q"]).stdout.split("\n").filter(Boolean)) this.ctr(["images", "rm", ref]);
      this.daemon.kill("SIGTERM");
      await Promise.race([this.daemon.exited, Bun.sleep(5000)]);
      if (this.daemon.exitCode === null) this.daemon.kill("SIGKILL");
    }
    // Tasks' cgroups are /<namespace>/<id>: the runtime removes <id>, the namespace's stays (runc too).
    for (const dir of ["", ...readdirSync("/sys/fs/cgroup")]) {
      try {
        rmdirSync(join("/sys/fs/cgroup", dir, this.namespace));
      } catch {}
    }
    removeTree(this.dir);
  }
}
