// docker's predefined `host` and `none` networks. They have no bridge, subnet or rules (a
// container with --net host keeps the host's namespace, --net none gets only loopback), so they are
// not rows of the networks table that applyRules, IPAM and reconcile walk; only their ids and
// creation times are recorded (the store's meta table), drawn once per root so that `network ls`
// shows the same ids on every invocation, as docker's daemon does.
import { randomHex } from "../common/random.ts";
import type { NetContext } from "./context.ts";

export interface PredefinedNetwork {
  id: string; // 64 hex
  name: "host" | "none";
  driver: "host" | "null"; // docker's driver names
  created: number; // ms since epoch
  internal: false;
  labels: Record<string, string>;
}

const DRIVERS = { host: "host", none: "null" } as const;
type PredefinedName = keyof typeof DRIVERS;

export function isPredefinedName(name: string): name is PredefinedName {
  return Object.hasOwn(DRIVERS, name);
}

function parse(name: PredefinedName, text: string): PredefinedNetwork {
  const { id, created } = JSON.parse(text) as { id: string; created: number };
  return { id, name, driver: DRIVERS[name], created, internal: false, labels: {} };
}

/** host and none with their ids, recorded on first mention (in one write transaction, so two
 * nsbox processes listing at once agree on the ids). */
export function predefinedNetworks(ctx: NetContext): PredefinedNetwork[] {
  const names = Object.keys(DRIVERS) as PredefinedName[];
  const key = (n: PredefinedName) => `predefined-network:${n}`;
  if (names.some((n) => !ctx.store.meta(key(n)))) {
    ctx.store.tx(() => {
      for (const n of names) if (!ctx.store.meta(key(n))) ctx.store.setMeta(key(n), JSON.stringify({ id: randomHex(32), created: Date.now() }));
    });
  }
  return names.map((n) => parse(n, ctx.store.meta(key(n))!));
}
