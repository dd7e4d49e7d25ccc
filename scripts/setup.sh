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

# libexec/: nsbox-runtime and nsbox are compiled (`bun build --compile --bytecode`: the same
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
# nginx no slower: the heavy work is native; docs/performance.md). The runtime, whose verbs do
# no heavy work in JavaScript at all, uses 1000 (`run` 0.3 ms faster again, session 5).
# Each is rebuilt whenever a source is newer. NSBOX_FROM_SOURCE=1 writes shims instead that run
# the TypeScript directly (bun's absolute path in the shebang: one exec, no shell).
# bin/nsbox itself is native/build/nsbox, the C front end (native/nsbox): it runs `nsbox unshare`
# and `nsbox nsenter` itself and execs libexec/nsbox, the compiled TypeScript CLI, for every other
# command (docs/decisions.md: a Bun program alone takes ~3.4 ms to start, util-linux's tools 1.6).
mkdir -p bin libexec
install_bin() { # output path, entry, JIT policy
  local out=$1 entry=$2 jit=$3
  if [ -n "${NSBOX_FROM_SOURCE:-}" ]; then
    local want="#!$bun --no-env-file
import \"$top/$entry\";"
    if [ "$(cat "$out" 2>/dev/null)" != "$want" ]; then
      printf '%s\n' "$want" > "$out.tmp" && chmod 755 "$out.tmp" && mv "$out.tmp" "$out"
    fi
  elif [ ! -f "$out" ] || head -c 2 "$out" | grep -q '#!' ||
       [ -n "$(find src package.json scripts/setup.sh -newer "$out" \( -name '*.ts' -o -name package.json -o -name setup.sh \) -print -quit)" ]; then
    log "compiling $out"
    "$bun" build "$entry" --compile --bytecode --format=esm --splitting \
      --no-compile-autoload-dotenv --no-compile-autoload-bunfig --compile-jit-policy="$jit" \
      --outfile "$out.tmp" >/dev/null
    mv "$out.tmp" "$out"
  fi
}
install_bin libexec/nsbox-runtime src/runtime/main.ts 1000
install_bin libexec/nsbox src/cli/main.ts 100
# bin/nsbox-runtime is the same front end under the runtime's name: it runs libexec/nsbox-runtime
# as its child and returns once that has told its exit code, so the kernel's teardown of the Bun
# process (~1 ms) does not delay podman's and containerd's once-per-verb calls (early_exit.c).
for front in bin/nsbox bin/nsbox-runtime; do
  if ! cmp -s native/build/nsbox "$front"; then
    cp native/build/nsbox "$front.tmp" && mv "$front.tmp" "$front"
  fi
done

# Test/demo rootfs from Debian's busybox-static.
bash scripts/build-busybox-rootfs.sh

# Further steps of each area (images, networking, ...), in name order; each must be idempotent.
for step in scripts/setup.d/*.sh; do
  [ -e "$step" ] && bash "$step"
done
true
