"""Tasks around a call: the picklable wrapper for work sent to other
processes, the function names tasks are named by, and keeping concviz's own
frames out of the program's tracebacks.
"""
import functools
import os
import sys

from . import _shard as W

# Work defined in the standard library or in installed packages (aiohttp's
# _resolve_host, asyncio's own shutdown tasks, run_in_executor's
# getaddrinfo) is not the program's: its tasks are not shown, unless
# CONCVIZ_PY_ALL_TASKS=1.
_ALL = os.environ.get("CONCVIZ_PY_ALL_TASKS") == "1"
_STDLIB = os.path.dirname(os.__file__) + os.sep
_library = {}           # code object -> True when it is library code


def library(code):
    """True when code (a code object, or None) belongs to a library."""
    if code is None or _ALL:
        return False
    lib = _library.get(code)
    if lib is None:
        f = code.co_filename
        lib = f.startswith(_STDLIB) or "/site-packages/" in f or "/dist-packages/" in f
        if len(_library) < 4096:
            _library[code] = lib
    return lib


def code_of(fn):
    """Return the code object fn runs (through partials), or None."""
    while isinstance(fn, functools.partial):
        fn = fn.func
    return getattr(fn, "__code__", None)


def fname(fn):
    """Return the name a task running fn is shown under."""
    while isinstance(fn, functools.partial):
        fn = fn.func
    name = getattr(fn, "__name__", None)
    return name if isinstance(name, str) else type(fn).__name__


def strip(exc):
    """Take the calling wrapper's frame off exc's traceback, so that what the
    program prints is what it prints untraced. Call it in an except block,
    then re-raise with a bare `raise` (on Python 3.11 and later that keeps
    the traceback as set; 3.9 and 3.10 re-raise the saved one: one extra
    line there)."""
    tb = exc.__traceback__
    if tb is not None and tb.tb_frame is sys._getframe(1):
        exc.__traceback__ = tb.tb_next


class Call:
    """A callable sent to a worker process (Pool, ProcessPoolExecutor) in
    place of fn: each call is a task on the worker's lane, named by fn.
    Pickles as (Call, (fn, name)), so it goes wherever fn could go; results
    and exceptions pass through unchanged."""

    __slots__ = ("fn", "name")

    def __init__(self, fn, name=None):
        self.fn = fn
        if name is None and not library(code_of(fn)):
            name = W.enc(fname(fn))
        self.name = name        # the record name (bytes); None: library work

    def __reduce__(self):
        return (Call, (self.fn, self.name))

    def __call__(self, *args, **kwargs):
        if self.name is None:
            return self.fn(*args, **kwargs)     # library work: not a task
        task = W.new_id()
        W.put(W.BEGIN, task, 0, self.name)
        try:
            result = self.fn(*args, **kwargs)
        except BaseException as e:
            W.put(W.FAIL, task, 0, W.enc(type(e).__name__))
            strip(e)
            raise
        W.put(W.END, task)
        return result


def unlink(tb):
    """Take Call's frames out of the traceback chain tb (3.9 and 3.10 keep
    them where strip() cannot); returns tb."""
    own = Call.__call__.__code__
    prev, cur = None, tb
    while cur is not None:
        if cur.tb_frame.f_code is own and prev is not None:
            prev.tb_next = cur.tb_next
        else:
            prev = cur
        cur = cur.tb_next
    return tb


def unlink_init(cls):
    """Make cls(exc, tb) (the workers' exception-with-traceback, which
    formats tb into the text the parent prints) see tb without Call."""
    orig = cls.__init__

    @functools.wraps(orig)
    def __init__(self, exc, tb, *args, **kwargs):
        try:
            unlink(tb)
        except Exception:
            pass
        orig(self, exc, tb, *args, **kwargs)

    cls.__init__ = __init__


def around(orig, before, after):
    """Return a method like orig(self) that calls before(self) first: when
    that returns None the call is not a task and just runs; otherwise
    after(self, what before returned) runs once orig returns or raises."""
    @functools.wraps(orig)
    def method(self):
        try:
            state = before(self)
        except Exception:
            state = None        # never keep the program's call from running
        if state is None:
            return orig(self)
        try:
            return orig(self)
        except BaseException as e:
            strip(e)
            raise
        finally:
            try:
                after(self, state)
            except Exception:
                pass
    return method


def ended(fut, task):
    """Report task as its finished future says: done, failed (with the
    exception's type, read from _exception: the future is not marked as
    retrieved) or cancelled."""
    if fut._state == "FINISHED":
        exc = fut._exception
        if exc is None:
            W.put(W.END, task)
        else:
            W.put(W.FAIL, task, 0, W.enc(type(exc).__name__))
    else:
        W.put(W.CANCEL, task)


def wrap_first(orig):
    """Return a method like orig whose first argument (a function) is sent
    as a Call."""
    @functools.wraps(orig)
    def method(self, func, *args, **kwargs):
        try:
            return orig(self, Call(func), *args, **kwargs)
        except BaseException as e:
            strip(e)
            raise
    return method
