// `nsbox run` / `nsbox create` flags (docker's) -> a CreateRequest plus the CLI-only choices
// (detach, --rm, signal proxy). Pure, so every flag's parsing is unit-tested without root.
import { existsSync } from "node:fs";
import { UserError } from "../common/errors.ts";
import { labelMap } from "../common/labels.ts";
import { parseFlags, type FlagSpec } from "../common/flags.ts";
import { parsePortSpec } from "../net/ports.ts";
import { parseDetachKeys } from "./detach-keys.ts";
import { readEnvFile } from "./env-file.ts";
import { parseMountFlag } from "./mount-spec.ts";
import { RESOURCE_FLAGS, resourceHostConfig } from "./resource-options.ts";
import type { CreateRequest, HostConfig, RestartPolicy } from "./types.ts";

export const RUN_FLAGS: FlagSpec = {
  detach: { type: "boolean", short: "d" },
  rm: { type: "boolean" },
  name: { type: "string" },
  interactive: { type: "boolean", short: "i" },
  tty: { type: "boolean", short: "t" },
  env: { type: "string", short: "e", multiple: true },
  "env-file": { type: "string", multiple: true },
  workdir: { type: "string", short: "w" },
  user: { type: "string", short: "u" },
  volume: { type: "string", short: "v", multiple: true },
  mount: { type: "string", multiple: true },
  "volumes-from": { type: "string", multiple: true },
  tmpfs: { type: "string", multiple: true },
  "read-only": { type: "boolean" },
  hostname: { type: "string", short: "h" },
  entrypoint: { type: "string" },
  init: { type: "boolean" },
  net: { type: "string" },
  network: { type: "string" },
  pid: { type: "string" },
  ipc: { type: "string" },
  uts: { type: "string" },
  memory: { type: "string", short: "m" },
  "memory-swap": { type: "string" },
  cpus: { type: "string" },
  "cpu-shares": { type: "string" },
  "pids-limit": { type: "string" },
  "cap-add": { type: "string", multiple: true },
  "cap-drop": { type: "string", multiple: true },
  privileged: { type: "boolean" },
  "security-opt": { type: "string", multiple: true },
  restart: { type: "string" },
  "stop-signal": { type: "string" },
  "stop-timeout": { type: "string" },
  label: { type: "string", short: "l", multiple: true },
  runtime: { type: "string" },
  "sig-proxy": { type: "string" },
  "detach-keys": { type: "string" },
  publish: { type: "string", short: "p", multiple: true },
  "publish-all": { type: "boolean", short: "P" },
  expose: { type: "string", multiple: true },
  dns: { type: "string", multiple: true },
  "dns-search": { type: "string", multiple: true },
  "dns-option": { type: "string", multiple: true },
  "add-host": { type: "string", multiple: true },
  ip: { type: "string" },
  "network-alias": { type: "string", multiple: true },
  ...RESOURCE_FLAGS,
  root: { type: "string" },
  help: { type: "boolean" },
};

/** -p specs into docker's PortBindings ({"80/tcp": [{HostIp, HostPort}]}) and ExposedPorts. */
function portBindings(specs: string[], expose: string[]) {
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  const exposed: Record<string, object> = {};
  for (const spec of specs) {
    let parsed;
    try {
      parsed = parsePortSpec(spec);
    } catch (err) {
      throw new UserError((err as Error).message, 125);
    }
    for (const p of parsed) {
      const key = `${p.containerPort}/${p.proto}`;
      (bindings[key] ??= []).push({ HostIp: p.hostIp, HostPort: p.hostPort ? String(p.hostPort) : "" });
      exposed[key] = {};
    }
  }
  for (const e of expose) exposed[e.includes("/") ? e : `${e}/tcp`] = {};
  return { bindings, exposed };
}

export interface RunOptions {
  request: CreateRequest;
  detach: boolean;
  /** --sig-proxy (default true): signals we get go to the attached container. */
  sigProxy: boolean;
  /** --detach-keys (default Ctrl-P Ctrl-Q): leave an attached terminal with the container running. */
  detachKeys: Uint8Array;
  root?: string;
}

const bad = (flag: string, value: string, why: string) => new UserError(`invalid argument "${value}" for "${flag}" flag: ${why}`, 125);

/** docker's RAMInBytes: 1024-based units b, k, m, g, t (case-insensitive, optional trailing b). */
export function parseBytes(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)b?$/i.exec(value.trim());
  if (!m) throw bad(flag, value, `invalid size: '${value}'`);
  const mult = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as "" | "k"]!;
  return Math.floor(Number(m[1]) * mult);
}

