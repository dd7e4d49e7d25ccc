// Validation of config.json against the runtime-spec, with errors that name the JSON field:
//   config.json: process.args: must be a non-empty array of strings
import { UserError } from "../common/errors.ts";
import type { Spec } from "./spec.ts";

export class ConfigError extends UserError {
  constructor(field: string, problem: string) {
    super(`config.json: ${field}: ${problem}`);
    this.name = "ConfigError";
  }
}

export const NAMESPACE_TYPES = ["pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"] as const;
const DEVICE_TYPES = ["c", "b", "u", "p"];

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

function object(v: Json, field: string, optional = false): Record<string, Json> | undefined {
  if (v === undefined && optional) return undefined;
  if (!isObject(v)) throw new ConfigError(field, v === undefined ? "is required" : "must be an object");
  return v;
}
function string(v: Json, field: string, optional = false): void {
  if (v === undefined && optional) return;
  if (typeof v !== "string") throw new ConfigError(field, v === undefined ? "is required" : "must be a string");
}
function integer(v: Json, field: string, optional = false, min = -Infinity): void {
  if (v === undefined && optional) return;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min)
    throw new ConfigError(field, v === undefined ? "is required" : `must be an integer${min > -Infinity ? ` >= ${min}` : ""}`);
}
function array(v: Json, field: string, optional = true): Json[] {
  if (v === undefined && optional) return [];
  if (!Array.isArray(v)) throw new ConfigError(field, "must be an array");
  return v;
}
function stringArray(v: Json, field: string): string[] {
  const a = array(v, field);
  a.forEach((s, i) => string(s, `${field}[${i}]`));
  return a as string[];
}
function idMappings(v: Json, field: string): void {
  array(v, field).forEach((m, i) => {
    const o = object(m, `${field}[${i}]`)!;
    integer(o.containerID, `${field}[${i}].containerID`, false, 0);
    integer(o.hostID, `${field}[${i}].hostID`, false, 0);
    integer(o.size, `${field}[${i}].size`, false, 1);
  });
}

/** Parses and validates config.json text. `needProcess`: create/run need one, exec does not. */
export function parseConfig(text: string, needProcess = true): Spec {
  let raw: Json;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UserError(`config.json: invalid JSON: ${(err as Error).message}`);
  }
  return validateSpec(raw, needProcess);
}

export function validateSpec(raw: Json, needProcess = true): Spec {
  const spec = object(raw, "(top level)")!;
  string(spec.ociVersion, "ociVersion");
  const root = object(spec.root, "root", true);
  if (root) string(root.path, "root.path");
  string(spec.hostname, "hostname", true);
  string(spec.domainname, "domainname", true);
  if (spec.process === undefined && needProcess) throw new ConfigError("process", "is required to create a container");
  const proc = object(spec.process, "process", true);
  if (proc) validateProcess(proc, "process");
  array(spec.mounts, "mounts").forEach((m, i) => {
    const o = object(m, `mounts[${i}]`)!;
    string(o.destination, `mounts[${i}].destination`);
    string(o.type, `mounts[${i}].type`, true);
    string(o.source, `mounts[${i}].source`, true);
    stringArray(o.options, `mounts[${i}].options`);
  });
  const hooks = object(spec.hooks, "hooks", true);
  for (const [kind, list] of Object.entries(hooks ?? {})) {
    array(list, `hooks.${kind}`).forEach((h, i) => {
      const o = object(h, `hooks.${kind}[${i}]`)!;
      string(o.path, `hooks.${kind}[${i}].path`);
      stringArray(o.args, `hooks.${kind}[${i}].args`);
      stringArray(o.env, `hooks.${kind}[${i}].env`);
      integer(o.timeout, `hooks.${kind}[${i}].timeout`, true, 1);
    });
  }
  const linux = object(spec.linux, "linux", true);
  if (linux) validateLinux(linux);
  return spec as unknown as Spec;
}

