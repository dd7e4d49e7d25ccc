#!/usr/bin/env bash
# Test images, built offline from Debian packages (see DESIGN.md "Test images without Docker Hub"):
#   build/images/busybox-arm64   real aarch64 busybox (Debian's arm64 busybox-static)
#   build/images/busybox-multi   OCI index: linux/arm64 FIRST, then linux/amd64
#   build/images/redis, nginx    binaries + the libraries ld.so resolves, over the busybox layer
# Each is skipped when already built. Needs build/images/busybox (scripts/images/build-busybox.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out="$top/build/images"
bun="$top/node_modules/.bin/bun"
layout() { "$bun" "$top/scripts/images/oci-layout.ts" "$@"; }
dl="$top/build/images/.debs"
bash "$top/scripts/images/build-busybox.sh"
busybox_layer="$top/build/rootfs/busybox"

if [ ! -f "$out/busybox-multi/index.json" ]; then
  echo "setup: building arm64 busybox and a multi-arch index" >&2
  bash "$top/scripts/images/debian-download.sh" arm64 "$dl/arm64" busybox-static
  st=$(mktemp -d); trap 'rm -rf "$st"' EXIT
  dpkg-deb -x "$dl"/arm64/busybox-static_*_arm64.deb "$st/deb"
  mkdir -p "$st/root/bin" "$st/root/etc" "$st/root/tmp"
  cp "$st/deb/bin/busybox" "$st/root/bin/busybox"
  ln -s busybox "$st/root/bin/sh"
  cp "$busybox_layer/etc/passwd" "$busybox_layer/etc/group" "$st/root/etc/"
  layout image --out "$out/busybox-arm64" --ref busybox:arm64 --arch arm64 --config '{"Cmd":["sh"]}' --layer "$st/root" --history "busybox from Debian's arm64 busybox-static"
  layout index --out "$out/busybox-multi" --ref busybox:multi "$out/busybox-arm64" "$out/busybox"
  rm -rf "$st"; trap - EXIT
fi

# app NAME "PACKAGES" "BINARIES" CONFIG_JSON [extra setup command run in the staging root]
app() {
  local name=$1 pkgs=$2 bins=$3 config=$4 extra=${5:-}
  [ -f "$out/$name/index.json" ] && return 0
  echo "setup: building $name test image" >&2
  local host; host=$(dpkg --print-architecture)
  # The packages and, transitively, the library packages they depend on (what their binaries link).
  local deps="" next=$pkgs
  while [ -n "$next" ]; do
    next=$(apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances $next \
      | awk '/ Depends:/ {print $2}' | grep -E '^(lib|zlib)' | grep -v '^<' | sort -u | grep -vxF -f <(printf '%s\n' $deps $pkgs) || true)
    deps="$deps $next"
  done
  bash "$top/scripts/images/debian-download.sh" "$host" "$dl/$name" $pkgs $deps libc6
  local st; st=$(mktemp -d)
  for d in "$dl/$name"/*.deb; do dpkg-deb -x "$d" "$st/tree"; done
  mkdir -p "$st/root"
  local libdirs="$st/tree/lib/x86_64-linux-gnu:$st/tree/usr/lib/x86_64-linux-gnu:$st/tree/lib64:$st/tree/usr/lib"
  for b in $bins; do
    mkdir -p "$st/root/$(dirname "$b")"
    cp -L "$st/tree/$b" "$st/root/$b"
    # Every library the binary needs, as the staging tree's own loader resolves it.
    "$st/tree/lib64/ld-linux-x86-64.so.2" --library-path "$libdirs" --list "$st/tree/$b" | awk '/=>/ {print $3} /^\t\/lib64/ {print $1}' | while read -r lib; do
      case "$lib" in "$st/tree/"*) rel=${lib#"$st/tree/"} ;; /*) rel=${lib#/} ;; *) continue ;; esac
      mkdir -p "$st/root/$(dirname "$rel")"
      cp -L "$st/tree/$rel" "$st/root/$rel"
    done
  done
  [ -n "$extra" ] && (cd "$st/root" && ST="$st/tree" eval "$extra")
  layout image --out "$out/$name" --ref "$name:latest" --config "$config" --layer "$busybox_layer" --history "busybox base" --layer "$st/root" --history "$name from Debian's packages"
  rm -rf "$st"
}

app redis "redis-server redis-tools" "usr/bin/redis-server usr/bin/redis-cli" \
  '{"Cmd":["redis-server","--protected-mode","no"],"ExposedPorts":{"6379/tcp":{}},"WorkingDir":"/data"}' \
  'mkdir -p data'
app nginx "nginx nginx-common" "usr/sbin/nginx" \
  '{"Cmd":["nginx","-g","daemon off;"],"ExposedPorts":{"80/tcp":{}},"StopSignal":"SIGQUIT"}' \
  'mkdir -p etc/nginx/sites-enabled var/log/nginx var/lib/nginx var/www/html run && cp -a "$ST/etc/nginx/." etc/nginx/ &&
   ln -sf /etc/nginx/sites-available/default etc/nginx/sites-enabled/default &&
   cp "$ST/usr/share/nginx/html/index.html" var/www/html/ && rm -rf etc/nginx/modules-enabled &&
   { cat "$busybox_layer/etc/passwd"; echo "www-data:x:33:33:www-data:/var/www:/bin/false"; } > etc/passwd &&
   { cat "$busybox_layer/etc/group"; echo "www-data:x:33:"; } > etc/group'
