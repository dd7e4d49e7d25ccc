// Helpers for the networking integration tests: a private nsbox root, "containers" that are
// network namespaces the test creates (`ip netns add`), a tiny TCP server in one, a client in
// another, and a check that nothing nsbox made is left. All traffic stays on loopback or between
// these namespaces.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Networking } from "../../src/net/index.ts";
import { kernelNames, type FirewallKind } from "../../src/net/context.ts";
import { chainPrefix } from "../../src/net/firewall-iptables.ts";
import { NSBOX, bun, top, type Result } from "../helpers/cli.ts";
export { NSBOX, bun, top, type Result };

export function sh(argv: string[], env: Record<string, string> = {}): Result {
  const p = Bun.spawnSync(argv, { env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode ?? 137, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

/** A private root with its own kernel names; cleaned by `destroy()`. */
export class NetLab {
  readonly root = mkdtempSync("/tmp/nsbox-net-test-");
  readonly net: Networking;
  readonly names = kernelNames(this.root);
  private netnses: string[] = [];
  private servers: ReturnType<typeof Bun.spawn>[] = [];
  private readonly tag = `${process.pid % 100000}${Math.random().toString(36).slice(2, 5)}`;

  constructor(readonly firewall: FirewallKind = "nft") {
    this.net = Networking.open({ root: this.root, firewall });
  }

  /** A new network namespace standing in for a container; returns its name and path. */
  netns(label: string): { name: string; path: string; files: string } {
    const name = `nsbt${this.tag}${label}`;
    const r = sh(["ip", "netns", "add", name]);
    if (r.code !== 0) throw new Error(`ip netns add ${name}: ${r.stderr}`);
    this.netnses.push(name);
    // `ip netns exec` bind-mounts /etc/netns/NAME/* over /etc/*: the files attach() writes there
    // become the namespace's /etc/hosts and /etc/resolv.conf, as the engine's bind mounts would.
    return { name, path: `/run/netns/${name}`, files: `/etc/netns/${name}` };
  }

  exec(netns: string, argv: string[]): Result {
    return sh(["ip", "netns", "exec", netns, ...argv]);
  }

  /** A TCP server in `netns` on `port` that answers every connection with `reply`. */
  async server(netns: string, port: number, reply: string): Promise<void> {
    const dir = join(this.root, "srv");
    mkdirSync(dir, { recursive: true });
    const script = join(dir, `${netns}-${port}.sh`);
    writeFileSync(script, `#!/bin/sh\necho ${reply}\n`);
    chmodSync(script, 0o755);
    this.servers.push(Bun.spawn(["ip", "netns", "exec", netns, "busybox", "nc", "-ll", "-p", String(port), "-e", script], { stdout: "ignore", stderr: "ignore" }));
    for (let i = 0; i < 100; i++) {
      const listening = new RegExp(`:${port.toString(16).toUpperCase().padStart(4, "0")} [0-9A-F]+:0000 0A`);
      if (listening.test(this.exec(netns, ["cat", "/proc/net/tcp", "/proc/net/tcp6"]).stdout)) return;
      await Bun.sleep(10);
    }
    throw new Error(`server on ${netns}:${port} did not listen`);
  }

  /** Connects from `netns` (or the host when undefined) to host:port; the reply, or "" on failure. */
  connect(netns: string | undefined, host: string, port: number, timeout = 1): string {
    const argv = ["busybox", "nc", "-w", String(timeout), host, String(port)];
    const r = netns ? this.exec(netns, argv) : sh(argv);
    return r.code === 0 ? r.stdout.trim() : "";
  }

  /** Everything nsbox made in the kernel for this root: links, nft table, resolvers. */
  leftovers(): string[] {
    const out: string[] = [];
    for (const l of readdirSync("/sys/class/net")) {
      if (l.startsWith(this.names.vethPrefix) || l.startsWith(this.names.bridgePrefix) || l === this.names.defaultBridge) out.push(`link ${l}`);
    }
    if (sh(["nft", "list", "table", "ip", this.names.table]).code === 0) out.push(`nft table ${this.names.table}`);
    out.push(...this.iptablesLines().map((l) => `iptables ${l}`));
    out.push(...this.resolverProcesses().map((l) => `resolver ${l}`));
    return out;
  }

  /** `ps` lines of this root's resolver processes. */
  resolverProcesses(): string[] {
    const ps = sh(["ps", "-eo", "pid,args"]).stdout.split("\n");
    return ps.filter((l) => l.includes(this.root) && /server\.ts|__dns-serve/.test(l)).map((l) => l.trim());
  }

  /** iptables-save lines that mention this root's chains. */
  iptablesLines(): string[] {
    const prefix = `${chainPrefix(this.names.table)}-`;
    return sh(["iptables-save"]).stdout.split("\n").filter((l) => l.includes(prefix));
  }

  /** True while a DNAT rule for a published port exists (in whichever backend). */
  hasDnatRules(): boolean {
    if (this.firewall === "iptables") return this.iptablesLines().some((l) => l.includes("-j DNAT"));
    return sh(["nft", "list", "table", "ip", this.names.table]).stdout.includes("dnat to");
  }

  async destroy(): Promise<void> {
    for (const s of this.servers) s.kill("SIGKILL");
    try {
      await this.net.reconcile({ liveContainers: new Set() });
      await this.net.removeAllNetworks();
    } catch (err) {
      console.error("net lab clean-up:", err);
    }
    this.net.close();
    for (const n of this.netnses) {
      sh(["ip", "netns", "del", n]);
      rmSync(`/etc/netns/${n}`, { recursive: true, force: true });
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

export function gone(path: string): boolean {
  return !existsSync(path);
}
