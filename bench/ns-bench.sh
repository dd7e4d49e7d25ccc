#!/usr/bin/env bash
# nsbox's namespace toolkit against util-linux, side by side in one hyperfine run each:
#   nsbox unshare --fork --pid --mount-proc true   vs  unshare --fork --pid --mount-proc true
#   nsbox nsenter -a -t PID true                   vs  nsenter -a -t PID true
# Prints mean times and the ratio nsbox/util-linux (target: <= 1.5). Needs root and hyperfine.
# Usage: bench/ns-bench.sh [RUNS]   (default 50)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-50}
if [ -x "$top/bin/nsbox" ]; then nsbox="$top/bin/nsbox"; else nsbox="$top/node_modules/.bin/bun $top/src/cli/main.ts"; fi
out=$(mktemp -d)
target_pid=
cleanup() {
  [ -n "$target_pid" ] && kill -9 "$target_pid" 2>/dev/null || true
  rm -rf "$out"
}
trap cleanup EXIT

# A target in its own namespaces: PID 1 of a new PID namespace (killing it ends the namespace).
unshare --fork --pid --mount-proc -m -u -i -n sleep 600 &
launcher=$!
for _ in $(seq 100); do
  target_pid=$(cat "/proc/$launcher/task/$launcher/children" 2>/dev/null | awk '{print $1}')
  [ -n "$target_pid" ] && break
  sleep 0.01
done
[ -n "$target_pid" ] || { echo "bench: could not start the nsenter target" >&2; exit 1; }

bench() { # name, util-linux command, nsbox command
  hyperfine -N --warmup 5 --runs "$runs" --export-json "$out/$1.json" -n "util-linux" "$2" -n "nsbox" "$3" >&2
  jq -r --arg name "$1" '
    (.results[] | select(.command == "util-linux") | .mean) as $u |
    (.results[] | select(.command == "nsbox") | .mean) as $n |
    "\($name): util-linux \($u * 1000 | . * 100 | round / 100) ms, nsbox \($n * 1000 | . * 100 | round / 100) ms, ratio \($n / $u | . * 100 | round / 100)x"' "$out/$1.json"
}

bench unshare "unshare --fork --pid --mount-proc true" "$nsbox unshare --fork --pid --mount-proc true"
bench nsenter "nsenter -a -t $target_pid true" "$nsbox nsenter -a -t $target_pid true"
