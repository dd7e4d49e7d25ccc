// The embedded DNS resolver of one user network: `bun server.ts NETDIR NETWORK_ID LISTEN_IP`.
// It listens on the network's gateway address, port 53/udp (as podman's aardvark-dns does; docker
// uses 127.0.0.11 inside each container, which needs a thread inside every netns). Names come from
// the store at query time (an indexed SQLite read, microseconds), so attaching and detaching a
// container never has to talk to this process. Other names go to the asking container's --dns
// servers or the host's, except on an --internal network, where they fail: no way out.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { NetStore } from "../store.ts";
import { parseResolvConf } from "../files.ts";
import { buildAnswer, parseQuery, RCODE_NOERROR, RCODE_NXDOMAIN, RCODE_REFUSED, RCODE_SERVFAIL, TYPE_A, type Question } from "./packet.ts";

export async function serve([netDir, networkId, listenIp]: string[]): Promise<void> {
  const store = new NetStore(netDir!);
  const network = store.network(networkId!);
  if (!network) process.exit(2);
  const suffix = `.${network.name.toLowerCase()}`;

  function hostUpstreams(): string[] {
    try {
      return parseResolvConf(readFileSync("/etc/resolv.conf", "utf8")).nameservers.filter((s) => /^\d+\.\d+\.\d+\.\d+$/.test(s));
    } catch {
      return [];
    }
  }

  function localAnswer(q: Question): string[] | undefined {
    let name = q.name;
    if (name.endsWith(suffix)) name = name.slice(0, -suffix.length);
    if (!name || name.includes(".")) return undefined;
    const ips = store.resolve(network!.id, name);
    return ips.length ? ips : undefined;
  }

  async function forward(query: Uint8Array, upstreams: string[]): Promise<Uint8Array | undefined> {
    for (const server of upstreams) {
      const reply = await new Promise<Uint8Array | undefined>(async (resolve) => {
        const timer = setTimeout(() => (sock.close(), resolve(undefined)), 2000);
        const sock = await Bun.udpSocket({
          socket: {
            data(s, data) {
              clearTimeout(timer);
              s.close();
              resolve(new Uint8Array(data));
            },
          },
        });
        sock.send(query, 53, server);
      });
      if (reply) return reply;
    }
    return undefined;
  }

  async function answer(query: Uint8Array, from: string): Promise<Uint8Array | undefined> {
    const q = parseQuery(query);
    if (!q) return undefined;
    if (q.klass === 1) {
      const local = localAnswer(q);
      // A known container: A records, and an empty NOERROR for other types (it has no IPv6).
      if (local) return buildAnswer(query, q, RCODE_NOERROR, q.type === TYPE_A ? local : []);
    }
    if (network!.internal) return buildAnswer(query, q, q.name.includes(".") ? RCODE_REFUSED : RCODE_NXDOMAIN);
    const asker = store.nameOf(network!.id, from);
    const upstreams = asker?.dns.length ? asker.dns : hostUpstreams();
    if (!q.name.includes(".") || upstreams.length === 0) return buildAnswer(query, q, RCODE_NXDOMAIN);
    return (await forward(query, upstreams)) ?? buildAnswer(query, q, RCODE_SERVFAIL);
  }

  try {
    await Bun.udpSocket({
      hostname: listenIp,
      port: 53,
      socket: {
        async data(sock, data, port, addr) {
          const reply = await answer(new Uint8Array(data), addr);
          if (reply) sock.send(reply, port, addr);
        },
      },
    });
  } catch (err) {
    process.stderr.write(`nsbox resolver: cannot listen on ${listenIp}:53: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
    process.exit(1);
  }

  // Tell the starter we listen: the pid file appears only after the bind succeeded.
  const stat = readFileSync("/proc/self/stat", "latin1");
  const startTime = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  mkdirSync(`${netDir}/dns`, { recursive: true });
  writeFileSync(`${netDir}/dns/${networkId}.pid.tmp`, `${process.pid} ${startTime}\n`);
  renameSync(`${netDir}/dns/${networkId}.pid.tmp`, `${netDir}/dns/${networkId}.pid`);
  process.on("SIGTERM", () => process.exit(0));
}

if (import.meta.main) await serve(process.argv.slice(2));
