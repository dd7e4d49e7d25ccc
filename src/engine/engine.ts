// The engine: docker-style containers over the OCI runtime, the image store and a C monitor per
// container. Daemonless: every nsbox process opens the same SQLite metadata; the monitors keep
// the containers running, logging and restarting with no nsbox process alive.
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { UserError } from "../common/errors.ts";
import { trace } from "../common/trace.ts";
import { ImageStore } from "../image/index.ts";
import { cacheLayoutIn } from "../linux/cgroups/layout.ts";
import { isAlive } from "../linux/proc.ts";
import { ContainerDb, NameConflict, type Row } from "./db.ts";
import { checkName, claimGeneratedName, newId } from "./names.ts";
import { EnginePaths, engineRoot } from "./paths.ts";
import { prepareRunRoot } from "./run-root.ts";
import { ensureInitLayer } from "./init-layer.ts";
import { runtimeCommand } from "./runtimes.ts";
import { capabilities, commandLine } from "./spec.ts";
import { writeEtcFiles } from "./etc-files.ts";
import { emptyState, liveState, monitorAlive, readMonitorStatus } from "./state.ts";
import { containerCgroup } from "./cgroup.ts";
import { unpinAll } from "./pin.ts";
import { releaseShm } from "./ipc-shm.ts";
import type { ExecOptions } from "./exec.ts";
import { streamLogs, type LogOptions, type LogSink } from "./logs.ts";
import { killContainer, pauseContainer, removeContainer, restartContainer, stopContainer } from "./ops.ts";
import { startContainer, type StartOptions } from "./start.ts";
import { copyFrom, copyTo, statPath, type CopyFromResult } from "./cp/copy.ts";
import type { PathInfo } from "./cp/scoped-path.ts";
import { notifyWaiters, waitCondition, type WaitCondition } from "./wait.ts";
import { withPredefinedNetwork } from "./predefined-net.ts";
import { checkHostResources } from "./resource-host.ts";
import { defaultResourceConfig } from "./resource-options.ts";
import { hasVolumeMounts, Volumes } from "./volumes.ts";
import { planMounts, volumesFromMounts } from "./mount-plan.ts";
import type { ContainerJSON, ContainerState, CreateRequest, HostConfig } from "./types.ts";

export interface EngineOptions {
  root?: string;
  /** Where the containers' ephemeral files go (default: $NSBOX_RUNROOT, /run/nsbox or <root>/run; see run-root.ts). */
  runRoot?: string;
}

const NS_MODES = ["NetworkMode", "PidMode", "IpcMode", "UTSMode"] as const;

export function defaultHostConfig(): HostConfig {
  return {
    Binds: null, NetworkMode: "default", PidMode: "", IpcMode: "", UTSMode: "",
    RestartPolicy: { Name: "no", MaximumRetryCount: 0 }, AutoRemove: false, CapAdd: null, CapDrop: null,
    Privileged: false, ReadonlyRootfs: false, Memory: 0, MemorySwap: 0, NanoCpus: 0, CpuShares: 0, PidsLimit: 0,
    SecurityOpt: null, Runtime: "nsbox", ConsoleSize: [0, 0], LogConfig: { Type: "json-file", Config: {} },
    ...defaultResourceConfig(),
  };
}

export class Engine {
  readonly paths: EnginePaths;
  readonly db: ContainerDb;
  private imageStore?: ImageStore;
  /** Output went through process.stdout/stderr (a pull's progress): a Node stream may hold some of it at exit. */
  streamedOutput = false;
  private volumeStore?: Volumes;

  constructor(opts: EngineOptions = {}) {
    this.paths = new EnginePaths(engineRoot(opts.root), opts.runRoot);
    prepareRunRoot(this.paths.runRoot);
    cacheLayoutIn(this.paths.cgroupLayoutCache);
    this.db = new ContainerDb(this.paths.db);
    this.reconcile();
  }

  static open(opts: EngineOptions = {}): Engine {
    return new Engine(opts);
  }

