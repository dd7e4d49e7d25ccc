// The resolver process of one root: `bun server.ts NETDIR` (or `nsbox network __dns-serve NETDIR`
// inside the compiled binary). For every user network it listens on the gateway address, port 53,
// UDP and TCP, as podman's aardvark-dns does (docker uses 127.0.0.11 inside each container, which
// needs a thread inside every netns). A SIGHUP (sent by attach and network rm) makes it re-read
// the networks; it reports what it serves in dns/serving. Answers come from resolver.ts.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { NetStore } from "../store.ts";
import { Resolver } from "./resolver.ts";
import type { ServingState } from "./daemon.ts";

/** Asks each upstream in turn over UDP (2 s each); the first reply wins. */
async function forwardUdp(query: Uint8Array, upstreams: string[]): Promise<Uint8Array | undefined> {
  for (const server of upstreams) {
    const sock = await Bun.udpSocket({});
    const reply = await new Promise<Uint8Array | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 2000);
      sock.reload({
        socket: {
          data(_s, data) {
            clearTimeout(timer);
            resolve(new Uint8Array(data));
          },
        },
      });
      sock.send(query, 53, server);
    });
    sock.close();
    if (reply) return reply;
  }
  return undefined;
}

interface Listening {
  ip: string;
  close(): void;
}

async function listen(resolver: Resolver, ip: string): Promise<Listening> {
  const udp = await Bun.udpSocket({
    hostname: ip,
    port: 53,
    socket: {
      async data(sock, data, port, addr) {
        const reply = await resolver.answer(new Uint8Array(data), addr);
        if (reply) sock.send(reply, port, addr);
      },
    },
  });
  let tcp;
  try {
    // TCP: each message has a 2-byte length prefix (RFC 1035 4.2.2).
    tcp = Bun.listen<{ buf: Uint8Array }>({
      hostname: ip,
      port: 53,
      socket: {
        open(s) {
          s.data = { buf: new Uint8Array(0) };
        },
        async data(s, chunk) {
          const buf = new Uint8Array(s.data.buf.length + chunk.length);
          buf.set(s.data.buf);
          buf.set(chunk, s.data.buf.length);
          s.data.buf = buf;
          while (s.data.buf.length >= 2) {
            const len = (s.data.buf[0]! << 8) | s.data.buf[1]!;
            if (s.data.buf.length < 2 + len) break;
            const msg = s.data.buf.slice(2, 2 + len);
            s.data.buf = s.data.buf.slice(2 + len);
            const reply = await resolver.answer(msg, s.remoteAddress);
            if (reply) s.write(Uint8Array.from([reply.length >> 8, reply.length & 255, ...reply]));
          }
        },
      },
    });
  } catch (err) {
    udp.close();
    throw err;
  }
  return { ip, close: () => (udp.close(), tcp.stop(true)) };
}

export async function serve([netDir]: string[]): Promise<void> {
  // Handlers first: SIGHUP's default action is to terminate (starters only signal once the state
  // file exists, which is written after this, but be safe).
  let resync = () => {};
  process.on("SIGHUP", () => resync());
  process.on("SIGTERM", () => process.exit(0));
  const store = new NetStore(netDir!);
  const served = new Map<string, Listening>();
  const failed: Record<string, string> = {};
  let generation = 0;

  async function sync(): Promise<void> {
    const nets = store.networks().filter((n) => !n.isDefault);
    for (const [id, l] of served) {
      if (nets.some((n) => n.id === id && n.gateway === l.ip)) continue;
      l.close();
      served.delete(id);
    }
    for (const n of nets) {
      if (served.has(n.id)) continue;
      try {
        served.set(n.id, await listen(new Resolver(store, n, forwardUdp), n.gateway));
        delete failed[n.id];
      } catch (err) {
        failed[n.id] = `cannot listen on ${n.gateway}:53: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
        process.stderr.write(`nsbox resolver: ${failed[n.id]}\n`);
      }
    }
    for (const id of Object.keys(failed)) if (!nets.some((n) => n.id === id)) delete failed[id];
    const state: ServingState = { pid: process.pid, generation: ++generation, networks: [...served.keys()], failed };
    mkdirSync(`${netDir}/dns`, { recursive: true });
    writeFileSync(`${netDir}/dns/serving.tmp`, JSON.stringify(state));
    renameSync(`${netDir}/dns/serving.tmp`, `${netDir}/dns/serving`);
  }

  // One sync at a time; a SIGHUP during a sync queues exactly one more.
  let running: Promise<void> = sync();
  let again = false;
  resync = () => {
    if (again) return;
    again = true;
    running = running.then(() => ((again = false), sync()));
  };
  setInterval(resync, 30_000); // belt and braces: a network whose bridge came back later
  await running;
}

if (import.meta.main) await serve(process.argv.slice(2));
