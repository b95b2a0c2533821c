# Shared by the benchmark scripts: tools, the release build, and timing under GNU time.
# Sourced, not run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GENFEEDS=${GENFEEDS:-$ROOT/../shared/bench/genfeeds.py}
BIN=$ROOT/.build/release/syndicate

# Installs a Debian package when its command is missing.
need() {
  command -v "$1" >/dev/null && return
  echo "installing $2"
  apt-get install -y "$2" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "$2" >/dev/null; }
}

build_release() {
  need /usr/bin/time time
  echo "building (release)..."
  swift build -c release --package-path "$ROOT" --product syndicate >/dev/null
}

# Generates COUNT postings of one format into $WORK/feeds (genfeeds.py shares --count among the
# formats it writes, so each format gets its own call).
generate() {
  local format=$1 file=$2
  [ -f "$WORK/feeds/$file" ] && return
  python3 "$GENFEEDS" --count "$COUNT" --formats "$format" --dup-rate 0 --sibling-rate 0 --seed 7 --out "$WORK/gen-$format" >/dev/null
  mkdir -p "$WORK/feeds" && mv "$WORK/gen-$format/$file" "$WORK/feeds/" && rm -rf "$WORK/gen-$format"
}

# Runs a command under GNU time; prints "wall_seconds cpu_seconds peak_rss_kb".
measure_full() {
  local log=$WORK/time.log
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { tail -5 "$log" >&2; return 1; }
  python3 - "$log" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def field(name):
    return re.search(name + r": (.*)", text).group(1).strip()
wall = field(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\)").split(":")
secs = sum(float(p) * 60 ** i for i, p in enumerate(reversed(wall)))
cpu = float(field(r"User time \(seconds\)")) + float(field(r"System time \(seconds\)"))
peak = field(r"Maximum resident set size \(kbytes\)")
print(f"{secs:.2f} {cpu:.2f} {peak}")
PY
}

# What the last measured command did besides computing; prints "system_seconds written_MB".
# Written is what it handed to the file system (GNU time's file system outputs, 512-byte
# blocks): its feeds, its state and its temporary files, deleted or not.
measured_io() {
  python3 - "$WORK/time.log" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def field(name):
    return float(re.search(name + r": (.*)", text).group(1).strip())
system, blocks = field(r"System time \(seconds\)"), field(r"File system outputs")
print(f"{system:.2f} {blocks * 512 / 1e6:.0f}")
PY
}

# Runs a command under GNU time; prints "seconds peak_rss_kb".
measure() {
  local wall cpu rss
  read -r wall cpu rss < <(measure_full "$@")
  echo "$wall $rss"
}

# Runs a one-source pipeline from a fresh state; prints "seconds peak_rss_kb postings".
run_pipeline() {
  local name=$1 source=$2
  mkdir -p "$WORK/$name"
  cat > "$WORK/$name/pipeline.yaml" <<YAML
version: 1
name: bench-$name
sources:
  feed: $source
sinks:
  out: { type: jsonl, path: out/postings.jsonl }
YAML
  rm -rf "$WORK/$name/.syndicate" "$WORK/$name/out"
  # Let the previous run's gigabytes reach the disk first: its write-back would otherwise take
  # CPU and disk from this one (and make the figures depend on the order of the runs).
  sync
  local secs rss postings
  read -r secs rss < <(measure "$BIN" run --report "$WORK/$name/report.json" "$WORK/$name/pipeline.yaml")
  postings=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['sources'][0]['sent'])" "$WORK/$name/report.json")
  echo "$secs $rss $postings"
}

# Prints one row: name, MB, postings, seconds, postings/s, MB/s, peak MB | reference s, MB/s, ratio.
row() {
  python3 - "$@" <<'PY'
import sys
name, mb, n, secs, rss, ref = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
ref_mbps = mb / max(ref, 0.01)
print(f"{name:<14} {mb:8.1f} {n:9d} {secs:8.2f} {n/secs:11.0f} {mb/secs:8.1f} {rss/1024:8.1f} | {ref:9.2f} {ref_mbps:8.1f} {(mb/secs)/ref_mbps:6.2f}")
PY
}

header() {
  printf '\n%-14s %8s %9s %8s %11s %8s %8s | %9s %8s %6s\n' run MB postings seconds postings/s MB/s "peak MB" "$1 s" "MB/s" ratio
}

size_mb() {
  python3 -c "import os,sys; print(os.path.getsize(sys.argv[1])/1e6)" "$1"
}

# The whole product's mix (issue 11): POSTINGS postings of RSS, Indeed XML and JSON Lines in
# $WORK/feeds (30% duplicates, 10% misspelled titles), made once per work folder; sets F.
generate_mix() {
  F=$WORK/feeds
  if [ ! -f "$F/truth.jsonl" ]; then
    # genfeeds counts unique jobs; duplicates (30%) and near-miss siblings (5%) come on top.
    jobs=$(python3 -c "print(int($POSTINGS / 1.35))")
    echo "generating about $POSTINGS postings ($jobs jobs) in $F ..."
    python3 "$GENFEEDS" --count "$jobs" --formats rss,indeed,jsonl --dup-rate 0.3 --misspell-rate 0.1 --seed 5 --out "$F" >/dev/null
  fi
}

# Each measured command starts with the feeds in the page cache and no earlier run's writes
# pending: on a small machine, a run's gigabytes of state and feeds otherwise push the inputs
# out of the cache, and the next command (xmllint and lxml last of all) reads them from disk.
settle_mix() {
  sync
  cat "$F/rss.xml" "$F/indeed.xml" "$F/postings.jsonl" >/dev/null
}

# write_mix_pipeline [KEY BASE FILE NAME]: every source through normalize, enrich and dedupe
# into the Indeed XML, JSON-LD and JSON Lines sinks, its state and feeds in $WORK. The sources
# read KEY: BASE/<feed> (path: $F by default; url: http://… for a server), the file is FILE
# ($WORK/pipeline.yaml) and the pipeline is named NAME (bench-run).
write_mix_pipeline() {
  local key=${1:-path} base=${2:-$F} file=${3:-$WORK/pipeline.yaml} name=${4:-bench-run}
  cat > "$file" <<YAML
version: 1
name: $name
sources:
  rss: { type: rss, $key: "$base/rss.xml" }
  indeed: { type: indeed, $key: "$base/indeed.xml" }
  jsonl: { type: jsonl, $key: "$base/postings.jsonl" }
stages:
  - type: normalize
  - type: enrich
  - type: dedupe
sinks:
  indeed: { type: indeed-xml, path: out/indeed.xml, publisher: Bench }
  google: { type: jsonld, path: out/jobs.jsonld }
  lines: { type: jsonl, path: out/postings.jsonl }
YAML
}
