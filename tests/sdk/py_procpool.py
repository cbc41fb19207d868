"""CPU-bound sums on a ProcessPoolExecutor: submit and map.
Usage: py_procpool.py START_METHOD [N]."""
import concurrent.futures
import multiprocessing
import sys


def cpu_bound(number):
    return sum(i * i for i in range(number))


if __name__ == "__main__":
    method = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    ctx = multiprocessing.get_context(method)
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=ctx) as executor:
        futures = [executor.submit(cpu_bound, 10000 + i) for i in range(n)]
        total = sum(f.result() for f in futures)
        total += sum(executor.map(cpu_bound, range(1000, 1000 + n), chunksize=3))
    print("procpool %s: %d" % (method, total))
