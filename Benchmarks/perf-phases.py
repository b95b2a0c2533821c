#!/usr/bin/env python3
"""Where a run's CPU went, by phase, from `perf script -F time,ip,sym` of a `perf record -g`.

Prints one line: the samples in all, the core-seconds of the sources' phase (while the
normalize stage runs) and of the rest of the run, and how many samples have each marker below
in their call chain. Used by Benchmarks/compare-builds.sh; on this project's machines,
identical 250k runs' sample counts varied by 2-13% where their wall times varied by up to 40%:
steadier, not steady, so take several rounds.

The markers are fragments of Swift symbol names: a rename in the code needs one here too.

    perf script -i perf.data -F time,ip,sym | Benchmarks/perf-phases.py 499
"""
import sys

MARKERS = {
    "decode": ["JobPostingV11storedBytes"],
    "merge": ["MergeChunk", "merge_8pipeline"],
    "sinks": ["SinkPublication", "SinkFanOut"],
    "spool": ["RecordSpoolC5flush"],
}
# A leaf, not a caller: the kernel filling page-cache pages the run writes.
PAGE_FILLS = "copy_folio_from_iter_atomic"
SOURCES_MARKER = "NormalizeStage"


def samples(lines):
    """Each sample as (time, frames from the leaf up)."""
    time, frames = None, []
    for line in lines:
        stripped = line.strip()
        if not line.startswith((" ", "\t")) and stripped.endswith(":"):
            if time is not None:
                yield time, frames
            time, frames = float(stripped[:-1].split()[-1]), []
        elif stripped:
            frames.append(stripped.split(" ", 1)[-1])
    if time is not None:
        yield time, frames


def main():
    frequency = float(sys.argv[1]) if len(sys.argv) > 1 else 499.0
    all_samples = list(samples(sys.stdin))
    if not all_samples:
        sys.exit("perf-phases: no samples on standard input")
    # The phase ends where 99% of the normalize stage's samples are behind: a stray sample of
    # it (a cache let go of at the end of the run) does not stretch the phase.
    normalizing = sorted(t for t, frames in all_samples if any(SOURCES_MARKER in f for f in frames))
    sources_end = normalizing[int(len(normalizing) * 0.99)] if normalizing else all_samples[0][0]
    counts = {name: 0 for name in MARKERS}
    fills = sources = 0
    for t, frames in all_samples:
        chain = " ".join(frames)
        for name, marks in MARKERS.items():
            if any(m in chain for m in marks):
                counts[name] += 1
        if frames and frames[0].startswith(PAGE_FILLS):
            fills += 1
        if t <= sources_end:
            sources += 1
    rest = len(all_samples) - sources
    print(f"samples {len(all_samples)} sources {sources / frequency:.2f} core-s rest {rest / frequency:.2f} core-s "
          + " ".join(f"{k} {v}" for k, v in counts.items()) + f" page-fills {fills}")


if __name__ == "__main__":
    main()