function parseInteger(flag: string, value: string, min = 0): number {
  if (!/^-?\d+$/.test(value) || Number(value) < min) throw bad(flag, value, "expected an integer" + (min > 0 ? ` >= ${min}` : ""));
  return Number(value);
}

export function parseRestart(value: string): RestartPolicy {
  const [name, count] = value.split(":");
  if (name === "on-failure") {
    if (count !== undefined && !/^\d+$/.test(count)) throw bad("--restart", value, "maximum retry count must be an integer");
    return { Name: "on-failure", MaximumRetryCount: Number(count ?? 0) };
  }
  if ((name === "no" || name === "always" || name === "unless-stopped") && count === undefined) return { Name: name, MaximumRetryCount: 0 };
  throw new UserError(`invalid restart policy: ${value}`, 125);
}

function checkMode(flag: string, value: string, allowed: string[]): string {
  if (allowed.includes(value) || (value.startsWith("container:") && value.length > 10)) return value;
  throw new UserError(`--${flag}: invalid ${flag.toUpperCase()} mode: ${value}`, 125);
}

/** A bare `-e NAME` takes NAME's value from our environment (dropped when unset), as docker does. */
function envEntry(e: string): string[] {
  if (e.includes("=")) return [e];
  const v = process.env[e];
  return v === undefined ? [] : [`${e}=${v}`];
}

/** Our terminal's size, which docker sends as ConsoleSize so the container's pty starts with it. */
function terminalSize(): [number, number] {
  return process.stdout.isTTY ? [process.stdout.rows ?? 0, process.stdout.columns ?? 0] : [0, 0];
}

