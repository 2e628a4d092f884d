"""Penalty banners on the account page: explained on the page, and recorded in the agent's
penalty history with their dates, once per banner however often the page is seen."""

import json
import time

import pytest

from e2e.conftest import chips, open_card
from tests.helpers import iprdesk

pytestmark = pytest.mark.browser(pages={r"/account/penalty/?": "account-penalty.html",
                                        r"/account/penalty/zh/?": "account-penalty-zh.html"})


def history(browser, count, bound=30.0):
    """The agent's penalty history once `count(history)` holds: the page sends its banners
    without waiting, so this waits for the condition (bounded for a loaded machine; it
    returns as soon as the condition holds)."""
    end = time.monotonic() + bound
    while True:
        answer = json.loads(iprdesk("penalties", "--json", home=browser.home).stdout)
        if count(answer) or time.monotonic() > end:
            return answer


def test_penalty_banners_are_explained_and_recorded_once(browser):
    page = browser.open_panel("/account/penalty")
    banners = chips(page, "banner:")
    assert "penalty" in banners
    card = open_card(banners["penalty"][2])
    assert "ladder" in card.inner_text() and "never sell the same images again" in card.inner_text()
    page.close()

    seen = history(browser, lambda h: len(h["sightings"]) >= 1)
    assert [(s["penalty"], s["days"], s["stated_date"]) for s in seen["sightings"]] == [
        ("block", 3, "2026-12-02")]
    assert seen["step"] == 2 and seen["next"]["days"] == 7

    # The same banner on another visit is the same sighting, seen twice. The visit lasts
    # until the banner is explained, which is when the page has reported it (on a loaded
    # machine a page closed at once may never get that far).
    page = browser.open_panel("/account/penalty")
    chips(page, "banner:")
    page.close()
    seen = history(browser, lambda h: h["sightings"][0]["times_seen"] == 2)
    assert len(seen["sightings"]) == 1 and seen["sightings"][0]["times_seen"] == 2


def test_a_chinese_block_banner_moves_the_store_up_the_ladder(browser):
    page = browser.open_panel("/account/penalty/zh")
    assert "penalty" in chips(page, "banner:")
    page.close()
    seen = history(browser, lambda h: any(s["days"] == 7 for s in h["sightings"]))
    assert any(s["days"] == 7 and s["stated_date"] == "2026-12-09" for s in seen["sightings"])
    assert seen["step"] == 3 and seen["next"]["days"] == 30
