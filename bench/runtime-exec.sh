#!/usr/bin/env bash
# `exec` of busybox /bin/true into a running container: nsbox-runtime vs runc vs crun, side by
# side in one hyperfine run. Usage: bench/runtime-exec.sh [RUNS]   (prints the table and ratios)
# One container per runtime, all from the same bundle (`nsbox-runtime spec` defaults with
# seccomp, args `sleep 1000000`, no terminal), started detached before timing; each exec joins it.
# As in bench/runtime-run.sh, everything runs in a private mount namespace where an empty file
# hides /sys/fs/cgroup/unified/cgroup.controllers, so that crun 1.8.1 accepts this hybrid layout.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-100}
bash "$top/scripts/setup.sh" >/dev/null
work=$(mktemp -d /tmp/nsbox-bench-exec.XXXXXX)
trap 'rm -rf "$work"' EXIT
bundle="$work/bundle"
mkdir -p "$bundle"
cp -a "$top/build/rootfs/busybox" "$bundle/rootfs"
(cd "$bundle" && "$top/bin/nsbox-runtime" spec)
python3 - "$bundle/config.json" <<'PY'
import json, sys
path = sys.argv[1]
c = json.load(open(path))
c["process"]["terminal"] = False
c["process"]["args"] = ["sleep", "1000000"]
json.dump(c, open(path, "w"), indent=1)
PY
export BUNDLE="$bundle" NSBOX="$top/bin/nsbox-runtime" RUNS="$runs" OUT="$work/results.md" WORK="$work"
unshare --mount --propagation private -- bash -c '
  set -e
  ctl=/sys/fs/cgroup/unified/cgroup.controllers
  if [ -n "$(cat $ctl 2>/dev/null)" ]; then : > /run/nsbox-bench.empty; mount --bind /run/nsbox-bench.empty $ctl; fi
  cd "$BUNDLE"
  nsbox="$NSBOX --root $WORK/nsbox"; runc="runc --root $WORK/runc"; crun="crun --root $WORK/crun"
  id=e-$$
  cleanup() { for r in "$nsbox" "$runc" "$crun"; do $r delete -f $id >/dev/null 2>&1 || true; done; }
  trap cleanup EXIT
  for r in "$nsbox" "$runc" "$crun"; do $r run -d $id </dev/null >/dev/null 2>&1; done
  hyperfine -N --warmup 5 --runs "$RUNS" --export-markdown "$OUT" \
    -n nsbox-runtime "$nsbox exec $id /bin/true" \
    -n runc "$runc exec $id /bin/true" \
    -n crun "$crun exec $id /bin/true"
'
cat "$work/results.md"
