"""Evidence capture with the real extension: Panel captures and popup documents land in the
vault with the right metadata, while the vault stays locked; the popup unlocks, lists, locks."""

import hashlib
import io
import json
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from e2e.conftest import ours, row_card
from tests.helpers import iprdesk, open_case

PASSPHRASE = "e2e vault passphrase"
pytestmark = pytest.mark.browser(vault=PASSPHRASE)


def vault_items(browser, case=None):
    args = ["vault", "list", "--json"] + (["--case", case] if case else [])
    return json.loads(iprdesk(*args, home=browser.home,
                              env={"IPRDESK_PASSPHRASE": PASSPHRASE}).stdout)


def vault_bytes(browser, object_id, tmp_path) -> bytes:
    out = tmp_path / object_id
    iprdesk("vault", "get", object_id, "-o", str(out), home=browser.home,
            env={"IPRDESK_PASSPHRASE": PASSPHRASE})
    return out.read_bytes()


def agent_vault_status(browser):
    page = browser.open_extension_page("popup/popup.html")
    status = page.evaluate("chrome.runtime.sendMessage({type: 'vault.status'})")
    page.close()
    return status["data"]


def lock_vault(browser):
    page = browser.open_extension_page("popup/popup.html")
    assert page.evaluate("chrome.runtime.sendMessage({type: 'vault.lock'})")["ok"]
    page.close()
    assert agent_vault_status(browser)["unlocked"] is False


def test_capture_from_a_complaint_row_while_locked(browser, tmp_path):
    lock_vault(browser)
    before = {i["id"] for i in vault_items(browser)}
    panel = browser.open_panel("/ipr/complaints")
    card = row_card(panel, "complaint:CMP-2026-11-0042")
    card.get_by_role("button", name="Capture evidence").click()
    # Said in the open card, below its buttons, not in a toast over the Panel.
    expect(card.locator(".status.ok")).to_contain_text("SHA-256")
    shown = re.search(r"SHA-256 ([0-9a-f]{12})…", card.locator(".status.ok").inner_text()).group(1)
    expect(panel.locator("iprdesk-overlay .toast")).to_have_count(0)

    new = [i for i in vault_items(browser) if i["id"] not in before]
    items = {i["kind"]: i for i in new}
    assert len(new) == 2 and set(items) == {"screenshot", "page"}
    shot, page = items["screenshot"], items["page"]
    assert shot["sha256"].startswith(shown)
    details = json.loads(iprdesk("vault", "show", shot["id"], "--json", home=browser.home,
                                 env={"IPRDESK_PASSPHRASE": PASSPHRASE}).stdout)
    assert details["complaint_id"] == "CMP-2026-11-0042"
    assert details["product_ids"] == ["64f0c1e2a9b8c7d6e5f40312", "64f0c1e2a9b8c7d6e5f40313"]
    assert details["source_url"] == browser.panel.url("/ipr/complaints")
    assert details["page_title"] == panel.title()
    assert "Chrome" in details["user_agent"] and details["captured_at"].endswith("Z")
    assert details["content_type"] == "image/png"

    png = vault_bytes(browser, shot["id"], tmp_path)
    assert hashlib.sha256(png).hexdigest() == shot["sha256"]
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.width > 200
    mhtml = vault_bytes(browser, page["id"], tmp_path)
    assert b"multipart/related" in mhtml[:2000]
    assert browser.panel.url("/ipr/complaints").encode() in mhtml
    panel.close()


def test_capture_from_an_appeal_row(browser):
    panel = browser.open_panel("/ipr/appeals")
    card = row_card(panel, "appeal:APL-88121")
    card.get_by_role("button", name="Capture evidence").click()
    expect(card.locator(".status.ok")).to_contain_text("SHA-256")
    notes = [json.loads(iprdesk("vault", "show", i["id"], "--json", home=browser.home,
                                env={"IPRDESK_PASSPHRASE": PASSPHRASE}).stdout)["note"]
             for i in vault_items(browser) if i["kind"] == "screenshot"]
    assert "Appeal APL-88121: Proof_Missing" in notes
    panel.close()


def test_a_card_capture_of_a_page_not_archived_says_so_in_the_card(browser):
    """A page whose archive could not be made (its capture frame cannot be mounted, as on a
    tab with no content script): the card's status line keeps the "screenshot only" note,
    written once, by the one writer of a capture's news."""
    worker = ours(browser.context)
    # The archive frame's mount finds no receiver in the tab: the screenshot alone is kept.
    worker.evaluate("""() => {
        const send = chrome.tabs.sendMessage.bind(chrome.tabs);
        globalThis.__iprdeskSend = send;
        chrome.tabs.sendMessage = (tab, message, ...rest) =>
            message?.type === "evidence.mountFrame"
                ? Promise.reject(new Error("Receiving end does not exist."))
                : send(tab, message, ...rest);
    }""")
    panel = browser.open_panel("/ipr/complaints")
    try:
        card = row_card(panel, "complaint:CMP-2026-11-0042")
        card.evaluate("""(card) => {
            window.__statusWrites = 0;
            // Each write of the status line replaces its text: one record on the line.
            new MutationObserver((changes) => {
                window.__statusWrites += changes.filter(
                    (c) => c.target.classList?.contains("status")).length;
            }).observe(card, { subtree: true, childList: true });
        }""")
        card.get_by_role("button", name="Capture evidence").click()
        expect(card.locator(".status.ok")).to_contain_text(
            "(Screenshot only: this page cannot be archived.)")
        expect(card.get_by_role("button", name="Capture evidence")).to_be_enabled()
        ok = card.locator(".status.ok").inner_text()
        assert re.fullmatch(r"[^\n]*SHA-256 [0-9a-f]{12}…[^\n]*\(Screenshot only: this page "
                            r"cannot be archived\.\)", ok), ok
        assert card.evaluate("() => window.__statusWrites") == 1  # one writer, once
    finally:
        worker.evaluate("() => { chrome.tabs.sendMessage = globalThis.__iprdeskSend; }")
        panel.close()


