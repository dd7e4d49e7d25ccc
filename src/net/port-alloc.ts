// Host ports for published ports: a given port is checked, a random one is picked from the
// kernel's ephemeral range. This runs before the lease transaction (a test bind is async); the
// transaction checks the store again and throws PortRace when a concurrent attach won the port.
import { UserError } from "../common/errors.ts";
import type { NetContext } from "./context.ts";
import { ephemeralRange, hostPortFree } from "./host-ports.ts";
import { bindingsClash, type PortSpec } from "./ports.ts";

/** Host ports for the specs: given ones checked, random ones picked. Runs before the lease
 * transaction (binding is async); the transaction re-checks against the store. */
export async function choosePorts(ctx: NetContext, specs: PortSpec[]): Promise<PortSpec[]> {
  const taken: PortSpec[] = ctx.store.ports();
  const [lo, hi] = ephemeralRange();
  const out: PortSpec[] = [];
  for (const spec of specs) {
    const free = async (p: number) => !taken.some((t) => bindingsClash(t, { ...spec, hostPort: p })) && (await hostPortFree(spec.proto, spec.hostIp, p));
    let port = spec.hostPort;
    if (port === 0) {
      const start = lo + Math.floor(Math.random() * (hi - lo + 1));
      for (let i = 0; i <= hi - lo && port === 0; i++) {
        const p = lo + ((start - lo + i) % (hi - lo + 1));
        if (await free(p)) port = p;
      }
      if (port === 0) throw new UserError(`no free host port left for ${spec.containerPort}/${spec.proto}`);
    } else if (!(await free(port))) {
      throw new UserError(`cannot publish ${spec.hostIp || "0.0.0.0"}:${port}/${spec.proto}: the port is already in use`);
    }
    const chosen = { ...spec, hostPort: port };
    taken.push(chosen);
    out.push(chosen);
  }
  return out;
}

/** A port another attach took between choosePorts and the lease transaction. */
export class PortRace extends UserError {}
