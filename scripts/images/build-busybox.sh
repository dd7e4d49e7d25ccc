#!/usr/bin/env bash
# The built-in busybox image: build/rootfs/busybox (made by setup from Debian's busybox-static) as
# a one-layer OCI layout in build/images/busybox and as build/images/busybox.tar. Reproducible:
# the same busybox binary gives the same digests. Skipped when already built from that rootfs.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out="$top/build/images"
rootfs="$top/build/rootfs/busybox"
stamp="$out/busybox.built-from"
want=$(cat "$rootfs/.nsbox-built-from")
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$out/busybox.tar" ]; then exit 0; fi
echo "setup: building busybox image in $out" >&2
mkdir -p "$out"
stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
cp -a "$rootfs/." "$stage/"
rm -f "$stage/.nsbox-built-from"
"$top/node_modules/.bin/bun" "$top/scripts/images/oci-layout.ts" image --out "$out/busybox" --ref docker.io/library/busybox:latest \
  --config '{"Cmd":["sh"]}' --layer "$stage" --history "busybox from Debian's busybox-static"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$out/busybox" -cf "$out/busybox.tar.tmp" .
mv "$out/busybox.tar.tmp" "$out/busybox.tar"
echo "$want" > "$stamp"
