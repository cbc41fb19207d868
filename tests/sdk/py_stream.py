"""Records written as fast as the Python writer can, for SECONDS (default
2), while concviz reads the shard: a shard's head must never be seen to go
back while it is being stored (struct.pack_into zeroes a field before it
writes it; the writer stores the head in one 8-byte store), so concviz
rejects nothing. One task begins and ends, then its end is written again
and again: concviz reads and checks every record, and maps the repeats to
nothing (an end of no open task), so the stream costs it no memory. It may
drop records when it falls behind, never reject one. Prints "N records".

Usage (under `concviz trace`, which sets CONCVIZ_SDK and PYTHONPATH):
py_stream.py [SECONDS]
"""
import os
import sys
import time

from concviz_sdk import _shard as W


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    if W._dir is None:
        W.setup(os.environ["CONCVIZ_SDK"])
    task = W.new_id()
    W.put(W.BEGIN, task, 0, W.enc("stream"))
    end = time.monotonic() + seconds
    n = 1
    while time.monotonic() < end:
        for _ in range(256):
            W.put(W.END, task)
        n += 256
    print("%d records" % n)


if __name__ == "__main__":
    main()
