"""concviz: start the task tracer in a traced Python program, then run the
sitecustomize this one shadows.

`concviz trace` puts this directory first on PYTHONPATH when the traced
command is a Python interpreter (`--no-python` leaves it out). Python runs
this file at start-up; when CONCVIZ_SDK names the transport directory it
starts concviz_sdk (README, "Instrument your program"), silently: it never
prints and never raises into the program. Either way it then finds the
sitecustomize module that would have run without this directory (Debian
ships one) and runs it as `sitecustomize`, so the program starts exactly as
it would untraced.
"""


def _concviz_start():
    import os
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    if os.environ.get("CONCVIZ_SDK"):
        try:
            import concviz_sdk
            concviz_sdk.install()
        except Exception:
            pass
    from importlib.machinery import PathFinder
    path = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = PathFinder.find_spec("sitecustomize", path)
    if spec is not None and spec.loader is not None:
        from importlib._bootstrap import module_from_spec   # importlib.util costs 6 ms
        module = module_from_spec(spec)
        sys.modules["sitecustomize"] = module   # the import returns this one
        spec.loader.exec_module(module)


_concviz_start()
del _concviz_start
