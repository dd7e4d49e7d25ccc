#!/usr/bin/env bash
# Builds a minimal busybox root filesystem from Debian's busybox-static, offline and reproducibly:
# /bin/busybox, one symlink per applet, /etc/passwd and /etc/group.
# Output: build/rootfs/busybox (skipped when already built from the same busybox binary).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dest="$top/build/rootfs/busybox"
src=/bin/busybox
stamp="$dest/.nsbox-built-from"
want=$(sha256sum "$src" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
echo "setup: building busybox rootfs in $dest" >&2
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,home,var,run}
chmod 1777 "$dest.tmp/tmp"
cp "$src" "$dest.tmp/bin/busybox"
for applet in $("$src" --list-full); do
  [ "$applet" = bin/busybox ] && continue
  mkdir -p "$dest.tmp/$(dirname "$applet")"
  ln -sf /bin/busybox "$dest.tmp/$applet"
done
cat > "$dest.tmp/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat > "$dest.tmp/etc/group" <<'G'
root:x:0:
daemon:x:1:
tty:x:5:
nogroup:x:65534:
G
echo "$want" > "$dest.tmp/.nsbox-built-from"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