  get images(): ImageStore {
    return (this.imageStore ??= ImageStore.open(this.paths.root));
  }

  /** Volumes (docker's `volume` commands and -v NAME / -v /path), opened on first use. */
  get volumes(): Volumes {
    return (this.volumeStore ??= new Volumes(this.paths));
  }

  /**
   * For a process about to _exit (src/common/quick-exit.ts): closes the stores but the containers
   * database, whose close would checkpoint its WAL (two fsyncs, and at the next write a new WAL
   * header's fsync and its directory's: ~1 ms, more while other work writes to the disk). Its
   * commits are in the WAL, where the next opener finds them (kill -9 loses nothing); SQLite
   * checkpoints once the WAL holds 32 pages (db.ts), and every other command closes it as usual.
   * A power loss may take the last commits not yet checkpointed (synchronous=NORMAL), as it could
   * before whenever another nsbox process had the database open at our close.
   */
  closeForExit(): void {
    this.volumeStore?.close();
    this.imageStore?.close();
  }

  close(): void {
    this.volumeStore?.close();
    this.db.close();
    this.imageStore?.close();
  }

  /** A name, id or unique id prefix -> the row; docker's "No such container" otherwise. */
  row(ref: string, exitCode = 1): Row {
    const r = this.db.resolve(ref);
    if (!r || !r.complete) throw new UserError(`No such container: ${ref}`, exitCode);
    return r;
  }

  state(r: Row): ContainerState {
    return liveState(r.doc.State, this.paths.status(r.id), containerCgroup(r.id), () => this.lostRun(r));
  }

  /**
   * The container ran (the monitor made its log) but its run directory is gone: its state went
   * with the run root, at a reboot or with the run root's removal. A --rm container keeps its log
   * in the run directory: one whose directory is gone is taken as run (a `create --rm` never
   * started before a reboot is then removed too).
   */
  lostRun(r: Row): boolean {
    return !existsSync(this.paths.dir(r.id)) && (r.doc.HostConfig.AutoRemove || existsSync(r.doc.LogPath));
  }

  inspect(ref: string): ContainerJSON {
    const r = this.row(ref);
    return withPredefinedNetwork(this.withState(r), this.paths.root);
  }

  private withState(r: Row): ContainerJSON {
    const State = this.state(r);
    const st = readMonitorStatus(this.paths.status(r.id));
    return { ...r.doc, State, RestartCount: st?.RestartCount ?? 0 };
  }

  list(all = false): ContainerJSON[] {
    return this.db
      .list()
      .filter((r) => r.complete)
      .map((r) => this.withState(r))
      .filter((c) => all || c.State.Running);
  }

  /** Containers removed by reconcile() whose network endpoints (veth, lease, rules) may remain. */
  private pendingNetworkCleanup = false;

  /** Rows a killed `create` left half-made (creator gone): removed with their rootfs and files. */
  reconcile(): void {
    for (const r of this.db.reconcileCandidates()) {
      if (r.complete ? !this.orphanedAutoRemove(r) : isAlive(r.creatorPid)) continue;
      if (r.complete) notifyWaiters(this, r.id, this.state(r).ExitCode);
      this.cleanupFiles(r.id);
      this.db.delete(r.id);
      if (hasVolumeMounts(r.doc.Mounts) && (!r.complete || r.doc.HostConfig.AutoRemove)) this.volumes.removeAnonymous(r.doc.Mounts);
      this.pendingNetworkCleanup = true;
    }
  }

  /**
   * The network half of reconcile(): endpoints of containers the engine no longer knows (a CLI
   * killed mid-setup) go. Async, so create() runs it; a no-op when reconcile() removed nothing.
   */
  async reconcileNetwork(): Promise<void> {
    if (!this.pendingNetworkCleanup) return;
    this.pendingNetworkCleanup = false;
    const { Networking } = await import("../net/index.ts");
    const net = Networking.open({ root: this.paths.root });
    try {
      await net.reconcile({ liveContainers: new Set(this.db.list().map((r) => r.id)) });
    } finally {
      net.close();
    }
  }

