#!/usr/bin/env bash
# Cold pull + unpack of the redis test image from a local registry, side by side in one hyperfine
# run (each run starts from an empty store):
#   nsbox pull                              (blobs verified, layers unpacked: ready to run)
#   podman pull --tls-verify=false          (into a throwaway --root)
#   skopeo copy to an OCI layout + umoci unpack
# Prints mean times and the ratios (target: nsbox <= 1.0 x podman). Needs root, hyperfine, and the
# packages in scripts/apt-packages/images.txt; build/images/redis is built by setup.
# Usage: bench/pull-bench.sh [RUNS]   (default 10)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
bun="$top/node_modules/.bin/bun"
work=$(mktemp -d /tmp/nsbox-pullbench-XXXXXX)
reg_pid=
cleanup() {
  [ -n "$reg_pid" ] && kill "$reg_pid" 2>/dev/null || true
  umount -R "$work/podman/overlay" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
bash "$top/scripts/images/build-test-images.sh"

port=$("$bun" -e 'const s = Bun.listen({hostname:"127.0.0.1",port:0,socket:{data(){}}}); console.log(s.port); s.stop(true)')
cat > "$work/registry.yml" <<YML
version: 0.1
log: { level: error, accesslog: { disabled: true } }
storage: { filesystem: { rootdirectory: $work/registry } }
http: { addr: 127.0.0.1:$port }
YML
docker-registry serve "$work/registry.yml" >/dev/null 2>&1 &
reg_pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break; sleep 0.05; done
ref="127.0.0.1:$port/redis:latest"
skopeo copy -q --dest-tls-verify=false "oci:$top/build/images/redis:latest" "docker://$ref"

export NSBOX_ROOT="$work/nsbox"
hyperfine --runs "$runs" --warmup 1 --export-json "$work/result.json" \
  --prepare "rm -rf $work/nsbox" -n nsbox "$top/bin/nsbox pull -q $ref" \
  --prepare "podman --root $work/podman --runroot $work/podman-run --storage-driver overlay rmi -af >/dev/null 2>&1; rm -rf $work/podman $work/podman-run" \
  -n podman "podman --root $work/podman --runroot $work/podman-run --storage-driver overlay pull -q --tls-verify=false $ref" \
  --prepare "rm -rf $work/oci $work/bundle" -n "skopeo+umoci" \
  "skopeo copy -q --src-tls-verify=false docker://$ref oci:$work/oci:latest && umoci unpack --image $work/oci:latest $work/bundle"

"$bun" -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
const t = Object.fromEntries(r.map((x) => [x.command, x.mean]));
for (const x of r) console.log(`${x.command.padEnd(14)} ${(x.mean * 1000).toFixed(1)} ms ± ${(x.stddev * 1000).toFixed(1)}`);
console.log(`nsbox / podman       = ${(t.nsbox / t.podman).toFixed(2)}  (target <= 1.0)`);
console.log(`nsbox / skopeo+umoci = ${(t.nsbox / t["skopeo+umoci"]).toFixed(2)}`);
' "$work/result.json"
