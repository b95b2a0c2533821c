#!/usr/bin/env bash
# The whole-product benchmark (not a test), issue 11: generates a realistic mix with
# ../shared/bench/genfeeds.py — RSS, Indeed XML and JSON Lines, POSTINGS postings in all, 30%
# duplicates, 10% misspelled titles — and runs the full pipeline (all sources -> normalize ->
# enrich -> dedupe -> the indeed-xml, jsonld and jsonl sinks) from a fresh state, then again over
# the same feeds (a cron job's steady state: unchanged files are not read, unchanged feeds not
# written), a third time with the feed files rewritten as they were (`touch`: a feed downloaded
# again with nothing new; each file is hashed, found the same and not parsed), a fourth with a
# line break added at the end of each file (other bytes, the same postings: every file parsed
# and every posting compared with its stored hash, but no feed written), and a fifth with
# --reread (every posting compared and every feed written).
# For each run it prints postings/s, MB/s, wall, CPU and system seconds, peak RSS and MB written
# (/usr/bin/time -v); beside them, in the same run, xmllint --stream over the XML inputs and a
# Python lxml iterparse baseline that only parses and writes JSON lines (installed with pip into
# a virtual environment in the work folder), as ratios.
#
#   Benchmarks/run.sh                       # 1,000,000 postings
#   POSTINGS=250000 Benchmarks/run.sh       # smaller
#
# Targets (issue 11): first run >= 2x the lxml baseline and >= 1/3 of xmllint's MB/s; second run
# >= 3x faster than the first; peak RSS < 300 MB, not growing with the feeds.
set -euo pipefail
POSTINGS=${POSTINGS:-1000000}
WORK=${WORK:-$(mktemp -d /tmp/syndicate-bench-run.XXXXXX)}
source "$(dirname "$0")/lib.sh"
need xmllint libxml2-utils
build_release

generate_mix
if [ ! -x "$WORK/venv/bin/python" ]; then
  echo "installing lxml into $WORK/venv ..."
  python3 -m venv "$WORK/venv" && "$WORK/venv/bin/pip" install -q lxml
fi
write_mix_pipeline

mb=$(python3 -c "import os,sys; print(sum(os.path.getsize(p) for p in sys.argv[1:]) / 1e6)" "$F/rss.xml" "$F/indeed.xml" "$F/postings.jsonl")
xml_mb=$(python3 -c "import os,sys; print(sum(os.path.getsize(p) for p in sys.argv[1:]) / 1e6)" "$F/rss.xml" "$F/indeed.xml")
rm -rf "$WORK/.syndicate" "$WORK/out"
settle_mix
read -r first_wall first_cpu first_rss < <(measure_full "$BIN" run --report "$WORK/first.json" "$WORK/pipeline.yaml")
read -r first_sys first_written < <(measured_io)
settle_mix
read -r second_wall second_cpu second_rss < <(measure_full "$BIN" run --report "$WORK/second.json" "$WORK/pipeline.yaml")
read -r second_sys second_written < <(measured_io)
# The feed files rewritten with the same bytes (a new modification time, as when a cron job
# downloads them again): each is hashed, found to be what the last run read, and not parsed.
# Sleep past the two seconds within which a file counts as possibly still being written.
touch "$F/rss.xml" "$F/indeed.xml" "$F/postings.jsonl"
sleep 3
settle_mix
read -r touched_wall touched_cpu touched_rss < <(measure_full "$BIN" run --report "$WORK/touched.json" "$WORK/pipeline.yaml")
read -r touched_sys touched_written < <(measured_io)
# A line break more at the end of each file: other bytes, the same postings. Every source is
# parsed and staged and every posting compared with its stored hash; the active set is
# unchanged, so no feed is written. The byte is taken off again afterwards.
for feed in "$F/rss.xml" "$F/indeed.xml" "$F/postings.jsonl"; do printf '\n' >> "$feed"; done
sleep 3
settle_mix
read -r edited_wall edited_cpu edited_rss < <(measure_full "$BIN" run --report "$WORK/edited.json" "$WORK/pipeline.yaml")
read -r edited_sys edited_written < <(measured_io)
truncate -s -1 "$F/rss.xml" "$F/indeed.xml" "$F/postings.jsonl"
settle_mix
# The same again with --reread: every source parsed, every posting compared with its stored
# hash, and every feed written whether or not the active set changed.
read -r reread_wall reread_cpu reread_rss < <(measure_full "$BIN" run --reread --report "$WORK/reread.json" "$WORK/pipeline.yaml")
read -r reread_sys reread_written < <(measured_io)
settle_mix
read -r lint_rss_wall _ _ < <(measure_full xmllint --stream --noout "$F/rss.xml")
read -r lint_indeed_wall _ _ < <(measure_full xmllint --stream --noout "$F/indeed.xml")
settle_mix
read -r lxml_wall lxml_cpu lxml_rss < <(measure_full "$WORK/venv/bin/python" "$ROOT/Benchmarks/lxml_baseline.py" "$WORK/lxml.jsonl" "$F/rss.xml" "$F/indeed.xml" "$F/postings.jsonl")
read -r lxml_sys lxml_written < <(measured_io)

