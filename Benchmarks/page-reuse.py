#!/usr/bin/env python3
"""What filling the page cache costs on this machine, and whether freed pages are cheaper to
fill again (not a test; issue 11, RESULTS.md "The spool on a shelf per day").

Writes 30 unlinked files of 150 MB (4.5 GB, like a million-posting run's spool), waits, then
writes a new 3.4 GB file (the state's records) in 30 steps: with `keep` the 30 files stay open
throughout; with `free` one is closed (its pages freed) after each step. Prints both times.
Run it on an idle machine with about 9 GB free in TMPDIR and in memory:

    python3 Benchmarks/page-reuse.py keep && sleep 5 && python3 Benchmarks/page-reuse.py free
"""
import os
import sys
import tempfile
import time

mode = sys.argv[1] if len(sys.argv) > 1 else "keep"
if mode not in ("keep", "free"):
    sys.exit("usage: page-reuse.py keep|free")
folder = tempfile.mkdtemp(prefix="syndicate-page-reuse-")
chunk = b"x" * (1 << 20)
files = []
started = time.time()
for i in range(30):
    path = os.path.join(folder, f"spool{i}")
    fd = os.open(path, os.O_CREAT | os.O_RDWR | os.O_TRUNC)
    os.unlink(path)
    for _ in range(150):
        os.write(fd, chunk)
    files.append(fd)
print(f"spool written: {time.time() - started:.2f} s")
time.sleep(3)
records = os.path.join(folder, "records")
started = time.time()
out = os.open(records, os.O_CREAT | os.O_WRONLY | os.O_TRUNC)
for i in range(30):
    for _ in range(113):
        os.write(out, chunk)
    if mode == "free":
        os.close(files[i])
        files[i] = None
print(f"{mode}: records written in {time.time() - started:.2f} s")
for fd in files:
    if fd is not None:
        os.close(fd)
os.close(out)
os.unlink(records)
os.rmdir(folder)
