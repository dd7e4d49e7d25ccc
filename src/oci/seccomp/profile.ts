// Docker/podman seccomp profiles (moby's profiles/seccomp/default.json, containers-common's
// /usr/share/containers/seccomp.json) -> the OCI `linux.seccomp` object of one container.
// Those profiles add `archMap` and per-rule `includes`/`excludes` (by machine architecture,
// capability, minimum kernel) which engines resolve before writing config.json; this does what
// containers/common's pkg/seccomp does, so the result matches what podman hands a runtime.
import { UserError } from "../../common/errors.ts";
import type { LinuxSeccomp, LinuxSeccompArg, LinuxSyscall } from "./types.ts";

interface Filter {
  arches?: string[];
  caps?: string[];
  minKernel?: string;
}

interface ProfileSyscall extends Omit<LinuxSyscall, "names"> {
  name?: string;
  names?: string[];
  args?: LinuxSeccompArg[] | null;
  includes?: Filter;
  excludes?: Filter;
}

export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap?: { architecture: string; subArchitectures?: string[] }[];
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls?: ProfileSyscall[];
}

export interface ProfileContext {
  /** Node's process.arch of the host. */
  arch: string;
  /** The container's bounding capabilities (CAP_* names). */
  capabilities: readonly string[];
  /** Kernel release (os.release()), for minKernel; omitted means every minKernel holds. */
  kernel?: string;
}

/** Node arch -> [Go arch used in includes/excludes, SCMP_ARCH_* used in archMap]. */
const ARCH_NAMES: Record<string, [string, string]> = {
  x64: ["amd64", "SCMP_ARCH_X86_64"],
  ia32: ["386", "SCMP_ARCH_X86"],
  arm64: ["arm64", "SCMP_ARCH_AARCH64"],
  arm: ["arm", "SCMP_ARCH_ARM"],
};

function kernelAtLeast(release: string, min: string): boolean {
  const [a = 0, b = 0] = release.split(/[.-]/).map(Number);
  const [c = 0, d = 0] = min.split(".").map(Number);
  return a > c || (a === c && b >= d);
}

function applies(call: ProfileSyscall, goArch: string, ctx: ProfileContext): boolean {
  const ex = call.excludes ?? {};
  const inc = call.includes ?? {};
  if (ex.arches?.length && ex.arches.includes(goArch)) return false;
  if (inc.arches?.length && !inc.arches.includes(goArch)) return false;
  if (ex.caps?.some((c) => ctx.capabilities.includes(c))) return false;
  if (inc.caps?.length && !inc.caps.every((c) => ctx.capabilities.includes(c))) return false;
  if (ctx.kernel !== undefined) {
    if (inc.minKernel && !kernelAtLeast(ctx.kernel, inc.minKernel)) return false;
    if (ex.minKernel && kernelAtLeast(ctx.kernel, ex.minKernel)) return false;
  }
  return true;
}

export function seccompFromProfile(profile: SeccompProfile, ctx: ProfileContext): LinuxSeccomp {
  const names = ARCH_NAMES[ctx.arch];
  if (!names) throw new UserError(`seccomp profile: unsupported machine architecture ${ctx.arch}`);
  const [goArch, scmpArch] = names;
  if (profile.architectures?.length && profile.archMap?.length) {
    throw new UserError("seccomp profile: use either architectures or archMap, not both");
  }
  const architectures = [...(profile.architectures ?? [])];
  for (const m of profile.archMap ?? []) {
    if (m.architecture === scmpArch) architectures.push(m.architecture, ...(m.subArchitectures ?? []));
  }
  const syscalls: LinuxSyscall[] = [];
  for (const call of profile.syscalls ?? []) {
    if (!applies(call, goArch, ctx)) continue;
    const callNames = [...(call.name ? [call.name] : []), ...(call.names ?? [])];
    if (callNames.length === 0) continue;
    const out: LinuxSyscall = { names: callNames, action: call.action };
    if (call.errnoRet !== undefined) out.errnoRet = call.errnoRet;
    if (call.args?.length) out.args = call.args;
    syscalls.push(out);
  }
  const spec: LinuxSeccomp = { defaultAction: profile.defaultAction, architectures, syscalls };
  if (profile.defaultErrnoRet !== undefined) spec.defaultErrnoRet = profile.defaultErrnoRet;
  if (profile.flags?.length) spec.flags = profile.flags;
  if (profile.listenerPath) spec.listenerPath = profile.listenerPath;
  if (profile.listenerMetadata) spec.listenerMetadata = profile.listenerMetadata;
  return spec;
}
