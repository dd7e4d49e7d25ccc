// What every networking operation needs: the store, the state directory and the kernel object
// names. Names are derived from the state root so that test roots never touch the objects of the
// real one (/var/lib/nsbox keeps the familiar nsbox0 bridge and `ip nsbox` table).
import { sha256Hex } from "../common/hash.ts";
import { randomHex } from "../common/random.ts";
import { errnoMessage, UserError } from "../common/errors.ts";
import { NetStore } from "./store.ts";

export const DEFAULT_ROOT = "/var/lib/nsbox";

export interface KernelNames {
  table: string; // nftables table (family ip)
  defaultBridge: string;
  bridgePrefix: string; // + 8 hex of the network id = 15 chars (IFNAMSIZ - 1)
  vethPrefix: string; // + 8 random hex
}

export function kernelNames(root: string): KernelNames {
  if (root === DEFAULT_ROOT) return { table: "nsbox", defaultBridge: "nsbox0", bridgePrefix: "nsbr-", vethPrefix: "nsv-" };
  const tag = sha256Hex(root).slice(0, 4);
  return { table: `nsbox_${tag}`, defaultBridge: `nsb${tag}-0`, bridgePrefix: `nsb${tag}`, vethPrefix: `nsv${tag}` };
}

export type FirewallKind = "nft" | "iptables";

/** nft when installed, else iptables-restore; $NSBOX_NET_FIREWALL or the option decides otherwise. */
export function detectFirewall(wanted?: string): FirewallKind {
  if (wanted === "nft" || wanted === "iptables") return wanted;
  if (wanted) throw new UserError(`unknown firewall ${JSON.stringify(wanted)}: expected nft or iptables`);
  if (Bun.which("nft")) return "nft";
  if (Bun.which("iptables-restore")) return "iptables";
  return "nft"; // and the first rule change says that nft is missing
}

export interface NetOptions {
  root?: string; // nsbox state root; $NSBOX_ROOT or /var/lib/nsbox
  firewall?: FirewallKind; // default: detected ($NSBOX_NET_FIREWALL)
  defaultSubnet?: string; // subnet of the default bridge when it is first created ($NSBOX_BRIDGE_SUBNET)
}

export class NetContext {
  readonly root: string;
  readonly dir: string;
  readonly names: KernelNames;
  readonly store: NetStore;
  readonly defaultSubnet?: string;
  readonly firewall: FirewallKind;

  constructor(opts: NetOptions = {}) {
    this.firewall = detectFirewall(opts.firewall ?? process.env.NSBOX_NET_FIREWALL);
    this.root = opts.root ?? process.env.NSBOX_ROOT ?? DEFAULT_ROOT;
    this.dir = `${this.root}/net`;
    this.names = kernelNames(this.root);
    try {
      this.store = new NetStore(this.dir);
    } catch (err) {
      throw new UserError(`cannot open the network records in ${this.dir}: ${errnoMessage(err)}${process.getuid?.() ? " (networking needs root)" : ""}`);
    }
    this.defaultSubnet = opts.defaultSubnet ?? process.env.NSBOX_BRIDGE_SUBNET;
  }

  hash8(...parts: string[]): string {
    return sha256Hex(parts.join("\0")).slice(0, 8);
  }

  /** A fresh host-side veth name: random, never reused by the next endpoint of the same
   * container, so a late deletion of an old link can never hit a new one. */
  newVethName(): string {
    return `${this.names.vethPrefix}${randomHex(4)}`.slice(0, 15);
  }

  bridgeName(networkId: string): string {
    return `${this.names.bridgePrefix}${networkId.slice(0, 15 - this.names.bridgePrefix.length)}`;
  }

  containerDir(container: string): string {
    return `${this.dir}/containers/${container}`;
  }
}
