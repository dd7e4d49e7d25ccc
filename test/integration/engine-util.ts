// Helpers for the engine's integration tests: a private nsbox root with the offline test images
// loaded, the CLI run from source against it, and a cleanup that leaves nothing behind
// (containers and their monitors, mounts, cgroups, bridges).
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { NSBOX, top, type Result } from "../helpers/cli.ts";
export { NSBOX, top, type Result };

/** An OCI layout directory as a tar `nsbox load` accepts (built once per process). */
function layoutTar(name: string): string {
  const tar = `/tmp/nsbox-engine-test-${name}.tar`;
  if (!existsSync(tar)) {
    const tmp = `${tar}.${process.pid}`;
    Bun.spawnSync(["tar", "-C", join(top, "build/images", name), "-cf", tmp, "."]);
    Bun.spawnSync(["mv", tmp, tar]);
  }
  return tar;
}

export class EngineLab {
  readonly root = mkdtempSync("/tmp/nsbox-engine-test-");
  /** Its run root (containers' ephemeral files, runtime state; a tmpfs the engine mounts). */
  get run(): string {
    return `${this.root}/run`;
  }
  readonly env: Record<string, string>;

  constructor(images: string[] = ["busybox"]) {
    // Our own bridge subnet: another root's default bridge (172.17/16) would shadow the route.
    const subnet = `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 250)}.0/24`;
    this.env = { ...(process.env as Record<string, string>), NSBOX_ROOT: this.root, NSBOX_BRIDGE_SUBNET: subnet };
    for (const img of images) {
      const file = img === "busybox" ? join(top, "build/images/busybox.tar") : layoutTar(img);
      const r = this.nsbox(["load", "-q", "-i", file]);
      if (r.code !== 0) throw new Error(`load ${img}: ${r.stderr}`);
    }
  }

  /** Mount points under the root other than the run root's own tmpfs (containers' overlays, pins). */
  mountsLeft(): string[] {
    const points = require("node:fs").readFileSync("/proc/self/mountinfo", "utf8").split("\n").map((l: string) => l.split(" ")[4] ?? "");
    return points.filter((m: string) => m.startsWith(`${this.root}/`) && m !== this.run);
  }

  nsbox(args: string[], opts: { stdin?: string } = {}): Result {
    const p = Bun.spawnSync([...NSBOX, ...args], {
      env: this.env, stdout: "pipe", stderr: "pipe", stdin: opts.stdin !== undefined ? Buffer.from(opts.stdin) : "ignore",
    });
    return { code: p.exitCode ?? 128, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
  }

  async nsboxAsync(args: string[]): Promise<Result> {
    const p = Bun.spawn([...NSBOX, ...args], { env: this.env, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
    const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    return { code, stdout, stderr };
  }

  /** Runs and expects success; returns trimmed stdout. */
  ok(args: string[]): string {
    const r = this.nsbox(args);
    if (r.code !== 0) throw new Error(`nsbox ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
    return r.stdout.trim();
  }

  inspect(ref: string): any {
    return JSON.parse(this.ok(["inspect", ref]))[0];
  }

  async until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await Bun.sleep(20);
    }
  }

  /**
   * Removes every container (monitors exit) and checks that `rm` left no root filesystem, then
   * `system reset` takes the networks with the root's bridge, firewall table and resolver, and
   * the root itself.
   */
  async destroy(): Promise<void> {
    const ids = this.nsbox(["ps", "-aq", "--no-trunc"]).stdout.split("\n").filter(Boolean);
    if (ids.length) this.nsbox(["rm", "-f", ...ids]);
    const left = existsSync(`${this.root}/image/containers`) ? readdirSync(`${this.root}/image/containers`) : [];
    const reset = this.nsbox(["system", "reset", "-f"]);
    if (existsSync(this.root)) rmSync(this.root, { recursive: true, force: true });
    if (left.length) throw new Error(`container root filesystems left behind: ${left.join(", ")}`);
    if (reset.code !== 0) throw new Error(`system reset: ${reset.stderr}`);
  }
}

export function monitorPids(root: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const argv = require("node:fs").readFileSync(`/proc/${d}/cmdline`, "latin1").split("\0");
      if (argv[0]?.endsWith("nsbox-monitor") && argv.some((a: string) => a.startsWith(root))) out.push(Number(d));
    } catch {}
  }
  return out;
}
