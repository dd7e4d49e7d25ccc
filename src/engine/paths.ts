// Where the engine keeps things under its root (--root, $NSBOX_ROOT, /var/lib/nsbox):
//   engine/containers.db          SQLite metadata
//   engine/containers/<id>/       bundle (config.json), log, status.json (monitor), ctl fifo, etc files
//   engine/sock/<id12>            attach socket (short: sun_path holds 108 bytes)
//   runtime/                      nsbox-runtime's state root for the engine's containers
//   image/                        the image store (src/image)

export const DEFAULT_ROOT = "/var/lib/nsbox";

export function engineRoot(root?: string): string {
  return root ?? process.env.NSBOX_ROOT ?? DEFAULT_ROOT;
}

export class EnginePaths {
  constructor(readonly root: string) {}
  get db(): string {
    return `${this.root}/engine/containers.db`;
  }
  get runtimeRoot(): string {
    return `${this.root}/runtime`;
  }
  dir(id: string): string {
    return `${this.root}/engine/containers/${id}`;
  }
  log(id: string): string {
    return `${this.dir(id)}/${id}-json.log`;
  }
  status(id: string): string {
    return `${this.dir(id)}/status.json`;
  }
  socket(id: string): string {
    return `${this.root}/engine/sock/${id.slice(0, 12)}`;
  }
  volume(name: string): string {
    return `${this.root}/volumes/${name}/_data`;
  }
}

// Inside a `bun build --compile` binary (bin/nsbox) modules live under /$bunfs: find the tree from
// the executable (bin/..) instead of from this file.
const compiled = import.meta.dir.startsWith("/$bunfs");
const top = compiled ? `${process.execPath.slice(0, process.execPath.lastIndexOf("/"))}/..` : `${import.meta.dir}/../..`;
export const MONITOR_PATH = process.env.NSBOX_MONITOR ?? `${top}/native/build/nsbox-monitor`;
export const NSBOX_RUNTIME_PATH = process.env.NSBOX_RUNTIME ?? `${top}/bin/nsbox-runtime`;
/** argv prefix that runs this `nsbox` again (the monitor's exit command). */
export const NSBOX_CLI: string[] = compiled ? [process.execPath] : [process.execPath, `${top}/src/cli/main.ts`];
