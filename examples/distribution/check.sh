#!/usr/bin/env bash
# Builds the example distribution (sharing the repository's build folder, so syndicate and its
# dependencies are not built twice), lists its plugins and runs its pipeline; fails unless its
# own stage is there and did its work. .ci/run calls this after the tests.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
swift build --package-path "$here" --scratch-path "$root/.build" --product syndicate-acme >/dev/null
bin="$root/.build/debug/syndicate-acme"
# Captured first: grep -q stops reading at the first match, and the listing would then die of
# SIGPIPE, which pipefail reports as a failure.
listing=$("$bin" plugins)
grep -q "redact-emails  (distribution)" <<<"$listing"
work=$(mktemp -d)
cp "$here/pipeline.yaml" "$here/postings.jsonl" "$work/"
"$bin" run "$work/pipeline.yaml"
grep -q '\[e-mail removed\]' "$work/out/postings.jsonl"
! grep -q 'jane.doe@acme.example' "$work/out/postings.jsonl"
rm -rf "$work"
echo "examples/distribution: built, its plugin listed, its pipeline run"
