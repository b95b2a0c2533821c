#!/usr/bin/env bash
# JSON ingestion benchmark (not a test): generates postings as one JSON document and as JSON
# Lines with ../shared/bench/genfeeds.py, runs `json -> jsonl` and `jsonl -> jsonl` pipelines
# from a fresh state, and prints postings/s, MB/s and peak RSS next to `jq -c .` on the same
# file, in the same run.
#
#   Benchmarks/json-ingest.sh                # 500,000 postings per file
#   COUNT=100000 Benchmarks/json-ingest.sh   # smaller
#
# Targets (issue 6): peak RSS under 150 MB for both, whatever the size; faster than jq
# (ratio > 1).
set -euo pipefail
COUNT=${COUNT:-500000}
WORK=${WORK:-$(mktemp -d /tmp/syndicate-bench-json.XXXXXX)}
source "$(dirname "$0")/lib.sh"
need jq jq
build_release
echo "generating $COUNT postings per file in $WORK ..."
generate json postings.json
generate jsonl postings.jsonl

header "jq -c"
doc=$WORK/feeds/postings.json
read -r secs rss postings < <(run_pipeline json "{ type: json, path: $doc, records: data.jobs, fields: { source_id: id, title: position.name, company: employer.name, url: links.apply, location: location, salary: salary, date_posted: posted_at, valid_through: valid_until, employment_type: type, description_html: description } }")
read -r ref _ < <(measure jq -c . "$doc")
row "json->jsonl" "$(size_mb "$doc")" "$postings" "$secs" "$rss" "$ref"
lines=$WORK/feeds/postings.jsonl
read -r secs rss postings < <(run_pipeline jsonl "{ type: jsonl, path: $lines }")
read -r ref _ < <(measure jq -c . "$lines")
row "jsonl->jsonl" "$(size_mb "$lines")" "$postings" "$secs" "$rss" "$ref"
echo
echo "ratio = syndicate's MB/s for the whole run / jq's MB/s (target > 1); peak MB target < 150"
echo "work folder: $WORK"
