"""Tasks that raise, in every kind of task concviz traces; ends with an
uncaught exception from a Pool worker, so its traceback (and the remote
one) is compared with an untraced run's. Usage: py_fail.py START_METHOD."""
import asyncio
import concurrent.futures
import multiprocessing
import sys


def bad_item(x):
    raise KeyError(x)


def bad_call(x):
    return 1 // x


async def bad_task():
    await asyncio.sleep(0.01)
    raise ValueError("bad task")


async def sleeper():
    await asyncio.sleep(10)


async def good_task():
    await asyncio.sleep(0.01)
    return 1


async def main():
    results = await asyncio.gather(bad_task(), good_task(), return_exceptions=True)
    print("asyncio:", [type(r).__name__ for r in results])
    cancelled = asyncio.ensure_future(sleeper())
    await asyncio.sleep(0.01)
    cancelled.cancel()
    try:
        await cancelled
    except asyncio.CancelledError:
        print("asyncio: cancelled")


if __name__ == "__main__":
    asyncio.run(main())
    with concurrent.futures.ThreadPoolExecutor(2) as executor:
        f = executor.submit(bad_item, "k")
        print("threads:", type(f.exception()).__name__)
    ctx = multiprocessing.get_context(sys.argv[1])
    with ctx.Pool(2) as pool:
        try:
            pool.apply_async(bad_call, (0,)).get()
        except ZeroDivisionError as e:
            print("pool:", type(e).__name__)
        sys.stdout.flush()
        pool.map(bad_call, [1, 0, 2])
