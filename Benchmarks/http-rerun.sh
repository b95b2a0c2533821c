#!/usr/bin/env bash
# URL sources whose server gives no validators (no ETag, no Last-Modified), not a test: the
# realistic mix of run.sh (RSS, Indeed XML and JSON Lines, POSTINGS postings, 30% duplicates)
# served over loopback by Benchmarks/plain_http_server.py, through normalize, enrich and dedupe
# into the three sinks; a first run from a fresh state, then a second over the same bodies
# (downloaded again, hashed, found the same, not parsed). Prints each run's wall and CPU
# seconds, peak RSS and the sources' statuses.
#
#   Benchmarks/http-rerun.sh                    # 250,000 postings
#   POSTINGS=1000000 Benchmarks/http-rerun.sh
set -euo pipefail
POSTINGS=${POSTINGS:-250000}
PORT=${PORT:-18765}
WORK=${WORK:-$(mktemp -d /tmp/syndicate-bench-http.XXXXXX)}
source "$(dirname "$0")/lib.sh"
need curl curl
build_release
generate_mix

python3 "$ROOT/Benchmarks/plain_http_server.py" "$F" "$PORT" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/rss.xml" -r 0-0 && break; sleep 0.1; done

write_mix_pipeline url "http://127.0.0.1:$PORT" "$WORK/http.yaml" bench-http
rm -rf "$WORK/.syndicate" "$WORK/out"
settle_mix
read -r first_wall first_cpu first_rss < <(measure_full "$BIN" run --report "$WORK/http-first.json" "$WORK/http.yaml")
settle_mix
read -r second_wall second_cpu second_rss < <(measure_full "$BIN" run --report "$WORK/http-second.json" "$WORK/http.yaml")
python3 - "$WORK" "$first_wall" "$first_cpu" "$first_rss" "$second_wall" "$second_cpu" "$second_rss" <<'PY'
import json, sys
work = sys.argv[1]
fw, fc, fr, sw, sc, sr = map(float, sys.argv[2:8])
for label, w, c, r, name in [("first run", fw, fc, fr, "http-first"), ("same bodies again", sw, sc, sr, "http-second")]:
    report = json.load(open(f"{work}/{name}.json"))
    statuses = ", ".join(f"{s['name']} {s['status']}" for s in report["sources"])
    print(f"{label:<18} {w:7.2f} s wall {c:7.2f} s CPU {r / 1024:5.0f} MB peak  ({statuses})")
print(f"speed-up: {fw / sw:.1f}x")
PY
echo "work folder: $WORK"
