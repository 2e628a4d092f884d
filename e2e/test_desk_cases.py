"""The desk's cases, notice import and penalty ladder, in real Chromium with the real extension
and agent, in English and in Chinese, in UTC+8: open cases most urgent first with their next
deadline in local time and a link to the case page; a notice pasted or dropped (.eml, PDF)
proposes each field with where it was read, the seller corrects one and the case is created
as confirmed; the ladder shows where the store stands, reached from the account page's card."""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from e2e.conftest import chips, keep_screenshot, open_card, words
from iprdesk.text import shared_data
from tests.helpers import iprdesk, open_case
from tests.notices import COMPLAINT, PASTED, PASTED_ZH, TRO, joom_mail_en, joom_mail_zh_html
from tests.pdfs import text_pdf

ZONE = "Asia/Shanghai"
MESSAGES = {lang: shared_data.load(f"messages/{lang}.json") for lang in ("en", "zh_CN")}
pytestmark = [
    pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module"),
    pytest.mark.browser(timezone=ZONE, pages={r"/account/penalty/?": "account-penalty.html"}),
]


@pytest.fixture
def lang(request):
    return request.node.callspec.params["browser"]


def open_desk(browser, section=""):
    page = browser.open_extension_page(f"desk/desk.html{'#' + section if section else ''}")
    page.wait_for_selector('#state:not([data-state="checking"]):not([data-state="busy"])')
    return page


def case_json(browser, ref):
    return json.loads(iprdesk("case", "show", ref, "--json", home=browser.home).stdout)


def test_the_popup_opens_the_desk(browser):
    popup = browser.open_extension_page("popup/popup.html")
    with browser.context.expect_page() as opened:
        popup.locator("#open-desk").click()
    assert opened.value.url == browser.ext_url("desk/desk.html")
    opened.value.close()


def test_open_cases_most_urgent_first_with_local_deadlines(browser, lang):
    now = datetime.now(UTC)
    ages = {"ok": 1, "warning": 30, "urgent": 44, "overdue": 60}  # hours since received
    made = {state: open_case(browser.home, f"ORDER-{state}-{lang}",
                             received=(now - timedelta(hours=hours)).isoformat())
            for state, hours in ages.items()}
    # The popup's old-URL section has none yet: its button leads to the cases in the desk.
    popup = browser.open_extension_page("popup/popup.html")
    with browser.context.expect_page() as opened:
        popup.locator("#add-old-urls").click()
    assert opened.value.url.endswith("desk/desk.html#cases")
    # A tab the extension opens misses Playwright's language and zone emulation: read the desk
    # in one Playwright opened.
    opened.value.close()
    desk = open_desk(browser, "cases")
    rows = desk.locator("#case-list li.case-row")
    expect(rows.first).to_be_visible()
    ours = {c.id: state for state, c in made.items()}
    order = [ours[i] for i in rows.evaluate_all("rs => rs.map(r => r.dataset.case)") if i in ours]
    assert order == ["overdue", "urgent", "warning", "ok"]
    for state, c in made.items():
        row = desk.locator(f"li.case-row[data-case='{c.id}']")
        expect(row).to_have_attribute("data-state", state)
        expect(row.locator(".state-badge")).to_have_text(MESSAGES[lang][f"case.state.{state}"])
        expect(row.locator(".complaint-id")).to_have_text(c.complaint_id)
        assert row.locator("a.open-case").get_attribute("href") == f"../case/case.html?case={c.id}"
        # The due time on this computer's clock (UTC+8), with its zone.
        received = datetime.fromisoformat(c.events["received"].replace("Z", "+00:00"))
        due = received + timedelta(hours=48)
        local = due.astimezone(ZoneInfo(ZONE))
        shown = MESSAGES[lang]["time.local"].format(
            year=local.year, month=local.month, day=local.day, clock=f"{local:%H:%M}", zone="UTC+8")
        expect(row.locator(".due")).to_have_text(words(lang, "deskCaseDue", shown))
    urgent = desk.locator(f"li.case-row[data-case='{made['urgent'].id}']")
    expect(urgent.locator(".countdown")).to_contain_text(MESSAGES[lang]["time.in"][:3].strip())
    # Past its deadline it says so once: "overdue by 12 h", never "12 h ago".
    overdue = desk.locator(f"li.case-row[data-case='{made['overdue'].id}']")
    expect(overdue.locator(".countdown")).to_contain_text(
        MESSAGES[lang]["time.overdue"].split("{")[0].strip())
    keep_screenshot(desk, f"desk-cases-{lang}")

    # Old image URLs added to a case in the desk: kept with it and watched.
    row = desk.locator(f"li.case-row[data-case='{made['ok'].id}']")
    row.locator(".old-urls-box summary").click()
    old = ["https://img.joomcdn.net/e2e/old-1.jpg", "https://img.joomcdn.net/e2e/old-2.jpg"]
    row.locator("textarea.old-urls").fill("\n".join(old))
    keep_screenshot(desk, f"desk-cases-old-urls-{lang}")
    row.locator(".old-urls-form button").click()
    expect(row.locator(".old-urls-form .message.ok")).to_have_text(
        words(lang, "deskCaseUrlsWatched", "2").replace("{URL|URLs}", "URLs"))
    assert case_json(browser, made["ok"].id)["old_urls"] == old
    expect(row.locator(".url-count")).to_have_text(words(lang, "deskCaseUrlsCount", "2"))
    desk.close()


