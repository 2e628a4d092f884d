"""The UI follows the browser's language: one Chinese browser for the module."""

import pytest

from e2e.conftest import popup_state
from iprdesk.text import i18n
from iprdesk.vault import Vault
from iprdesk.vault.crypto import KdfParams

pytestmark = pytest.mark.browser(lang="zh_CN")


def test_the_ui_follows_a_chinese_browser(browser):
    state, text = popup_state(browser)
    assert state == "connected"
    assert "已连接" in text
    page = browser.open_panel("/ipr/complaints")
    page.wait_for_selector('html[data-iprdesk-page="complaint-report"]')
    assert "投诉报告" in page.locator("iprdesk-overlay .pill").inner_text()
    page.close()


def test_the_popups_file_picker_speaks_chinese(browser, tmp_path):
    """The popup's documents are chosen with the case page's "选择文件" button, not the
    browser's native input (its "Choose Files / No file chosen" in the browser's words)."""
    popup = browser.open_extension_page("popup/popup.html")
    choose = popup.locator("#drop-zone button.choose")
    choose.wait_for()
    assert choose.inner_text() == "选择文件" and not popup.locator("#doc-files").is_visible()
    popup.screenshot(path=str(tmp_path.parent / "popup-picker-zh_CN.png"), full_page=True)
    popup.close()


def test_the_agents_errors_reach_a_chinese_popup_in_chinese(browser):
    """The extension asks the agent in its UI language (Accept-Language): a refusal reads in
    Chinese alone, where it once was English and Chinese on one line."""
    Vault.create(browser.home, "a long passphrase", kdf=KdfParams.floor())
    popup = browser.open_extension_page("popup/popup.html")
    popup.wait_for_selector("#unlock-form")
    popup.fill("#passphrase", "not the passphrase")
    popup.click("#unlock")
    popup.wait_for_selector("#vault-message.error")
    said = popup.inner_text("#vault-message")
    assert i18n.text("vault.error.wrong_passphrase", "zh_CN") in said, said
    assert "Wrong" not in said and " / " not in said, said
    popup.close()
