#!/usr/bin/env bash
# The engine against podman, side by side in one run (compare ratios: the 2-core VM is noisy).
#   1. `run --rm busybox true`, with --net none and with default networking (hyperfine).
#   2. 50 detached `sleep` containers started at once: wall time, and memory per container
#      (RSS of nsbox-monitor vs conmon).
# Usage: bench/engine-bench.sh [RUNS]
# The same busybox image (build/images/busybox.tar) is loaded into a private nsbox root and into
# podman. Podman runs with runc and explicit 1024 nofile/nproc ulimits: this VM's root lacks
# CAP_SYS_RESOURCE, so podman's default rlimits (1048576) fail with both crun and runc.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-20}
bash "$top/scripts/setup.sh" >/dev/null
# The nsbox root sits next to podman's store (/var/lib/containers), as the default /var/lib/nsbox
# does: on this VM's journal-less ext4, creating files under /tmp (a large, busy directory whose
# block groups are full of recently deleted inodes) costs nsbox ~10 ms more per `run --rm` than
# under /var/lib (docs/performance.md), a handicap podman's store does not have.
root=$(mktemp -d /var/lib/nsbox-engine-bench.XXXXXX)
out=$(mktemp -d /tmp/nsbox-engine-bench-out.XXXXXX)
export NSBOX_ROOT=$root
nsbox="$top/bin/nsbox"
podman=(podman --runtime runc)
prun="${podman[*]} run --ulimit nofile=1024:1024 --ulimit nproc=1024:1024"
cleanup() {
  "$nsbox" system reset -f >/dev/null 2>&1 || true # containers, networks with the root's bridge, the root
  "${podman[@]}" rm -f $("${podman[@]}" ps -aq --filter label=nsbox-bench) >/dev/null 2>&1 || true
  rm -rf "$root" "$out"
}
trap cleanup EXIT
"$nsbox" load -q -i "$top/build/images/busybox.tar" >/dev/null
podman load -q -i "$top/build/images/busybox.tar" >/dev/null

hyperfine -N --warmup 3 --runs "$runs" --export-json "$out/run.json" \
  -n "nsbox --net none" "$nsbox run --rm --net none busybox true" \
  -n "podman --net none" "$prun --rm --net none busybox true" \
  -n "nsbox (bridge)" "$nsbox run --rm busybox true" \
  -n "podman (bridge)" "$prun --rm busybox true" >/dev/null
jq -r '.results as $r | ($r[0].mean) as $n0 | ($r[2].mean) as $n2 |
  "| command | mean (ms) | ratio vs podman |", "|---|---:|---:|",
  "| \($r[0].command) | \($r[0].mean*10000|round/10) | \(($r[0].mean/$r[1].mean*1000|round)/1000) |",
  "| \($r[1].command) | \($r[1].mean*10000|round/10) | 1 |",
  "| \($r[2].command) | \($r[2].mean*10000|round/10) | \(($r[2].mean/$r[3].mean*1000|round)/1000) |",
  "| \($r[3].command) | \($r[3].mean*10000|round/10) | 1 |"' "$out/run.json"

# 50 detached containers at once
n=50
ms() { date +%s%3N; }
t0=$(ms)
for i in $(seq $n); do "$nsbox" run -d --net none busybox sleep 600 >/dev/null & done
wait
t1=$(ms)
for i in $(seq $n); do $prun -d --label nsbox-bench --net none busybox sleep 600 >/dev/null & done
wait
t2=$(ms)
rss() { ps -o rss= -C "$1" | awk '{s+=$1; n++} END {if (n) printf "%.0f", s/n; else print 0}'; }
mon=$(rss nsbox-monitor) con=$(rss conmon)
echo
echo "| $n detached at once | wall (ms) | RSS per container monitor (KiB) |"
echo "|---|---:|---:|"
echo "| nsbox (nsbox-monitor) | $((t1 - t0)) | $mon |"
echo "| podman (conmon) | $((t2 - t1)) | $con |"
echo "| ratio | $(awk "BEGIN{printf \"%.3f\", ($t1-$t0)/($t2-$t1)}") | $(awk "BEGIN{printf \"%.2f\", $mon/$con}") |"