python3 - "$WORK" "$mb" "$xml_mb" "$first_wall" "$first_cpu" "$first_rss" "$second_wall" "$second_cpu" "$second_rss" \
  "$lint_rss_wall" "$lint_indeed_wall" "$lxml_wall" "$lxml_cpu" "$lxml_rss" "$reread_wall" "$reread_cpu" "$reread_rss" \
  "$first_sys" "$first_written" "$second_sys" "$second_written" "$reread_sys" "$reread_written" "$lxml_sys" "$lxml_written" \
  "$touched_wall" "$touched_cpu" "$touched_rss" "$touched_sys" "$touched_written" \
  "$edited_wall" "$edited_cpu" "$edited_rss" "$edited_sys" "$edited_written" <<'PY'
import json, sys
work = sys.argv[1]
mb, xml_mb = float(sys.argv[2]), float(sys.argv[3])
fw, fc, fr, sw, sc, sr, lr, li, xw, xc, xr, rw, rc, rr = map(float, sys.argv[4:18])
fs, fwr, ss, swr, rs, rwr, xs, xwr = map(float, sys.argv[18:26])
tw, tc, tr, ts, twr = map(float, sys.argv[26:31])
ew, ec, er, es, ewr = map(float, sys.argv[31:36])
first, second = json.load(open(f"{work}/first.json")), json.load(open(f"{work}/second.json"))
reread, touched = json.load(open(f"{work}/reread.json")), json.load(open(f"{work}/touched.json"))
edited = json.load(open(f"{work}/edited.json"))
n = sum(s["sent"] for s in first["sources"])
print(f"\n{n:,} postings, {mb:,.0f} MB of feeds ({xml_mb:,.0f} MB XML)\n")
print(f"{'run':<22} {'wall s':>8} {'cpu s':>8} {'postings/s':>11} {'MB/s':>7} {'peak MB':>8} {'system s':>9} {'written MB':>11}")
for name, w, c, r, sy, wr in [("syndicate, first run", fw, fc, fr, fs, fwr), ("syndicate, second run", sw, sc, sr, ss, swr),
                              ("files rewritten as-is", tw, tc, tr, ts, twr), ("files a byte longer", ew, ec, er, es, ewr),
                              ("second run, --reread", rw, rc, rr, rs, rwr), ("lxml baseline", xw, xc, xr, xs, xwr)]:
    print(f"{name:<22} {w:8.2f} {c:8.2f} {n / w:11,.0f} {mb / w:7.1f} {r / 1024:8.0f} {sy:9.2f} {wr:11,.0f}")
lint = xml_mb / (lr + li)
print(f"{'xmllint --stream (XML)':<22} {lr + li:8.2f} {'':>8} {'':>11} {lint:7.1f}")
print()
print(f"first run vs lxml baseline:      {xw / fw:5.2f}x  (target >= 2)")
print(f"first run MB/s / xmllint MB/s:   {(mb / fw) / lint:5.2f}   (target >= 0.33)")
print(f"second run speed-up:             {fw / sw:5.2f}x  (target >= 3)")
print(f"  files rewritten as they were:  {fw / tw:5.2f}x  (each file hashed, none parsed)")
print(f"  files a byte longer:           {fw / ew:5.2f}x  (every posting compared, no feed written)")
print(f"  with --reread (all compared):  {fw / rw:5.2f}x  (every feed written too)")
print(f"peak RSS:                        {max(fr, sr, tr, er, rr) / 1024:5.0f} MB (target < 300)")
print(f"written:                         {fwr / 1e3:5.1f} GB first run (feeds, state, spool), {xwr / 1e3:.1f} GB lxml baseline")
for label, report in [("first", first), ("second", second), ("touched", touched), ("edited", edited), ("reread", reread)]:
    stages = ", ".join(f"{s['type']} {s['duration_seconds']:.1f} s" for s in report["stages"])
    sinks = ", ".join(f"{s['name']} {s['duration_seconds']:.1f} s" for s in report["sinks"])
    print(f"{label}: stages {stages}; sinks {sinks}; active {report.get('active')}")
PY
echo "work folder: $WORK"
