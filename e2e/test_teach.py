"""Teach mode: a Panel page whose labels the page map does not know ("Claim No." where it says
"Complaint ID") is taught, kept by the agent, and annotated from then on.

The tests share the module's browser (English), each starting as a seller who has taught
nothing (`untaught`); only what needs another browser starts one: the extension installed
anew, a seller with another agent data directory, the Chinese UI."""

import json

import pytest

from e2e.conftest import keep_screenshot, launch_browser
from tests.conftest import REPO

CLAIMS = "/disputes/claims"
TAUGHT = {"page": "complaint-report", "path": CLAIMS, "lang": "en",
          "columns": {"complaintId": "Claim No.", "complainant": "Claimant", "date": "Filed on",
                      "products": "Listings", "type": "Claim kind", "status": "Progress"}}
ROW = "complaint:CLM-7001"

# Everything a test here may have left in the agent and the extension: taught pages, an
# imported page map, the pages where the seller put the prompt away.
UNTEACH = """async () => {
    const ask = async (message) => {
        const reply = await chrome.runtime.sendMessage(message);
        if (!reply.ok) throw new Error(reply.error.message);
        return reply.data;
    };
    const { taught, pagemap } = await ask({ type: "pagemap.list" });
    for (const { id } of taught) await ask({ type: "pagemap.forget", id });
    if (pagemap.imported !== null) await ask({ type: "pagemap.forgetImported" });
    await chrome.storage.local.remove("teachDismissed");
}"""


@pytest.fixture
def untaught(browser):
    """The module's browser as a seller who has taught nothing has it, its Panel's pages the
    default ones; its tabs closed after the test."""
    pages = dict(browser.panel.pages)
    page = browser.open_extension_page("options/options.html")
    page.evaluate(UNTEACH)
    page.close()
    yield
    for page in browser.context.pages:
        page.close()
    browser.panel.pages = pages


def annotated(page):
    """The claims page's first row annotated as a copyright complaint."""
    host = page.locator(f"iprdesk-overlay[data-iprdesk-id='{ROW}']")
    host.wait_for(state="attached")
    assert host.get_attribute("data-type") == "copyright"
    assert page.get_attribute("html", "data-iprdesk-page") == "complaint-report"
    return host


def teach_by_message(browser, taught=TAUGHT):
    page = browser.open_extension_page("options/options.html")
    entry = page.evaluate("""async (taught) => {
        const reply = await chrome.runtime.sendMessage({ type: "pagemap.teach", taught });
        if (!reply.ok) throw new Error(reply.error.message);
        return reply.data;
    }""", taught)
    page.close()
    return entry


# The claims page's columns, in the order iprdesk asks for them (the page map's order).
COLUMNS = ["Claim No.", "Claimant", "Filed on", "Listings", "Claim kind", "Progress"]


def dialog(page, name="Teach iprdesk this page"):
    box = page.get_by_role("dialog", name=name)
    box.wait_for(timeout=10000)
    return box


def teach_by_clicks(page, lang="en", kind="Complaints", ask_first="complaint ID"):
    """Teach the claims page as a seller does: the prompt, the list, each column."""
    box = dialog(page, TITLE[lang])
    assert page.get_attribute("html", "data-iprdesk-page") is None
    keep_screenshot(page, f"teach-prompt-{lang}")
    box.get_by_role("button", name=TITLE[lang]).click()
    box.get_by_role("button", name=kind).click()
    page.locator("#claims tbody tr").first.click()  # the list, by one of its rows
    box.get_by_text(ask_first).wait_for()
    for index, label in enumerate(COLUMNS):
        step = STEP[lang].format(index + 1)
        box.get_by_text(step).wait_for()
        if index % 2:  # a cell of the column as well as its header
            page.locator(f"#claims tbody tr:first-child td:nth-child({index + 1})").click()
        else:
            page.locator("#claims th", has_text=label).click()
        if index == 2:
            keep_screenshot(page, f"teach-flow-{lang}")
    box.get_by_text(REVIEW[lang]).wait_for()
    tags = page.locator("iprdesk-overlay[data-iprdesk-id^='teach-mark:'] .tag")
    assert tags.count() == len(COLUMNS)
    keep_screenshot(page, f"teach-review-{lang}")
    return box


TITLE = {"en": "Teach iprdesk this page", "zh_CN": "教 iprdesk 认识此页面"}
STEP = {"en": "Column {} of 6", "zh_CN": "第 {} 列，共 6 列"}
REVIEW = {"en": "2 rows read", "zh_CN": "读取到 2 行"}


