#!/usr/bin/env bash
# Exec stage benchmark (not a test): generates postings as JSON Lines with
# ../shared/bench/genfeeds.py and runs them through an exec stage that echoes its input
# (examples/plugins/echo_stage.sh: the handshake, then `cat`), printing the stage's postings per
# second from the run report, and the whole run beside the same pipeline without the stage.
#
#   Benchmarks/exec-stage.sh                 # 200,000 postings
#   COUNT=50000 Benchmarks/exec-stage.sh
#
# Target (issue 10): over 50,000 postings per second through the echo stage.
set -euo pipefail
COUNT=${COUNT:-200000}
WORK=${WORK:-$(mktemp -d /tmp/syndicate-bench-exec.XXXXXX)}
source "$(dirname "$0")/lib.sh"
build_release
echo "generating $COUNT postings in $WORK ..."
generate jsonl postings.jsonl
for variant in plain exec; do
  mkdir -p "$WORK/$variant"
  stages=""
  if [ "$variant" = exec ]; then
    stages="stages:
  - type: exec
    command: [$ROOT/examples/plugins/echo_stage.sh]"
  fi
  cat > "$WORK/$variant/pipeline.yaml" <<YAML
version: 1
name: bench-exec-$variant
sources:
  feed: { type: jsonl, path: $WORK/feeds/postings.jsonl }
$stages
sinks:
  out: { type: jsonl, path: out/postings.jsonl }
YAML
  rm -rf "$WORK/$variant/.syndicate" "$WORK/$variant/out"
  sync
  read -r secs rss < <(measure "$BIN" run --report "$WORK/$variant/report.json" "$WORK/$variant/pipeline.yaml")
  python3 - "$WORK/$variant/report.json" "$variant" "$secs" "$rss" <<'PY'
import json, sys
report, variant, secs, rss = json.load(open(sys.argv[1])), sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
n = sum(s["sent"] for s in report["sources"])
line = f"{variant:<6} {n} postings, whole run {secs:.2f} s ({n / secs:,.0f}/s), peak RSS {rss / 1024:.0f} MB"
for stage in report["stages"]:
    line += f"; exec stage {stage['duration_seconds']:.2f} s = {stage['received'] / max(stage['duration_seconds'], 1e-9):,.0f} postings/s"
print(line)
PY
done
echo "work folder: $WORK"
