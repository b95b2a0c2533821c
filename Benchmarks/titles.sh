#!/usr/bin/env bash
# Title normalizing benchmark (not a test): generates a noisy JSON Lines feed with
# ../shared/bench/genfeeds.py (10% misspelled titles, the generator's default mix of seniority
# words, noise and duplicates), takes its titles, and prints titles normalized per second on
# one core with `syndicate normalize-title --count`, pinned with taskset. It also prints the
# figure for the distinct titles alone, each repeated the same number of times, which weighs
# the rare noisy spellings as much as the common plain ones.
#
#   Benchmarks/titles.sh                 # 150,000 postings
#   COUNT=50000 Benchmarks/titles.sh
#
# Target (issue 7): over 200,000 titles per second on one core.
set -euo pipefail
COUNT=${COUNT:-150000}
WORK=${WORK:-$(mktemp -d /tmp/syndicate-bench-titles.XXXXXX)}
source "$(dirname "$0")/lib.sh"
build_release
if [ ! -f "$WORK/titles.txt" ]; then
  echo "generating $COUNT postings in $WORK ..."
  python3 "$GENFEEDS" --count "$COUNT" --formats jsonl --misspell-rate 0.1 --seed 7 --out "$WORK/gen" >/dev/null
  python3 - "$WORK/gen/postings.jsonl" "$WORK/titles.txt" <<'PY'
import json, sys
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as out:
    for line in f:
        title = json.loads(line).get("title")
        if title:
            out.write(title.replace("\n", " ") + "\n")
PY
  sort -u "$WORK/titles.txt" > "$WORK/distinct.txt"
  repeat=$(( $(wc -l < "$WORK/titles.txt") / $(wc -l < "$WORK/distinct.txt") ))
  for _ in $(seq "$repeat"); do cat "$WORK/distinct.txt"; done > "$WORK/distinct-repeated.txt"
fi
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
echo "feed's titles:"
for _ in 1 2 3; do "${pin[@]}" "$BIN" normalize-title --count --file "$WORK/titles.txt"; done
echo "distinct titles, each repeated:"
for _ in 1 2 3; do "${pin[@]}" "$BIN" normalize-title --count --file "$WORK/distinct-repeated.txt"; done
echo "work folder: $WORK"
