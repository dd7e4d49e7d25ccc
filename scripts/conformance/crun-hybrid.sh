#!/bin/sh
# crun 1.8.1 refuses a hybrid cgroup layout whose cgroup2 mount has controllers (here:
# /sys/fs/cgroup/unified holds hugetlb). This wrapper runs crun in a private mount namespace in
# which an empty file hides /sys/fs/cgroup/unified/cgroup.controllers, so crun sees the classic
# hybrid layout it accepts. Use it as the runtime path for comparisons, e.g.
#   scripts/conformance/run.sh scripts/conformance/crun-hybrid.sh
# Only for comparing with crun on this kind of machine; nsbox-runtime needs no such thing.
set -e
empty=/run/crun-hybrid.empty
controllers=/sys/fs/cgroup/unified/cgroup.controllers
[ -f "$empty" ] || : > "$empty"
# (cgroupfs files report size 0, so test the content, not the size)
if [ -z "$(cat "$controllers" 2>/dev/null)" ]; then exec crun "$@"; fi
exec unshare --mount --propagation private -- sh -c 'mount --bind "$0" "$1" && shift && exec crun "$@"' "$empty" "$controllers" "$@"
