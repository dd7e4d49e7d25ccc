#!/usr/bin/env bash
# Images (issue 5): builds the built-in busybox image from build/rootfs/busybox and loads it into
# the default store (/var/lib/nsbox, or $NSBOX_ROOT) so `nsbox run busybox` works with no registry.
# Quick when nothing changed: one `image inspect` to see the store already has this exact image.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bash "$top/scripts/images/build-busybox.sh"
# Test images for the registry tests and benchmarks (redis, nginx, arm64 busybox, multi-arch index).
bash "$top/scripts/images/build-test-images.sh"
layout="$top/build/images/busybox"
manifest=$(grep -o '"digest":"sha256:[a-f0-9]*"' "$layout/index.json" | head -n1 | cut -d'"' -f4)
config=$(grep -o '"config":{[^}]*}' "$layout/blobs/sha256/${manifest#sha256:}" | grep -o 'sha256:[a-f0-9]*')
have=$("$top/bin/nsbox" image inspect --format '{{.Id}}' busybox 2>/dev/null || true)
if [ "$have" != "$config" ]; then
  echo "setup: loading the built-in busybox image" >&2
  "$top/bin/nsbox" load -q -i "$top/build/images/busybox.tar" >/dev/null
fi
