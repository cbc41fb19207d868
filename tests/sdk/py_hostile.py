"""A hostile program: it plants garbage in the SDK transport directory
(CONCVIZ_SDK) next to one honest task, and prints how many rejections
concviz must count. Every planted file is made outside the directory and
renamed into it, so concviz never sees it half made; the one exception is
a shard shrunk under concviz's feet. Usage: py_hostile.py.

Planted (one rejection each unless said):
  a file with a name that is no shard's; a symlink; a fifo; a directory
  with a file in it; a 1 GiB sparse file; a shard whose header names
  another thread; a shard of the wrong size; a shard of a newer version;
  a shard whose head is 2^40 records ahead; a shard with eight bad records
  (eight rejections) and one good mark; a shard shrunk to 40 bytes after
  concviz may have started reading it. Not rejected: a shard of a thread
  that does not exist, with a task that never ends (concviz cancels it).
"""
import concurrent.futures
import os
import struct
import sys
import time

MAGIC = 0x00004B44535A5643
HEADER, RECORD, COUNT = 256, 128, 4096
REC = struct.Struct("<QQIBBBB104s")
T0 = time.monotonic_ns()        # the time of the planted records


def header(pid, tid, version=1, count=COUNT):
    h = bytearray(HEADER)
    struct.pack_into("<QIIIIIIIIQ", h, 0, MAGIC, version, HEADER, RECORD, count, pid, tid, 1, 2,
                     T0 - 10**6)        # made a moment before its records
    return h


def record(i, t, kind, task=0, state=0, name=b"", length=None, seq=None, flags=0):
    return REC.pack(t, task, i if seq is None else seq, kind, state,
                    len(name) if length is None else length, flags, name)


def shard(pid, tid, records, head=None, **kw):
    data = header(pid, tid, **kw) + bytearray(COUNT * RECORD)
    for i, r in enumerate(records):
        data[HEADER + i * RECORD:HEADER + (i + 1) * RECORD] = r
    struct.pack_into("<Q", data, 64, len(records) if head is None else head)
    return bytes(data)


class Planter:
    def __init__(self, directory):
        self.dir = directory
        self.tmp = os.path.dirname(directory)
        self.n = 0
        self.rejects = 0

    def temp(self):
        self.n += 1
        return os.path.join(self.tmp, ".cvz-hostile-%d-%d" % (os.getpid(), self.n))

    def move(self, tmp, name, rejects=1):
        os.rename(tmp, os.path.join(self.dir, name))
        self.rejects += rejects

    def file(self, name, data, rejects=1):
        tmp = self.temp()
        with open(tmp, "wb") as f:
            f.write(data)
        self.move(tmp, name, rejects)


def main():
    directory = os.environ["CONCVIZ_SDK"]
    pid = os.getpid()
    p = Planter(directory)
    p.file("garbage.txt", b"not a shard")
    tmp = p.temp()
    os.symlink("/etc/passwd", tmp)
    p.move(tmp, "11.12")
    tmp = p.temp()
    os.mkfifo(tmp)
    p.move(tmp, "13.14")
    tmp = p.temp()
    os.mkdir(tmp)
    with open(os.path.join(tmp, "inside"), "w") as f:
        f.write("x")
    p.move(tmp, "15.16")
    tmp = p.temp()
    with open(tmp, "wb") as f:
        f.truncate(1 << 30)
    p.move(tmp, "17.18")
    p.file("19.20", shard(21, 20, []))                      # header names another pid
    p.file("%d.22" % pid, shard(pid, 22, [])[:HEADER + 100])  # wrong size
    p.file("%d.23" % pid, shard(pid, 23, [], version=9))     # newer version
    p.file("%d.24" % pid, shard(pid, 24, [], head=1 << 40))  # head far ahead
    now = T0
    bad = [
        record(0, now, 6, length=200),                       # absurd length
        record(1, now, 6, name=b"\xff\xfe"),                 # not UTF-8
        record(2, now, 6, name=b"a\0b"),                     # a NUL
        record(3, now, 6, name=b"seq", seq=99),              # wrong sequence
        record(4, now, 99),                                  # unknown kind
        record(5, now, 6, name=b"flags", flags=1),           # flags set
        record(6, now + 3600 * 10**9, 6, name=b"future"),    # an hour ahead
        record(7, 1, 6, name=b"past"),                       # before the shard
        record(8, now, 6, name=b"good mark"),
    ]
    p.file("%d.25" % pid, shard(pid, 25, bad), rejects=8)
    p.file("%d.26" % pid, shard(pid, 26, [record(0, now, 6, name=b"shrunk")]))
    time.sleep(0.05)
    os.truncate(os.path.join(directory, "%d.26" % pid), 40)
    ghost = 4000000000                                        # no such thread
    p.file("%d.%d" % (pid, ghost),
           shard(pid, ghost, [record(0, now, 1, task=ghost << 32 | 1, name=b"ghost task")]),
           rejects=0)
    with concurrent.futures.ThreadPoolExecutor(1) as executor:
        executor.submit(sum, [1, 2]).result()
        executor.submit(honest).result()
    print("planted %d rejects" % p.rejects)
    sys.stdout.flush()


def honest():
    return 3


if __name__ == "__main__":
    main()
