"""What a start need not pay for: modules that an agent at rest need not hold, loaded on first
use; collection passes over the objects of the start's imports.

The agent starts when a browser does and then mostly waits: numpy and Pillow (picture
comparison, ~11 MB and ~100 ms) and the licence reader's compiled phrase lists (~200 ms) are
paid for by the first request that needs them, not by every start (bench/agent.py).

Not importlib's LazyLoader: on Python 3.11 a second thread reading the module while the first
one loads it sees it half-made (an AttributeError in the agent's thread pool). Here every
read goes through `importlib.import_module`, whose module lock makes that thread wait.

A start's imports make tens of thousands of objects (classes, functions, module dicts) that
live as long as the process. The native host's and the agent's entry points turn the
garbage collector off before them and `started()` on after, with them frozen: no collection
pass walks them while they are made, nor after (-33M instructions, 4 % of the start a
browser's first answer waits on: bench/NOTES.md).
"""

import atexit
import gc
import importlib
from types import ModuleType


class _OnFirstUse(ModuleType):
    """Stands in for the module `__name__`: each attribute read is the real module's, which
    the first read imports."""

    def __getattr__(self, name: str):
        return getattr(importlib.import_module(self.__name__), name)


def lazy_module(name: str) -> ModuleType:
    """A stand-in for the module `name` (to bind in its package), imported on first use."""
    return _OnFirstUse(name)


def started() -> None:
    """The start's imports done: the garbage collector, turned off by the entry point
    (`gc.disable()` before its imports), runs again, never over what the start made (those
    live until the process ends). Unfrozen at exit: the teardown's collections finalize them
    as always (a module's garbage that only they free still has its `__del__` run)."""
    gc.freeze()
    gc.enable()
    atexit.register(gc.unfreeze)
