// POSIX path.resolve without node:path, for the start-up-critical commands (`nsbox unshare`,
// `nsbox nsenter`): importing node:path costs ~0.2 ms in a fresh compiled process
// (docs/performance.md), a tenth of what those commands spend in JavaScript. Same results as
// node:path's posix resolve (test/unit/path.test.ts compares them).

/** The absolute, normalized path `segments` lead to, right to left, from the current directory. */
export function resolvePath(...segments: string[]): string {
  let joined = "";
  for (let i = segments.length - 1; i >= 0 && !joined.startsWith("/"); i--) {
    if (segments[i]) joined = joined ? `${segments[i]}/${joined}` : segments[i]!;
  }
  if (!joined.startsWith("/")) joined = `${process.cwd()}/${joined}`;
  const parts: string[] = [];
  for (const part of joined.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}
