#!/usr/bin/env bash
# `run` of busybox /bin/true: nsbox-runtime vs runc vs crun, side by side in one hyperfine run.
# Usage: bench/runtime-run.sh [RUNS]   (prints hyperfine's tables, back to back and quiet: lib.sh)
#        NO_SECCOMP=1 bench/runtime-run.sh   (the same without linux.seccomp: runc's own defaults)
# Same bundle for all three: `nsbox-runtime spec` defaults (namespaces, capabilities, cgroups,
# masked paths), args /bin/true, no terminal. The machine is noisy: compare ratios of one run.
# crun 1.8.1 refuses this machine's hybrid cgroups while /sys/fs/cgroup/unified has controllers,
# so the whole comparison runs in a private mount namespace where an empty file hides that
# file's content; every runtime sees the same view.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-50}
bash "$top/scripts/setup.sh" >/dev/null
work=$(mktemp -d /tmp/nsbox-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
bundle="$work/bundle"
source "$top/bench/lib.sh"
make_bundle "$bundle" '["/bin/true"]'
export BUNDLE="$bundle" NSBOX="$top/bin/nsbox-runtime" RUNS="$runs" OUT="$work/results"
in_crun_friendly_ns bash -c '
  set -e
  cd "$BUNDLE"
  hyperfine_modes -N --warmup 3 --runs "$RUNS" \
    -n nsbox-runtime "$NSBOX --root /run/nsbox-bench run b-nsbox" \
    -n runc "runc --root /run/nsbox-bench-runc run b-runc" \
    -n crun "crun --root /run/nsbox-bench-crun run b-crun"
'
