"""The popup's page report for support: the page's structure and how the page map matched it,
with no cell values, names or IDs."""

import json

import pytest

COMPLAINTS = "/ipr/complaints"
# Everything the mock complaints page shows in its cells: none of it may reach the report.
CELL_TEXTS = ["CMP-2026-11-0042", "Greer", "Lumen Images", "64f0c1e2a9b8c7d6e5f40312",
              "64f0c1e2a9b8c7d6e5f40399", "UTC"]
# In the time zone of most sellers, which the machine running the tests may not be in.
pytestmark = pytest.mark.browser(timezone="Asia/Shanghai")


def page_report(browser, path, change=None):
    popup = browser.open_extension_page("popup/popup.html")
    popup.wait_for_selector("#copy-page-report")
    panel = browser.open_panel(path)  # now the window's active tab
    panel.wait_for_selector("html[data-iprdesk-page]")
    if change:
        panel.evaluate(change)
    popup.click("#copy-page-report")
    popup.wait_for_selector("#page-report-text:not([hidden])")
    report = json.loads(popup.inner_text("#page-report-text"))
    message = popup.inner_text("#page-report-message")
    popup.close()
    panel.close()
    return report, message


def entry(report, page_id):
    return next(e for e in report["pagemap_entries"] if e["id"] == page_id)


def test_a_recognised_page_reports_its_structure_and_no_cell(browser):
    report, message = page_report(browser, COMPLAINTS)
    assert report["format"] == "iprdesk-page-report" and report["recognised"] == "complaint-report"
    assert report["where"]["path"] == "/ipr/complaints"
    assert {"level": 1, "text": "IPR complaints"} in report["headings"]
    [table] = report["tables"]
    assert (table["kind"], table["rows"], table["columns"]) == ("table", 3, 6)
    assert table["headers"] == ["Complaint ID", "Complainant", "Date", "Product IDs", "Type",
                                "Status"]
    complaints = entry(report, "complaint-report")
    assert (complaints["url"], complaints["heading"]) == (True, True)
    assert complaints["columns"]["missing"] == []
    text = json.dumps(report, ensure_ascii=False)
    assert not [cell for cell in CELL_TEXTS if cell in text]
    assert message == "Copied. This is everything the report holds:"


def test_a_column_the_map_does_not_know_is_reported_missing(browser):
    # The day the real Panel says "Claim No." where the map says "Complaint ID".
    report, _ = page_report(browser, "/ipr/complaints?page=2&store=5f1a2b3c", change="""() => {
        document.querySelector("#complaints th").textContent = "Claim No.";
    }""")
    assert report["recognised"] == "complaint-report"  # by URL and heading, but unreadable
    assert entry(report, "complaint-report")["columns"]["missing"] == ["complaintId"]
    assert report["tables"][0]["headers"][0] == "Claim No."
    assert report["where"]["query"] == ["page", "store"] and "5f1a2b3c" not in json.dumps(report)


def test_ids_in_the_path_are_masked(browser):
    report, _ = page_report(browser, "/products/64f0c1e2a9b8c7d6e5f40312/edit")
    assert report["where"]["path"] == "/products/:id/edit"
    assert report["recognised"] == "product-edit"


def test_outside_the_panel_the_popup_says_where_to_go(browser):
    popup = browser.open_extension_page("popup/popup.html")
    popup.wait_for_selector("#copy-page-report")
    popup.click("#copy-page-report")  # the popup's own tab is active: not a Panel page
    popup.wait_for_selector("#page-report-message.error")
    assert "Open the Merchant Panel page" in popup.inner_text("#page-report-message")
    assert popup.locator("#page-report-text").is_hidden()
    popup.close()


def test_the_report_is_stamped_in_the_sellers_local_time(browser):
    report, _ = page_report(browser, COMPLAINTS)
    assert report["made"].endswith("+08:00")
