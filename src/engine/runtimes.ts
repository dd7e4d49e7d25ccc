// Which OCI runtime runs a container: ours (default) or any runtime with runc's command line
// (runc, crun, a path), each with its own state root under the engine root.
import { UserError } from "../common/errors.ts";
import { EnginePaths, NSBOX_RUNTIME_PATH } from "./paths.ts";

export interface RuntimeCommand {
  name: string;
  path: string;
  /** Global arguments before the command (the state root). */
  args: string[];
}

export function runtimeCommand(name: string | undefined, paths: EnginePaths): RuntimeCommand {
  const n = name || "nsbox";
  if (n === "nsbox" || n === "nsbox-runtime") return { name: "nsbox", path: NSBOX_RUNTIME_PATH, args: ["--root", paths.runtimeRoot] };
  if (n.startsWith("/")) return { name: n, path: n, args: ["--root", `${paths.runtimeRoot}-${n.split("/").pop()}`] };
  const found = Bun.which(n);
  if (!found) throw new UserError(`unknown or invalid runtime name: ${n}`, 125);
  return { name: n, path: found, args: ["--root", `${paths.runtimeRoot}-${n}`] };
}
