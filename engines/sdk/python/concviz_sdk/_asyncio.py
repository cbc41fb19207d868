"""asyncio: every Task as a task with a lane of its own, and each event
loop's poll vs callbacks.

- BaseEventLoop.create_task (asyncio.create_task, ensure_future, gather,
  TaskGroup and asyncio.run's main task all come through it): the task is
  spawned, queued, on a lane named "<task name> <coroutine name>"
  ("Task-7 download_site").
- Handle._run: a callback whose __self__ is a known Task (the C Task's step
  and wakeup wrappers expose it) is a step of that task: it runs, and
  afterwards it is suspended (waiting), done, failed (with the exception's
  type name, read from _exception without marking it retrieved) or
  cancelled.
- BaseSelectorEventLoop.__init__: the loop's selector polls through a
  wrapper: loop-poll before select(), loop-run after it.
- BaseEventLoop.run_forever: loop-stop when it returns.

Tasks are found by id() in a table of weak references (never kept alive by
concviz); a task collected while pending is reported cancelled. A task's
first step run eagerly (3.12's eager task factory) is not seen: the task
shows queued until its next step. Loops that are not asyncio's (uvloop) are
not traced.
"""
import functools
import weakref

from . import _shard as W
from ._call import around, ended, library, strip

_tasks = {}         # id(task) -> (weak reference, task id)


def _forget(key, task):
    """A task was collected: report it cancelled when it never ended.
    (A weak reference's callback: it may run at any time, even while the
    interpreter ends; it must never raise.)"""
    try:
        ent = _tasks.pop(key, None)
        if ent is not None and ent[1] == task:
            W.put(W.CANCEL, task)
    except Exception:
        pass


def _spawned(task):
    """Report a new Task: its own lane, queued."""
    try:
        coro = task.get_coro()
        if library(getattr(coro, "cr_code", None)):
            return              # aiohttp's _resolve_host, asyncio.run's shutdown tasks
        tid = W.new_id()
        key = id(task)
        _tasks[key] = (weakref.ref(task, lambda _r, k=key, t=tid: _forget(k, t)), tid)
        name = getattr(coro, "__name__", None) or type(coro).__name__
        W.put(W.SPAWN, tid, 0, W.enc("%s %s" % (task.get_name(), name)))
    except Exception:
        pass


def _step_of(handle):
    """Before a callback: when it steps a known task, report it running and
    return (task, id); else None."""
    task = getattr(handle._callback, "__self__", None)
    ent = _tasks.get(id(task)) if task is not None else None
    if ent is None or ent[0]() is not task:
        return None
    W.put(W.RUN, ent[1])
    return task, ent[1]


def _stepped(handle, step):
    """After a step: suspended, or ended as done / failed / cancelled."""
    task, tid = step
    if task._state == "PENDING":
        W.put(W.WAIT, tid)
        return
    _tasks.pop(id(task), None)
    ended(task, tid)


def patch_base_events(mod):
    """Wrap BaseEventLoop.create_task and run_forever."""
    loop = mod.BaseEventLoop
    orig_create = loop.create_task
    orig_forever = loop.run_forever

    @functools.wraps(orig_create)
    def create_task(self, *args, **kwargs):
        try:
            task = orig_create(self, *args, **kwargs)
        except BaseException as e:
            strip(e)
            raise
        _spawned(task)
        return task

    @functools.wraps(orig_forever)
    def run_forever(self, *args, **kwargs):
        try:
            return orig_forever(self, *args, **kwargs)
        except BaseException as e:
            strip(e)
            raise
        finally:
            W.put(W.LOOP_STOP)

    loop.create_task = create_task
    loop.run_forever = run_forever


def patch_events(mod):
    """Wrap Handle._run: the steps of known tasks."""
    mod.Handle._run = around(mod.Handle._run, _step_of, _stepped)


class _LoopSelect:
    """select() of an event loop's selector: loop-poll, then loop-run. A
    select that cannot block (timeout 0: callbacks are ready) is part of
    running callbacks, and reports nothing."""

    __slots__ = ("ref",)

    def __init__(self, selector):
        self.ref = weakref.ref(selector)

    def __call__(self, timeout=None):
        sel = self.ref()
        if timeout is not None and timeout <= 0:
            return type(sel).select(sel, timeout)
        W.put(W.LOOP_POLL)
        try:
            return type(sel).select(sel, timeout)
        except BaseException as e:
            strip(e)
            raise
        finally:
            W.put(W.LOOP_RUN)


def patch_selector_events(mod):
    """Wrap BaseSelectorEventLoop.__init__: its selector polls through _LoopSelect."""
    cls = mod.BaseSelectorEventLoop
    orig_init = cls.__init__

    @functools.wraps(orig_init)
    def __init__(self, *args, **kwargs):
        try:
            orig_init(self, *args, **kwargs)
        except BaseException as e:
            strip(e)
            raise
        try:
            sel = self._selector
            if "select" not in vars(sel):
                sel.select = _LoopSelect(sel)
        except Exception:
            pass

    cls.__init__ = __init__

