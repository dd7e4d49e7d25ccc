#!/usr/bin/env bash
# Idempotent setup for a fresh Debian 12 machine, as root:
#   Debian packages -> npm dependencies (bun) -> native launcher -> test rootfs -> bin/ shims.
# Each step is skipped when its result is already there, so running it twice is cheap.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
log() { printf 'setup: %s\n' "$*" >&2; }

# Debian packages: every list in scripts/apt-packages/ (one name per line, # comments).
mapfile -t pkgs < <(cat scripts/apt-packages/*.txt | sed 's/#.*//' | tr -s ' \t' '\n' | grep -v '^$' | sort -u)
missing=()
# node and npm only fetch bun; a machine with its own Node.js (e.g. NodeSource's, which bundles
# npm and conflicts with Debian's npm package) keeps it.
command -v npm >/dev/null || pkgs+=(nodejs npm)
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Bun (from the npm registry). Its postinstall is not needed: the package ships the binary.
if [ ! -x node_modules/.bin/bun ] || [ package.json -nt node_modules/.bin/bun ]; then
  log "installing npm dependencies"
  npm install --no-audit --no-fund --loglevel=error >/dev/null
  touch node_modules/.bin/bun
fi
bun="$top/node_modules/.bin/bun"

# Native code (launcher), rebuilt when a source is newer than the binary.
bash native/build.sh

# bin/: nsbox-runtime is compiled (`bun build --compile --bytecode`: the same TypeScript, bundled,
# with bytecode made ahead of time), because podman and containerd start it once per verb and
# this halves its start-up (see docs/performance.md). It is rebuilt whenever a source is newer.
# nsbox is a shim with bun's absolute path in its shebang (one exec, no shell).
# NSBOX_FROM_SOURCE=1 makes nsbox-runtime a shim too (no compile step while developing).
mkdir -p bin
write_shim() { # name, entry
  local want="#!$bun
import \"$top/$2\";"
  if [ ! -f "bin/$1" ] || [ "$(cat "bin/$1" 2>/dev/null)" != "$want" ]; then
    printf '%s\n' "$want" > "bin/$1.tmp" && chmod 755 "bin/$1.tmp" && mv "bin/$1.tmp" "bin/$1"
  fi
}
write_shim nsbox src/cli/main.ts
if [ -n "${NSBOX_FROM_SOURCE:-}" ]; then
  write_shim nsbox-runtime src/runtime/main.ts
elif [ ! -f bin/nsbox-runtime ] || head -c 2 bin/nsbox-runtime | grep -q '#!' ||
     [ -n "$(find src package.json -newer bin/nsbox-runtime \( -name '*.ts' -o -name package.json \) -print -quit)" ]; then
  log "compiling bin/nsbox-runtime"
  "$bun" build src/runtime/main.ts --compile --bytecode --format=esm --outfile bin/nsbox-runtime.tmp >/dev/null
  mv bin/nsbox-runtime.tmp bin/nsbox-runtime
fi

# Test/demo rootfs from Debian's busybox-static.
bash scripts/build-busybox-rootfs.sh

# Further steps of each area (images, networking, ...), in name order; each must be idempotent.
for step in scripts/setup.d/*.sh; do
  [ -e "$step" ] && bash "$step"
done
true
