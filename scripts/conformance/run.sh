#!/usr/bin/env bash
# Runs the OCI runtime-tools validation suite (already built; see docs/conformance.md) against a
# runtime and counts TAP results.
#
#   scripts/conformance/run.sh RUNTIME_PATH [OUT_DIR]
#
# The suite is found in $RUNTIME_TOOLS (default /opt/runtime-tools): it needs validation/*/*.t,
# runtimetest and rootfs-amd64.tar.gz there, and runs from that directory. This script never
# builds it. Each program runs alone with a timeout ($CONFORMANCE_TIMEOUT seconds, default 120)
# because some hang; $CONFORMANCE_ONLY (a regex) limits which programs run.
# Counting: "ok" = passed, "ok # SKIP" = skipped (not in the totals), "not ok" = failed, and a
# program with no test point that timed out, printed no TAP or only an error diagnostic = one
# failure. Results: OUT_DIR/NAME.tap (stdout), NAME.err (stderr), failures.txt, summary.txt; the last line
# printed is "N passed, N failed".
set -uo pipefail

die() { printf 'conformance: %s\n' "$*" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: $0 RUNTIME_PATH [OUT_DIR]"
runtime=$1
case $runtime in
  */*) runtime=$(realpath -- "$runtime") ;;  # the programs run from the suite's directory
  *) runtime=$(command -v -- "$runtime") ;;
esac
[ -x "$runtime" ] || die "runtime $1 is not an executable file"
suite=${RUNTIME_TOOLS:-/opt/runtime-tools}
[ -d "$suite/validation" ] || die "no suite at $suite (set RUNTIME_TOOLS; build it as docs/conformance.md says)"
[ -x "$suite/runtimetest" ] || die "$suite/runtimetest is missing: the suite is not built"
arch=$(uname -m); [ "$arch" = x86_64 ] && arch=amd64
[ -f "$suite/rootfs-$arch.tar.gz" ] || die "$suite/rootfs-$arch.tar.gz is missing"
out=${2:-$(mktemp -d /tmp/conformance.XXXXXX)}
mkdir -p "$out" || die "cannot create $out"
out=$(cd "$out" && pwd)
timeout_s=${CONFORMANCE_TIMEOUT:-120}
only=${CONFORMANCE_ONLY:-.}

# The programs make their bundles with os.MkdirTemp under $TMPDIR and some leave them behind,
# sometimes with the container's /proc, /sys and /dev mounts still in the host's namespace (seen
# after full runs with runc; probably a shared-propagation test). Keep them in one place and undo
# them after every program.
work="$out/bundles"
mkdir -p "$work" || die "cannot create $work"
cleanup_work() {
  awk -v w="$work/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || printf 'conformance: could not unmount %s\n' "$m" >&2
  done
  rm -rf --one-file-system "${work:?}"/* 2>/dev/null || true
}
trap cleanup_work EXIT

mapfile -t programs < <(cd "$suite" && ls validation/*/*.t 2>/dev/null | grep -E -- "$only" | sort)
[ ${#programs[@]} -gt 0 ] || die "no validation/*/*.t programs in $suite match '$only'"

: > "$out/failures.txt"
total_pass=0 total_fail=0 total_skip=0 broken=0
printf 'runtime: %s\nsuite: %s (%s)\nout: %s\n' "$runtime" "$suite" "$(git -C "$suite" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$out" | tee "$out/summary.txt"
for prog in "${programs[@]}"; do
  name=$(basename "$prog" .t)
  start=$(date +%s%N)
  (cd "$suite" && TMPDIR="$work" RUNTIME="$runtime" timeout -k 10 "$timeout_s" "./$prog") >"$out/$name.tap" 2>"$out/$name.err" </dev/null
  rc=$?
  cleanup_work
  ms=$((($(date +%s%N) - start) / 1000000)); secs="$((ms / 1000)).$((ms % 1000 / 100))"
  # TAP: "ok N" passes unless it carries a "# SKIP" directive (counted apart); "not ok N" fails.
  pass=$(grep -E '^ok( |$)' "$out/$name.tap" | grep -cvE '# (SKIP|skip)')
  skip=$(grep -cE '^ok .*# (SKIP|skip)' "$out/$name.tap")
  fail=$(grep -cE '^not ok( |$)' "$out/$name.tap")
  ran=$((pass + skip + fail))
  planned=$(sed -nE 's/^1\.\.([0-9]+).*/\1/p' "$out/$name.tap" | head -1)
  # A program that reports no test point at all but failed some other way counts as one
  # failure: it timed out, printed no TAP, or printed only an "error" diagnostic (the hooks
  # programs do that). A clean "1..0" (nothing applicable) is not counted, even with a non-zero exit
  # status; the note shows it.
  note=""
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    note=" [timed out after ${timeout_s}s]"
  elif [ -z "$planned" ] && [ $ran -eq 0 ]; then
    note=" [no TAP output, exit $rc]"
  elif [ $ran -eq 0 ] && grep -qE '^ +"error":' "$out/$name.tap"; then
    note=" [no test point, error diagnostic]"
  elif [ -n "$planned" ] && [ $ran -ne "$planned" ]; then
    note=" [planned $planned, ran $ran, exit $rc]"
  elif [ $ran -eq 0 ] && [ $rc -ne 0 ]; then
    note=" [1..0, exit $rc: $(grep -m1 -v '^exit status' "$out/$name.err" | cut -c1-60)]"
  fi
  case $note in " [timed out"*|" [no TAP"*|" [no test point"*) fail=$((fail + 1)) broken=$((broken + 1)) ;; esac
  grep -E '^not ok( |$)' "$out/$name.tap" | sed "s|^|$name: |" >> "$out/failures.txt"
  [ -n "$note" ] && printf '%s:%s\n' "$name" "$note" >> "$out/failures.txt"
  total_skip=$((total_skip + skip))
  total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail))
  status=PASS; [ "$fail" -gt 0 ] && status=FAIL
  printf '%-4s %-34s %4d passed, %3d failed, %3d skipped %6ss%s\n' "$status" "$name" "$pass" "$fail" "$skip" "$secs" "$note" | tee -a "$out/summary.txt"
done
printf 'programs: %d (%d counted as one failure each: timeout, no TAP or error only); skipped test points: %d\n' \
  "${#programs[@]}" "$broken" "$total_skip" | tee -a "$out/summary.txt"
printf '%d passed, %d failed\n' "$total_pass" "$total_fail" | tee -a "$out/summary.txt"
