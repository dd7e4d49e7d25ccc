#!/usr/bin/env bash
# `podman run --rm busybox true` with nsbox-runtime vs podman's crun and runc, side by side in one
# hyperfine run per mode (back to back, quiet: lib.sh). Usage: bench/podman-run.sh [RUNS]
# One private podman store (--root/--runroot/--tmpdir in a temp dir, cgroupfs, file events) with
# the busybox image the images helper builds (build/images/busybox.tar, docs/images.md); the same
# podman flags for all three, only --runtime differs. This VM's root lacks CAP_SYS_RESOURCE, so
# podman gets explicit nofile/nproc ulimits; --network none keeps netavark/CNI out of the timing.
# As bench/runtime-run.sh, the whole comparison runs in a private mount namespace where an empty
# file hides /sys/fs/cgroup/unified/cgroup.controllers so crun 1.8.1 accepts the hybrid layout.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-30}
bash "$top/scripts/setup.sh" >/dev/null
work=$(mktemp -d /tmp/nsbox-bench-podman.XXXXXX)
export WORK="$work" NSBOX="$top/bin/nsbox-runtime" RUNS="$runs" OUT="$work/results" TOP="$top" ARCHIVE="$top/build/images/busybox.tar"
unshare --mount --propagation private -- bash -c '
  set -e
  ctl=/sys/fs/cgroup/unified/cgroup.controllers
  if [ -n "$(cat $ctl 2>/dev/null)" ]; then : > /run/nsbox-bench.empty; mount --bind /run/nsbox-bench.empty $ctl; fi
  podman="podman --root $WORK/storage --runroot $WORK/run --tmpdir $WORK/tmp --cgroup-manager cgroupfs --events-backend file --storage-driver overlay"
  trap "$podman rm -af -t 0 >/dev/null 2>&1 || true; $podman rmi -af >/dev/null 2>&1 || true" EXIT
  $podman load -q -i "$ARCHIVE" >/dev/null
  image=$($podman images -q | head -n1)
  flags="run --rm --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 $image true"
  source "$TOP/bench/lib.sh"
  hyperfine_modes -N --warmup 3 --runs "$RUNS" \
    -n "podman + nsbox-runtime" "$podman --runtime $NSBOX $flags" \
    -n "podman + crun" "$podman --runtime crun $flags" \
    -n "podman + runc" "$podman --runtime runc $flags"
'
# podman leaves overlay mounts and storage behind on failures: unmount before removing
grep -o " $work[^ ]*" /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
rm -rf "$work"
