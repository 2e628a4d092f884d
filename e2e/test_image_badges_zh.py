"""Product page badges speak the browser's language (own module: one Playwright per thread)."""

from bench.imagegen import jpeg, product_photo

from e2e.conftest import BADGE, BADGE_PRODUCT, cdn_image, launch_browser


def test_badges_in_chinese(tmp_path):
    with launch_browser(tmp_path, lang="zh_CN") as zh:
        zh.panel.pages = {r"/products/badge-check/edit": "product-edit-images.html",
                          **zh.panel.pages}
        zh.panel.cdn["/" + "b" * 40 + "_1024_1024.jpeg"] = cdn_image(jpeg(product_photo(12)))
        page = zh.open_panel(BADGE_PRODUCT)
        fine = page.locator(f"{BADGE}[data-iprdesk-badges='fine']")
        fine.wait_for(state="attached")
        assert fine.evaluate("h => h.shadowRoot.querySelector('.badge').textContent") == \
            "未发现问题"
        unreadable = page.locator(f"{BADGE}[data-iprdesk-badges='unreadable'] >> nth=0")
        assert unreadable.evaluate("h => h.shadowRoot.querySelector('.badge').textContent") == \
            "无法检查此图片"
