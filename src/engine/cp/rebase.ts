// docker's archive.RebaseArchiveEntries for `cp -L`: when the source is a symlink, its target is
// archived, and the archive's top entry is renamed to the link's name, so `cp -L C:/etc/link .`
// makes ./link holding the target's content. A `tar cf - -C DIR NAME` archive has one top entry;
// its first path component is replaced in every entry's name and in hard-link targets (which name
// archive members), never in symlink targets (they are the files' content).
// The tar modules load only when cp -L runs (the engine imports this file for every command).

/** Pure: `name` with its first component `from` replaced by `to` (other names unchanged). */
export function rebaseName(name: string, from: string, to: string): string {
  if (name === from) return to;
  return name.startsWith(`${from}/`) ? `${to}${name.slice(from.length)}` : name;
}

/** The archive with its top entry (and everything under it) renamed to `newBase`. */
export function rebaseArchive(archive: AsyncIterable<Uint8Array>, newBase: string): ReadableStream<Uint8Array> {
  async function* rewrite(): AsyncGenerator<Uint8Array> {
    const [{ readTar }, { padding, tarEnd, tarHeader }] = await Promise.all([import("../../image/tar/reader.ts"), import("../../image/tar/writer.ts")]);
    let oldBase: string | undefined;
    for await (const entry of readTar(archive)) {
      oldBase ??= entry.name.split("/")[0]!;
      const name = rebaseName(entry.name, oldBase, newBase);
      const linkname = entry.type === "link" ? rebaseName(entry.linkname, oldBase, newBase) : entry.linkname;
      yield tarHeader({ ...entry, name, linkname }, entry.size);
      for await (const chunk of entry.body()) yield chunk;
      yield padding(entry.size);
    }
    if (oldBase !== undefined) yield tarEnd(); // none: the container side failed, and says why
  }
  const it = rewrite();
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
