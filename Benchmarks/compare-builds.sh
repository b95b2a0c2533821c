#!/usr/bin/env bash
# Compares builds of syndicate by where a first run's CPU goes (not a test): each binary given
# runs the whole product's mix (Benchmarks/run.sh's feeds and pipeline, POSTINGS postings) from a
# fresh state under `perf record -g`, the binaries taking turns, ROUNDS times; a line per run
# with its wall time and Benchmarks/perf-phases.py's counts.
#
#   Benchmarks/compare-builds.sh /tmp/syndicate-before .build/release/syndicate
#   POSTINGS=100000 ROUNDS=2 IDLE=10 Benchmarks/compare-builds.sh a b
#
# Why not wall time: on the virtual machines this project is measured on, identical 250k first
# runs took 14.7 to 20.8 s within an hour, and a change worth 6-10% of such a run (records without
# description_text) looked like nothing in two pairs, where its samples per phase showed it in
# each; sample counts of identical runs still varied by 2-13%, so take several rounds. The first
# round warms the machine and is printed but worth discarding. IDLE seconds pass before each
# run: memory a run freed goes back to the host after a while, and a run that starts on it pays
# for fresh pages (see RESULTS.md, "Input pages let go of behind the reader").
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BINARY [BINARY ...]" >&2; exit 2; }
POSTINGS=${POSTINGS:-250000}
ROUNDS=${ROUNDS:-3}
IDLE=${IDLE:-30}
FREQUENCY=${FREQUENCY:-499}
WORK=${WORK:-$(mktemp -d /tmp/syndicate-bench-compare.XXXXXX)}
source "$(dirname "$0")/lib.sh"
need perf linux-perf
# Absolute paths: each run starts in the work folder, where its state and feeds go.
binaries=()
for binary in "$@"; do
  [ -x "$binary" ] || { echo "$binary: not an executable" >&2; exit 2; }
  binaries+=("$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")")
done
generate_mix
write_mix_pipeline

for round in $(seq 1 "$ROUNDS"); do
  for binary in "${binaries[@]}"; do
    rm -rf "$WORK/.syndicate" "$WORK/out"
    sleep "$IDLE"
    settle_mix
    start=$(date +%s.%N)
    (cd "$WORK" && perf record -q -F "$FREQUENCY" -g -o "$WORK/perf.data" "$binary" run "$WORK/pipeline.yaml" >"$WORK/run.log" 2>&1) \
      || { tail -5 "$WORK/run.log" >&2; exit 1; }
    wall=$(python3 -c "import sys, time; print(f'{time.time() - float(sys.argv[1]):.2f}')" "$start")
    phases=$(perf script -i "$WORK/perf.data" -F time,ip,sym 2>/dev/null | python3 "$ROOT/Benchmarks/perf-phases.py" "$FREQUENCY")
    echo "round $round $binary wall $wall s $phases"
  done
done
rm -f "$WORK/perf.data"
echo "work folder: $WORK"
