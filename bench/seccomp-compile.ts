// Seccomp compile cost and filter shape: our TypeScript compiler vs libseccomp (what runc and
// crun link), on podman's default profile. Numbers go into docs/seccomp.md.
//   node_modules/.bin/bun bench/seccomp-compile.ts
const t0 = performance.now();
const { compileSeccomp } = await import("../src/oci/seccomp/index.ts");
const { seccompFromProfile } = await import("../src/oci/seccomp/profile.ts");
const tImport = performance.now();
import { readFileSync } from "node:fs";
import { compileWithLibseccomp, haveLibseccomp } from "../test/helpers/libseccomp.ts";
import { runFilterCounted } from "../test/helpers/seccomp-bpf.ts";
import { syscalls as x86_64 } from "../src/oci/seccomp/syscalls/x86_64.ts";

const CAPS = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_NET_BIND_SERVICE",
  "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT"];
const profile = JSON.parse(readFileSync("/usr/share/containers/seccomp.json", "utf8"));
const t1 = performance.now();
const spec = seccompFromProfile(profile, { arch: "x64", capabilities: CAPS });
const first = compileSeccomp(spec);
const tFirst = performance.now();
const N = 200;
for (let i = 0; i < N; i++) compileSeccomp(spec);
const warm = (performance.now() - tFirst) / N;
const ms = (x: number) => `${x.toFixed(2)} ms`;
console.log(`ours: import ${ms(tImport - t0)}, first compile ${ms(tFirst - t1)}, warm ${ms(warm)}, ${first.program.length / 8} instructions`);

const probe = ["read", "write", "futex", "epoll_wait", "openat", "mmap", "socket", "clone", "personality", "kexec_load", "create_module"];
const steps = (prog: Buffer) => probe.map((n) => runFilterCounted(prog, { nr: x86_64.get(n)!, arch: 0xc000003e }).steps);
console.log(`ours: instructions run for ${probe.join(", ")}: ${steps(first.program).join(", ")}`);
if (haveLibseccomp) {
  const l0 = performance.now();
  const theirs = compileWithLibseccomp(spec);
  const l1 = performance.now();
  for (let i = 0; i < 20; i++) compileWithLibseccomp(spec);
  const lwarm = (performance.now() - l1) / 20;
  console.log(`libseccomp 2.5 (bun:ffi, binary tree as runc asks): first ${ms(l1 - l0)}, warm ${ms(lwarm)}, ${theirs.length / 8} instructions`);
  console.log(`libseccomp: instructions run for the same: ${steps(theirs).join(", ")}`);
}