export function parseRunArgs(argv: string[], verb: "run" | "create", consoleSize?: [number, number]): RunOptions {
  let parsed;
  try {
    parsed = parseFlags(argv, RUN_FLAGS, verb, true);
  } catch (err) {
    throw new UserError((err as Error).message, 125);
  }
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const [image, ...cmd] = parsed.positionals;
  if (!image) throw new UserError(`"${verb}" requires at least 1 argument: ${verb} [OPTIONS] IMAGE [COMMAND] [ARG...]`, 125);
  const s = (k: string) => v[k] as string | undefined;
  const list = (k: string) => (v[k] as string[] | undefined) ?? [];
  const restart = s("restart") ? parseRestart(s("restart")!) : { Name: "no" as const, MaximumRetryCount: 0 };
  if (v.rm && restart.Name !== "no") throw new UserError("Conflicting options: --restart and --rm", 125);
  const net = s("network") ?? s("net") ?? "default";
  // Any other word names a user network (`nsbox network create`); whether it exists is checked
  // when the container's endpoint is attached.
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(net)) checkMode("net", net, ["default", "bridge", "none", "host"]);
  if (net.startsWith("container:") && s("hostname")) throw new UserError("conflicting options: hostname and the network mode", 125);
  if ((list("publish").length || v["publish-all"]) && (net === "none" || net === "host" || net.startsWith("container:")))
    throw new UserError("conflicting options: port publishing and the container type network mode", 125);
  for (const o of list("security-opt")) {
    if (!/^(no-new-privileges(=|:)?(true|false)?|seccomp[=:].+|label[=:].+|apparmor[=:].+)$/.test(o))
      throw new UserError(`invalid --security-opt: "${o}"`, 125);
    const file = /^seccomp[=:](.+)$/.exec(o)?.[1];
    if (file && file !== "unconfined" && !existsSync(file)) throw new UserError(`opening seccomp profile (${file}) failed: no such file or directory`, 125);
  }
  const cpus = s("cpus");
  if (cpus !== undefined && !(Number(cpus) > 0)) throw bad("--cpus", cpus, "expected a positive number");
  const memory = s("memory") ? parseBytes("-m, --memory", s("memory")!) : 0;
  const swapText = s("memory-swap");
  const memorySwap = swapText === "-1" ? -1 : swapText ? parseBytes("--memory-swap", swapText) : 0;
  if (memorySwap > 0 && memory > 0 && memorySwap < memory)
    throw new UserError("Minimum memoryswap limit should be larger than memory limit, see usage", 125);
  const labels = labelMap(list("label"));
  const tmpfs: Record<string, string> = {};
  for (const t of list("tmpfs")) {
    const i = t.indexOf(":");
    if (!t.startsWith("/")) throw bad("--tmpfs", t, "the destination must be an absolute path");
    tmpfs[i < 0 ? t : t.slice(0, i)] = i < 0 ? "" : t.slice(i + 1);
  }
  const entrypoint = s("entrypoint");
  const ports = portBindings(list("publish"), list("expose"));
  // docker's CLI: `-v /path` (no ':') is an anonymous volume in Config.Volumes; the rest are Binds.
  const binds = list("volume").filter((b) => b.includes(":"));
  const anonymous = list("volume").filter((b) => !b.includes(":"));
  const host: Partial<HostConfig> = {
    Binds: binds.length ? binds : null,
    ...(list("mount").length ? { Mounts: list("mount").map(parseMountFlag) } : {}),
    VolumesFrom: list("volumes-from").length ? list("volumes-from") : null,
    NetworkMode: net,
    Dns: list("dns"),
    DnsSearch: list("dns-search"),
    DnsOptions: list("dns-option"),
    ExtraHosts: list("add-host").length ? list("add-host") : null,
    IPv4Address: s("ip"),
    Aliases: list("network-alias").length ? list("network-alias") : undefined,
    PidMode: s("pid") ? checkMode("pid", s("pid")!, ["", "host"]) : "",
    IpcMode: s("ipc") ? checkMode("ipc", s("ipc")!, ["", "host", "private", "shareable", "none"]) : "",
    UTSMode: s("uts") ? checkMode("uts", s("uts")!, ["", "host"]) : "",
    RestartPolicy: restart,
    AutoRemove: !!v.rm,
    CapAdd: list("cap-add").length ? list("cap-add") : null,
    CapDrop: list("cap-drop").length ? list("cap-drop") : null,
    Privileged: !!v.privileged,
    ReadonlyRootfs: !!v["read-only"],
    Memory: memory,
    MemorySwap: memorySwap,
    NanoCpus: cpus ? Math.round(Number(cpus) * 1e9) : 0,
    CpuShares: s("cpu-shares") ? parseInteger("--cpu-shares", s("cpu-shares")!, 2) : 0,
    PidsLimit: s("pids-limit") ? parseInteger("--pids-limit", s("pids-limit")!) : 0,
    SecurityOpt: list("security-opt").length ? list("security-opt") : null,
    Tmpfs: Object.keys(tmpfs).length ? tmpfs : undefined,
    Init: !!v.init,
    Runtime: s("runtime") ?? "nsbox",
    PortBindings: ports.bindings,
    // Only with -t: process.stdout, once touched, loads node's stream modules (~1.7 ms of start-up).
    ConsoleSize: v.tty ? (consoleSize ?? terminalSize()) : [0, 0],
    PublishAllPorts: !!v["publish-all"],
    ...resourceHostConfig(v, parseBytes),
  };
  const stopTimeout = s("stop-timeout");
  const sigProxy = s("sig-proxy") ?? "true";
  if (sigProxy !== "true" && sigProxy !== "false") throw bad("--sig-proxy", sigProxy, "expected true or false");
  return {
    detach: !!v.detach,
    sigProxy: sigProxy === "true",
    detachKeys: parseDetachKeys(s("detach-keys")),
    root: s("root"),
    request: {
      name: s("name"),
      Config: {
        Image: image,
        Cmd: cmd.length ? cmd : null,
        Entrypoint: entrypoint !== undefined ? (entrypoint === "" ? [] : [entrypoint]) : null,
        Env: [...list("env-file").flatMap((f) => readEnvFile(f)), ...list("env").flatMap(envEntry)],
        WorkingDir: s("workdir") ?? "",
        User: s("user") ?? "",
        Hostname: s("hostname") ?? "",
        Tty: !!v.tty,
        OpenStdin: !!v.interactive,
        StdinOnce: !!v.interactive,
        AttachStdin: !!v.interactive && !v.detach,
        AttachStdout: !v.detach,
        AttachStderr: !v.detach,
        Labels: labels,
        StopSignal: s("stop-signal"),
        StopTimeout: stopTimeout !== undefined ? parseInteger("--stop-timeout", stopTimeout) : undefined,
        ExposedPorts: Object.keys(ports.exposed).length ? ports.exposed : undefined,
        Volumes: anonymous.length ? Object.fromEntries(anonymous.map((d) => [d, {}])) : undefined,
      },
      HostConfig: host,
    },
  };
}
