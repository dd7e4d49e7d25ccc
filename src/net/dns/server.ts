// The embedded DNS resolver process of one user network: `bun server.ts NETDIR NETWORK_ID
// LISTEN_IP` (or `nsbox network __dns-serve ...` inside the compiled binary). It listens on the
// network's gateway address, port 53, UDP and TCP, as podman's aardvark-dns does (docker uses
// 127.0.0.11 inside each container, which needs a thread inside every netns). Answers come from
// resolver.ts; this file is sockets, forwarding and the pid file.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { NetStore } from "../store.ts";
import { Resolver } from "./resolver.ts";

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

async function listen(resolver: Resolver, ip: string): Promise<void> {
  await Bun.udpSocket({
    hostname: ip,
    port: 53,
    socket: {
      async data(sock, data, port, addr) {
        const reply = await resolver.answer(new Uint8Array(data), addr);
        if (reply) sock.send(reply, port, addr);
      },
    },
  });
  // TCP: each message has a 2-byte length prefix (RFC 1035 4.2.2).
  Bun.listen<{ buf: Uint8Array }>({
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
}

export async function serve([netDir, networkId, listenIp]: string[]): Promise<void> {
  const store = new NetStore(netDir!);
  const network = store.network(networkId!);
  if (!network) process.exit(2);
  try {
    await listen(new Resolver(store, network, forwardUdp), listenIp!);
  } catch (err) {
    process.stderr.write(`nsbox resolver: cannot listen on ${listenIp}:53: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
    process.exit(1);
  }
  // Tell the starter we listen: the pid file appears only once both sockets are bound.
  const stat = readFileSync("/proc/self/stat", "latin1");
  const startTime = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  mkdirSync(`${netDir}/dns`, { recursive: true });
  writeFileSync(`${netDir}/dns/${networkId}.pid.tmp`, `${process.pid} ${startTime}\n`);
  renameSync(`${netDir}/dns/${networkId}.pid.tmp`, `${netDir}/dns/${networkId}.pid`);
  process.on("SIGTERM", () => process.exit(0));
}

if (import.meta.main) await serve(process.argv.slice(2));
