// The statistics `nsbox-runtime events --stats` prints, shaped (field names and omissions) like
// runc's types.Stats, so tools that read `runc events` (containerd's runc shim, podman) read ours.

export interface CpuUsage {
  total?: number;
  percpu?: number[];
  percpu_kernel?: number[];
  percpu_user?: number[];
  kernel: number;
  user: number;
}
export interface Throttling {
  periods?: number;
  throttledPeriods?: number;
  throttledTime?: number;
}
export interface MemoryEntry {
  limit: number;
  usage?: number;
  max?: number;
  failcnt: number;
}
export interface MemoryStats {
  cache?: number;
  usage?: MemoryEntry;
  swap?: MemoryEntry;
  kernel?: MemoryEntry;
  kernelTCP?: MemoryEntry;
  raw?: Record<string, number>;
}
export interface BlkioEntry {
  major?: number;
  minor?: number;
  op?: string;
  value?: number;
}
export interface BlkioStats {
  ioServiceBytesRecursive?: BlkioEntry[];
  ioServicedRecursive?: BlkioEntry[];
}
export interface HugetlbStats {
  usage?: number;
  max?: number;
  failcnt: number;
}
export interface CgroupStats {
  cpu: { usage?: CpuUsage; throttling?: Throttling };
  memory: MemoryStats;
  pids: { current?: number; limit?: number };
  blkio: BlkioStats;
  hugetlb: Record<string, HugetlbStats>;
}
