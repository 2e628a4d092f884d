"""Explanations that need no page map: on a Panel page the map does not know, rejection codes
in their spellings, complaint types in a cell and a date beside a complaint-like ID each get a
chip, worded as what iprdesk can know (a date beside an ID is only perhaps the received one)."""

from playwright.sync_api import expect

ANYWHERE = "iprdesk-overlay[data-iprdesk-id^='anywhere:']"


def open_unmapped(browser):
    page = browser.open_panel("/messages")
    expect(page.locator(f"{ANYWHERE}[data-code]")).to_have_count(1, timeout=10000)
    return page


def card_text(page, selector):
    host = page.locator(selector)
    host.locator(".chip").click()
    return host.locator(".card").inner_text()


def test_a_rejection_code_in_a_sentence_is_explained(browser):
    page = open_unmapped(browser)
    code = page.locator(f"{ANYWHERE}[data-code]")
    expect(code).to_have_attribute("data-code", "Doc_Incomplete")
    assert card_text(page, f"{ANYWHERE}[data-code]").startswith("Documents incomplete")
    page.close()


def test_complaint_types_in_cells_are_explained_but_not_in_sentences(browser):
    page = open_unmapped(browser)
    types = page.locator(f"{ANYWHERE}[data-type]")
    expect(types).to_have_count(2)
    assert sorted(t.get_attribute("data-type") for t in types.all()) == ["copyright",
                                                                       "trademark"]
    page.close()


def test_a_recent_date_beside_a_complaint_id_gets_a_conditional_countdown(browser):
    page = open_unmapped(browser)
    deadline = page.locator(f"{ANYWHERE}[data-complaint]")
    expect(deadline).to_have_count(1)  # the 2025 claim is long past: no countdown for it
    expect(deadline).to_have_attribute("data-complaint", "CLM-2026-0042")
    # received 30 h ago, 48 h to answer: warning level, 18 h left
    expect(deadline).to_have_attribute("data-state", "warning")
    text = card_text(page, f"{ANYWHERE}[data-complaint]")
    assert text.startswith("Complaint CLM-2026-0042")
    assert "If this complaint was received on" in text and "left" in text
    page.close()


def test_a_page_the_map_reads_gets_only_its_own_annotations(browser):
    page = browser.open_panel("/ipr/complaints")
    expect(page.locator("iprdesk-overlay[data-iprdesk-id^='complaint:']")).to_have_count(
        2, timeout=10000)
    page.wait_for_function("document.documentElement.dataset.iprdeskPage")
    expect(page.locator(ANYWHERE)).to_have_count(0)
    page.close()
