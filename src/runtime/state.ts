// The runtime's on-disk state: one directory per container under the root (default
// /run/nsbox-runtime), holding state.json and, until `start`, the exec fifo.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "../linux/fs.ts";
import { join } from "node:path";
import { UserError } from "../common/errors.ts";
import { isAlive } from "../linux/proc.ts";
import type { CgroupHandle } from "../linux/cgroups/index.ts";
import type { Spec, State, Status } from "../oci/spec.ts";
import { DEFAULT_ROOT, OCI_VERSION } from "./constants.ts";

export { DEFAULT_ROOT, OCI_VERSION };
const ID_PATTERN = /^[\w+\-.]+$/;

/** What we keep per container (a superset of the OCI state). */
export interface ContainerRecord {
  id: string;
  pid: number;
  startTime: number;
  bundle: string;
  rootfs: string;
  created: string; // ISO time
  owner: string;
  config: Spec;
  cgroup?: CgroupHandle;
  /** Set by `start`, so a stopped container that never started still reads as stopped. */
  started?: boolean;
}

/** A create in progress: the CLI doing it, and the cgroup it made (see StateStore.saveCreating). */
export interface CreatingRecord {
  creator: number;
  creatorStart: number;
  cgroup?: CgroupHandle;
}

export class StateStore {
  constructor(readonly root: string = DEFAULT_ROOT) {}

  dir(id: string): string {
    return join(this.root, id);
  }
  fifo(id: string): string {
    return join(this.dir(id), "exec.fifo");
  }

  static checkId(id: string | undefined): string {
    if (!id) throw new UserError("container id cannot be empty");
    if (!ID_PATTERN.test(id) || id === "." || id === "..") throw new UserError(`invalid container id "${id}": use letters, digits, _ + - .`);
    return id;
  }

  /** Claims the id atomically (mkdir); a second create with the same id fails here. */
  claim(id: string): string {
    mkdirSync(this.root, { recursive: true, mode: 0o711 });
    const dir = this.dir(id);
    try {
      mkdirSync(dir, { mode: 0o711 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") throw new UserError(`container with id "${id}" already exists`);
      throw err;
    }
    return dir;
  }

  save(rec: ContainerRecord): void {
    const file = join(this.dir(rec.id), "state.json");
    writeFileSync(`${file}.tmp`, JSON.stringify(rec));
    renameSync(`${file}.tmp`, file);
  }

  /**
   * Tells bin/nsbox-runtime which verbs of this container are only mechanism, which it then does
   * without Bun (native/nsbox/fast_verbs.c): `start` (no poststart hooks: only the exec fifo) and
   * `delete` of the stopped container (no poststop hooks: removing `cgroupDirs` and this state
   * directory). Each file names the init ("PID STARTTIME"), to tell a live init from a dead one.
   */
  markFastVerbs(id: string, pid: number, startTime: number, verbs: { start: boolean; delete?: { cgroupDirs: string[] } }): void {
    const init = `${pid} ${startTime}\n`;
    if (verbs.start) writeFileSync(join(this.dir(id), "start-fast"), init);
    if (verbs.delete) writeFileSync(join(this.dir(id), "delete-fast"), init + verbs.delete.cgroupDirs.map((d) => `${d}\n`).join(""));
  }

  /** Written by create before it makes anything outside the state dir: what a create that dies
   * half-way (no state.json yet) leaves, so that delete can remove it. */
  saveCreating(id: string, rec: CreatingRecord): void {
    writeFileSync(join(this.dir(id), "creating.json"), JSON.stringify(rec));
  }
  loadCreating(id: string): CreatingRecord | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dir(id), "creating.json"), "utf8")) as CreatingRecord;
    } catch {
      return undefined;
    }
  }

  load(id: string): ContainerRecord {
    StateStore.checkId(id);
    let text: string;
    try {
      text = readFileSync(join(this.dir(id), "state.json"), "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new UserError(`container "${id}" does not exist`);
      throw err;
    }
    try {
      return JSON.parse(text) as ContainerRecord;
    } catch {
      throw new UserError(`container "${id}": state file ${join(this.dir(id), "state.json")} is corrupt`);
    }
  }

  /** Ids that have a state file (half-created ones without it are skipped). */
  ids(): string[] {
    let names: string[];
    try {
      names = readdirSync(this.root);
    } catch {
      return [];
    }
    return names.filter((n) => existsSync(join(this.root, n, "state.json"))).sort();
  }

  remove(id: string): void {
    rmSync(this.dir(id), { recursive: true, force: true });
  }

  status(rec: ContainerRecord, frozen = false): Status {
    if (!isAlive(rec.pid, rec.startTime)) return "stopped";
    if (existsSync(this.fifo(rec.id))) return "created";
    return frozen ? "paused" : "running";
  }

  ociState(rec: ContainerRecord, status: Status): State {
    return {
      ociVersion: OCI_VERSION,
      id: rec.id,
      status,
      pid: status === "stopped" ? 0 : rec.pid,
      bundle: rec.bundle,
      annotations: rec.config.annotations ?? {},
    };
  }
}
