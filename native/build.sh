#!/usr/bin/env bash
# Builds the C parts with the system cc. Rebuilds only what is older than its sources.
#
# Linked statically against musl (Debian's musl-tools) when musl-gcc is there, as setup installs it:
# every container start execs the launcher twice (the sealed copy, sealed_exe.c) and the engine
# execs the monitor once, and a dynamically linked glibc program spends ~0.3 ms of each exec in
# ld.so and glibc's start-up CPU feature probing (cpuid, which traps to the hypervisor in a VM):
# 1.2 ms -> 0.3 ms for a launcher that exits at once (docs/performance.md). Without musl-gcc the
# same sources build with cc and glibc.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/build"
mkdir -p "$out"
CFLAGS=${CFLAGS:-"-O2 -Wall -Wextra -Werror=implicit-function-declaration -D_GNU_SOURCE -std=gnu11"}

if [ -z "${NSBOX_CC:-}" ] && command -v musl-gcc >/dev/null; then
  # musl-gcc searches only musl's headers; the kernel's uapi headers (linux/, asm/, asm-generic/,
  # from linux-libc-dev) are libc-independent, so a private folder of links lends them to it.
  uapi="$out/uapi-include"
  mkdir -p "$uapi"
  for d in linux asm-generic; do ln -sfn "/usr/include/$d" "$uapi/$d"; done
  ln -sfn "/usr/include/$(gcc -dumpmachine)/asm" "$uapi/asm"
  CC=(musl-gcc -static -s -idirafter "$uapi")
else
  CC=(${NSBOX_CC:-cc} -g)
fi

build() { # name, source dir[, a directory whose sources but main.c are linked in too]
  local name=$1 dir=$2 lib=${3:-} bin="$out/$1"
  local srcs=("$dir"/*.c "$here"/common/*.c) incs=(-I"$here/common")
  if [ -n "$lib" ]; then
    for f in "$lib"/*.c; do [ "$(basename "$f")" = main.c ] || srcs+=("$f"); done
    incs+=(-I"$lib")
  fi
  local newest
  newest=$(ls -t "${srcs[@]}" "$dir"/*.h "$here"/common/*.h ${lib:+"$lib"/*.h} 2>/dev/null | head -n1)
  if [ -x "$bin" ] && [ "$bin" -nt "$newest" ] && [ "$bin" -nt "$here/build.sh" ]; then return; fi
  echo "native: building $name (${CC[0]})" >&2
  "${CC[@]}" $CFLAGS "${incs[@]}" -o "$bin.tmp" "${srcs[@]}"
  mv "$bin.tmp" "$bin"
}
build nsbox-launcher "$here/launcher"
build nsbox-monitor "$here/monitor"
# The `nsbox` front end: unshare and nsenter in C with the launcher's stages in-process, every
# other command exec'd to the TypeScript CLI (native/nsbox/main.c; docs/decisions.md).
build nsbox "$here/nsbox" "$here/launcher"
