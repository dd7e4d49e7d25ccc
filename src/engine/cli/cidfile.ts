// --cidfile FILE (docker/cli's cidFile): the file is made before the container, so an existing one
// is refused with nothing created; the id is written once the container exists; if creating fails
// the empty file goes again.
import { closeSync, openSync, rmSync, writeSync } from "node:fs";
import { UserError } from "../../common/errors.ts";

export class CidFile {
  private written = false;
  private constructor(private readonly path: string, private fd: number | undefined) {}

  /** No path: a no-op file. O_EXCL: of two runs given one file, one wins. */
  static open(path: string | undefined): CidFile {
    if (!path) return new CidFile("", undefined);
    try {
      return new CidFile(path, openSync(path, "wx", 0o644));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === "EEXIST")
        throw new UserError(`container ID file found, make sure the other container isn't running or delete ${path}`, 125);
      throw new UserError(`failed to create the container ID file: open ${path}: ${e.message.replace(/^\w+: /, "").replace(/, open .*$/, "")}`, 125);
    }
  }

  write(id: string): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, id);
    this.written = true;
  }

  /** Closes it; removes it when no id was written (the create failed). */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    if (!this.written) rmSync(this.path, { force: true });
  }
}