@pytest.mark.usefixtures("untaught")
def test_a_page_taught_by_clicks_is_annotated_kept_and_handed_to_another_seller(tmp_path,
                                                                               browser):
    (tmp_path / "one").mkdir()
    with launch_browser(tmp_path / "one") as one:
        page = one.open_panel(CLAIMS)
        box = teach_by_clicks(page)
        assert page.locator(
            "iprdesk-overlay[data-iprdesk-id='teach-mark:complaintId'] .tag").inner_text() \
            == "complaint ID"
        box.get_by_role("button", name="Save").click()
        annotated(page)
        assert page.get_by_role("dialog", name="Teach iprdesk this page").count() == 0
        page.reload()
        annotated(page)
        options = one.open_options()
        options.locator("#taught-pages li[data-path='/disputes/claims']").wait_for()
        keep_screenshot(options, "teach-options-en", "#pagemap")
        with options.expect_download() as download:
            options.get_by_role("button", name="Export taught pages").click()
        exported = tmp_path / "taught.json"
        download.value.save_as(exported)
        assert json.loads(exported.read_text())["taught"][0]["columns"]["complaintId"] \
            == "Claim No."
    # The extension installed anew (another profile) beside the same agent data directory.
    with launch_browser(tmp_path / "one", profile="profile-reinstalled") as again:
        annotated(again.open_panel(CLAIMS))
    # Another seller (the module's browser): another profile and another agent data
    # directory, the file imported.
    options = browser.open_options()
    options.wait_for_selector("#taught-pages li.none")
    options.set_input_files("#import-pagemap-file", str(exported))
    options.wait_for_selector("#taught-pages li[data-path='/disputes/claims']")
    assert "1 taught pages imported" in options.inner_text("#pagemap-message")
    annotated(browser.open_panel(CLAIMS))


@pytest.mark.usefixtures("untaught")
def test_the_options_page_lists_and_removes_taught_pages_and_a_page_cannot_teach_a_pattern(
        browser):
    entry = teach_by_message(browser)
    options = browser.open_options()
    item = options.locator(f"#taught-pages li[data-taught='{entry['id']}']")
    item.wait_for()
    assert "complaint report at /disputes/claims" in item.inner_text()
    assert '"Claim No." = complaint ID' in item.inner_text()
    options.get_by_role("button", name="Remove the taught page /disputes/claims").click()
    options.wait_for_selector("#taught-pages li.none")
    assert "Removed" in options.inner_text("#pagemap-message")
    reply = options.evaluate("""(taught) => chrome.runtime.sendMessage(
        { type: "pagemap.teach", taught })""", {**TAUGHT, "urlPatterns": ["(a+)+$"]})
    assert not reply["ok"] and "unknown fields" in reply["error"]["message"]
    # The page is not read again until taught again: it offers teaching.
    page = browser.open_panel(CLAIMS)
    box = dialog(page)
    assert page.get_attribute("html", "data-iprdesk-page") is None
    # Cancel goes back to the prompt; "Not now" puts it away.
    box.get_by_role("button", name="Teach iprdesk this page").click()
    box.get_by_role("button", name="Cancel").click()
    dialog(page).get_by_role("button", name="Not now").click()
    page.get_by_role("dialog", name="Teach iprdesk this page").wait_for(state="detached")
    # For good on that page: not offered again on the next visit.
    page.reload()
    page.wait_for_selector("html[data-iprdesk-teach='dismissed']")
    assert page.get_by_role("dialog", name="Teach iprdesk this page").count() == 0


@pytest.mark.usefixtures("untaught")
def test_a_newer_page_map_is_imported_and_a_hostile_file_refused(tmp_path, browser):
    pagemap = json.loads((REPO / "shared" / "pagemap.json").read_text())
    pagemap["version"] += 1
    pagemap["pages"]["complaint-report"]["urlPatterns"].append("^/disputes/claims")
    pagemap["pages"]["complaint-report"]["headings"]["en"].append("Rights claims")
    for key, label in TAUGHT["columns"].items():
        pagemap["pages"]["complaint-report"]["columns"][key]["en"].insert(0, label)
    newer = tmp_path / "pagemap.json"
    newer.write_text(json.dumps(pagemap))
    hostile = tmp_path / "hostile.json"
    hostile.write_text(json.dumps({**pagemap, "version": pagemap["version"] + 1, "pages": {
        "complaint-report": {**pagemap["pages"]["complaint-report"], "urlPatterns": ["(a+)+$"]}}}))
    options = browser.open_options()
    options.wait_for_selector("#taught-pages[data-loaded]")
    options.set_input_files("#import-pagemap-file", str(hostile))
    options.wait_for_selector("#pagemap-message.error")
    assert "repeats a group" in options.inner_text("#pagemap-message")
    options.set_input_files("#import-pagemap-file", str(newer))
    options.wait_for_function(
        "() => document.querySelector('#pagemap-message').textContent.includes('imported')")
    assert f"version {pagemap['version']}" in options.inner_text("#pagemap-version")
    annotated(browser.open_panel(CLAIMS))
    options.get_by_role("button", name="Use the built-in page map again").click()
    options.wait_for_selector("#forget-imported-pagemap", state="hidden")
    assert "built-in page map" in options.inner_text("#pagemap-version")


