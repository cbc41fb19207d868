"""The writer: one shard file per thread, records as concviz.h writes them.

The layout is concviz.h's ("Wire format"): a 256-byte header, then 4096
records of 128 bytes. A thread's first event creates "<pid>.<tid>" in the
CONCVIZ_SDK directory (O_EXCL decides; ".<k>" is appended when the name is
taken) and maps it shared. Writing a record is one struct.pack_into of the
record, then one store of the head index after it: a thread is the only
writer of its shard, so no atomic read-modify-write is needed (Python has
none); x86 keeps the two stores in order and concviz checks every record
anyway. The words concviz reads while we write them (the magic, the head,
the dropped count) and the tail it writes are stored and loaded through a
memoryview of 64-bit items, one aligned 8-byte access each: struct.pack_into
zeroes its field and then writes it byte by byte, so concviz could read a
head of 0 (behind its tail: the shard refused) or half a magic.

A full shard counts a dropped event instead of waiting. A call made while
another is writing on the same thread (a Python signal handler that runs
between the two stores) counts a drop instead of interleaving.

After os.fork() the child forgets the parent's shards (its threads make new
ones). A thread's shard is thread-local: when the thread ends it is retired,
and unmapped when the next thread makes its shard.
Task ids: pid << 32 | 2^31 | a per-process count, so they never collide
with concviz.h's (tid << 32 | count below 2^31).
"""
import itertools
import mmap
import os
import struct
from _thread import _local, get_native_id
from time import monotonic_ns

MAGIC = 0x00004B44535A5643      # "CVZSDK\0\0"
VERSION = 1
HEADER = 256
RECORD = 128
NAME = 104
COUNT = 4096
MASK = COUNT - 1
SIZE = HEADER + COUNT * RECORD
OFF_HEAD = 64
OFF_DROPPED = 72
OFF_TAIL = 128
Q_MAGIC, Q_HEAD, Q_DROPPED, Q_TAIL = 0, OFF_HEAD // 8, OFF_DROPPED // 8, OFF_TAIL // 8
CLOCK = 1                       # CLOCK_MONOTONIC, which time.monotonic_ns reads
PRODUCER = 2                    # Python

# record kinds (concviz.h, enum cvz_kind)
BEGIN, END, FAIL, CANCEL, STATE, MARK = 1, 2, 3, 4, 5, 6
SPAWN, RUN, WAIT, LOOP_POLL, LOOP_RUN, LOOP_STOP = 7, 8, 9, 10, 11, 12

_REC = struct.Struct("<QQIBBBB104s")
_HDR = struct.Struct("<IIIIIIIIQ")  # version .. producer, created (offset 8)
assert _REC.size == RECORD

_dir = None
_pid = 0
_ids = itertools.count(1)
_local_state = _local()
_retired = []                   # mappings of threads that ended, to unmap later


class Shard:
    """One thread's shard: the mapping and the producer's indices."""

    __slots__ = ("mm", "words", "head", "tail", "busy")

    def __init__(self, pid, tid):
        flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW
        fd = -1
        for k in range(16):
            name = "%d.%d" % (pid, tid) if not k else "%d.%d.%d" % (pid, tid, k)
            path = os.path.join(_dir, name)
            try:
                fd = os.open(path, flags, 0o600)
                break
            except FileExistsError:
                continue
        if fd < 0:
            raise OSError("no free shard name")
        try:
            os.ftruncate(fd, SIZE)
            self.mm = mmap.mmap(fd, SIZE)
        except BaseException:
            os.unlink(path)
            raise
        finally:
            os.close(fd)
        self.words = memoryview(self.mm).cast("Q")   # the 8-byte words, one store each
        _HDR.pack_into(self.mm, 8, VERSION, HEADER, RECORD, COUNT, pid, tid, CLOCK,
                       PRODUCER, monotonic_ns())
        self.words[Q_MAGIC] = MAGIC          # last: the shard is complete
        self.head = self.tail = 0
        self.busy = False

    def __del__(self):
        # The thread ended. Unmapping its shard here would keep the thread
        # alive a little longer after join() returned (Python 3.12 warns
        # about a fork() in that moment); the next thread to start unmaps it.
        try:
            self.words.release()            # mm cannot close while it is exported
            _retired.append(self.mm)
        except Exception:       # never made, or the interpreter is ending
            pass

    def drop(self):
        """Count one event that could not be written."""
        self.words[Q_DROPPED] += 1           # this thread is its only writer


def setup(directory):
    """Write into shards in `directory` from now on."""
    global _dir, _pid
    _dir = directory
    _pid = os.getpid()
    os.register_at_fork(after_in_child=_after_fork)


def _after_fork():
    """In a fork's child: the shards are the parent's threads'."""
    global _pid
    _pid = os.getpid()
    sh = getattr(_local_state, "sh", None)
    try:
        del _local_state.sh
    except AttributeError:
        pass
    del sh                      # retired: unmapped with the others
    _unmap_retired()


def _unmap_retired():
    """Unmap the shards of threads that ended."""
    while _retired:
        try:
            _retired.pop().close()
        except Exception:
            pass


def _attach():
    """Make the calling thread's shard; None when it cannot (then never)."""
    try:
        _unmap_retired()
        sh = Shard(_pid, get_native_id())
    except Exception:
        sh = None
    try:
        _local_state.sh = sh
    except Exception:           # the interpreter is ending
        pass
    return sh


def put(kind, task=0, state=0, name=b"", _pack=_REC.pack_into, _now=monotonic_ns):
    """Write one record (name: UTF-8 bytes from enc()), or count a drop."""
    try:
        sh = _local_state.sh
    except AttributeError:
        sh = _attach()
    if sh is None:
        return
    if sh.busy:
        sh.drop()
        return
    sh.busy = True
    try:
        h = sh.head
        if h - sh.tail >= COUNT:
            t = sh.words[Q_TAIL]            # concviz's pwrite may be caught mid-way:
            if t == sh.words[Q_TAIL] and sh.tail <= t <= h:     # take it when it holds
                sh.tail = t
            if h - sh.tail >= COUNT:
                sh.drop()
                return
        _pack(sh.mm, HEADER + (h & MASK) * RECORD, _now(), task, h & 0xFFFFFFFF, kind, state,
              len(name), 0, name)
        h += 1
        sh.words[Q_HEAD] = h
        sh.head = h
    except Exception:
        pass
    finally:
        sh.busy = False


def new_id():
    """Return a new task id, unique in the traced program."""
    return _pid << 32 | 0x80000000 | (next(_ids) & 0x7FFFFFFF)


def enc(text):
    """Return text as a record name: UTF-8, no NUL, cut to NAME bytes at a
    character boundary and ended with an ellipsis when longer."""
    b = str(text).encode("utf-8", "replace")
    if b"\0" in b:
        b = b.replace(b"\0", b"?")
    if len(b) > NAME:
        b = b[:NAME - 3].decode("utf-8", "ignore").encode("utf-8") + "\u2026".encode("utf-8")
    return b
