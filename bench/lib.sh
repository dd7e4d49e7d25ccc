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