  /** An exited --rm container nobody will remove: its monitor and any attached `run` are gone. */
  private orphanedAutoRemove(r: Row): boolean {
    if (!r.doc.HostConfig.AutoRemove) return false;
    const st = readMonitorStatus(this.paths.status(r.id));
    if (!st) return this.lostRun(r); // it ran before a reboot: no monitor is left to remove it
    if (st.Running || st.Restarting || monitorAlive(st.MonitorPid)) return false;
    try {
      return !readdirSync(this.paths.dir(r.id)).some((f) => f.startsWith("attached.") && isAlive(Number(f.slice(9))));
    } catch {
      return true;
    }
  }

  cleanupFiles(id: string): void {
    unpinAll(this.paths.dir(id));
    releaseShm(this.paths.dir(id));
    let unmounted = true;
    try {
      this.images.releaseRootfs(id, this.paths.merged(id));
    } catch {
      unmounted = false; // its run directory stays: removing it would descend into the mount
    }
    if (unmounted) rmSync(this.paths.dir(id), { recursive: true, force: true });
    rmSync(this.paths.dataDir(id), { recursive: true, force: true });
    rmSync(this.paths.socket(id), { force: true });
  }

  private async image(ref: string) {
    const found = this.images.resolve(ref);
    if (found) return found;
    // docker's run: the pull's progress goes to stderr (stdout is the container's).
    const { PullProgress } = await import("../image/cli/progress.ts");
    const { familiarName, formatReference, parseReference } = await import("../image/reference.ts");
    let name = ref;
    this.streamedOutput = true;
    try {
      const parsed = parseReference(ref);
      name = familiarName(formatReference(parsed));
      process.stderr.write(`Unable to find image '${name}' locally\n`);
      // docker's run prints no "Using default tag" (the full reference has one): just the path.
      const { pullHeader } = await import("../image/cli/pull-report.ts");
      process.stderr.write(`${pullHeader(formatReference(parsed), parsed).join("\n")}\n`);
      const progress = new PullProgress(process.stderr.isTTY === true, process.stderr);
      // Loaded here: the registry client is needed only for an image that is not present.
      const { pullImage } = await import("../image/registry/pull.ts");
      const { image, digest } = await pullImage(this.images, ref, { onEvent: (e) => progress.event(e) });
      progress.finish();
      process.stderr.write(`Digest: ${digest}\nStatus: Downloaded newer image for ${name}\n`);
      return image;
    } catch (err) {
      throw new UserError(`pull ${name}: ${(err as Error).message}`, 125);
    }
  }

  /** Resolves `container:X` to `container:<id>` (X must exist); docker refuses a missing target at create. */
  private nsTarget(mode: string): string {
    if (!mode.startsWith("container:")) return mode;
    const ref = mode.slice("container:".length);
    const r = this.db.resolve(ref);
    if (!r || !r.complete) throw new UserError(`No such container: ${ref}`, 125);
    return `container:${r.id}`;
  }

