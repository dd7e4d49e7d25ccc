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

# bin/: nsbox-runtime and nsbox are compiled (`bun build --compile --bytecode`: the same
# TypeScript, bundled, with bytecode made ahead of time), because start-up is our performance
# (podman and containerd start the runtime once per verb): it halves start-up (docs/performance.md).
# --splitting keeps each lazily imported command in its own chunk of the executable, so a verb
# loads only its own code: without it the whole bundle is loaded at start (`nsbox help` 9.2 ms ->
# 3.5 ms, `nsbox-runtime --version` 5.0 -> 4.4 ms).
# A compiled Bun executable reads .env and bunfig.toml from its working directory by default: a
# runtime started in a bundle directory (containerd, podman) must not take its environment
# (NSBOX_LAUNCHER, NSBOX_ROOT...) or preloads from files there, so both are turned off.
# --compile-jit-policy=100 makes JavaScriptCore tier code up to its JITs after 100 times as many
# executions: a verb lives milliseconds, and its JIT threads compiled code that never ran again
# (`nsbox run --rm` 28.1 -> 24.3 ms of CPU, `nsbox-runtime run` 14.5 -> 13.8 ms; `nsbox load` of
# nginx no slower: the heavy work is native; docs/performance.md).
# Each is rebuilt whenever a source is newer. NSBOX_FROM_SOURCE=1 writes shims instead that run
# the TypeScript directly (bun's absolute path in the shebang: one exec, no shell).
mkdir -p bin
install_bin() { # name, entry
  local name=$1 entry=$2
  if [ -n "${NSBOX_FROM_SOURCE:-}" ]; then
    local want="#!$bun --no-env-file
import \"$top/$entry\";"
    if [ "$(cat "bin/$name" 2>/dev/null)" != "$want" ]; then
      printf '%s\n' "$want" > "bin/$name.tmp" && chmod 755 "bin/$name.tmp" && mv "bin/$name.tmp" "bin/$name"
    fi
  elif [ ! -f "bin/$name" ] || head -c 2 "bin/$name" | grep -q '#!' ||
       [ -n "$(find src package.json scripts/setup.sh -newer "bin/$name" \( -name '*.ts' -o -name package.json -o -name setup.sh \) -print -quit)" ]; then
    log "compiling bin/$name"
    "$bun" build "$entry" --compile --bytecode --format=esm --splitting \
      --no-compile-autoload-dotenv --no-compile-autoload-bunfig --compile-jit-policy=100 \
      --outfile "bin/$name.tmp" >/dev/null
    mv "bin/$name.tmp" "bin/$name"
  fi
}
install_bin nsbox-runtime src/runtime/main.ts
install_bin nsbox src/cli/main.ts

# Test/demo rootfs from Debian's busybox-static.
bash scripts/build-busybox-rootfs.sh

# Further steps of each area (images, networking, ...), in name order; each must be idempotent.
for step in scripts/setup.d/*.sh; do
  [ -e "$step" ] && bash "$step"
done
true
