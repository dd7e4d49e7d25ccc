// nsbox as a library: `import { Engine } from "nsbox"`. Everything the `nsbox` container commands
// do goes through Engine (see docs/engine.md for an example).
export { Engine, defaultHostConfig, type EngineOptions } from "./engine/engine.ts";
export type { ContainerJSON, ContainerConfig, ContainerState, CreateRequest, HostConfig, MountPoint, RestartPolicy } from "./engine/types.ts";
export type { ExecOptions } from "./engine/exec.ts";
export type { LogEntry, LogOptions, LogSink } from "./engine/logs.ts";
export type { StartOptions } from "./engine/start.ts";
export type { WaitCondition } from "./engine/wait.ts";
export type { Volume, VolumeCreateOptions, VolumePruneReport, Volumes } from "./engine/volumes.ts";
export { attach, type AttachOptions, type Attached } from "./engine/attach.ts";
export { parseRunArgs } from "./engine/run-options.ts";
