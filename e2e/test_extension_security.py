"""What a hostile Panel page (a script injected into merchant.joom.com, or a compromised
renderer speaking for our content script) can make the extension do: nothing that changes its
settings or records something the user did not see."""

import json

import pytest

from e2e.conftest import content_script_world
from tests.helpers import iprdesk

PASSPHRASE = "e2e security passphrase"
pytestmark = pytest.mark.browser(vault=PASSPHRASE)
ROW = "complaint:CMP-2026-11-0042"


def send_as_content_script(browser, page, message: dict):
    cdp, world = content_script_world(browser, page)
    result = cdp.send("Runtime.evaluate", {
        "expression": f"chrome.runtime.sendMessage({json.dumps(message)})",
        "contextId": world, "awaitPromise": True, "returnByValue": True})
    cdp.detach()
    return result["result"]["value"]


def stored_settings(browser):
    return browser.worker.evaluate("chrome.storage.local.get(['agentUrl', 'token'])")


@pytest.mark.parametrize("message", [
    {"type": "agent.setAddress", "agentUrl": "http://127.0.0.1:1"},
    {"type": "agent.unpair"},
    {"type": "agent.pair", "code": "AAAA-BBBB"},
])
def test_a_panel_tab_cannot_change_where_the_token_goes_or_drop_it(browser, message):
    before = stored_settings(browser)
    panel = browser.open_panel("/ipr/complaints")
    panel.wait_for_selector('html[data-iprdesk-page="complaint-report"]')
    reply = send_as_content_script(browser, panel, message)
    panel.close()
    assert reply["ok"] is False and reply["error"]["code"] == "forbidden", reply
    assert stored_settings(browser) == before
    # The pending code, if any, was not spent either.
    assert json.loads((browser.home / "auth.json").read_text()).get("pending") is None


@pytest.mark.parametrize("message", [
    {"type": "vault.changePassphrase", "passphrase": PASSPHRASE,
     "newPassphrase": "chosen by the page"},
    {"type": "vault.create", "passphrase": "chosen by the page"},
    {"type": "vault.unlock", "passphrase": PASSPHRASE},
])
def test_a_panel_tab_cannot_set_or_try_the_vault_passphrase(browser, message):
    header = (browser.home / "vault" / "vault.json").read_bytes()
    panel = browser.open_panel("/ipr/complaints")
    panel.wait_for_selector('html[data-iprdesk-page="complaint-report"]')
    reply = send_as_content_script(browser, panel, message)
    panel.close()
    assert reply["ok"] is False and reply["error"]["code"] == "forbidden", reply
    assert (browser.home / "vault" / "vault.json").read_bytes() == header


def vault_items(browser):
    return json.loads(iprdesk("vault", "list", "--json", home=browser.home,
                              env={"IPRDESK_PASSPHRASE": PASSPHRASE}).stdout)


def test_a_background_panel_tab_cannot_capture_the_tab_in_front(browser):
    """captureVisibleTab shows the window's active tab: a Panel tab behind another one (the
    user's bank, mail...) must not get that screenshot sealed under its own URL and title."""
    panel = browser.open_panel("/ipr/complaints")
    host = panel.locator(f"iprdesk-overlay[data-iprdesk-id='{ROW}']")
    host.wait_for(state="attached")
    front = browser.context.new_page()
    front.goto(browser.panel.url("/account"))  # any other tab, now in front
    assert browser.worker.evaluate(
        "chrome.tabs.query({active: true}).then(([t]) => t.url)") == front.url
    before = len(vault_items(browser))
    # The page's own script presses our button (the overlay's shadow root is open).
    panel.evaluate("""(row) => {
        const root = document.querySelector(`iprdesk-overlay[data-iprdesk-id='${row}']`).shadowRoot;
        root.querySelector('.chip').click();
        root.querySelector('.card button.capture').click();
    }""", ROW)
    status = host.locator(".card .status")
    status.wait_for()
    panel.wait_for_function(
        """(row) => document.querySelector(`iprdesk-overlay[data-iprdesk-id='${row}']`)
                      .shadowRoot.querySelector('.card .status')?.textContent""", arg=ROW)
    assert "error" in (status.get_attribute("class") or "")
    assert len(vault_items(browser)) == before
    front.close()

    # In front, the same button captures as before.
    panel.bring_to_front()
    panel.evaluate("""(row) => document.querySelector(`iprdesk-overlay[data-iprdesk-id='${row}']`)
        .shadowRoot.querySelector('.card button.capture').click()""", ROW)
    panel.wait_for_function(
        """(row) => document.querySelector(`iprdesk-overlay[data-iprdesk-id='${row}']`)
                      .shadowRoot.querySelector('.card .status.ok')""", arg=ROW)
    assert len(vault_items(browser)) == before + 2  # screenshot and page archive
    panel.close()