def test_receipts_through_the_popup_picker_and_drop(browser, tmp_path):
    popup = browser.open_extension_page("popup/popup.html")
    popup.wait_for_selector("#drop-zone")
    open_case(browser.home, "CASE-DOCS")  # named by its complaint ID
    popup.fill("#evidence-case", "CASE-DOCS")
    popup.select_option("#doc-kind", "payment")
    slip = tmp_path / "bank-slip.pdf"
    slip.write_bytes(b"%PDF-1.4 Joom Settlement + store 1234")
    # The case page's "Choose files" button in the popup's language, not the browser's
    # native input ("Choose Files / No file chosen"), which stays hidden.
    expect(popup.locator("#doc-files")).to_be_hidden()
    choose = popup.locator("#drop-zone button.choose")
    expect(choose).to_have_text("Choose files")
    popup.screenshot(path=str(tmp_path.parent / "popup-picker-en.png"), full_page=True)
    with popup.expect_file_chooser() as chooser:
        choose.click()
    chooser.value.set_files(str(slip))
    popup.wait_for_selector("#evidence-message.ok")
    assert "bank-slip.pdf" in popup.inner_text("#evidence-message")

    popup.select_option("#doc-kind", "agreement")
    popup.evaluate("""() => {
        const data = new DataTransfer();
        data.items.add(new File(["%PDF-1.7 signed settlement"], "协议.pdf",
                                {type: "application/pdf"}));
        document.querySelector('#drop-zone').dispatchEvent(
            new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));
    }""")
    expect(popup.locator("#evidence-message.ok")).to_contain_text("协议.pdf")
    popup.close()

    items = {i["original_name"]: i for i in vault_items(browser, "CASE-DOCS")}
    assert items["bank-slip.pdf"]["kind"] == "payment"
    assert items["bank-slip.pdf"]["sha256"] == hashlib.sha256(slip.read_bytes()).hexdigest()
    assert items["协议.pdf"]["kind"] == "agreement"


def test_popup_captures_the_active_tab(browser):
    popup = browser.open_extension_page("popup/popup.html")
    popup.wait_for_selector("#capture-page")
    panel = browser.open_panel("/ipr/appeals")  # now the active tab of the window
    panel.wait_for_selector('html[data-iprdesk-page="appeal-status"]')
    case = open_case(browser.home, "CASE-POPUP")
    # A case that does not exist: nothing is captured, and the seller is told which exist.
    popup.fill("#evidence-case", "CASE-TYPO")
    popup.click("#capture-page")
    expect(popup.locator("#evidence-message.error")).to_contain_text("No case CASE-TYPO")
    expect(popup.locator("#evidence-message")).to_contain_text(f"{case.id} (CASE-POPUP")
    assert "没有案件" not in popup.inner_text("#evidence-message")  # the user's language only
    popup.fill("#evidence-case", "CASE-POPUP")
    popup.click("#capture-page")
    popup.wait_for_selector("#evidence-message.ok")
    kinds = sorted(i["kind"] for i in vault_items(browser, "CASE-POPUP"))
    assert kinds == ["page", "screenshot"]
    popup.close()
    panel.close()


def test_popup_unlocks_lists_and_locks(browser, tmp_path):
    docs = [tmp_path / "receipt-1.pdf", tmp_path / "receipt-2.pdf"]
    for n, doc in enumerate(docs):
        doc.write_bytes(b"%PDF-1.4 receipt " + bytes([48 + n]))
    open_case(browser.home, "CASE-LIST")
    iprdesk("vault", "add", "--case", "CASE-LIST", *map(str, docs), home=browser.home)
    total = len(vault_items(browser))
    popup = browser.open_extension_page("popup/popup.html")
    popup.wait_for_selector("#unlock-form")
    popup.fill("#passphrase", "not the passphrase")
    popup.click("#unlock")
    popup.wait_for_selector("#vault-message.error")
    assert "Wrong passphrase" in popup.inner_text("#vault-message")
    popup.fill("#passphrase", PASSPHRASE)
    popup.click("#unlock")
    expect(popup.locator("#vault-items li")).to_have_count(total)
    popup.fill("#evidence-case", "CASE-LIST")
    popup.dispatch_event("#evidence-case", "change")
    expect(popup.locator("#vault-items li")).to_have_count(2)
    with popup.expect_download() as download:
        popup.click("#export")
    assert download.value.suggested_filename == "appeal-CASE-LIST.zip"
    popup.click("#lock")
    popup.wait_for_selector("#unlock-form")
    popup.close()
    assert agent_vault_status(browser)["unlocked"] is False


def test_capture_with_iprdesk_unavailable_says_so_and_how_to_fix_it(browser):
    with browser.agent_stopped():  # over native messaging: the host unregistered too
        panel = browser.open_panel("/ipr/complaints")
        card = row_card(panel, "complaint:CMP-2026-11-0043")
        card.get_by_role("button", name="Capture evidence").click()
        # Said in the open card, as a capture's news is, not in a toast over the Panel.
        failed = card.locator(".status.error")
        expect(failed).to_contain_text("not installed for this browser or did not start")
        expect(failed).to_contain_text("“iprdesk install”")
        expect(panel.locator("iprdesk-overlay .toast")).to_have_count(0)
        panel.close()