  async create(req: CreateRequest): Promise<{ Id: string; Warnings: string[] }> {
    await this.reconcileNetwork();
    let name = req.name ? checkName(req.name) : "";
    const img = await this.image(req.Config.Image);
    const imgCfg = this.images.config(img).config ?? {};
    // The image's VOLUMEs and the request's (docker's `-v /path`): each an anonymous volume.
    for (const d of Object.keys(req.Config.Volumes ?? {}))
      if (!d.startsWith("/")) throw new UserError(`invalid volume specification: '${d}'`, 125);
    const volumes = imgCfg.Volumes || req.Config.Volumes ? { ...(imgCfg.Volumes ?? {}), ...(req.Config.Volumes ?? {}) } : null;
    const host: HostConfig = { ...defaultHostConfig(), ...req.HostConfig };
    for (const k of NS_MODES) host[k] = this.nsTarget(host[k]);
    capabilities(host); // an unknown name is refused here, before anything exists
    runtimeCommand(host.Runtime, this.paths); // so is an unknown runtime
    checkHostResources(host); // and a missing --device, an unavailable CPU, a sysctl of a shared namespace
    // Every -v, --mount, --volumes-from and image VOLUME checked (and anonymous volumes named) first.
    const mountPlan = planMounts({
      binds: host.Binds, mounts: host.Mounts, tmpfs: host.Tmpfs, imageVolumes: volumes, volumeDir: (n) => this.paths.volume(n),
      volumesFrom: volumesFromMounts(host.VolumesFrom, (ref) => {
        const r = this.db.resolve(ref);
        return r?.complete ? r.doc.Mounts : undefined;
      }),
    });
    const c = req.Config;
    const entrypoint = c.Entrypoint ?? imgCfg.Entrypoint ?? null;
    const cmd = c.Cmd ?? (c.Entrypoint != null ? null : (imgCfg.Cmd ?? null));
    const args = commandLine(entrypoint, cmd);
    if (!args.length) throw new UserError("no command specified", 125);
    const id = newId();
    const envByKey = new Map<string, string>();
    for (const e of [...(imgCfg.Env ?? []), ...(c.Env ?? [])]) envByKey.set(e.split("=")[0]!, e);
    const doc: ContainerJSON = {
      Id: id,
      Created: new Date().toISOString(),
      Path: args[0]!,
      Args: args.slice(1),
      State: emptyState(),
      Image: img.id,
      ResolvConfPath: `${this.paths.dir(id)}/resolv.conf`,
      HostnamePath: `${this.paths.dir(id)}/hostname`,
      HostsPath: `${this.paths.dir(id)}/hosts`,
      // --rm: its log goes with it at its exit, so it need not be kept on the persistent root.
      LogPath: host.AutoRemove ? `${this.paths.dir(id)}/${id}-json.log` : this.paths.log(id),
      Name: `/${name}`, // a generated name is set when claimed, below
      RestartCount: 0,
      Driver: "overlay",
      Platform: "linux",
      HostConfig: host,
      Mounts: [],
      Config: {
        Hostname: c.Hostname || id.slice(0, 12), Domainname: "", User: c.User || imgCfg.User || "",
        AttachStdin: !!c.AttachStdin, AttachStdout: !!c.AttachStdout, AttachStderr: !!c.AttachStderr,
        Tty: !!c.Tty, OpenStdin: !!c.OpenStdin, StdinOnce: !!c.StdinOnce, Env: [...envByKey.values()],
        Cmd: cmd, Image: c.Image, Volumes: volumes, WorkingDir: c.WorkingDir || imgCfg.WorkingDir || "",
        Entrypoint: entrypoint, Labels: { ...(imgCfg.Labels ?? {}), ...(c.Labels ?? {}) },
        StopSignal: c.StopSignal || imgCfg.StopSignal || "SIGTERM", StopTimeout: c.StopTimeout,
        ExposedPorts: { ...(imgCfg.ExposedPorts ?? {}), ...(c.ExposedPorts ?? {}) },
      },
      NetworkSettings: {
        Bridge: "", SandboxKey: "", Ports: {}, IPAddress: "", Gateway: "", MacAddress: "",
        Networks: {}, // filled at start (src/net)
      },
    };
    // Claim the name first: of concurrent creates with one name, the losers stop here.
    if (name) this.db.insert(doc, name, process.pid);
    else {
      const claim = (n: string) => this.db.insert({ ...doc, Name: `/${n}` }, n, process.pid);
      name = claimGeneratedName(claim, (err) => err instanceof NameConflict);
      doc.Name = `/${name}`;
    }
    try {
      if (!host.AutoRemove) mkdirSync(this.paths.dataDir(id), { recursive: true, mode: 0o711 });
      mkdirSync(this.paths.dir(id), { recursive: true, mode: 0o711 });
      // --rm: its writable layer goes at its exit, so it need not survive a crash (cheaper unmount).
      const fs = await this.images.prepareRootfs(img.id, id, {
        volatile: host.AutoRemove, mountpoint: this.paths.merged(id), initLayer: ensureInitLayer(this.paths.initLayer),
      });
      (doc as ContainerJSON & { GraphDriver?: unknown }).GraphDriver = { Name: fs.mode, Data: { MergedDir: fs.rootfsPath } };
      doc.Mounts = this.volumes.mountFor(id, mountPlan, fs.rootfsPath);
      writeEtcFiles(doc);
      this.db.markComplete(id, doc);
      trace("create: complete");
    } catch (err) {
      const made = this.db.get(id)?.doc.Mounts; // anonymous volumes made for it go with it
      this.cleanupFiles(id);
      this.db.delete(id);
      if (hasVolumeMounts(made)) this.volumes.removeAnonymous(made!);
      throw err;
    }
    return { Id: id, Warnings: [] };
  }

