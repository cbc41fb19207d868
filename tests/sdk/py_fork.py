"""A program that forks after the tracer started (and wrote events): the
child's tasks go to shards of its own. The parent forks while it has one
thread (Python 3.12 warns otherwise). Usage: py_fork.py."""
import asyncio
import concurrent.futures
import os


def work(x):
    return x * 2


async def parent_task():
    await asyncio.sleep(0.01)
    return 1


async def child_task():
    await asyncio.sleep(0.01)
    return 3


if __name__ == "__main__":
    before = asyncio.run(parent_task())
    pid = os.fork()
    if pid == 0:
        with concurrent.futures.ThreadPoolExecutor(1) as executor:
            got = executor.submit(work, 2).result()
        got += asyncio.run(child_task())
        print("child:", got, flush=True)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    with concurrent.futures.ThreadPoolExecutor(1) as executor:
        after = executor.submit(work, 3).result()
    print("parent:", before, after, os.waitstatus_to_exitcode(status))
