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
WORK=${WORK:-$(mktemp -d /tmp/syndicate-bench-xml.XXXXXX)}
source "$(dirname "$0")/lib.sh"
need xmllint libxml2-utils
build_release
echo "generating $COUNT postings per feed in $WORK ..."
generate rss rss.xml
generate indeed indeed.xml

header xmllint
for format in rss indeed; do
  file=$WORK/feeds/$format.xml
  read -r secs rss postings < <(run_pipeline "$format" "{ type: $format, path: $file }")
  read -r ref _ < <(measure xmllint --stream --noout "$file")
  row "$format->jsonl" "$(size_mb "$file")" "$postings" "$secs" "$rss" "$ref"
done
echo
echo "ratio = syndicate's MB/s for the whole run / xmllint --stream's MB/s (target >= 0.25); peak MB target < 150"
echo "work folder: $WORK"
