// Random bytes from the Web Crypto global: node:crypto's randomBytes costs ~3 ms of start-up to
// load in a compiled binary, a tenth of an `nsbox run`.
export function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

export function randomHex(n: number): string {
  return Buffer.from(randomBytes(n)).toString("hex");
}
