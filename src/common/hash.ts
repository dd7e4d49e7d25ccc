// SHA-256 in hex through Bun's native hasher: node:crypto costs ~3 ms of start-up to load in a
// compiled binary (docs/performance.md), and the network code hashes on every bridge run.
export function sha256Hex(data: string | Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(data).digest("hex");
}
