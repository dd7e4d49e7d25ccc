// docker's archive.RebaseArchiveEntries, for `cp -L` (the source is a symlink: its target is
// archived, and the archive's top entry is renamed to the link's name, so `cp -L C:/etc/link .`
// makes ./link holding the target's content) and for a destination that is a new name or an
// existing file (the top entry takes the destination's name, plan.ts). A `tar cf - -C DIR NAME` archive has one top entry;
// its first path component is replaced in every entry's name and in hard-link targets (which name
// archive members), never in symlink targets (they are the files' content).
// The tar modules load only when an archive is renamed (the engine imports this file for every command).
import type { TarEntry } from "../../image/tar/reader.ts";

/** Pure: `name` with its first component `from` replaced by `to` (other names unchanged). */
export function rebaseName(name: string, from: string, to: string): string {
  if (name === from) return to;
  return name.startsWith(`${from}/`) ? `${to}${name.slice(from.length)}` : name;
}

/** The archive with its top entry (and everything under it) renamed to `newBase`. */
export function rebaseArchive(archive: AsyncIterable<Uint8Array>, newBase: string): ReadableStream<Uint8Array> {
  return toStream(rewrite(import("../../image/tar/reader.ts").then((m) => m.readTar(archive)), newBase));
}

/**
 * The archive's first entry read ahead: whether its top is a directory (undefined: an empty
 * archive, the container side failed), and the whole archive with its top renamed. For cp's
 * destination rules, which depend on what the source is (docker's stat header).
 */
export async function peekArchive(archive: AsyncIterable<Uint8Array>): Promise<{ topIsDir?: boolean; renamed(newBase: string): ReadableStream<Uint8Array> }> {
  const { readTar } = await import("../../image/tar/reader.ts");
  const entries = readTar(archive);
  const first = await entries.next();
  async function* all(): AsyncGenerator<TarEntry> {
    if (first.done) return;
    yield first.value;
    yield* entries;
  }
  return { topIsDir: first.done ? undefined : first.value.type === "dir", renamed: (newBase) => toStream(rewrite(Promise.resolve(all()), newBase)) };
}

async function* rewrite(source: Promise<AsyncIterable<TarEntry>>, newBase: string): AsyncGenerator<Uint8Array> {
  const [entries, { padding, tarEnd, tarHeader }] = await Promise.all([source, import("../../image/tar/writer.ts")]);
  let oldBase: string | undefined;
  for await (const entry of entries) {
    oldBase ??= entry.name.split("/")[0]!;
    const name = rebaseName(entry.name, oldBase, newBase);
    const linkname = entry.type === "link" ? rebaseName(entry.linkname, oldBase, newBase) : entry.linkname;
    yield tarHeader({ ...entry, name, linkname }, entry.size);
    for await (const chunk of entry.body()) yield chunk;
    yield padding(entry.size);
  }
  if (oldBase !== undefined) yield tarEnd(); // none: the container side failed, and says why
}

function toStream(it: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await it.next();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await it.return(undefined);
    },
  });
}
