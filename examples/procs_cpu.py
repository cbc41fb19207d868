#!/usr/bin/env python3
"""20 sums of squares on a multiprocessing.Pool: one worker per core.

The lesson's CPU-bound job on processes, written to run under concviz:

    concviz trace -- python3 examples/procs_cpu.py

Each worker is a process with its own interpreter (and its own GIL), so
the workers compute at the same time, one per core: their lanes run
side by side.
"""
import multiprocessing
import time

N = 5_000_000


def sum_of_squares(n):
    return sum(i * i for i in range(n))


def main():
    start = time.perf_counter()
    with multiprocessing.Pool() as pool:
        sums = pool.map(sum_of_squares, [N + i for i in range(20)])
    took = time.perf_counter() - start
    print(f"{len(sums)} sums of squares in {took:.2f} s")


if __name__ == "__main__":
    main()
