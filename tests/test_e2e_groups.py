"""e2e/groups.py: browsers kept between end-to-end modules are closed before any other test,
whose own asyncio would otherwise find Playwright's loop running in the thread."""

from contextlib import ExitStack
from types import SimpleNamespace

import pytest

from e2e import groups
from tests.conftest import REPO


@pytest.fixture
def kept(monkeypatch):
    closed = []
    stack = ExitStack()
    stack.callback(closed.append, "browser")
    monkeypatch.setattr(groups, "KEPT", {("lang", "en"): (stack, object())})
    return closed


def test_a_test_outside_e2e_closes_the_kept_browsers(kept):
    groups.pytest_runtest_setup(SimpleNamespace(path=REPO / "tests" / "test_languages.py"))
    assert kept == ["browser"] and groups.KEPT == {}


def test_an_end_to_end_test_keeps_them(kept):
    groups.pytest_runtest_setup(SimpleNamespace(path=REPO / "e2e" / "test_teach.py"))
    assert kept == [] and len(groups.KEPT) == 1
