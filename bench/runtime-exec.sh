#!/usr/bin/env bash
# `exec` of busybox /bin/true into a running container: nsbox-runtime vs runc vs crun, side by
# side in one hyperfine run per mode (back to back, quiet: lib.sh). Usage: bench/runtime-exec.sh [RUNS]
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
source "$top/bench/lib.sh"
make_bundle "$bundle" '["sleep", "1000000"]'
export BUNDLE="$bundle" NSBOX="$top/bin/nsbox-runtime" RUNS="$runs" OUT="$work/results" WORK="$work"
in_crun_friendly_ns bash -c '
  set -e
  cd "$BUNDLE"
  nsbox="$NSBOX --root $WORK/nsbox"; runc="runc --root $WORK/runc"; crun="crun --root $WORK/crun"
  id=e-$$
  cleanup() { for r in "$nsbox" "$runc" "$crun"; do $r delete -f $id >/dev/null 2>&1 || true; done; }
  trap cleanup EXIT
  for r in "$nsbox" "$runc" "$crun"; do $r run -d $id </dev/null >/dev/null 2>&1; done
  hyperfine_modes -N --warmup 5 --runs "$RUNS" \
    -n nsbox-runtime "$nsbox exec $id /bin/true" \
    -n runc "$runc exec $id /bin/true" \
    -n crun "$crun exec $id /bin/true"
'