def test_in_chinese_the_popup_offers_teaching_and_every_field_is_asked_in_chinese(tmp_path):
    with launch_browser(tmp_path, lang="zh_CN") as browser:
        popup = browser.open_extension_page("popup/popup.html")
        page = browser.open_panel(CLAIMS)  # now the window's active tab
        dialog(page, TITLE["zh_CN"])
        popup.reload()  # the popup as opened over this tab
        popup.wait_for_selector("#teach-state[data-state='unrecognised']")
        assert "还不认识" in popup.inner_text("#teach-state")
        keep_screenshot(popup, "teach-popup-zh_CN")
        # The page's own prompt, then the teaching in Chinese.
        box = teach_by_clicks(page, "zh_CN", kind="投诉", ask_first="投诉编号")
        assert page.locator(
            "iprdesk-overlay[data-iprdesk-id='teach-mark:complainant'] .tag").inner_text() \
            == "投诉方"
        box.get_by_role("button", name="保存").click()
        annotated(page)
        options = browser.open_options()
        item = options.locator("#taught-pages li[data-path='/disputes/claims']")
        item.wait_for()
        assert "“Claim No.” = 投诉编号" in item.inner_text()
        keep_screenshot(options, "teach-options-zh_CN", "#pagemap")


@pytest.mark.usefixtures("untaught")
def test_a_recognised_page_without_its_columns_is_taught_from_the_popup(browser):
    # The day the real Panel says "Claim No." where the map says "Complaint ID".
    popup = browser.open_extension_page("popup/popup.html")
    page = browser.open_panel("/ipr/complaints")
    page.wait_for_selector("html[data-iprdesk-page='complaint-report']")
    page.evaluate("""() => { document.querySelector("#complaints th").textContent =
                               "Claim No."; }""")
    box = dialog(page)
    assert "cannot find its columns: complaint ID" in box.inner_text()
    keep_screenshot(page, "teach-prompt-missing-en")
    popup.reload()
    popup.wait_for_selector("#teach-state[data-state='missing']")
    popup.click("#teach-start")
    box.get_by_text("Click the list").wait_for()  # the kind is known: complaints
    page.locator("#complaints tbody tr").first.click()
    page.locator("#complaints th", has_text="Claim No.").click()
    for step in range(2, 7):  # the map's own labels are right for the others
        box.get_by_text(f"Column {step} of 6").wait_for()
        label = box.locator(".field").inner_text()
        header = {"complainant": "Complainant", "date": "Date", "products": "Product IDs",
                  "complaint type": "Type", "status": "Status"}[label]
        page.locator("#complaints th", has_text=header).first.click()
    box.get_by_role("button", name="Save").click()
    host = page.locator("iprdesk-overlay[data-iprdesk-id='complaint:CMP-2026-11-0042']")
    host.wait_for(state="attached")


@pytest.mark.usefixtures("untaught")
def test_an_appeal_list_and_a_div_grid_are_taught_too(browser):
    browser.panel.pages = {r"/ipr/grid": "complaints-grid.html", **browser.panel.pages}
    # Appeals: the Panel renamed its columns; the kind is known (URL and heading), the
    # fields it does not show (complaint ID, products) are skipped.
    page = browser.open_panel("/ipr/appeals")
    page.wait_for_selector("html[data-iprdesk-page='appeal-status']")
    page.evaluate("""() => {
        const th = document.querySelectorAll("#appeals th");
        ["Case ref", "Outcome", "Why"].forEach((text, i) => { th[i].textContent = text; });
    }""")
    box = dialog(page)
    assert "cannot find its columns: appeal ID, status" in box.inner_text()
    box.get_by_role("button", name="Teach iprdesk this page").click()
    page.locator("#appeals tbody tr").first.click()
    for step, header in enumerate(["Case ref", "Outcome", None, "Why", "Date", None], 1):
        box.get_by_text(f"Column {step} of 6").wait_for()
        if header:
            page.locator("#appeals th", has_text=header).click()
        else:
            box.get_by_role("button", name="Skip: not on this page").click()
    box.get_by_text("3 rows read").wait_for()  # the rejected ones and the one under review
    box.get_by_role("button", name="Save").click()
    host = page.locator("iprdesk-overlay[data-iprdesk-id='appeal:APL-88120']")
    host.wait_for(state="attached")
    assert host.get_attribute("data-code") == "Doc_Incomplete"
    # A div grid (no table, no ARIA roles), taught by clicking its header cells.
    page = browser.open_panel("/ipr/grid")
    page.wait_for_selector("html[data-iprdesk-page='complaint-report']")
    page.evaluate("""() => {
        document.querySelector(".grid .head span").textContent = "索赔编号"; }""")
    box = dialog(page)
    box.get_by_role("button", name="Teach iprdesk this page").click()
    page.locator(".grid .r:not(.head)").first.click()
    for step in range(1, 7):
        box.get_by_text(f"Column {step} of 6").wait_for()
        page.locator(f".grid .head span:nth-child({step})").click()
    box.get_by_role("button", name="Save").click()
    host = page.locator("iprdesk-overlay[data-iprdesk-id='complaint:ZX-5001']")
    host.wait_for(state="attached")
