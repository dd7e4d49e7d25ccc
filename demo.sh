#!/usr/bin/env bash
# Sets everything up (idempotent) and runs the main job on the built-in busybox image, offline:
#  1. nsbox-runtime: a container that shows it is PID 1 in namespaces of its own;
#  2. the lesson's scenario with the engine: `db` serves on 127.0.0.1:6379, `web` joins db's
#     network namespace (--net=container:db) and reaches it there; `nsbox ns web db` shows which
#     namespaces they share; each container has its own cgroup (/nsbox/<id>).
set -euo pipefail
top=$(cd "$(dirname "$0")" && pwd)
bash "$top/scripts/setup.sh"
nsbox="$top/bin/nsbox"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "1. nsbox-runtime run: a busybox container"
bundle="$top/build/demo-bundle"
rm -rf "$bundle"
mkdir -p "$bundle"
cp -a "$top/build/rootfs/busybox" "$bundle/rootfs"
(cd "$bundle" && "$top/bin/nsbox-runtime" spec)
python3 - "$bundle/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["hostname"] = "nsbox-demo"
c["process"]["args"] = ["sh", "-c", """
echo "inside the container: I am PID $$, hostname $(hostname)"
echo "processes I can see:"; ps -o pid,comm
echo "my namespaces:"; for n in cgroup ipc mnt net pid user uts; do echo "  $n -> $(readlink /proc/self/ns/$n)"; done
"""]
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
echo "on the host: PID $$, hostname $(hostname)"
echo "host namespaces:"; for n in cgroup ipc mnt net pid user uts; do echo "  $n -> $(readlink /proc/self/ns/$n)"; done
(cd "$bundle" && "$top/bin/nsbox-runtime" run "demo-$$")

say "2. the engine: db, and web in db's network namespace"
db="demo-db-$$" web="demo-web-$$"
trap '"$nsbox" rm -f "$web" "$db" >/dev/null 2>&1 || true' EXIT
set -x
"$nsbox" run -d --name="$db" --net=none busybox sh -c 'while true; do echo PONG | nc -l -p 6379; done'
"$nsbox" run -d --name="$web" --net=container:"$db" busybox sleep 600
"$nsbox" ps
"$nsbox" exec "$web" sh -c 'echo PING | nc 127.0.0.1 6379'
"$nsbox" ns "$web" "$db"
web_pid=$("$nsbox" inspect -f '{{.State.Pid}}' "$web")
ls -l "/proc/$web_pid/ns/net" "/proc/$("$nsbox" inspect -f '{{.State.Pid}}' "$db")/ns/net"
head -n 3 "/proc/$web_pid/cgroup"
