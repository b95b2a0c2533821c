#!/usr/bin/env bash
# XML ingestion benchmark (not a test): generates a large RSS feed and a large Indeed feed with
# ../shared/bench/genfeeds.py, runs `rss -> jsonl` and `indeed -> jsonl` pipelines from a fresh
# state, and prints postings/s, MB/s and peak RSS next to `xmllint --stream --noout` on the same
# file, in the same run, as the ratio to the parser's own limit.
#
#   Benchmarks/xml-ingest.sh                 # 500,000 postings per feed
#   COUNT=100000 Benchmarks/xml-ingest.sh    # smaller
#
# Targets (issue 5): peak RSS under 150 MB whatever the feed size; the whole rss -> jsonl run at
# least a quarter of xmllint --stream's MB/s.
set -euo pipefail
COUNT=${COUNT:-500000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
GENFEEDS=${GENFEEDS:-$ROOT/../shared/bench/genfeeds.py}
WORK=${WORK:-$(mktemp -d /tmp/syndicate-bench-xml.XXXXXX)}

command -v xmllint >/dev/null || { echo "installing xmllint (libxml2-utils)"; apt-get install -y libxml2-utils >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y libxml2-utils >/dev/null; }; }
[ -x /usr/bin/time ] || { echo "installing GNU time"; apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }; }

echo "building (release)..."
swift build -c release --package-path "$ROOT" --product syndicate >/dev/null
BIN=$ROOT/.build/release/syndicate

echo "generating $COUNT postings per feed in $WORK ..."
# genfeeds.py shares --count among the formats it writes: one call per feed gives each the count.
for format in rss indeed; do
  [ -f "$WORK/feeds/$format.xml" ] && continue
  python3 "$GENFEEDS" --count "$COUNT" --formats "$format" --dup-rate 0 --sibling-rate 0 --seed 7 --out "$WORK/gen-$format" >/dev/null
  mkdir -p "$WORK/feeds" && mv "$WORK/gen-$format/$format.xml" "$WORK/feeds/" && rm -rf "$WORK/gen-$format"
done

# Runs a command under GNU time; prints "seconds peak_rss_kb".
measure() {
  local log=$WORK/time.log
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { cat "$log" >&2; return 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  echo "$wall $rss"
}

printf '\n%-8s %9s %9s %8s %11s %8s %9s | %10s %8s %7s\n' feed MB postings seconds postings/s MB/s "peak MB" "xmllint s" "MB/s" ratio
for format in rss indeed; do
  file=$WORK/feeds/$format.xml
  mkdir -p "$WORK/$format"
  cat > "$WORK/$format/pipeline.yaml" <<YAML
version: 1
name: bench-$format
sources:
  feed: { type: $format, path: $file }
sinks:
  out: { type: jsonl, path: out/postings.jsonl }
YAML
  rm -rf "$WORK/$format/.syndicate" "$WORK/$format/out"
  read -r secs rss < <(measure "$BIN" run --report "$WORK/$format/report.json" "$WORK/$format/pipeline.yaml")
  postings=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['sources'][0]['sent'])" "$WORK/$format/report.json")
  read -r lint_secs _ < <(measure xmllint --stream --noout "$file")
  mb=$(python3 -c "import os,sys; print(os.path.getsize(sys.argv[1])/1e6)" "$file")
  python3 - "$format" "$mb" "$postings" "$secs" "$rss" "$lint_secs" <<'PY'
import sys
fmt, mb, n, secs, rss, lint = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
mbps = mb / secs
lint_mbps = mb / max(lint, 0.01)
print(f"{fmt:<8} {mb:9.1f} {n:9d} {secs:8.2f} {n/secs:11.0f} {mbps:8.1f} {rss/1024:9.1f} | {lint:10.2f} {lint_mbps:8.1f} {mbps/lint_mbps:7.2f}")
PY
done
echo
echo "ratio = syndicate's MB/s for the whole run / xmllint --stream's MB/s (target >= 0.25); peak MB target < 150"
echo "work folder: $WORK"
