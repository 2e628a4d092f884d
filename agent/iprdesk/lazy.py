"""Modules that an agent at rest need not hold, loaded on first use.

The agent starts when a browser does and then mostly waits: numpy and Pillow (picture
comparison, ~11 MB and ~100 ms) and the licence reader's compiled phrase lists (~200 ms) are
paid for by the first request that needs them, not by every start (bench/agent.py).

Not importlib's LazyLoader: on Python 3.11 a second thread reading the module while the first
one loads it sees it half-made (an AttributeError in the agent's thread pool). Here every
read goes through `importlib.import_module`, whose module lock makes that thread wait."""

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
