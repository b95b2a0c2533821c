#!/usr/bin/env python3
"""An exec stage: drops postings without a company and tags the rest with the board they are
for; fields it does not know pass through untouched.

syndicate writes a handshake and then one posting per line on stdin; the stage answers the
handshake on stdout, then writes the postings it keeps, in any order, as it goes. End of input
means the run has no more postings: flush and exit 0.
"""
import json
import sys

hello = json.loads(sys.stdin.readline())
if hello.get("syndicate") != 1:
    sys.exit(f"unsupported protocol: {hello}")
print(json.dumps({"syndicate": 1}), flush=True)

dropped = 0
for line in sys.stdin:
    posting = json.loads(line)
    if not posting.get("company"):
        dropped += 1
        continue
    posting.setdefault("extra", {})["board"] = "tagged-by-python"
    print(json.dumps(posting, ensure_ascii=False))
print(f"dropped {dropped} postings without a company", file=sys.stderr)
