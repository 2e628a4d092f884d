"""Explanations that need no page map, in a Chinese browser on a Chinese Panel page."""

import pytest
from playwright.sync_api import expect

ANYWHERE = "iprdesk-overlay[data-iprdesk-id^='anywhere:']"
pytestmark = pytest.mark.browser(lang="zh_CN", timezone="Asia/Shanghai")


def test_chinese_words_and_relative_dates_are_explained_in_chinese(browser):
    page = browser.open_panel("/messages")
    expect(page.locator(f"{ANYWHERE}[data-code]")).to_have_count(1, timeout=10000)
    page.evaluate("""() => {
        document.querySelector("#kind-1").textContent = "版权";
        document.querySelector("#claim-1 div:last-child").textContent = "2小时前";
    }""")
    deadline = page.locator(f"{ANYWHERE}[data-complaint='CLM-2026-0042']")
    expect(deadline).to_have_attribute("data-state", "ok", timeout=10000)  # 45 h left
    expect(page.locator(f"{ANYWHERE}[data-type='copyright']")).to_have_count(1)
    deadline.locator(".chip").click()
    text = deadline.locator(".card").inner_text()
    assert text.startswith("投诉 CLM-2026-0042") and "如果此投诉是在" in text
    page.close()
