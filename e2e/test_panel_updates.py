"""Annotations follow the Panel's data when it edits text in place, as React does when it
relabels a row: no element is inserted, only a text node changes."""

from playwright.sync_api import expect

COMPLAINT = "iprdesk-overlay[data-iprdesk-id^='complaint:']"
APPEAL = "iprdesk-overlay[data-iprdesk-id^='appeal:']"


def set_text_in_place(page, table, row, column, text):
    """Change the text node of one cell, as a framework reusing the row would."""
    page.evaluate("""([table, row, column, text]) => {
        const cell = document.querySelector(`#${table} tbody tr:nth-child(${row})`).cells[column];
        cell.firstChild.data = text;
    }""", [table, row, column, text])


def test_a_row_relabelled_in_place_is_annotated_with_its_new_complaint(browser):
    page = browser.open_panel("/ipr/complaints")
    expect(page.locator(f"{COMPLAINT}[data-complaint='CMP-2026-11-0042']")).to_be_attached(
        timeout=10000)
    set_text_in_place(page, "complaints", 1, 0, "CMP-2026-11-0999")
    expect(page.locator(f"{COMPLAINT}[data-complaint='CMP-2026-11-0999']")).to_be_attached(
        timeout=10000)
    expect(page.locator(f"{COMPLAINT}[data-complaint='CMP-2026-11-0042']")).to_have_count(0)
    expect(page.locator(COMPLAINT)).to_have_count(2)
    page.close()


def test_an_appeal_whose_reason_changes_in_place_is_explained_anew(browser):
    page = browser.open_panel("/ipr/appeals")
    first = page.locator(f"{APPEAL}[data-appeal='APL-88120']")
    expect(first).to_have_attribute("data-code", "Doc_Incomplete", timeout=10000)
    set_text_in_place(page, "appeals", 1, 2, "Proof_Missing")
    expect(first).to_have_attribute("data-code", "Proof_Missing", timeout=10000)
    page.close()
