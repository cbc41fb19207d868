"""concurrent.futures and multiprocessing.pool: every work item as a task.

- ThreadPoolExecutor: _WorkItem.run runs each item on its worker thread;
  around it, a task named by the function, done / failed (the exception's
  type) / cancelled as its future says.
- ProcessPoolExecutor: submit() and map() send the function as a Call
  (_call.py), so each call is a task on the worker process's lane (map's
  chunks are not tasks themselves: their items are).
- multiprocessing.Pool (and ThreadPool): apply_async, _map_async (map,
  map_async, starmap, starmap_async), imap and imap_unordered send the
  function as a Call: each call of it is a task on its worker's lane. Pool
  workers get the Call by pickling, so this works with the fork, spawn and
  forkserver start methods alike (a spawned worker starts this module
  through sitecustomize).
"""
import functools

from . import _shard as W
from ._call import Call, around, code_of, ended, fname, library, strip, unlink_init, wrap_first


def _item_begins(item):
    """Before a work item: unless cancelled or library work, a task begins."""
    fn = getattr(item, "fn", None)
    if item.future.cancelled() or library(code_of(fn)):
        return None
    task = W.new_id()
    W.put(W.BEGIN, task, 0, W.enc(fname(fn)))
    return task


def patch_thread(mod):
    """Wrap _WorkItem.run."""
    mod._WorkItem.run = around(mod._WorkItem.run, _item_begins,
                               lambda item, task: ended(item.future, task))


def patch_process(mod):
    """Wrap ProcessPoolExecutor.submit and map."""
    cls = mod.ProcessPoolExecutor
    orig_submit = cls.submit
    chunk = getattr(mod, "_process_chunk", None)

    @functools.wraps(orig_submit)
    def submit(self, fn, /, *args, **kwargs):
        if not (isinstance(fn, functools.partial) and fn.func is chunk):
            fn = Call(fn)       # map's chunks carry their Call inside
        try:
            return orig_submit(self, fn, *args, **kwargs)
        except BaseException as e:
            strip(e)
            raise

    cls.submit = submit
    cls.map = wrap_first(cls.map)
    if hasattr(mod, "_ExceptionWithTraceback"):
        unlink_init(mod._ExceptionWithTraceback)


def patch_pool(mod):
    """Wrap the Pool methods every mapping and apply goes through."""
    cls = mod.Pool
    for name in ("apply_async", "_map_async", "imap", "imap_unordered"):
        orig = getattr(cls, name, None)
        if orig is not None:
            setattr(cls, name, wrap_first(orig))
    if hasattr(mod, "ExceptionWithTraceback"):
        unlink_init(mod.ExceptionWithTraceback)

