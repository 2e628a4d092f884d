"""The UI follows the browser's language (its own module: one Playwright per thread at a time)."""

from e2e.conftest import launch_browser, popup_state
from iprdesk.text import i18n
from tests.helpers import iprdesk


def test_the_ui_follows_a_chinese_browser(tmp_path):
    with launch_browser(tmp_path, lang="zh_CN") as zh:
        state, text = popup_state(zh)
        assert state == "connected"
        assert "已连接" in text
        page = zh.open_panel("/ipr/complaints")
        page.wait_for_selector('html[data-iprdesk-page="complaint-report"]')
        assert "投诉报告" in page.locator("iprdesk-overlay .pill").inner_text()


def test_the_agents_errors_reach_a_chinese_popup_in_chinese(tmp_path):
    """The extension asks the agent in its UI language (Accept-Language): a refusal reads in
    Chinese alone, where it once was English and Chinese on one line."""
    with launch_browser(tmp_path, lang="zh_CN") as zh:
        iprdesk("vault", "init", "--passphrase-file", "/dev/stdin", home=zh.home,
                input="a long passphrase\n")
        popup = zh.open_extension_page("popup/popup.html")
        popup.wait_for_selector("#unlock-form")
        popup.fill("#passphrase", "not the passphrase")
        popup.click("#unlock")
        popup.wait_for_selector("#vault-message.error")
        said = popup.inner_text("#vault-message")
        assert i18n.text("vault.error.wrong_passphrase", "zh_CN") in said, said
        assert "Wrong" not in said and " / " not in said, said
        popup.close()
