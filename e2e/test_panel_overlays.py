"""Overlays on the Merchant Panel, the case flow from a complaint row to a preflight report,
deadline notifications on a controllable clock, and the popup's case list and drafts.

Each page module runs against two markups of its page: the foundation's tables in English and
a second variant (div grid / ARIA grid / other banner markup) with Chinese labels."""

import json
import re
import time
from datetime import datetime

import pytest

from e2e.conftest import VARIANTS, chips, open_card, wait_until
from e2e.test_overlay_geometry import GEOMETRY
from iprdesk.casework import preflight
from iprdesk.text import shared_data
from tests.helpers import iprdesk

STORE = "5f1a2b3c4d5e6f7a"
pytestmark = pytest.mark.browser(pages=VARIANTS)


def own_layout(page):
    """Boxes of every element of the page's own, outside our overlays."""
    return page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter((e) => !e.closest('iprdesk-overlay'))
        .map((e) => { const r = e.getBoundingClientRect();
                      return [e.tagName, Math.round(r.x), Math.round(r.y),
                              Math.round(r.width), Math.round(r.height)]; })""")


def no_layout_shift(page):
    with_overlays = own_layout(page)
    page.evaluate("() => document.querySelectorAll('iprdesk-overlay').forEach((h) => h.remove())")
    assert own_layout(page) == with_overlays


def cases_on_disk(browser):
    return json.loads(iprdesk("case", "list", "--json", home=browser.home).stdout)


def iso_ms(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000


def next_warning_ms(cases, now_ms: float) -> float:
    """When the next warning of any open case starts (as the agent's casework/deadlines.py
    levels them: the earliest and the last warning, then the due time), counted here anew."""
    rules = {r["id"]: r for r in shared_data.load("deadlines.json")["deadlines"]}
    times = []
    for c in cases:
        for d in c["deadlines"]:
            if d.get("due") and d["state"] not in ("done", "pending") and d["id"] in rules:
                due, hours = iso_ms(d["due"]), rules[d["id"]]["warn_before_hours"]
                times += [due - max(hours) * 3600e3, due - min(hours) * 3600e3, due]
    return min(t for t in times if t > now_ms)


def wait_for_notified(page, key: str) -> None:
    """Until the extension has shown deadline notification `key` (case:deadline:level) and
    recorded it as shown, once. The record, not the screen: a warning (no interaction
    required) leaves the screen by itself after some seconds."""
    wait_until(page, """async (key) => key in ((await chrome.storage.local.get(
        "deadlineNotified")).deadlineNotified || {})""", key)


# --- complaint report ----------------------------------------------------------------------

def test_complaint_rows_explained_with_countdown_table_markup(browser):
    page = browser.open_panel("/ipr/complaints")
    rows = chips(page, "complaint:")
    assert set(rows) == {"CMP-2026-11-0042", "CMP-2026-11-0043"}
    state, text, host = rows["CMP-2026-11-0042"]
    # Received 30 h ago: 18 h left of 48, inside the 24 h warning.
    assert state == "warning" and text.startswith("©") and "17 h" in text
    assert host.get_attribute("data-schedule-a") == "yes"
    old_state, old_text, old_host = rows["CMP-2026-11-0043"]
    # Past its deadline, said plainly (as the card's time left says it), not "™ −2 h".
    assert old_state == "overdue" and re.match(r"™ overdue by \d+ (h|d|min)$", old_text), old_text
    assert old_host.get_attribute("data-schedule-a") == "no"

    assert "Copyright (images) · Respond within 17 h" in host.locator(".chip").get_attribute(
        "title")
    card = open_card(host)
    text = card.inner_text()
    assert "Replace every complained image" in text
    # One sentence, local time with its zone in the only brackets (no "(… (UTC))").
    line = card.locator(".deadline").inner_text()
    assert re.fullmatch(r"Respond within 17 h \d+ min, by \d{4}-\d\d-\d\d \d\d:\d\d "
                        r"\(UTC[-+\d:]*\)", line), line
    assert "within 48 hours; after that it may escalate" in text  # why, from deadlines.json
    assert "Greer, Burns & Crain, Ltd. files many US \"Schedule A\" cases" in text
    for button in ("Capture evidence", "Check images"):
        assert card.get_by_role("button", name=button).is_visible()
    # A row without a case offers to open one; one with a case (opened by another test) names it.
    opened = [c["id"] for c in cases_on_disk(browser) if c["complaint_id"] == "CMP-2026-11-0042"]
    if opened:
        assert card.locator("button.go-to-case").inner_text() == f"Go to case {opened[0]}"
    else:
        assert card.get_by_role("button", name="Open case").is_visible()
    # The chip's own styles stay in its shadow root; the page's table looks the same.
    assert page.evaluate("getComputedStyle(document.querySelector('td')).fontFamily") \
        .startswith("Arial")
    page.keyboard.press("Escape")
    no_layout_shift(page)
    overdue = open_card(old_host).locator(".deadline").inner_text()
    assert re.fullmatch(r"Response overdue by .+: it was due \d{4}-\d\d-\d\d \d\d:\d\d "
                        r"\(UTC[-+\d:]*\)", overdue), overdue
    page.close()


def test_complaint_rows_in_a_chinese_div_grid(browser):
    page = browser.open_panel("/ipr/v2/complaints")
    rows = chips(page, "complaint:")
    assert set(rows) == {"ZX-5001", "ZX-5002"}
    assert rows["ZX-5001"][0] == "warning" and rows["ZX-5001"][2].get_attribute("data-type") \
        == "trademark"
    assert rows["ZX-5001"][2].get_attribute("data-schedule-a") == "yes"
    assert rows["ZX-5002"][0] == "overdue" and rows["ZX-5002"][2].get_attribute("data-type") \
        == "copyright"
    no_layout_shift(page)
    page.close()


def test_nothing_on_pages_the_map_does_not_know(browser):
    page = browser.open_panel("/ipr/complaints")
    chips(page, "complaint:")
    # The Panel is a single-page app: its router moves on to the orders page in place.
    page.evaluate("""() => {
        history.pushState({}, "", "/orders");
        document.querySelector("main").replaceChildren(
            Object.assign(document.createElement("h1"), { textContent: "Orders" }));
    }""")
    # Looked at again, the page is nobody's: every overlay goes, and our mark with them.
    page.wait_for_function("""() => !document.querySelector("iprdesk-overlay")
        && document.documentElement.dataset.iprdeskPage === undefined""")
    page.close()


def test_open_case_from_a_row_then_deadline_notifications(browser):
    page = browser.open_panel("/ipr/complaints")
    host = chips(page, "complaint:")["CMP-2026-11-0042"][2]
    card = open_card(host)
    card.get_by_role("button", name="Open case").click()
    card.locator("input[name=store_id]").fill(STORE)
    assert card.locator("select[name=type]").input_value() == "copyright"
    card.get_by_role("button", name="Create case").click()
    card.locator(".status.ok").wait_for()
    [case] = [c for c in cases_on_disk(browser) if c["complaint_id"] == "CMP-2026-11-0042"]
    assert case["store_id"] == STORE
    assert case["products"] == ["64f0c1e2a9b8c7d6e5f40312", "64f0c1e2a9b8c7d6e5f40313"]
    assert case["type"] == "copyright" and case["schedule_a_firm"]
    assert case["id"] in card.locator(".status").inner_text()
    go = card.locator("button.go-to-case")
    assert go.inner_text() == f"Go to case {case['id']}"
    assert card.get_by_role("button", name="Open case").count() == 0
    # It leads to the case's page, in a tab of its own.
    with browser.context.expect_page() as opened:
        go.click()
    case_page = opened.value
    assert case_page.url == browser.ext_url(f"case/case.html?case={case['id']}")
    case_page.wait_for_selector("#complaint dd[data-fact='caseComplaintId']")
    assert case_page.inner_text("#complaint dd[data-fact='caseComplaintId']") == "CMP-2026-11-0042"
    case_page.close()
    page.close()

    # Reopened, the row knows its case; the store ID is remembered for the next one.
    page = browser.open_panel("/ipr/complaints")
    page.wait_for_function("""() => [...document.querySelectorAll('iprdesk-overlay')]
        .some((h) => h.shadowRoot.querySelector('button.go-to-case'))""")
    other = open_card(chips(page, "complaint:")["CMP-2026-11-0043"][2])
    other.get_by_role("button", name="Open case").click()
    assert other.locator("input[name=store_id]").input_value() == STORE
    page.close()

    page = browser.open_extension_page("popup/popup.html")  # where the waits below run
    # Creating the case already crossed the 24 h warning: one notification, once.
    key = f"{case['id']}:response"
    wait_for_notified(page, f"{key}:warning")
    # The alarm is set for the next warning of any open case (this one's 6 h warning, unless
    # another test's case comes first).
    due_ms = iso_ms(case["deadlines"][0]["due"])
    expected = next_warning_ms(cases_on_disk(browser), time.time() * 1000)
    assert expected <= due_ms - 6 * 3600e3
    wait_until(page, """async (expected) => {
        const alarm = await chrome.alarms.get("deadline-next");
        return alarm && Math.abs(alarm.scheduledTime - expected) < 5000;
    }""", expected)

    # Move the agent's clock 13 h on: 5 h left, urgent; then past the deadline: overdue.
    try:
        for hours, level in ((13, "urgent"), (19, "overdue")):
            browser.move_clock(hours)
            wait_for_notified(page, f"{key}:{level}")
    finally:
        browser.move_clock(0)
    notified = page.evaluate(
        "async () => (await chrome.storage.local.get('deadlineNotified')).deadlineNotified")
    assert sorted(k for k in notified if k.startswith(key)) == \
        [f"{key}:overdue", f"{key}:urgent", f"{key}:warning"]
    # Urgent and overdue stay on screen until the seller acts.
    shown = page.evaluate("async () => Object.keys(await chrome.notifications.getAll())")
    assert {f"deadline:{key}:urgent", f"deadline:{key}:overdue"} <= set(shown)
    page.close()


def test_popup_lists_cases_by_urgency_with_copyable_drafts(browser):
    iprdesk("case", "new", "--complaint-id", "CMP-LATER", "--store-id", STORE, "--type",
            "trademark", "--complainant", "Lumen Images Inc.", "--products", "P-9",
            home=browser.home)
    urgent = iprdesk("case", "new", "--json", "--complaint-id", "CMP-URGENT", "--store-id",
                     STORE, "--type", "copyright", "--complainant", "Keith Vogt", "--products",
                     "P-1,P-2", "--received",
                     time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 45 * 3600)),
                     home=browser.home)
    urgent_id = json.loads(urgent.stdout)["id"]
    page = browser.open_extension_page("popup/popup.html")
    page.wait_for_selector("li.case")
    order = page.locator("li.case").evaluate_all("(items) => items.map((i) => i.dataset.case)")
    assert order[0] == urgent_id
    first = page.locator(f"li.case[data-case='{urgent_id}']")
    assert first.get_attribute("data-state") == "urgent"
    assert "Respond to the complaint: urgent" in first.inner_text()
    first.locator("button.drafts").click()
    draft = first.locator("details[data-draft='settlement_intent']")
    draft.locator("summary").click()
    assert "CMP-URGENT" in draft.locator("pre.body").inner_text()
    assert "without prejudice" in draft.inner_text()
    assert draft.locator("dt").first.inner_text() == "without prejudice"
    assert "cannot be used as an admission" in draft.locator("dd").first.inner_text()
    # Nothing checked the images and no seller name is set: both are marked gaps, not claims.
    assert draft.get_attribute("data-complete") == "false"
    gaps = draft.locator("pre.body mark.gap")
    assert gaps.count() == 2 and gaps.first.inner_text().startswith("[TO COMPLETE: ")
    assert "replaced with our own photographs" not in draft.locator("pre.body").inner_text()
    assert "complete the marked gaps" in draft.locator(".gaps").inner_text()
    draft.locator("button.copy").click()
    page.wait_for_selector("button.copy[data-copied='true']")
    page.close()


# --- appeals -------------------------------------------------------------------------------

def test_rejected_appeals_explained_with_preflight_link_table_markup(browser):
    page = browser.open_panel("/ipr/appeals")
    rows = chips(page, "appeal:")
    assert set(rows) == {"APL-88120", "APL-88121"}  # the one under review gets nothing
    assert rows["APL-88120"][2].get_attribute("data-code") == "Doc_Incomplete"
    card = open_card(rows["APL-88120"][2])
    text = card.inner_text()
    assert "Documents incomplete" in text and "names Joom (SIA Joom)" in text
    no_layout_shift(page)
    page.close()

    if not cases_on_disk(browser):  # this test may run alone
        iprdesk("case", "new", "--complaint-id", "CMP-APPEALED", "--store-id", STORE, "--type",
                "copyright", "--complainant", "Lumen Images Inc.", "--products", "P-7",
                home=browser.home)
    page = browser.open_panel("/ipr/appeals")
    card = open_card(chips(page, "appeal:")["APL-88121"][2])
    with browser.context.expect_page() as opened:
        card.locator("button.preflight").first.click()
    report = opened.value  # the case page, where each check offers its fix
    report.wait_for_selector("#preflight li[data-check='deadline']")
    checks = report.locator("#preflight li[data-check]").evaluate_all(
        "(rows) => rows.map((r) => [r.dataset.check, r.dataset.status])")
    assert [c for c, _ in checks][:2] == ["agreement.names_joom", "agreement.store_id"]
    assert [c for c, _ in checks] == list(preflight.CHECK_IDS)
    assert report.get_attribute("#preflight .verdict-summary", "data-ready") == "false"
    assert "vault" in report.locator("li[data-check='payment.memo']").inner_text()
    # Each check reads as a question with why it matters; the ids stay in the data.
    shown = report.locator("#preflight").inner_text()
    assert "The agreement releases Joom" in shown and "Joom restores a store only" in shown
    assert "agreement.names_joom" not in shown
    report.close()
    page.close()


def test_rejected_appeals_in_a_chinese_aria_grid(browser):
    page = browser.open_panel("/ipr/v2/appeals")
    rows = chips(page, "appeal:")
    assert set(rows) == {"SS-7001", "SS-7003"}
    assert rows["SS-7001"][2].get_attribute("data-code") == "Proof_Missing"
    assert rows["SS-7003"][2].get_attribute("data-code") == "unknown"
    assert "Brand_Unclear" in rows["SS-7003"][1]
    no_layout_shift(page)
    page.close()


# --- account -------------------------------------------------------------------------------

def test_account_banner_explained(browser):
    page = browser.open_panel("/account")
    banners = chips(page, "banner:")
    assert set(banners) == {"pending_ipr_review"}
    card = open_card(banners["pending_ipr_review"][2])
    assert "Schedule A" in card.inner_text() and "3 to 7 working days" in card.inner_text()
    # Open, the card takes room within the banner (the page below moves down) and covers
    # none of the page's text; closed, the page is as the Panel drew it.
    assert page.evaluate(GEOMETRY)["problems"] == []
    page.keyboard.press("Escape")
    card.wait_for(state="hidden")
    no_layout_shift(page)
    page.close()


def test_account_banner_in_other_markup_and_chinese(browser):
    page = browser.open_panel("/account/zh")
    banners = chips(page, "banner:")
    assert set(banners) == {"tro"}
    no_layout_shift(page)
    page.close()


@pytest.mark.parametrize("text, expected", [
    ("2026-11-27 10:00 UTC", "2026-11-27T10:00:00.000Z"),
    ("2026/11/27 10:00 +08:00", "2026-11-27T02:00:00.000Z"),
    ("2026年11月27日 10:00 UTC", "2026-11-27T10:00:00.000Z"),
    ("27.11.2026 10:00 GMT", "2026-11-27T10:00:00.000Z"),
    ("2026-11-27", None),  # local midnight: only checked to parse
    ("yesterday", "null"),
    ("2026-13-40", "null"),
])
def test_panel_dates_are_read_in_every_format(browser, text, expected):
    """The overlays' date reader, run in an extension page where it is loaded as is."""
    page = browser.open_extension_page("popup/popup.html")
    page.add_script_tag(url=browser.ext_url("content/deadlines.js"))
    got = page.evaluate("""(t) => { const ms = iprdesk.deadlines.parseDate(t);
                                   return ms === null ? "null" : new Date(ms).toISOString(); }""",
                        text)
    page.close()
    if expected is None:
        assert got.startswith("2026-11-2")
    else:
        assert got == expected


