"""Tasks on one asyncio event loop that wait with asyncio.sleep: the
asyncio lesson without a network library, for interpreters that have
none. Usage: py_sleep.py N LATENCY_MS."""
import asyncio
import sys


async def download_site(i, latency):
    await asyncio.sleep(latency)
    await asyncio.sleep(0)
    return i


async def download_all_sites(n, latency):
    tasks = [asyncio.ensure_future(download_site(i, latency)) for i in range(n)]
    return await asyncio.gather(*tasks)


if __name__ == "__main__":
    n, latency = int(sys.argv[1]), float(sys.argv[2]) / 1000
    print("slept %d tasks, sum %d" % (n, sum(asyncio.run(download_all_sites(n, latency)))))
