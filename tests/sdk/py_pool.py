"""CPU-bound sums on a multiprocessing.Pool: the lesson's cpu_mp.py,
small, through every way of handing work to the pool.
Usage: py_pool.py START_METHOD [N] [SIZE]   (fork, spawn or forkserver;
call i of map sums the squares below SIZE + i)."""
import multiprocessing
import sys


def cpu_bound(number):
    return sum(i * i for i in range(number))


def pair(a, b):
    return a + b


def meet(barrier):
    """Each worker waits for the other before taking work, so that both
    run tasks however slowly the second one starts."""
    barrier.wait()


if __name__ == "__main__":
    method = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
    numbers = [size + x for x in range(n)]
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(2, initializer=meet, initargs=(ctx.Barrier(2),)) as pool:
        total = sum(pool.map(cpu_bound, numbers, chunksize=1))
        total += sum(pool.imap(cpu_bound, numbers[:4]))
        total += sum(pool.imap_unordered(cpu_bound, numbers[:4], chunksize=2))
        total += sum(pool.starmap(pair, [(1, 2), (3, 4)]))
        total += pool.apply_async(cpu_bound, (10,)).get()
        total += pool.apply(cpu_bound, (11,))
    print("pool %s: %d" % (method, total))