def test_a_deadline_check_asked_for_while_one_runs_sees_what_changed_meanwhile(browser):
    """A case opened (or the clock moved) while a check is under way: the check asked for then
    must see it, not hand back the one that read the cases before."""
    page = browser.open_extension_page("popup/popup.html")
    # The service worker's own deadlines module, loaded in this page where its fetch can be
    # held: the first answer to GET /v1/cases waits until the test lets it go.
    page.evaluate("""async () => {
        const real = window.fetch;
        let release;
        window.releaseCases = new Promise((resolve) => { release = resolve; });
        window.letCasesGo = release;
        let casesRead;
        window.casesRead = new Promise((resolve) => { casesRead = resolve; });
        let first = true;
        window.fetch = async (url, options) => {
            const response = await real(url, options);
            if (first && new URL(url).pathname === "/v1/cases") {
                first = false;
                casesRead();
                await window.releaseCases;
            }
            return response;
        };
        window.deadlines = await import("/background/deadlines.js");
        window.running = window.deadlines.checkDeadlines();
    }""")
    # The running check has read the cases. Awaited in the page, not polled: polling in an
    # extension page failed now and then under load with the page's CSP refusing eval.
    page.evaluate("() => window.casesRead")
    received = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 30 * 3600))
    case = json.loads(iprdesk("case", "new", "--json", "--complaint-id", "CMP-RACE", "--store-id",
                              STORE, "--type", "copyright", "--complainant", "Keith Vogt",
                              "--products", "P-5", "--received", received,
                              home=browser.home).stdout)
    notified = page.evaluate("""async () => {
        const asked = window.deadlines.checkDeadlines();  // as opening a case asks
        window.letCasesGo();
        await asked;
        return Object.keys(await chrome.notifications.getAll());
    }""")
    page.close()
    assert f"deadline:{case['id']}:response:warning" in notified