def test_a_pasted_notice_is_confirmed_corrected_and_becomes_a_case(browser, lang):
    desk = open_desk(browser, "import")
    section = desk.locator("#import")
    section.locator("#read-notice").click()
    expect(section.locator("#import-message.error")).to_have_text(words(lang, "deskImportNothing"))
    section.locator("#notice-text").fill(PASTED if lang == "en" else PASTED_ZH)
    section.locator("#read-notice").click()
    form = section.locator("#import-proposal")
    expect(form.locator("#notice-complaint-id")).to_have_value(COMPLAINT)
    # Each field says where it was read, in the notice's own words.
    expect(form.locator("[data-field='complaint_id'] .source q")).to_contain_text(COMPLAINT)
    expect(form.locator("[data-field='received'] input")).to_have_value("2026-03-02T10:15")
    expect(form.locator("[data-field='court_case'] .source.empty")).to_have_text(
        words(lang, "deskImportNotInNotice"))
    expect(form.locator("#notice-store-id")).to_have_value("")
    complainant = "Bright Lens Studio LLC" if lang == "en" else "明镜影像工作室"
    expect(form.locator("#notice-complainant")).to_have_value(complainant)
    # The notice (Chinese) says trademark; the English one says no type: the seller chooses.
    expect(form.locator("#notice-type")).to_have_value("" if lang == "en" else "trademark")
    keep_screenshot(desk, f"desk-import-proposed-{lang}")

    # Nothing made up: without a store ID the agent refuses, and says what is missing.
    form.locator("#notice-type").select_option("copyright")
    form.locator("#create-case").click()
    expect(form.locator("#import-create-message.error")).not_to_be_empty()
    form.locator("#notice-store-id").fill("5f1a2b3c4d")
    form.locator("#notice-complainant").fill(complainant + " (corrected)")
    expect(form.locator("#notice-law-firm")).to_have_value("")  # the notice names none
    form.locator("#notice-law-firm").fill("Harbor & Lane LLP")
    form.locator("#create-case").click()
    expect(section.locator("#import-created")).to_contain_text(COMPLAINT)
    keep_screenshot(desk, f"desk-import-created-{lang}")

    created = case_json(browser, COMPLAINT)
    assert created["complainant"] == complainant + " (corrected)"
    assert created["law_firm"] == "Harbor & Lane LLP"
    assert created["store_id"] == "5f1a2b3c4d" and created["type"] == "copyright"
    assert created["received"] == "2026-03-02T02:15:00Z"
    assert created["products"][0] == "64a1b2c3d4e5f60718293a4b"
    link = section.locator("#import-created a")
    assert link.get_attribute("href") == f"../case/case.html?case={created['id']}"
    # The list above shows it at once.
    expect(desk.locator(f"#case-list li.case-row[data-case='{created['id']}']")).to_be_visible()
    desk.close()


