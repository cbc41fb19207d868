"""A program that exits in the middle of its tasks (os._exit while pool
work items and an asyncio task still run): concviz ends them as cancelled.
Usage: py_exit.py."""
import asyncio
import concurrent.futures
import os
import threading
import time

started = threading.Barrier(3)


def slow(x):
    started.wait()
    time.sleep(10)
    return x


async def main():
    async def stuck():
        await asyncio.sleep(10)
    asyncio.ensure_future(stuck())
    await asyncio.sleep(0.05)
    print("exiting mid-task", flush=True)
    os._exit(3)


if __name__ == "__main__":
    executor = concurrent.futures.ThreadPoolExecutor(2)
    executor.submit(slow, 1)
    executor.submit(slow, 2)
    started.wait()
    asyncio.run(main())
