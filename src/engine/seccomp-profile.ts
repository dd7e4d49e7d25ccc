// linux.seccomp of a container: docker's rule (the default profile unless --privileged or
// seccomp=unconfined; seccomp=FILE takes a profile in the same format), with the default profile's
// resolution for a set of capabilities kept in the run root. Resolving it (containers-common's
// includes/excludes by architecture, capability and kernel) and loading the 340-line profile
// module cost ~0.4 ms of every start; nearly every container asks for the same few sets (docker's
// defaults, or those plus a --cap-add). The key holds the capabilities, the architecture, the
// kernel release (rules have a minimum kernel) and this build of nsbox (a newer profile comes with
// a newer build). A profile file (seccomp=FILE) is read and resolved every time.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { release } from "node:os";
import { UserError } from "../common/errors.ts";
import type * as DefaultProfile from "../oci/seccomp/default-profile.ts";
import type * as Profile from "../oci/seccomp/profile.ts";
import type { SeccompProfile } from "../oci/seccomp/profile.ts";
import type { LinuxSeccomp } from "../oci/seccomp/types.ts";
import type { HostConfig } from "./types.ts";

const loadProfile = () => require("../oci/seccomp/profile.ts") as typeof Profile;

function resolve(profile: SeccompProfile, caps: readonly string[]): LinuxSeccomp {
  return loadProfile().seccompFromProfile(profile, { arch: process.arch, capabilities: caps, kernel: release() });
}

/** What identifies the profile's code: the compiled executable, or the sources run from. */
function buildIdentity(): string {
  const files = import.meta.dir.startsWith("/$bunfs")
    ? [process.execPath]
    : [`${import.meta.dir}/../oci/seccomp/default-profile.ts`, `${import.meta.dir}/../oci/seccomp/profile.ts`];
  return files.map((f) => {
    const st = statSync(f);
    return `${f}:${st.size}:${st.mtimeMs}`;
  }).join("\0");
}

/** docker's default profile resolved for `caps`, from `cacheDir` when an earlier start resolved the same. */
export function defaultSeccompCached(cacheDir: string, caps: readonly string[]): LinuxSeccomp {
  const key = Bun.hash(`${process.arch}\0${release()}\0${buildIdentity()}\0${[...caps].sort().join(",")}`).toString(16);
  const file = `${cacheDir}/${key}.json`;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as LinuxSeccomp;
  } catch {}
  const { DEFAULT_SECCOMP_PROFILE } = require("../oci/seccomp/default-profile.ts") as typeof DefaultProfile;
  const seccomp = resolve(DEFAULT_SECCOMP_PROFILE, caps);
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(seccomp), { mode: 0o600 });
    renameSync(tmp, file); // whole or absent: concurrent starts may race to write the same key
  } catch {} // a cache that cannot be written only costs time
  return seccomp;
}

/** linux.seccomp for a container with these settings and capabilities; undefined: none. */
export function seccompFor(host: Pick<HostConfig, "SecurityOpt" | "Privileged">, caps: string[], cacheDir: string): LinuxSeccomp | undefined {
  const opt = (host.SecurityOpt ?? []).find((o) => /^seccomp[=:]/.test(o))?.slice(8);
  if (host.Privileged || opt === "unconfined") return undefined;
  if (!opt) return defaultSeccompCached(cacheDir, caps);
  let profile: SeccompProfile;
  try {
    profile = JSON.parse(readFileSync(opt, "utf8")) as SeccompProfile;
  } catch (err) {
    throw new UserError(`--security-opt seccomp=${opt}: ${(err as Error).message}`, 125);
  }
  return resolve(profile, caps);
}
