"""A program that forks after the tracer started: the child's tasks go to
shards of its own. Usage: py_fork.py."""
import asyncio
import concurrent.futures
import os


def work(x):
    return x * 2


async def child_task():
    await asyncio.sleep(0.01)
    return 3


if __name__ == "__main__":
    with concurrent.futures.ThreadPoolExecutor(1) as executor:
        before = executor.submit(work, 1).result()
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
