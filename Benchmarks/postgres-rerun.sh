#!/usr/bin/env bash
# The PostgreSQL state store against SQLite (issue 12), not a test: COUNT postings (100,000 by
# default) in JSON Lines through normalize -> enrich -> dedupe -> jsonl, a first run from an
# empty state and then the steady-state rerun over the same feed (every posting unchanged), once
# with the SQLite file beside the pipeline and once with a PostgreSQL database on loopback.
# Prints wall and CPU seconds and peak RSS of each run, and the reruns' ratio.
#
#   Benchmarks/postgres-rerun.sh                 # starts a throwaway server (.ci/with-postgres)
#   COUNT=20000 Benchmarks/postgres-rerun.sh
#   BENCH_POSTGRES=postgres://me@127.0.0.1/db Benchmarks/postgres-rerun.sh   # a server of yours
#
# Target (issue 12): the PostgreSQL rerun within 2x of the SQLite rerun at 100,000 postings.
set -euo pipefail
COUNT=${COUNT:-100000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${BENCH_POSTGRES:-}" ]; then
  if [ -z "${SYNDICATE_TEST_POSTGRES:-}" ]; then
    # The benchmark's server keeps fsync on, like a real one (the test servers turn it off).
    exec env PG_FSYNC=on "$ROOT/.ci/with-postgres" "$0" "$@"
  fi
  BENCH_POSTGRES=$SYNDICATE_TEST_POSTGRES
fi
WORK=${WORK:-$(mktemp -d /tmp/syndicate-bench-pg.XXXXXX)}
source "$ROOT/Benchmarks/lib.sh"
build_release

F=$WORK/feeds
if [ ! -f "$F/postings.jsonl" ]; then
  echo "generating $COUNT postings in $F ..."
  python3 "$GENFEEDS" --count "$COUNT" --formats jsonl --dup-rate 0 --sibling-rate 0 --seed 12 --out "$F" >/dev/null
fi

# pipeline NAME STATE: a pipeline file in its own folder.
pipeline() {
  mkdir -p "$WORK/$1"
  cat > "$WORK/$1/pipeline.yaml" <<YAML
version: 1
name: bench-rerun-$1-$$
state: $2
sources:
  feed: { type: jsonl, path: $F/postings.jsonl }
stages:
  - type: normalize
  - type: enrich
  - type: dedupe
sinks:
  lines: { type: jsonl, path: out/postings.jsonl }
YAML
}
pipeline sqlite state/jobs.sqlite
pipeline postgres '${BENCH_POSTGRES}'
export BENCH_POSTGRES

results=()
for backend in sqlite postgres; do
  for run in first rerun; do
    sync
    read -r wall cpu rss < <(measure_full "$BIN" run --report "$WORK/$backend/$run.json" "$WORK/$backend/pipeline.yaml")
    results+=("$backend $run $wall $cpu $rss")
  done
done

python3 - "$WORK" "${results[@]}" <<'PY'
import json, sys
work, rows = sys.argv[1], [r.split() for r in sys.argv[2:]]
print(f"\n{'store':<10} {'run':<7} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'active':>8} {'unchanged':>10}")
walls = {}
for backend, run, wall, cpu, rss in rows:
    report = json.load(open(f"{work}/{backend}/{run}.json"))
    unchanged = sum(s.get("unchanged", 0) for s in report["sources"])
    walls[(backend, run)] = float(wall)
    print(f"{backend:<10} {run:<7} {float(wall):8.2f} {float(cpu):8.2f} {int(rss) / 1024:8.0f} {report.get('active', 0):8} {unchanged:10}")
ratio = walls[("postgres", "rerun")] / walls[("sqlite", "rerun")]
print(f"\nPostgreSQL rerun / SQLite rerun: {ratio:.2f}x  (target <= 2)")
PY
echo "work folder: $WORK"
