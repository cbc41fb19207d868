#!/usr/bin/env python3
"""20 sums of squares on a pool of 5 threads: the GIL at work.

The lesson's CPU-bound job on threads, written to run under concviz:

    concviz trace -- python3 examples/threads_cpu.py

CPython lets one thread run Python code at a time: the others wait for
the global interpreter lock (a futex, drawn as lock wait) and take turns
every switch interval (5 ms). Five threads take as long as one.
"""
import time
from concurrent.futures import ThreadPoolExecutor

N = 1_500_000


def sum_of_squares(n):
    return sum(i * i for i in range(n))


def main():
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=5) as pool:
        sums = list(pool.map(sum_of_squares, [N + i for i in range(20)]))
    took = time.perf_counter() - start
    print(f"{len(sums)} sums of squares in {took:.2f} s")


if __name__ == "__main__":
    main()
