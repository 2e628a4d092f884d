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
    expect(page.locator(f"{COMPLAINT}[data-complaint='CMP-2026-11-0042']")).to_be_attached()
    set_text_in_place(page, "complaints", 1, 0, "CMP-2026-11-0999")
    expect(page.locator(f"{COMPLAINT}[data-complaint='CMP-2026-11-0999']")).to_be_attached()
    expect(page.locator(f"{COMPLAINT}[data-complaint='CMP-2026-11-0042']")).to_have_count(0)
    expect(page.locator(COMPLAINT)).to_have_count(2)
    page.close()


def test_an_appeal_whose_reason_changes_in_place_is_explained_anew(browser):
    page = browser.open_panel("/ipr/appeals")
    first = page.locator(f"{APPEAL}[data-appeal='APL-88120']")
    expect(first).to_have_attribute("data-code", "Doc_Incomplete")
    set_text_in_place(page, "appeals", 1, 2, "Proof_Missing")
    expect(first).to_have_attribute("data-code", "Proof_Missing")
    page.close()


def test_a_virtualised_list_recycling_its_rows_keeps_each_chip_on_its_data(browser):
    # Scrolled by one, a virtualised list keeps its row elements and shifts their texts: the
    # first row now shows the second complaint, the second a new one.
    page = browser.open_panel("/ipr/complaints")
    expect(page.locator(COMPLAINT)).to_have_count(2, timeout=10000)
    page.evaluate("""() => {
        const rows = [...document.querySelectorAll("#complaints tbody tr")];
        rows.forEach((row, i) => {
            const next = rows[i + 1];
            [...row.cells].forEach((cell, c) => {
                cell.firstChild.data = next ? next.cells[c].textContent : ["CMP-2026-11-0077",
                    "Lumen Images Inc.", cell.textContent, "64f0c1e2a9b8c7d6e5f40377",
                    "Copyright", "Open"][c];
            });
        });
    }""")
    expect(page.locator(f"{COMPLAINT}[data-complaint='CMP-2026-11-0077']")).to_be_attached(
        timeout=10000)
    expect(page.locator(COMPLAINT)).to_have_count(2)
    for row in page.locator("#complaints tbody tr").all():
        complaint = row.locator("td").first.inner_text()
        host = page.locator(f"{COMPLAINT}[data-complaint='{complaint}']")
        chip, box = host.locator(".chip").bounding_box(), row.bounding_box()
        assert box["y"] - chip["height"] <= chip["y"] <= box["y"] + box["height"], complaint
        assert host.get_attribute("data-type") == (
            "trademark" if complaint == "CMP-2026-11-0043" else "copyright")
    page.close()
