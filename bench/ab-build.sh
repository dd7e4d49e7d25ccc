#!/usr/bin/env bash
# Builds the nsbox CLI of a commit (or of the work tree) into /var/tmp/nsbox-ab/NAME for
# bench/ab-run.py, and gives it a fresh root /var/lib/nsbox-ab-NAME with busybox loaded.
# Usage: bench/ab-build.sh NAME [COMMIT]      (no COMMIT: the work tree as it is; JIT_POLICY=N: the
# CLI's --compile-jit-policy, default 100 as setup's)
# Build every build of one comparison, then run them: roots made at different times are not
# comparable on this VM (a root with a few hundred runs behind it is ~1 ms slower per run:
# docs/performance.md, "Session 5"). native/ is shared (linked) by all builds, except bin/nsbox,
# the front end, which is copied from native/build as it is now.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
name=${1:?usage: ab-build.sh NAME [COMMIT]} commit=${2:-}
dir=/var/tmp/nsbox-ab/$name root=/var/lib/nsbox-ab-$name
src=$top
if [ -n "$commit" ]; then
  src=$(mktemp -d /tmp/nsbox-ab-src.XXXXXX)
  trap 'rm -rf "$src"' EXIT
  git -C "$top" archive "$commit" src package.json | tar -x -C "$src"
fi
mkdir -p "$dir/bin" "$dir/libexec"
ln -sfn "$top/native" "$dir/native"
cp "$top/native/build/nsbox" "$dir/bin/nsbox"
ln -sfn "$top/bin/nsbox-runtime" "$dir/bin/nsbox-runtime"
(cd "$src" && "$top/node_modules/.bin/bun" build src/cli/main.ts --compile --bytecode --format=esm --splitting \
  --no-compile-autoload-dotenv --no-compile-autoload-bunfig --compile-jit-policy="${JIT_POLICY:-100}" --outfile "$dir/libexec/nsbox" >/dev/null)
[ -d "$root" ] && NSBOX_ROOT=$root "$dir/bin/nsbox" system reset -f >/dev/null 2>&1 || true
NSBOX_ROOT=$root "$dir/bin/nsbox" load -q -i "$top/build/images/busybox.tar" >/dev/null
echo "$dir (root $root)"
