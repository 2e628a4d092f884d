"""The upload guard speaks the browser's language (own module: one Playwright per thread)."""

import pytest

from e2e.conftest import PRODUCT, launch_browser, toast_texts, wait_uploads
from tests import image_fixtures as fx

pytestmark = pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO")


def test_toast_in_chinese(tmp_path):
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(fx.photo_jpeg(everything=False))
    with launch_browser(tmp_path, lang="zh_CN") as zh:
        page = zh.open_panel(PRODUCT)
        page.wait_for_selector('html[data-iprdesk-page="product-edit"]')
        page.set_input_files("#image-upload", str(photo))
        [upload] = wait_uploads(zh, page, 1)
        assert b"F2LXK9Q1ABCD" not in upload.body
        [text] = toast_texts(page)
        assert "已从 IMG_2041.jpg 中删除：GPS 位置（上海附近）、相机 iPhone 14 Pro" in text
