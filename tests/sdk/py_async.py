"""Downloads on one asyncio event loop with aiohttp: the lesson's
async_io.py, small. Usage: py_async.py BASE_URL [N]. Prints the same traced
or not (no timings)."""
import asyncio
import sys

import aiohttp


async def download_site(session, url):
    async with session.get(url) as response:
        return len(await response.read())


async def download_all_sites(sites):
    async with aiohttp.ClientSession() as session:
        tasks = [asyncio.ensure_future(download_site(session, url)) for url in sites]
        return await asyncio.gather(*tasks, return_exceptions=True)


if __name__ == "__main__":
    base, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 160
    sites = [base + "/a", base + "/b"] * (n // 2)
    sizes = asyncio.run(download_all_sites(sites))
    print("Downloaded %d sites, %d bytes" % (len(sizes), sum(s for s in sizes if isinstance(s, int))))
