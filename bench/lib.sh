# Shared by the runtime benchmarks (source it): a busybox bundle with `nsbox-runtime spec`'s
# defaults, no terminal, and the given process args (a JSON array).
#   make_bundle DIR '["/bin/true"]'      (NO_SECCOMP=1 drops linux.seccomp)
make_bundle() {
  local bundle=$1 args=$2
  mkdir -p "$bundle"
  cp -a "$top/build/rootfs/busybox" "$bundle/rootfs"
  (cd "$bundle" && "$top/bin/nsbox-runtime" spec)
  python3 - "$bundle/config.json" "$args" <<'PY'
import json, os, sys
path, args = sys.argv[1], json.loads(sys.argv[2])
c = json.load(open(path))
c["process"]["terminal"] = False
c["process"]["args"] = args
if os.environ.get("NO_SECCOMP"):
    c["linux"].pop("seccomp", None)
json.dump(c, open(path, "w"), indent=1)
PY
}

# Runs "$@" in a private mount namespace where an empty file hides the content of
# /sys/fs/cgroup/unified/cgroup.controllers: crun 1.8.1 refuses this machine's hybrid layout while
# it lists controllers, and every runtime compared then sees the same view.
in_crun_friendly_ns() {
  unshare --mount --propagation private -- bash -c '
    ctl=/sys/fs/cgroup/unified/cgroup.controllers
    if [ -n "$(cat $ctl 2>/dev/null)" ]; then : > /run/nsbox-bench.empty; mount --bind /run/nsbox-bench.empty $ctl; fi
    exec "$@"' bash "$@"
}

# hyperfine ARGS... in two modes, each table printed under its name (and exported as markdown to
# $OUT.b2b.md / $OUT.quiet.md):
#   back-to-back  each command's runs one right after the other, as hyperfine does by default;
#   quiet         each run starts on a quiet system (--prepare "sleep $QUIET_GAP", 0.05 s).
# They differ where a run leaves the kernel in a state that makes the same command's next run
# cheaper: crun and runc join cgroups by writing cgroup.procs on this hybrid layout, whose
# first write waits ~12 ms for an RCU grace period and whose next writes within it do not, so back
# to back each of their runs rides on the previous one's (docs/performance.md, "Session 5: back
# to back, or one run on a quiet system"). MODES="back-to-back quiet" (default) chooses.
hyperfine_modes() {
  local mode
  for mode in ${MODES:-back-to-back quiet}; do
    echo "## $mode"
    case $mode in
      back-to-back) hyperfine "$@" --export-markdown "$OUT.b2b.md" >/dev/null && cat "$OUT.b2b.md" ;;
      quiet) hyperfine --prepare "sleep ${QUIET_GAP:-0.05}" "$@" --export-markdown "$OUT.quiet.md" >/dev/null && cat "$OUT.quiet.md" ;;
      *) echo "unknown mode $mode (back-to-back, quiet)" >&2; return 2 ;;
    esac
  done
}
export -f hyperfine_modes
