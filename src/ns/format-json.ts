// JSON output of `nsbox ns` (pure). `ns ls --json` keeps lsns's keys (ns, type, nprocs, pid,
// user, command) so the two can be compared or swapped in scripts, and adds what lsns lacks.
import type { Comparison, NamespaceRow, TargetView } from "./analysis.ts";
import { containerLabel } from "./types.ts";

export function namespaceListJson(rows: NamespaceRow[]) {
  return {
    namespaces: rows.map((r) => ({
      ns: r.inode, type: r.type, nprocs: r.nprocs, pid: r.pid, ppid: r.ppid, uid: r.uid, user: r.user,
      command: r.command, container: r.owner ?? null, containers: r.containers, host: r.host, pids: r.pids,
    })),
  };
}

export function targetsJson(views: TargetView[], comparison?: Comparison[]) {
  return {
    targets: views.map((v) => ({
      target: v.target.label,
      pid: v.target.pid,
      container: v.target.container ? containerLabel(v.target.container) : null,
      containerId: v.target.container?.id ?? null,
      command: v.command,
      namespaces: v.namespaces.map((n) => ({
        type: n.type, inode: n.inode, host: n.host, nprocs: n.nprocs,
        sharedWith: { pids: n.otherPids, containers: n.otherContainers },
      })),
    })),
    ...(comparison
      ? { comparison: comparison.map((c) => ({ type: c.type, verdict: c.verdict, inode: c.verdict === "shared" ? c.groups[0]!.inode : null, groups: c.groups })) }
      : {}),
  };
}
