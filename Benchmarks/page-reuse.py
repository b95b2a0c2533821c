#!/usr/bin/env python3
"""What filling the page cache costs on this machine, and whether freed pages are cheaper to
fill again (not a test; issue 11, RESULTS.md "The spool on a shelf per day").

Writes 30 unlinked files of 150 MB (4.5 GB, like a million-posting run's spool), waits, then
writes a new 3.4 GB file (the state's records) in 30 steps: with `keep` the 30 files stay open
throughout; with `free` one is closed (its pages freed) after each step. Prints both times.
Run it on an idle machine with about 9 GB free in TMPDIR and in memory:

    python3 Benchmarks/page-reuse.py keep && sleep 5 && python3 Benchmarks/page-reuse.py free

With `read` or `drop` it measures what a source's reading does to the spool written after it
(RESULTS.md "Input pages let go of behind the reader"): a 2 GB input file is written, flushed
and read back into the cache; after a pause (free memory goes back to a host that takes it),
the input is read 8 MB at a time while 16 MB of spool is written after each step — with
`drop` the pages read are dropped behind (posix_fadvise DONTNEED, as `FileByteStream` does):

    python3 Benchmarks/page-reuse.py read && python3 Benchmarks/page-reuse.py drop
"""
import os
import sys
import tempfile
import time

mode = sys.argv[1] if len(sys.argv) > 1 else "keep"
if mode not in ("keep", "free", "read", "drop"):
    sys.exit("usage: page-reuse.py keep|free|read|drop")
folder = tempfile.mkdtemp(prefix="syndicate-page-reuse-")
chunk = b"x" * (1 << 20)

if mode in ("read", "drop"):
    step = 8 << 20
    source = os.path.join(folder, "input")
    with open(source, "wb") as f:
        for _ in range(2048):
            f.write(chunk)
        f.flush()
        os.fsync(f.fileno())
    with open(source, "rb") as f:
        while f.read(step):
            pass
    time.sleep(30)
    spool = os.open(os.path.join(folder, "spool"), os.O_CREAT | os.O_RDWR | os.O_TRUNC)
    os.unlink(os.path.join(folder, "spool"))
    fd = os.open(source, os.O_RDONLY)
    offset, spooled = 0, 0.0
    started = time.time()
    while True:
        data = os.pread(fd, step, offset)
        if not data:
            break
        offset += len(data)
        if mode == "drop":
            os.posix_fadvise(fd, offset - len(data), len(data), os.POSIX_FADV_DONTNEED)
        began = time.time()
        for _ in range(16):
            os.write(spool, chunk)
        spooled += time.time() - began
    print(f"{mode}: 2 GB read and 4 GB spooled in {time.time() - started:.2f} s, {spooled:.2f} s of it writing the spool")
    os.close(fd)
    os.close(spool)
    os.unlink(source)
    os.rmdir(folder)
    sys.exit(0)
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
