// Starting a container: resolve the namespaces it joins, write the OCI bundle, start its monitor
// (which runs the runtime's create and, on our word, start; for nsbox-runtime the create is done
// here, runtime-inline.ts).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { UserError } from "../common/errors.ts";
import { trace } from "../common/trace.ts";
import { LaunchError } from "../linux/launcher.ts";
import { capabilityNames, ownBoundingSet } from "../oci/capabilities.ts";
import type { Spec } from "../oci/spec.ts";
import { containerCgroup, oomFile } from "./cgroup.ts";
import type { Row } from "./db.ts";
import type { Engine } from "./engine.ts";
import { spawnMonitor, type MonitorArgs } from "./monitor.ts";
import { networkPlan, setupNetwork } from "./network.ts";
import { isPinned, pin, pinPath, PINNED, type PinnedType } from "./pin.ts";
import { forceRuntimeDelete, waitMonitorGone } from "./ops.ts";
import { deleteInline, InlineStart } from "./runtime-inline.ts";
import { ensureRootfs } from "./rootfs.ts";
import { NSBOX_CLI } from "./paths.ts";
import { runtimeCommand, type RuntimeCommand } from "./runtimes.ts";
import { buildSpec, capabilities, mergeEnv, type NsChoice, type SpecInputs } from "./spec.ts";
import { addGroups, resolveUser } from "./user.ts";
import { checkOurUlimits, hostDevices } from "./resource-host.ts";
import { specJson } from "./spec-resources.ts";
import { specMounts } from "./mount-plan.ts";
import { writeEtcFiles } from "./etc-files.ts";
import { seccompFor } from "./seccomp-profile.ts";
import { applyShm } from "./ipc-shm.ts";

const NS_FIELDS = { network: "NetworkMode", pid: "PidMode", ipc: "IpcMode", uts: "UTSMode" } as const;
const NS_FILE = { network: "net", pid: "pid", ipc: "ipc", uts: "uts" } as const;
const LOG_MAX = 10 * 1024 * 1024;

export interface StartOptions {
  /** Runs once the container exists and before its process starts (attach here to miss nothing). */
  beforeStart?: (id: string) => Promise<void>;
}

function nsChoices(e: Engine, r: Row): SpecInputs["namespaces"] {
  const out: SpecInputs["namespaces"] = {};
  const pinned = (row: Row, type: string): string | undefined =>
    (PINNED as readonly string[]).includes(type) && isPinned(e.paths.dir(row.id), type as PinnedType)
      ? pinPath(e.paths.dir(row.id), type as PinnedType)
      : undefined;
  for (const [type, field] of Object.entries(NS_FIELDS) as [keyof typeof NS_FIELDS, (typeof NS_FIELDS)[keyof typeof NS_FIELDS]][]) {
    const mode = r.doc.HostConfig[field] ?? "";
    let choice: NsChoice = { kind: "private" };
    if (mode === "host") choice = { kind: "host" };
    else if (mode.startsWith("container:")) {
      const target = e.db.resolve(mode.slice(10));
      if (!target) throw new UserError(`cannot join the ${NS_FILE[type]} namespace of ${mode.slice(10)}: no such container`, 125);
      const pin = pinned(target, type);
      const st = e.state(target);
      if (!pin && (!st.Running || !st.Pid))
        throw new UserError(`cannot join the ${NS_FILE[type]} namespace of a non running container: ${target.name}`, 125);
      choice = { kind: "path", path: pin ?? `/proc/${st.Pid}/ns/${NS_FILE[type]}` };
    } else {
      const own = pinned(r, type);
      if (own) choice = { kind: "path", path: own };
    }
    out[type] = choice;
  }
  return out;
}

function readOr(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** docker-init's upstream, tini, statically linked (Debian's tini package), or $NSBOX_INIT. */
function initBinary(): string {
  const path = process.env.NSBOX_INIT ?? "/usr/bin/tini-static";
  if (!existsSync(path)) throw new UserError(`--init: ${path} not found (install Debian's tini, or set NSBOX_INIT)`, 125);
  return path;
}

