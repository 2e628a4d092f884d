"""Modules that an agent at rest need not hold, loaded on first use.

The agent starts when a browser does and then mostly waits: numpy and Pillow (picture
comparison, ~11 MB and ~100 ms) and the licence reader's compiled phrase lists (~200 ms) are
paid for by the first request that needs them, not by every start (bench/agent.py)."""

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module `name`, executed when one of its attributes is first read."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
