"""concviz_sdk: report a traced Python program's tasks to concviz.

Started by sitecustomize when CONCVIZ_SDK names concviz's transport
directory (README, "Instrument your program"). Nothing is imported or
patched up front: a hook on the import system patches asyncio,
concurrent.futures and multiprocessing.pool only when the program imports
them (and only then loads the writer, _shard), so a program that uses none
of them pays for this small module alone (about 1 ms at start-up).
Standard library only; Python 3.9 to 3.13. Silent: it never prints, and
never raises into the program (a failure leaves the program untraced).
"""
import os
import sys

# module -> (our module, its function that patches it)
_HOOKS = {}
_ALL_HOOKS = {
    "asyncio.base_events": ("_asyncio", "patch_base_events"),
    "asyncio.events": ("_asyncio", "patch_events"),
    "asyncio.selector_events": ("_asyncio", "patch_selector_events"),
    "concurrent.futures.thread": ("_futures", "patch_thread"),
    "concurrent.futures.process": ("_futures", "patch_process"),
    "multiprocessing.pool": ("_futures", "patch_pool"),
}
_installed = False
_directory = None


def _patch(name, module):
    """Apply the hook for module `name` once (importing our side of it
    only now); never raise."""
    hook = _HOOKS.pop(name, None)
    if hook is not None:
        try:
            from . import _shard
            if _shard._dir is None:
                _shard.setup(_directory)
            ours = __import__(__name__ + "." + hook[0], fromlist=[hook[1]])
            getattr(ours, hook[1])(module)
        except Exception:
            pass


class _Loader:
    """Runs the real loader, then the hook, then puts the real loader back
    on the module (so it looks as if imported without us)."""

    def __init__(self, loader, name):
        self._loader = loader
        self._name = name

    def __getattr__(self, attr):
        return getattr(self._loader, attr)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        try:
            module.__loader__ = self._loader
            module.__spec__.loader = self._loader
        except Exception:
            pass
        _patch(self._name, module)


class _Finder:
    """A meta path finder that only wraps the loader of hooked modules."""

    def find_spec(self, name, path=None, target=None):
        if name not in _HOOKS:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _Loader(spec.loader, name)
        return spec

    def invalidate_caches(self):
        pass


def install():
    """Start tracing when CONCVIZ_SDK names a directory; True when started."""
    global _installed, _directory
    directory = os.environ.get("CONCVIZ_SDK", "")
    if (_installed or not os.path.isabs(directory) or not os.path.isdir(directory)
            or sys.byteorder != "little"):     # the wire format's words, stored natively
        return False
    _directory = directory
    _HOOKS.update(_ALL_HOOKS)
    sys.meta_path.insert(0, _Finder())
    for name in list(_HOOKS):
        if name in sys.modules:
            _patch(name, sys.modules[name])
    _installed = True
    return True
