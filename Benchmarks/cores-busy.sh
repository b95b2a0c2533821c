#!/usr/bin/env bash
# How many cores a command keeps busy, every half second (not a test): the phases of a run
# show as plateaus — the sources and stages near 2 on a two-core machine, the steps that are
# one core's work (dedupe's grouping, applying the run) at 1.0.
#
#   Benchmarks/cores-busy.sh .build/release/syndicate run pipeline.yaml
#
# Prints "seconds:cores" pairs, eight to a line; the command's own output is discarded.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
ticks=$(getconf CLK_TCK)
"$@" >/dev/null 2>&1 &
pid=$!
previous=0
step=0
while kill -0 "$pid" 2>/dev/null; do
  # utime + stime of the process and its threads, in clock ticks (fields 14 and 15).
  now=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo "$previous")
  awk -v t="$step" -v d="$((now - previous))" -v hz="$ticks" 'BEGIN { printf "%5.1f:%4.2f ", t / 2, d / hz / 0.5 }'
  previous=$now
  step=$((step + 1))
  [ $((step % 8)) -eq 0 ] && echo
  sleep 0.5
done
echo
wait "$pid"
