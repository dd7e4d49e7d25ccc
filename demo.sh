#!/usr/bin/env bash
# Sets everything up (idempotent) and runs the main job: a container on the built-in busybox
# bundle that shows it is PID 1 in namespaces of its own, next to the host's namespaces.
set -euo pipefail
top=$(cd "$(dirname "$0")" && pwd)
bash "$top/scripts/setup.sh"
bundle="$top/build/demo-bundle"
rm -rf "$bundle"
mkdir -p "$bundle"
cp -a "$top/build/rootfs/busybox" "$bundle/rootfs"
cd "$bundle"
"$top/bin/nsbox-runtime" spec
# The default config, with a non-interactive process that shows where it runs.
python3 - <<'PY'
import json
c = json.load(open("config.json"))
c["process"]["terminal"] = False
c["hostname"] = "nsbox-demo"
c["process"]["args"] = ["sh", "-c", """
echo "inside the container: I am PID $$, hostname $(hostname)"
echo "processes I can see:"; ps -o pid,comm
echo "my namespaces:"; for n in cgroup ipc mnt net pid user uts; do echo "  $n -> $(readlink /proc/self/ns/$n)"; done
"""]
json.dump(c, open("config.json", "w"), indent=1)
PY
echo "on the host: PID $$, hostname $(hostname)"
echo "host namespaces:"; for n in cgroup ipc mnt net pid user uts; do echo "  $n -> $(readlink /proc/self/ns/$n)"; done
echo
exec "$top/bin/nsbox-runtime" run "demo-$$"
