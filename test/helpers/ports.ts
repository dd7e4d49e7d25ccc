// A TCP port no one listens on right now (the kernel's pick for port 0), for tests that publish
// or serve on the host: a random number could clash with a listener of the machine or another test.
export function freePort(): number {
  const s = Bun.listen({ hostname: "0.0.0.0", port: 0, socket: { data() {} } });
  const p = s.port;
  s.stop(true);
  return p;
}
