#!/usr/bin/env bash
# Builds the C parts with the system cc. Rebuilds only what is older than its sources.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/build"
mkdir -p "$out"
CFLAGS=${CFLAGS:-"-O2 -g -Wall -Wextra -Werror=implicit-function-declaration -D_GNU_SOURCE -std=gnu11"}

build() { # name, source dir
  local name=$1 dir=$2 bin="$out/$1"
  local srcs=("$dir"/*.c "$here"/common/*.c)
  local newest
  newest=$(ls -t "${srcs[@]}" "$dir"/*.h "$here"/common/*.h 2>/dev/null | head -n1)
  if [ -x "$bin" ] && [ "$bin" -nt "$newest" ] && [ "$bin" -nt "$here/build.sh" ]; then return; fi
  echo "native: building $name" >&2
  cc $CFLAGS -I"$here/common" -o "$bin.tmp" "${srcs[@]}"
  mv "$bin.tmp" "$bin"
}
build nsbox-launcher "$here/launcher"
build nsbox-monitor "$here/monitor"
