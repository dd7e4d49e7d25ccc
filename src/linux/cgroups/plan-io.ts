// linux.resources.blockIO -> blkio (v1) or io (v2) files.
import type { LinuxBlockIO, LinuxThrottleDevice } from "./resources.ts";
import { checkInt, int, isSet, type PlanContext } from "./plan-context.ts";
import { blkioWeightToIoWeight } from "./convert.ts";
import type { CgroupDir } from "./paths.ts";

const F = "linux.resources.blockIO";
const throttles = [
  ["throttleReadBpsDevice", "read_bps_device", "rbps"],
  ["throttleWriteBpsDevice", "write_bps_device", "wbps"],
  ["throttleReadIOPSDevice", "read_iops_device", "riops"],
  ["throttleWriteIOPSDevice", "write_iops_device", "wiops"],
] as const;

export function planBlockIO(b: LinuxBlockIO | undefined, ctx: PlanContext): void {
  if (!b) return;
  const hasThrottle = throttles.some(([k]) => (b[k]?.length ?? 0) > 0);
  if (!b.weight && !b.leafWeight && !b.weightDevice?.length && !hasThrottle) return;
  const d = ctx.target("blkio", F, "io");
  if (b.weight) checkInt(`${F}.weight`, b.weight, 10, 1000);
  if (b.leafWeight) checkInt(`${F}.leafWeight`, b.leafWeight, 10, 1000);
  if (d.version === 1) planV1(b, d, ctx);
  else planV2(b, d, ctx);
}

function dev(x: { major: number; minor: number }, field: string): string {
  checkInt(`${field}.major`, x.major, 0);
  checkInt(`${field}.minor`, x.minor, 0);
  return `${x.major}:${x.minor}`;
}

function eachThrottle(b: LinuxBlockIO, fn: (t: LinuxThrottleDevice, i: number, key: (typeof throttles)[number]) => void): void {
  for (const t of throttles) (b[t[0]] ?? []).forEach((x, i) => fn(x, i, t));
}

function planV1(b: LinuxBlockIO, d: CgroupDir, ctx: PlanContext): void {
  // CFQ had blkio.weight; with BFQ the files are blkio.bfq.*. Neither exists without either
  // scheduler, and then the write fails with an error naming the file, as with runc.
  if (b.weight) {
    ctx.write(d, "blkio.weight", int(b.weight), `${F}.weight`, { fallback: { file: "blkio.bfq.weight", value: int(b.weight) } });
  }
  if (b.leafWeight) ctx.write(d, "blkio.leaf_weight", int(b.leafWeight), `${F}.leafWeight`);
  (b.weightDevice ?? []).forEach((w, i) => {
    const field = `${F}.weightDevice[${i}]`;
    const id = dev(w, field);
    if (isSet(w.weight)) {
      const v = `${id} ${int(w.weight)}`;
      ctx.write(d, "blkio.weight_device", v, field, { fallback: { file: "blkio.bfq.weight_device", value: v } });
    }
    if (isSet(w.leafWeight)) ctx.write(d, "blkio.leaf_weight_device", `${id} ${int(w.leafWeight)}`, field);
  });
  eachThrottle(b, (t, i, [key, file]) => {
    const field = `${F}.${key}[${i}]`;
    checkInt(`${field}.rate`, t.rate, 0);
    ctx.write(d, `blkio.throttle.${file}`, `${dev(t, field)} ${int(t.rate)}`, field);
  });
}

function planV2(b: LinuxBlockIO, d: CgroupDir, ctx: PlanContext): void {
  // BFQ takes the v1 weight range as is; io.weight (the cost model) has its own range.
  if (b.weight) {
    ctx.write(d, "io.bfq.weight", int(b.weight), `${F}.weight`, {
      fallback: { file: "io.weight", value: `default ${blkioWeightToIoWeight(b.weight)}` },
    });
  }
  if (b.leafWeight) ctx.warn(`${F}.leafWeight`, "cgroup v2 has no leaf weight; ignored");
  (b.weightDevice ?? []).forEach((w, i) => {
    const field = `${F}.weightDevice[${i}]`;
    const id = dev(w, field);
    if (isSet(w.weight)) {
      ctx.write(d, "io.bfq.weight", `${id} ${int(w.weight)}`, field, {
        fallback: { file: "io.weight", value: `${id} ${blkioWeightToIoWeight(w.weight)}` },
      });
    }
    if (isSet(w.leafWeight)) ctx.warn(`${field}.leafWeight`, "cgroup v2 has no leaf weight; ignored");
  });
  eachThrottle(b, (t, i, [key, , v2key]) => {
    const field = `${F}.${key}[${i}]`;
    checkInt(`${field}.rate`, t.rate, 0);
    ctx.write(d, "io.max", `${dev(t, field)} ${v2key}=${t.rate === 0 ? "max" : int(t.rate)}`, field);
  });
}