export function validateProcess(p: Record<string, Json>, field: string): void {
  const args = stringArray(p.args, `${field}.args`);
  if (args.length === 0) throw new ConfigError(`${field}.args`, "must be a non-empty array of strings");
  string(p.cwd, `${field}.cwd`);
  if (!(p.cwd as string).startsWith("/")) throw new ConfigError(`${field}.cwd`, `must be an absolute path, not "${p.cwd}"`);
  stringArray(p.env, `${field}.env`).forEach((e, i) => {
    if (!e.includes("=")) throw new ConfigError(`${field}.env[${i}]`, `"${e}" is not KEY=VALUE`);
  });
  const user = object(p.user, `${field}.user`)!;
  integer(user.uid, `${field}.user.uid`, false, 0);
  integer(user.gid, `${field}.user.gid`, false, 0);
  integer(user.umask, `${field}.user.umask`, true, 0);
  array(user.additionalGids, `${field}.user.additionalGids`).forEach((g, i) =>
    integer(g, `${field}.user.additionalGids[${i}]`, false, 0),
  );
  const caps = object(p.capabilities, `${field}.capabilities`, true);
  for (const set of Object.keys(caps ?? {})) stringArray(caps![set], `${field}.capabilities.${set}`);
  array(p.rlimits, `${field}.rlimits`).forEach((r, i) => {
    const o = object(r, `${field}.rlimits[${i}]`)!;
    string(o.type, `${field}.rlimits[${i}].type`);
    integer(o.soft, `${field}.rlimits[${i}].soft`, false, 0);
    integer(o.hard, `${field}.rlimits[${i}].hard`, false, 0);
  });
  integer(p.oomScoreAdj, `${field}.oomScoreAdj`, true, -1000);
}

function validateLinux(linux: Record<string, Json>): void {
  const seen = new Set<string>();
  array(linux.namespaces, "linux.namespaces").forEach((n, i) => {
    const o = object(n, `linux.namespaces[${i}]`)!;
    string(o.type, `linux.namespaces[${i}].type`);
    if (!(NAMESPACE_TYPES as readonly string[]).includes(o.type as string))
      throw new ConfigError(`linux.namespaces[${i}].type`, `unknown namespace type "${o.type}" (one of ${NAMESPACE_TYPES.join(", ")})`);
    if (seen.has(o.type as string)) throw new ConfigError(`linux.namespaces[${i}].type`, `namespace "${o.type}" listed twice`);
    seen.add(o.type as string);
    string(o.path, `linux.namespaces[${i}].path`, true);
  });
  idMappings(linux.uidMappings, "linux.uidMappings");
  idMappings(linux.gidMappings, "linux.gidMappings");
  array(linux.devices, "linux.devices").forEach((d, i) => {
    const o = object(d, `linux.devices[${i}]`)!;
    string(o.path, `linux.devices[${i}].path`);
    string(o.type, `linux.devices[${i}].type`);
    if (!DEVICE_TYPES.includes(o.type as string))
      throw new ConfigError(`linux.devices[${i}].type`, `unknown device type "${o.type}" (c, b, u or p)`);
    if (o.type !== "p") {
      integer(o.major, `linux.devices[${i}].major`, false, 0);
      integer(o.minor, `linux.devices[${i}].minor`, false, 0);
    }
  });
  string(linux.cgroupsPath, "linux.cgroupsPath", true);
  string(linux.rootfsPropagation, "linux.rootfsPropagation", true);
  const sysctl = object(linux.sysctl, "linux.sysctl", true);
  for (const [k, v] of Object.entries(sysctl ?? {})) string(v, `linux.sysctl.${k}`);
  stringArray(linux.maskedPaths, "linux.maskedPaths");
  stringArray(linux.readonlyPaths, "linux.readonlyPaths");
  // In the spec, not carried out here: refused, so that no one believes they took effect.
  if (linux.intelRdt != null) throw new ConfigError("linux.intelRdt", "Intel RDT (resctrl) is not supported by nsbox-runtime");
  const netDevices = object(linux.netDevices, "linux.netDevices", true);
  if (netDevices && Object.keys(netDevices).length) {
    throw new ConfigError("linux.netDevices", "moving network devices into the container is not supported by nsbox-runtime");
  }
}
