#!/usr/bin/env python3
"""160 downloads on one asyncio event loop with aiohttp and gather.

The lesson's asynchronous downloader, written to run under concviz:

    concviz trace -- python3 examples/async_io.py

It downloads from CONCVIZ_ORIGIN (see threads_io.py). One thread does
everything: it sits in epoll_wait (drawn like the built-in `loop` row's
poll) while all 160 requests are in flight, and runs briefly when data
arrives.
"""
import asyncio
import os
import sys
import time

import aiohttp

ORIGIN = os.environ.get("CONCVIZ_ORIGIN")
if not ORIGIN:
    sys.exit("async_io.py: CONCVIZ_ORIGIN is not set; run it as "
             "`concviz trace -- python3 examples/async_io.py`")
URLS = [f"{ORIGIN}/{'ab'[i % 2]}?n={i}" for i in range(160)]


async def download(session, url):
    async with session.get(url) as response:
        return len(await response.read())


async def main():
    start = time.perf_counter()
    async with aiohttp.ClientSession() as session:
        sizes = await asyncio.gather(*(download(session, u) for u in URLS))
    took = time.perf_counter() - start
    print(f"downloaded {len(sizes)} sites ({sum(sizes)} bytes) in {took:.2f} s")


if __name__ == "__main__":
    asyncio.run(main())
