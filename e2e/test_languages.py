"""The UI follows the browser's language (its own module: one Playwright per thread at a time)."""

from e2e.conftest import launch_browser, popup_state


def test_the_ui_follows_a_chinese_browser(tmp_path):
    with launch_browser(tmp_path, lang="zh_CN") as zh:
        state, text = popup_state(zh)
        assert state == "connected"
        assert "已连接" in text
        page = zh.open_panel("/ipr/complaints")
        page.wait_for_selector('html[data-iprdesk-page="complaint-report"]')
        assert "投诉报告" in page.locator("iprdesk-overlay .pill").inner_text()
