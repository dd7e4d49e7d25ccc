// Feeds `nsbox ns` and `nsbox nsenter -t NAME` (src/ns/containers.ts): the engine's running
// containers with their names and init PIDs.
import { existsSync } from "node:fs";
import type { ContainerSource } from "../ns/containers.ts";
import type { ContainerInfo } from "../ns/types.ts";
import { EnginePaths, engineRoot } from "./paths.ts";

export const containerSource: ContainerSource = {
  name: "engine",
  async list(): Promise<ContainerInfo[]> {
    const paths = new EnginePaths(engineRoot());
    if (!existsSync(paths.db)) return [];
    const { Engine } = await import("./engine.ts");
    const e = Engine.open({ root: paths.root });
    try {
      return e.list(false).filter((c) => c.State.Pid > 0).map((c) => ({ id: c.Id, name: c.Name.slice(1), pid: c.State.Pid, source: "engine" }));
    } finally {
      e.close();
    }
  },
};
