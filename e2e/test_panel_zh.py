"""The overlays and the popup in a Chinese browser (its own module: one Playwright at a time)."""

import json
import re

import pytest

from e2e.conftest import VARIANTS, chips, open_card
from tests.helpers import iprdesk

pytestmark = pytest.mark.browser(lang="zh_CN", pages=VARIANTS)


def test_complaint_overlay_speaks_chinese(browser):
    page = browser.open_panel("/ipr/v2/complaints")
    rows = chips(page, "complaint:")
    state, text, host = rows["ZX-5001"]
    assert text.startswith("™") and "小时" in text
    assert host.locator(".chip").get_attribute("title").startswith("商标（品牌名称、标志） · 请在")
    card = open_card(host)
    words = card.inner_text()
    assert "从所列每个商品的标题、描述和标签中删除该品牌名称" in words
    assert "请在" in words and "经常在美国提起“Schedule A”批量诉讼" in words
    # One sentence in Chinese punctuation, the zone in the only brackets.
    line = card.locator(".deadline").inner_text()
    assert re.fullmatch(r"(请在 .+ 内回复，截止时间|回复已逾期 .+，原截止时间)："
                        r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d（UTC[-+\d:]*）", line), line
    card.get_by_role("button", name="建立案件").click()
    # The store ID shown on the page ("店铺ID：...") fills the form.
    assert card.locator("input[name=store_id]").input_value() == "5f1a2b3c4d5e6f7a"
    card.get_by_role("button", name="确认建立").click()
    card.locator(".status.ok").wait_for()
    [case] = [c for c in json.loads(iprdesk("case", "list", "--json", home=browser.home).stdout)
              if c["complaint_id"] == "ZX-5001"]
    assert case["products"] == ["64f0c1e2a9b8c7d6e5f40501", "64f0c1e2a9b8c7d6e5f40502"]
    assert case["type"] == "trademark"
    page.close()


def test_appeal_and_account_overlays_speak_chinese(browser):
    page = browser.open_panel("/ipr/v2/appeals")
    card = open_card(chips(page, "appeal:")["SS-7001"][2])
    assert "缺少证据" in card.inner_text() and "重新提交前先预检申诉" in card.inner_text()
    page.close()
    page = browser.open_panel("/account/zh")
    card = open_card(chips(page, "banner:")["tro"][2])
    assert "临时限制令" in card.inner_text() and "7 天内回复" in card.inner_text()
    page.close()


def test_popup_case_list_and_drafts_in_chinese(browser):
    case = json.loads(iprdesk("case", "new", "--json", "--complaint-id", "ZX-6001", "--store-id",
                              "5f1a2b3c4d5e6f7a", "--type", "trademark", "--complainant",
                              "Bright Lens Studio", "--products", "P-61", home=browser.home).stdout)
    page = browser.open_extension_page("popup/popup.html")
    item = page.locator(f"li.case[data-case='{case['id']}']")
    assert "回复投诉" in item.inner_text() and "还剩" in item.inner_text()
    item.locator("button.drafts").click()
    draft = item.locator("details[data-draft='joom_support']")
    draft.locator("summary").click()
    assert "向 Joom 商户客服提交的申诉说明" in draft.inner_text()
    assert "Appeal for IPR complaint ZX-6001" in draft.inner_text()  # the message stays English
    assert "说明投诉编号、店铺和所有涉及的商品" in draft.inner_text()
    assert "请补全标出的空缺" in draft.locator(".gaps").inner_text()
    assert "发送前需补全：说明旧图片链接已不再显示这些图片" in draft.locator(".gaps").inner_text()
    page.close()
