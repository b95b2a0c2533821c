#!/usr/bin/env python3
"""The Python baseline of Benchmarks/run.sh: parse the feeds and write JSON lines, nothing else.

    lxml_baseline.py OUT.jsonl rss.xml indeed.xml postings.jsonl

RSS items and Indeed jobs are read with lxml's iterparse (each element cleared once written, so
memory stays flat), their children's text written as one JSON object per line; JSON Lines are
read and written back. No normalizing, no dedupe, no state: the least a script does.
"""
import json
import sys

from lxml import etree


def xml_records(path, tag):
    for _, element in etree.iterparse(path, events=("end",), tag=tag, huge_tree=True):
        record = {}
        for child in element:
            name = etree.QName(child).localname
            record[name] = (child.text or "").strip()
        yield record
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]


def main():
    out_path, inputs = sys.argv[1], sys.argv[2:]
    count = 0
    with open(out_path, "w", encoding="utf-8") as out:
        for path in inputs:
            if path.endswith(".jsonl"):
                with open(path, encoding="utf-8") as lines:
                    for line in lines:
                        out.write(json.dumps(json.loads(line), ensure_ascii=False) + "\n")
                        count += 1
            else:
                tag = "item" if "rss" in path else "job"
                for record in xml_records(path, tag):
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
                    count += 1
    print(count, file=sys.stderr)


if __name__ == "__main__":
    main()
