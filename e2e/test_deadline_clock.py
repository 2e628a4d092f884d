"""One clock for every deadline: the agent's. With it moved on, a complaint row's countdown on
the Panel and the deadline notification of a case received at the same moment say the same
state and the same time left; the seller reads the due time in their own zone (UTC+8).
(When the overlays counted from the browser's clock and the notifications from a shifted one,
the row said 'warning, 17 h' while the notification said 'urgent'.)"""

import json
import re
from datetime import timedelta

import pytest

from e2e.conftest import chips, open_card, wait_until
from tests.helpers import iprdesk

pytestmark = pytest.mark.browser(timezone="Asia/Shanghai")


def test_the_row_countdown_and_the_notification_agree_on_a_moved_clock(browser):
    # The mock Panel's row CMP-2026-11-0042 says it came 30 h before the Panel started, to the
    # minute; a case (another complaint, so the row counts from its own date) came then too.
    received = (browser.panel.now - timedelta(hours=30)).replace(second=0, microsecond=0)
    case = json.loads(iprdesk(
        "case", "new", "--json", "--complaint-id", "CMP-CLOCK", "--store-id", "5f1a2b3c4d5e",
        "--type", "copyright", "--complainant", "Keith Vogt", "--products", "P-1",
        "--received", received.strftime("%Y-%m-%dT%H:%M:%SZ"), home=browser.home).stdout)
    key = f"{case['id']}:response"
    try:
        browser.move_clock(13)  # 18 h left become 5 h: urgent (the last warning is at 6 h)
        page = browser.open_extension_page("popup/popup.html")
        wait_until(page, """async (key) => key in ((await chrome.storage.local.get(
            "deadlineNotified")).deadlineNotified || {})""", f"{key}:urgent")
        shown = page.evaluate("async () => Object.keys(await chrome.notifications.getAll())")
        assert f"deadline:{key}:urgent" in shown
        assert f"deadline:{key}:warning" not in shown  # the clock is past it: urgent at once
        listed = page.evaluate("() => chrome.runtime.sendMessage({ type: 'cases.list' })")
        [mine] = [c for c in listed["data"]["cases"] if c["id"] == case["id"]]
        case_left_min = mine["deadlines"][0]["ms_left"] / 60000
        page.close()

        panel = browser.open_panel("/ipr/complaints")
        state, chip, host = chips(panel, "complaint:")["CMP-2026-11-0042"]
        assert state == "urgent"
        assert chip == "© 4 h"  # not the browser clock's "© 17 h"
        text = open_card(host).inner_text()
        hours, minutes = map(int, re.search(r"Respond within (\d) h (\d+) min", text).groups())
        assert abs(hours * 60 + minutes - case_left_min) <= 2  # the same time left, to a minute
        # Due 48 h after the row's date, shown in the seller's zone with its name.
        due = received + timedelta(hours=48 + 8)
        assert f"{due:%Y-%m-%d %H:%M} (UTC+8)" in text, text
        panel.close()
    finally:
        browser.move_clock(0)


def test_with_the_agent_down_a_row_says_its_deadline_is_unknown(browser):
    """Overlays still draw from the cached shared data, but no countdown is computed a second
    time in the browser: the row says the agent is not running, and the popup lists the cached
    cases without a deadline state."""
    iprdesk("case", "new", "--complaint-id", "CMP-DOWN", "--store-id", "5f1a2b3c4d5e", "--type",
            "copyright", "--complainant", "Keith Vogt", "--products", "P-2", home=browser.home)
    popup = browser.open_extension_page("popup/popup.html")
    popup.wait_for_selector("li.case[data-state='ok'] .deadline")  # cached while it runs
    popup.close()
    with browser.agent_stopped():
        panel = browser.open_panel("/ipr/complaints")
        state, chip, host = chips(panel, "complaint:")["CMP-2026-11-0042"]
        assert state == "agentDown" and chip == "©"
        assert host.get_attribute("data-schedule-a") == "unknown"
        text = open_card(host).inner_text()
        assert "Deadline unknown: the iprdesk agent is not running" in text
        assert "Replace every complained image" in text  # the rest of the card is there
        assert "null" not in text  # no firm named: nothing in its place
        panel.close()

        popup = browser.open_extension_page("popup/popup.html")
        popup.wait_for_selector("p.cached")
        assert "Their deadlines show again once it runs" in popup.inner_text("p.cached")
        down = popup.locator("li.case[data-case]")
        assert down.count() >= 1
        assert popup.locator("li.case .deadline").count() == 0
        assert set(down.evaluate_all("(items) => items.map((i) => i.dataset.state)")) == {"none"}
        popup.close()