  // Operations (the CLI is a thin layer over these; see docs/engine.md).
  start(ref: string, opts?: StartOptions): Promise<void> {
    return startContainer(this, ref, opts);
  }
  stop(ref: string, timeoutSec?: number, signal?: string): Promise<void> {
    return stopContainer(this, ref, timeoutSec, signal);
  }
  restart(ref: string, timeoutSec?: number): Promise<void> {
    return restartContainer(this, ref, timeoutSec);
  }
  kill(ref: string, signal = "SIGKILL"): void {
    killContainer(this, ref, signal);
  }
  /** `volumes`: its anonymous volumes go too (docker's rm -v; always for --rm containers). */
  remove(ref: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    return removeContainer(this, ref, !!opts.force, !!opts.volumes);
  }
  /** Docker's wait conditions (see wait.ts); resolves to the exit code. */
  wait(ref: string, condition: WaitCondition = "not-running"): Promise<number> {
    return waitCondition(this, ref, condition);
  }
  pause(ref: string): Promise<void> {
    return pauseContainer(this, ref, true);
  }
  unpause(ref: string): Promise<void> {
    return pauseContainer(this, ref, false);
  }
  rename(ref: string, name: string): void {
    this.db.rename(this.row(ref).id, checkName(name));
  }
  /** Runs a command in the container with our stdio; resolves to its exit code. */
  async exec(ref: string, opts: ExecOptions): Promise<number> {
    // Loaded on use: exec's pty relay needs node:tty (~5 ms of start-up), which no other command does.
    const { execInContainer } = await import("./exec.ts");
    return execInContainer(this, ref, opts);
  }
  /** Log entries ({log, stream, time}) to `sink` (default: our stdout/stderr). */
  logs(ref: string, opts: LogOptions = {}, sink?: LogSink): Promise<void> {
    const r = this.row(ref);
    return streamLogs(r.doc.LogPath, opts, () => this.state(r).Running || this.state(r).Restarting, sink);
  }

  /** A tar archive of the container's `path` (running or not; see cp/copy.ts); `followLink`: a
   * symlink's target, named as the link (cp -L). */
  copyFrom(ref: string, path: string, opts: { followLink?: boolean } = {}): CopyFromResult {
    return copyFrom(this, ref, path, opts);
  }
  /** Unpacks a tar archive into the container's existing directory `dir` (running or not). */
  copyTo(ref: string, dir: string, archive: Uint8Array | ReadableStream<Uint8Array>): Promise<void> {
    return copyTo(this, ref, dir, archive);
  }
  /** What a path is in the container, resolved inside its root (a cp destination's stat). */
  statPath(ref: string, path: string): Promise<PathInfo> {
    return statPath(this, ref, path);
  }

  /** Containers whose namespaces come from `id` (--net/--pid/--ipc/--uts=container:id). */
  dependents(id: string): Row[] {
    return this.db.list().filter((r) => r.id !== id && NS_MODES.some((k) => r.doc.HostConfig[k] === `container:${id}`));
  }
}