def test_a_dropped_mail_and_a_court_pdf_propose_what_they_say(browser, lang, tmp_path):
    desk = open_desk(browser, "import")
    section = desk.locator("#import")
    mail = tmp_path / "notice.eml"
    mail.write_bytes(joom_mail_en() if lang == "en" else joom_mail_zh_html())
    section.locator("#notice-file").set_input_files(str(mail))
    form = section.locator("#import-proposal")
    expect(form.locator("#notice-complaint-id")).to_have_value(COMPLAINT)
    expect(form.locator("#notice-type")).to_have_value("copyright")

    pdf = tmp_path / "tro.pdf"
    pdf.write_bytes(text_pdf(TRO))
    section.locator("#notice-file").set_input_files(str(pdf))
    expect(form.locator("#notice-court-case")).to_have_value("1:26-cv-01234")
    expect(form.locator("#notice-law-firm")).to_have_value("Greer, Burns & Crain, Ltd.")
    page_1 = MESSAGES[lang]["notice.part.pdf_page"].replace("{page}", "1")
    expect(form.locator("[data-field='court_case'] .source")).to_contain_text(page_1)
    expect(form.locator("#notice-complaint-id")).to_have_value("")
    expect(form.locator("[data-field='complaint_id'] .source.empty")).to_be_visible()
    keep_screenshot(desk, f"desk-import-pdf-{lang}")
    desk.close()


def test_the_ladder_shows_where_the_store_stands_from_the_account_page(browser, lang):
    panel = browser.open_panel("/account/penalty")
    banner = chips(panel, "banner:")["penalty"][2]
    card = open_card(banner)
    with browser.context.expect_page() as opened:
        card.locator("button.open-ladder").click()
    assert opened.value.url.endswith("desk/desk.html#penalties")
    opened.value.close()  # without Playwright's emulation (above)
    desk = open_desk(browser, "penalties")
    section = desk.locator("#penalties .body[data-step='2']")  # the mock banner: a 3-day block
    section.wait_for()
    rules = shared_data.load("penalties.json")
    expect(section.locator("li[data-where='current']")).to_have_attribute("data-step", "2")
    expect(section.locator("li[data-where='current'] .rung")).to_have_text(
        rules["ladder"][1]["label"][lang])
    expect(section.locator("li[data-where='next']")).to_have_attribute("data-step", "3")
    expect(section.locator("#penalty-warning")).to_have_text(rules["warning"][lang])
    expect(section.locator("#penalty-sightings li")).to_have_count(1)
    # The date the banner states, as the seller's language writes a date (not 2026-12-02 in
    # the Chinese desk).
    stated = MESSAGES[lang]["time.date"].format(year=2026, month=12, day=2)
    expect(section.locator("#penalty-sightings li .note")).to_contain_text(stated)
    keep_screenshot(desk, f"desk-penalties-{lang}")
    panel.close()
    desk.close()


def test_without_the_agent_the_desk_says_so_and_lists_the_cases_it_knew(browser, lang):
    made = open_case(browser.home, f"CACHED-{lang}")
    desk = open_desk(browser, "cases")
    expect(desk.locator(f"li.case-row[data-case='{made.id}']")).to_be_visible()  # now cached
    desk.close()
    with browser.agent_stopped():
        desk = open_desk(browser)
        expect(desk.locator("#state")).not_to_have_attribute("data-state", "connected")
        row = desk.locator(f"li.case-row[data-case='{made.id}']")
        # Its deadline would be a guess without the agent's clock: said to be unknown.
        expect(row.locator(".deadline")).to_have_text(words(lang, "deskCasesUnknownDeadline"))
        expect(row).to_have_attribute("data-state", "none")
        expect(desk.locator("#cases .cached")).to_have_text(words(lang, "casesCached"))
        for section in ("import", "vault", "penalties"):
            expect(desk.locator(f"#{section} .body")).to_have_text(words(lang, "deskNeedsAgent"))
        keep_screenshot(desk, f"desk-agent-down-{lang}")
        desk.close()
