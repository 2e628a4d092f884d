"""Which xdist worker runs what (`--dist loadgroup`, this plugin named in pyproject's addopts):
each test file is one unit, as with `--dist loadfile`, except that the end-to-end files whose
`browser` is launched alike (the same `pytest.mark.browser` options, either language) are one
unit, so one worker runs them in turn and renews its browser between them rather than
launching another (e2e/conftest.py's `browser` fixture)."""

import gc
import hashlib
import warnings
from pathlib import Path

import pytest

# The browsers this process keeps between end-to-end modules (e2e/conftest.py's
# `kept_browsers`): {options key: (its ExitStack, Browser)}, the most recently used last.
KEPT: dict = {}
E2E = Path(__file__).parent


def close_kept(keep: int = 0) -> None:
    """Close the least recently used kept browsers until `keep` are left."""
    while len(KEPT) > keep:
        KEPT.pop(next(iter(KEPT)))[0].close()
    # The closed browsers' pipes (Playwright's driver, the agents') are collected here, not
    # in the next test, whose unraisable-exception check would take them for its own.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def pytest_runtest_setup(item):
    """A test outside e2e/ gets a process without kept browsers: while one is open, Playwright's
    sync API holds an asyncio loop running in this thread, and the test's own asyncio (a
    pytest-asyncio fixture, asyncio.run) would find it and fail."""
    if KEPT and E2E not in Path(item.path).parents:
        close_kept()


def frozen(value):
    """`value` hashable: lists, tuples and dicts as tuples, in their order."""
    if isinstance(value, dict):
        return tuple((k, frozen(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return tuple(map(frozen, value))
    return value


def browser_options(item) -> dict:
    """The options of `item`'s module `browser`, without its language."""
    marker = item.get_closest_marker("browser")
    options = dict(marker.kwargs) if marker else {}
    options.pop("lang", None)
    return options


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items):
    groups = {}  # a module's group: its browser's, if any of its tests takes one
    for item in items:
        module = item.nodeid.split("::")[0]
        if "browser" in getattr(item, "fixturenames", ()):
            options = repr(sorted((k, named(frozen(v))) for k, v in browser_options(item).items()))
            groups[module] = "browser-" + hashlib.sha1(options.encode()).hexdigest()[:8]
    for item in items:
        module = item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(groups.get(module, module)))


def named(value):
    """`value` in words every worker writes alike (a function by its name, not its address)."""
    if isinstance(value, tuple):
        return tuple(map(named, value))
    return f"{value.__module__}.{value.__qualname__}" if callable(value) else value
