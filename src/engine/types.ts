// Docker-shaped container records (the fields `docker inspect` shows and the docker CLI reads;
// see /work/shared/reference/docker-engine-api-subset.md §2.10), so the Engine API layer is a
// thin translation. Zero values mean "unset", as in docker's create body.

export interface ContainerConfig {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[];
  Cmd: string[] | null;
  Image: string;
  Volumes: Record<string, object> | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
  ExposedPorts?: Record<string, object>;
}

export interface RestartPolicy {
  Name: "" | "no" | "always" | "unless-stopped" | "on-failure";
  MaximumRetryCount: number;
}

export interface HostConfig {
  Binds: string[] | null;
  NetworkMode: string;
  PidMode: string;
  IpcMode: string;
  UTSMode: string;
  RestartPolicy: RestartPolicy;
  AutoRemove: boolean;
  CapAdd: string[] | null;
  CapDrop: string[] | null;
  Privileged: boolean;
  ReadonlyRootfs: boolean;
  Memory: number;
  MemorySwap: number;
  NanoCpus: number;
  CpuShares: number;
  PidsLimit: number;
  Tmpfs?: Record<string, string>;
  /** --mount (docker's mount.Mount list; omitted when none, as docker's omitempty). */
  Mounts?: ApiMount[];
  /** --volumes-from CONTAINER[:ro|:rw]. */
  VolumesFrom?: string[] | null;
  SecurityOpt: string[] | null;
  Init?: boolean;
  Runtime: string;
  ConsoleSize: [number, number];
  PortBindings?: Record<string, { HostIp: string; HostPort: string }[]>;
  PublishAllPorts?: boolean;
  LogConfig: { Type: string; Config: Record<string, string> };
  Dns?: string[];
  DnsSearch?: string[];
  DnsOptions?: string[];
  ExtraHosts?: string[] | null;
  /** --ip and --network-alias (docker keeps them in NetworkingConfig.EndpointsConfig). */
  IPv4Address?: string;
  Aliases?: string[];
  // Resource and device settings (resource-options.ts); optional: records made before them lack them.
  Ulimits?: Ulimit[];
  Devices?: DeviceMapping[];
  Sysctls?: Record<string, string>;
  ShmSize?: number;
  GroupAdd?: string[] | null;
  CpusetCpus?: string;
  CpusetMems?: string;
  MemoryReservation?: number;
  OomKillDisable?: boolean;
  OomScoreAdj?: number;
  ContainerIDFile?: string;
}

/** docker's api/types/mount.Mount: one --mount, as HostConfig.Mounts shows it. */
export interface ApiMount {
  Type: string; // "bind" | "volume" | "tmpfs" once checked
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string>; DriverConfig?: { Name?: string } };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

/** --ulimit (go-units' Ulimit; -1 is unlimited). */
export interface Ulimit {
  Name: string;
  Hard: number;
  Soft: number;
}

/** --device HOST[:CONTAINER[:PERMS]]. */
export interface DeviceMapping {
  PathOnHost: string;
  PathInContainer: string;
  CgroupPermissions: string;
}

export type StatusName = "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";

export interface ContainerState {
  Status: StatusName;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
}

export interface MountPoint {
  Type: "bind" | "volume" | "tmpfs";
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string; // "local" for a volume
  Mode: string;
  RW: boolean;
  Propagation: string;
}

/** What `inspect` prints (docker's ContainerJSON, the parts nsbox fills). */
export interface ContainerJSON {
  Id: string;
  Created: string;
  Path: string;
  Args: string[];
  State: ContainerState;
  Image: string; // image id (sha256:...)
  ResolvConfPath: string;
  HostnamePath: string;
  HostsPath: string;
  LogPath: string;
  Name: string; // "/db"
  RestartCount: number;
  Driver: string;
  Platform: "linux";
  HostConfig: HostConfig;
  Mounts: MountPoint[];
  Config: ContainerConfig;
  NetworkSettings: NetworkSettings;
}

export interface NetworkSettings {
  Bridge: string;
  SandboxKey: string;
  Ports: Record<string, unknown>;
  IPAddress: string;
  Gateway: string;
  MacAddress: string;
  Networks: Record<string, { NetworkID: string; IPAddress: string; Gateway: string; MacAddress: string }>;
}

/** A request to create a container: docker's create body, reduced to what nsbox reads. */
export interface CreateRequest {
  name?: string;
  Config: Partial<ContainerConfig> & { Image: string };
  HostConfig?: Partial<HostConfig>;
}

/** The monitor's status.json (native/monitor/status.c). */
export interface MonitorStatus {
  MonitorPid: number;
  Pid: number;
  Running: boolean;
  Restarting: boolean;
  ExitCode: number;
  OOMKilled: boolean;
  RestartCount: number;
  StartedAt: string;
  FinishedAt: string;
  Error: string;
}

export const ZERO_TIME = "0001-01-01T00:00:00Z";
