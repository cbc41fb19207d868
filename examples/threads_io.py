#!/usr/bin/env python3
"""160 downloads on a pool of 5 threads, one requests.Session per thread.

The lesson's threaded downloader, written to run under concviz:

    concviz trace -- python3 examples/threads_io.py

It downloads from concviz's embedded origin, whose base URL `concviz trace`
exports as CONCVIZ_ORIGIN (http://127.0.0.1:PORT): /a and /b answer after
the origin's latency (100 ms) with 10 KiB. Each worker thread spends its
time waiting on its socket (I/O), so five of them overlap their waits.
"""
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

ORIGIN = os.environ.get("CONCVIZ_ORIGIN")
if not ORIGIN:
    sys.exit("threads_io.py: CONCVIZ_ORIGIN is not set; run it as "
             "`concviz trace -- python3 examples/threads_io.py`")
URLS = [f"{ORIGIN}/{'ab'[i % 2]}?n={i}" for i in range(160)]
local = threading.local()


def session():
    """This thread's session: its connection is kept and reused."""
    if not hasattr(local, "session"):
        local.session = requests.Session()
    return local.session


def download(url):
    with session().get(url, timeout=10) as response:
        return len(response.content)


def main():
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=5) as pool:
        sizes = list(pool.map(download, URLS))
    took = time.perf_counter() - start
    print(f"downloaded {len(sizes)} sites ({sum(sizes)} bytes) in {took:.2f} s")


if __name__ == "__main__":
    main()
