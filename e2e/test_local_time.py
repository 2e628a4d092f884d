"""Times in the extension, in the seller's zone (Asia/Shanghai here) and language, said as the
CLI says them (agent/iprdesk/timeutil.py:shown, casework/deadlines.py): one helper,
lib/time.js, for every page, overlay and notification."""

from datetime import timedelta

import pytest

from e2e.conftest import chips, open_card

pytestmark = pytest.mark.browser(timezone="Asia/Shanghai")

EXPECTED = {
    "en": {"local": "2026-12-07 18:00 (UTC+8)", "night": "2026-12-08 04:30 (UTC+8)",
           "left": "in 5 h 20 min", "days": "in 1 d 2 h", "overdue": "overdue by 4 h",
           "ago": "4 h ago", "soon": "in 0 min"},
    "zh_CN": {"local": "2026年12月7日 18:00（UTC+8）", "night": "2026年12月8日 04:30（UTC+8）",
              "left": "还剩 5 小时 20 分钟", "days": "还剩 1 天 2 小时", "overdue": "已逾期 4 小时",
              "ago": "4 小时前", "soon": "还剩 0 分钟"},
}

RENDER = """async () => {
  const time = await import("/lib/time.js");
  const { language } = await import("/lib/words.js");
  const shared = (await chrome.runtime.sendMessage({ type: "shared.get" })).data;
  const m = shared.messages[language()];
  const H = 3600e3, MIN = 60e3;
  return {
    local: time.localTime("2026-12-07T10:00:00Z", m),
    night: time.localTime("2026-12-07T20:30:00Z", m),
    left: time.timeLeft(5 * H + 20 * MIN + 30e3, m),
    days: time.timeLeft(26 * H + 5 * MIN, m),
    overdue: time.timeLeft(-4 * H, m),
    ago: time.countdown(-4 * H, m),
    soon: time.timeLeft(59e3, m),
  };
}"""


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_times_read_as_local_time_with_the_zone_in_the_users_language(browser, request):
    page = browser.open_extension_page("popup/popup.html")
    assert page.evaluate(RENDER) == EXPECTED[request.node.callspec.params["browser"]]
    page.close()


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_the_complaint_card_states_its_due_time_in_the_sellers_zone(browser, request):
    # The mock Panel's row CMP-2026-11-0042 came 30 h before the Panel started; its answer is
    # due 48 h later, which the card says in UTC+8 as the CLI would.
    page = browser.open_panel("/ipr/complaints")
    text = open_card(chips(page, "complaint:")["CMP-2026-11-0042"][2]).inner_text()
    received = (browser.panel.now - timedelta(hours=30)).replace(second=0, microsecond=0)
    due = received + timedelta(hours=48 + 8)
    shown = (f"{due.year}年{due.month}月{due.day}日 {due:%H:%M}（UTC+8）"
             if request.node.callspec.params["browser"] == "zh_CN"
             else f"{due:%Y-%m-%d %H:%M} (UTC+8)")
    assert shown in text, text
    assert "GMT" not in text
    page.close()
