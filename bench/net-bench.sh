#!/usr/bin/env bash
# Networking overhead per container, nsbox vs podman (root). Three measurements:
#  1. podman: `run --rm busybox true` on its default network minus the same with --network none
#     (podman 4.3 with CNI here: bridge + portmap + firewall plugins, ~20 iptables-nft calls).
#  2. nsbox, same pair of commands through the engine (when the engine attaches networks).
#  3. nsbox, in-process attach+detach (bench/net-attach.ts): the layer's own cost, without the
#     noise of two whole container runs.
# Ratios: nsbox overhead / podman overhead; the goal is <= 0.25.
# Usage: bench/net-bench.sh [RUNS]   (default 20). Everything lives in a temp dir and goes with it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-20}
work=$(mktemp -d /tmp/nsbox-net-bench.XXXXXX)
bun="$top/node_modules/.bin/bun"
nsbox="$bun $top/src/cli/main.ts"
export NSBOX_ROOT="$work/nsbox"
podman="podman --root $work/podman --runroot $work/podman-run --storage-driver vfs"
cleanup() {
  $bun -e "import { Networking } from '$top/src/net/index.ts'; const n = Networking.open({ root: '$NSBOX_ROOT' }); await n.reconcile({ liveContainers: new Set() }); await n.removeAllNetworks();" >/dev/null 2>&1 || true
  $podman rm -af >/dev/null 2>&1 || true
  $podman rmi -af >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# The same busybox rootfs for both.
tar -C "$top/build/rootfs/busybox" -c . | $podman import -q - nsbox-bench-busybox >/dev/null
$nsbox load -i "$top/build/images/busybox.tar" >/dev/null
# podman as root asks for rlimits above this VM's hard limits (no CAP_SYS_RESOURCE); crun refuses
# the hybrid cgroup layout: runc with modest limits runs.
prun="$podman run --rm --runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024"

hyperfine -N -w 3 -r "$runs" --export-json "$work/podman.json" \
  -n podman-none "$prun --network none nsbox-bench-busybox true" \
  -n podman-bridge "$prun nsbox-bench-busybox true" >/dev/null

engine_net=no
if $nsbox run --rm busybox ip -4 -o addr show eth0 2>/dev/null | grep -q inet; then engine_net=yes; fi
if [ $engine_net = yes ]; then
  hyperfine -N -w 3 -r "$runs" --export-json "$work/nsbox.json" \
    -n nsbox-none "$nsbox run --rm --net none busybox true" \
    -n nsbox-bridge "$nsbox run --rm busybox true" >/dev/null
fi
"$bun" "$top/bench/net-attach.ts" "$((runs * 2))" > "$work/lib.json"

ms() { jq -r ".results[] | select(.command == \"$2\") | .mean * 1000" "$1"; }
p_none=$(ms "$work/podman.json" podman-none); p_bridge=$(ms "$work/podman.json" podman-bridge)
p_over=$(echo "$p_bridge - $p_none" | bc -l)
printf 'podman run --rm: none %.1f ms, bridge %.1f ms -> network overhead %.1f ms\n' "$p_none" "$p_bridge" "$p_over"
if [ $engine_net = yes ]; then
  n_none=$(ms "$work/nsbox.json" nsbox-none); n_bridge=$(ms "$work/nsbox.json" nsbox-bridge)
  n_over=$(echo "$n_bridge - $n_none" | bc -l)
  printf 'nsbox  run --rm: none %.1f ms, bridge %.1f ms -> network overhead %.1f ms (ratio %.2f)\n' "$n_none" "$n_bridge" "$n_over" "$(echo "$n_over / $p_over" | bc -l)"
else
  echo "nsbox  run --rm: the engine does not attach networks yet; skipped"
fi
for v in bridge userNetwork bridgeWithPort bridgeDetachRunning; do
  lib=$(jq -r ".$v.meanMs" "$work/lib.json"); spawns=$(jq -r ".$v.spawns" "$work/lib.json")
  printf 'nsbox attach+detach (%s): %.1f ms, %d spawns (ratio to podman %.3f)\n' "$v" "$lib" "$spawns" "$(echo "$lib / $p_over" | bc -l)"
done
