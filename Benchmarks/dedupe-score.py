#!/usr/bin/env python3
"""Pairwise precision and recall of syndicate's dedupe against genfeeds' ground truth.

    dedupe-score.py TRUTH.jsonl OUTPUT.jsonl

TRUTH is genfeeds.py's truth.jsonl (a cluster per emitted posting); OUTPUT is a jsonl sink's
feed, where each record lists the postings merged into it in `duplicates`. Sources must be
named after genfeeds' formats (rss, atom, indeed, json, jsonl). A pair is two postings in one
cluster; a found pair is two postings in one output record. Prints the counts and the figures.
"""
import json
import sys
from itertools import combinations


def pairs(groups):
    found = set()
    for group in groups:
        for a, b in combinations(sorted(set(group)), 2):
            found.add((a, b))
    return found


def main():
    truth_path, output_path = sys.argv[1], sys.argv[2]
    clusters = {}
    for line in open(truth_path, encoding="utf-8"):
        t = json.loads(line)
        clusters.setdefault(t["cluster"], []).append((t["format"], t["source_id"]))
    truth = pairs(clusters.values())
    emitted = sum(len(c) for c in clusters.values())

    groups, records = [], 0
    for line in open(output_path, encoding="utf-8"):
        r = json.loads(line)
        records += 1
        group = [(r.get("source"), r.get("source_id"))]
        group += [(d.get("source"), d.get("source_id")) for d in r.get("duplicates", [])]
        groups.append(group)
    found = pairs(groups)

    right = len(found & truth)
    precision = right / len(found) if found else 1.0
    recall = right / len(truth) if truth else 1.0
    print(f"postings {emitted}, jobs {len(clusters)}, published {records}")
    print(f"true pairs {len(truth)}, found pairs {len(found)}, right {right}, "
          f"false merges {len(found) - right}, missed {len(truth) - right}")
    print(f"precision {precision:.4f} (target >= 0.99)   recall {recall:.4f} (target >= 0.95)")


if __name__ == "__main__":
    main()
