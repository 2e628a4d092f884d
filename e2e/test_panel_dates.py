"""The overlays' date reader (content/deadlines.js) on dates as the Panel writes them, in both
languages, run in an extension page where it is loaded as is. The browser runs in UTC+8, as
most sellers' do, so local and stated zones differ."""

import pytest

NOW = "2026-03-12T06:05:00.000Z"  # 14:05 in Beijing


pytestmark = pytest.mark.browser(timezone="Asia/Shanghai")


@pytest.fixture(scope="module")
def page(browser):
    page = browser.open_extension_page("popup/popup.html")
    page.add_script_tag(url=browser.ext_url("content/deadlines.js"))
    return page


def read(page, text):
    return page.evaluate("""([t, now]) => {
        const ms = iprdesk.deadlines.parseDate(t, Date.parse(now));
        return ms === null ? null : new Date(ms).toISOString(); }""", [text, NOW])


@pytest.mark.parametrize("text, expected", [
    # a stated zone counts
    ("2026-03-12 14:05 UTC", "2026-03-12T14:05:00.000Z"),
    ("2026-03-12T14:05:00Z", "2026-03-12T14:05:00.000Z"),
    ("12.03.2026 14:05 (UTC+3)", "2026-03-12T11:05:00.000Z"),
    ("12.03.2026 14:05 MSK", "2026-03-12T11:05:00.000Z"),
    ("Mar 12, 2026, 2:05 PM GMT+08:00", "2026-03-12T06:05:00.000Z"),
    ("2026年3月12日 14:05（北京时间）", "2026-03-12T06:05:00.000Z"),
    ("2026/03/12 14:05 -05:00", "2026-03-12T19:05:00.000Z"),
    # none stated: the browser's local time (UTC+8 here)
    ("2026年3月12日 14:05", "2026-03-12T06:05:00.000Z"),
    ("2026年3月12日 下午2:05", "2026-03-12T06:05:00.000Z"),
    ("2026年3月12日 上午9:30", "2026-03-12T01:30:00.000Z"),
    ("2026年3月12日 中午12:10", "2026-03-12T04:10:00.000Z"),
    ("12.03.2026 14:05", "2026-03-12T06:05:00.000Z"),
    ("Mar 12, 2026, 2:05 PM", "2026-03-12T06:05:00.000Z"),
    ("March 12, 2026 12:05 AM", "2026-03-11T16:05:00.000Z"),
    ("12 March 2026, 14:05", "2026-03-12T06:05:00.000Z"),
    ("25/03/2026 14:05", "2026-03-25T06:05:00.000Z"),  # day first: 25 is no month
    ("03/25/2026 2:05 p.m.", "2026-03-25T06:05:00.000Z"),  # month first
    ("2026-03-12", "2026-03-11T16:00:00.000Z"),  # local midnight
    ("14:05, 12 Mar 2026", "2026-03-12T06:05:00.000Z"),
    ("14:05 12.03.2026 UTC", "2026-03-12T14:05:00.000Z"),
    # relative: the earliest moment the words can mean, so a countdown is never late
    ("2 hours ago", "2026-03-12T03:05:00.000Z"),
    ("2小时前", "2026-03-12T03:05:00.000Z"),
    ("1 day ago", "2026-03-10T06:05:00.000Z"),
    ("3天前", "2026-03-08T06:05:00.000Z"),
    ("5 minutes ago", "2026-03-12T05:59:00.000Z"),
    ("刚刚", "2026-03-12T06:04:00.000Z"),
])
def test_dates_in_both_languages(page, text, expected):
    assert read(page, text) == expected


@pytest.mark.parametrize("text", [
    "03/12/2026 14:05",          # 12 March or 3 December: not guessed
    "2026-03-12 14:05 PST",      # a zone the reader does not know is not taken as local
    "2026-02-30 10:00",          # no such day
    "2026-03-12 25:00",
    "13:05 PM 2026-03-12",
    "2026-03-12 13:05 PM",
    "yesterday",
    "soon",
    "",
])
def test_what_cannot_be_read_for_sure_is_unknown(page, text):
    assert read(page, text) is None
