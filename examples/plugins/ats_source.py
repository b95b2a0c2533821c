#!/usr/bin/env python3
"""An exec source: prints postings from an imaginary applicant-tracking system.

syndicate starts it, writes a handshake line on its stdin, and reads its stdout:
the handshake {"syndicate": 1} first, then one posting per line in the record's JSON form.
Diagnostics go to stderr, which syndicate logs with the source's name.
"""
import json
import sys

hello = json.loads(sys.stdin.readline())          # {"syndicate": 1, "kind": "source", "name": ...}
if hello.get("syndicate") != 1:
    sys.exit(f"unsupported protocol: {hello}")
print(json.dumps({"syndicate": 1}), flush=True)

jobs = [
    {"source_id": "ats-1", "title": "Sr. backend developer", "company": "Acme", "url": "https://ats.example/1",
     "location": {"text": "Toronto, ON"}, "date_posted": "2026-11-20T09:00:00Z"},
    {"source_id": "ats-2", "title": "QA Engineer", "company": "Acme", "url": "https://ats.example/2",
     "location": {"text": "Remote - Canada"}, "date_posted": "2026-11-21T09:00:00Z"},
]
for job in jobs:
    print(json.dumps(job))
print(f"{hello['name']}: sent {len(jobs)} postings", file=sys.stderr)