/** The hostname a container gets: its own, or that of the container whose network it shares (docker). */
function hostnameOf(e: Engine, r: Row): string {
  const net = r.doc.HostConfig.NetworkMode;
  if (net.startsWith("container:")) return e.db.get(net.slice(10))?.doc.Config.Hostname ?? r.doc.Config.Hostname;
  return r.doc.Config.Hostname;
}

/** Maps the runtime's failure to docker's exit codes: 127 command not found, 126 cannot invoke, else 125. */
export function startFailure(err: unknown, r: Row): UserError {
  const msg = err instanceof LaunchError ? (err.path || err.message) : (err as Error).message;
  const cmd = r.doc.Path;
  if (/no such file or directory|not found/i.test(msg) && /exec/i.test(msg))
    return new UserError(`failed to start container ${r.name}: exec: "${cmd}": executable file not found in $PATH`, 127);
  if (/permission denied/i.test(msg) && /exec/i.test(msg))
    return new UserError(`failed to start container ${r.name}: exec: "${cmd}": permission denied`, 126);
  return new UserError(`failed to start container ${r.name}: ${msg}`, 125);
}

export async function startContainer(e: Engine, ref: string, opts: StartOptions = {}): Promise<void> {
  const r = e.row(ref);
  try {
    await startRow(e, r, opts);
  } catch (err) {
    // Recorded like docker: the container stays "created" with the error and its exit code.
    if (err instanceof UserError) e.db.update(r.id, (d) => Object.assign(d.State, { Error: err.message, ExitCode: err.exitCode }));
    throw err;
  }
}

/** The container's OCI bundle (config.json in its directory), from its record. */
function writeBundle(e: Engine, r: Row): Spec {
  const rootfs = ensureRootfs(e, r);
  const cfg = r.doc.Config;
  const hostname = hostnameOf(e, r);
  const groupFile = readOr(`${rootfs}/etc/group`);
  const user = addGroups(resolveUser(cfg.User, readOr(`${rootfs}/etc/passwd`), groupFile), r.doc.HostConfig.GroupAdd, groupFile);
  checkOurUlimits(r.doc.HostConfig.Ulimits);
  const available = capabilityNames(ownBoundingSet());
  const caps = capabilities(r.doc.HostConfig, available);
  const spec = buildSpec({
    id: r.id, config: cfg, host: r.doc.HostConfig, rootfs, args: [r.doc.Path, ...r.doc.Args],
    env: mergeEnv(cfg.Env, [], hostname, cfg.Tty).concat(user.home && !cfg.Env.some((x) => x.startsWith("HOME=")) ? [`HOME=${user.home}`] : []),
    user, hostname, namespaces: nsChoices(e, r),
    etcFiles: { hostname: r.doc.HostnamePath, hosts: r.doc.HostsPath, resolvConf: r.doc.ResolvConfPath },
    mounts: specMounts(r.doc),
    availableCaps: available,
    initPath: r.doc.HostConfig.Init ? initBinary() : undefined,
    seccomp: seccompFor(r.doc.HostConfig, caps, e.paths.seccompProfiles) as Record<string, unknown> | undefined,
    devices: (r.doc.HostConfig.Devices ?? []).flatMap(hostDevices),
  });
  applyShm(e, r, spec); // /dev/shm by IPC mode (the host side of shareable and shared ones)
  writeFileSync(`${e.paths.dir(r.id)}/config.json`, specJson(spec));
  trace("start: bundle written");
  return spec;
}

/** What the monitor is told, whichever runtime creates the container. */
function monitorArgs(e: Engine, r: Row, rt: RuntimeCommand): MonitorArgs {
  const { id } = r;
  const cfg = r.doc.Config;
  const restart = r.doc.HostConfig.RestartPolicy;
  const socket = e.paths.socket(id);
  return {
    id, dir: e.paths.dir(id), bundle: e.paths.dir(id), socket, log: r.doc.LogPath, logMax: LOG_MAX,
    runtime: rt.path, runtimeArgs: rt.args, terminal: cfg.Tty, stdin: cfg.OpenStdin, stdinOnce: cfg.StdinOnce,
    restart: restart.Name === "on-failure" ? `on-failure:${restart.MaximumRetryCount}` : restart.Name || "no",
    oomFile: oomFile(containerCgroup(id)),
    consoleSize: cfg.Tty ? r.doc.HostConfig.ConsoleSize : undefined,
    consoleSocket: cfg.Tty ? `${socket}.con` : undefined,
    exitCommand: r.doc.HostConfig.AutoRemove ? [...NSBOX_CLI, "container", "cleanup", "--root", e.paths.root, id] : undefined,
  };
}

async function startRow(e: Engine, r: Row, opts: StartOptions): Promise<void> {
  const state = e.state(r);
  if (state.Running) return; // docker answers 304 and the CLI prints the name
  const id = r.id;
  const dir = e.paths.dir(id);
  // A monitor still finishing the previous run (deleting the runtime's state) must be gone first.
  await waitMonitorGone(e, id, 5000);
  // A monitor killed with -9 (or a reboot) left the runtime's state of the last run behind.
  const rt = runtimeCommand(r.doc.HostConfig.Runtime, e.paths);
  const inline = rt.name === "nsbox";
  if (inline) await deleteInline(e.paths.runtimeRoot, id);
  else forceRuntimeDelete(e, r);
  mkdirSync(`${e.paths.runRoot}/sock`, { recursive: true, mode: 0o700 });
  // A reboot took the run directory (the run root is a tmpfs): its hosts files are made again.
  if (!existsSync(r.doc.HostsPath)) writeEtcFiles(r.doc);
  rmSync(`${dir}/stopped`, { force: true });
  rmSync(e.paths.status(id), { force: true });
  const args = monitorArgs(e, r, rt);
  // nsbox-runtime: created here (its monitor and launcher start now and wait for the plan while
  // we write the bundle), started through its exec fifo, deleted by the monitor by hand: no
  // runtime process; it brings lo up itself. Other runtimes: their own create and start.
  const early = inline ? InlineStart.begin(e.paths.runtimeRoot, args) : undefined;
  let spec: Spec;
  try {
    spec = writeBundle(e, r);
  } catch (err) {
    early?.abort();
    throw err;
  }
  const monitor = await (early
    ? early.create(spec)
    : spawnMonitor({ ...args, loopback: networkPlan(r.doc.HostConfig.NetworkMode).kind === "none" })
  ).catch((err) => {
    throw startFailure(err, r);
  });
  trace("start: container created (monitor: created)");
  try {
    // A pinned network namespace from an earlier run still has its interfaces: set up only a new one.
    const rejoined = spec.linux!.namespaces!.some((n) => n.type === "network" && n.path?.startsWith(dir));
    if (!rejoined) {
      const settings = await setupNetwork(e, r, monitor.pid);
      if (settings) e.db.update(id, (d) => Object.assign(d.NetworkSettings, settings));
    }
    // Pin our own new namespaces, and let the monitor's restarts rejoin them (config.json is
    // reread). Not for --rm: it never runs again, and the pins would cost mounts at both ends.
    let repinned = false;
    for (const n of r.doc.HostConfig.AutoRemove ? [] : spec.linux!.namespaces!) {
      if (!(PINNED as readonly string[]).includes(n.type) || n.path) continue;
      pin(dir, n.type as PinnedType, monitor.pid);
      n.path = pinPath(dir, n.type as PinnedType);
      repinned = true;
    }
    if (repinned) writeFileSync(`${dir}/config.json`, specJson(spec));
    trace("start: network and pins done");
    if (opts.beforeStart) await opts.beforeStart(id);
    await monitor.start();
    trace("start: ready");
  } catch (err) {
    await monitor.abort();
    // A failure of our own setup (an unknown network, a port in use) is docker's 125 engine error.
    if (err instanceof UserError) throw err.exitCode === 1 ? new UserError(err.message, 125) : err;
    throw startFailure(err, r);
  }
}
