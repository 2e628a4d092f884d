"""The upload guard on the mock product page: what reaches "Joom" is clean and pixel-identical."""

import base64

import pytest

from e2e.conftest import launch_browser
from tests import image_fixtures as fx

pytestmark = pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO")

PRODUCT = "/products/64f0c1e2a9b8c7d6e5f40312/edit"
TOAST = "iprdesk-overlay[data-iprdesk-id='upload-guard'] .toast"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with launch_browser(tmp_path_factory.mktemp("guard")) as b:
        yield b


@pytest.fixture
def product(browser):
    browser.panel.uploads.clear()
    page = browser.open_panel(PRODUCT)
    page.wait_for_selector('html[data-iprdesk-page="product-edit"]', timeout=10000)
    yield page
    page.close()


def wait_uploads(browser, page, n):
    page.wait_for_function("(n) => document.querySelectorAll('#gallery figure').length >= n",
                           arg=n + 2, timeout=15000)
    assert len(browser.panel.uploads) == n
    return browser.panel.uploads


def toast_texts(page, n=1):
    page.wait_for_selector(f"{TOAST} >> nth={n - 1}", timeout=15000)
    return [t.inner_text() for t in page.locator(TOAST).all()]


@fx.needs_exiftool
def test_photo_chosen_in_the_file_input_arrives_clean(browser, product, tmp_path):
    original = fx.photo_jpeg()
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(original)
    product.set_input_files("#image-upload", str(photo))
    [upload] = wait_uploads(browser, product, 1)
    assert upload.name == "IMG_2041.jpg" and upload.content_type == "image/jpeg"
    assert fx.leftover_metadata(upload.body) == {}
    assert fx.frames(upload.body) == fx.frames(original)
    assert fx.icc_of(upload.body) == fx.icc_of(original)
    [text] = toast_texts(product)
    assert "Removed GPS location near Shanghai, camera iPhone 14 Pro" in text
    assert "IMG_2041.jpg" in text


def test_dropped_images_are_cleaned_and_other_files_pass(browser, product):
    png, pdf = fx.photo_png(), b"%PDF-1.4 a contract"
    transfer = product.evaluate_handle("""([png, pdf]) => {
        const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes(png)], "shot.png", { type: "image/png" }));
        dt.items.add(new File([bytes(pdf)], "agreement.pdf", { type: "application/pdf" }));
        return dt;
    }""", [base64.b64encode(png).decode(), base64.b64encode(pdf).decode()])
    product.dispatch_event("#dropzone", "drop", {"dataTransfer": transfer})
    uploads = {u.name: u for u in wait_uploads(browser, product, 2)}
    assert uploads["agreement.pdf"].body == pdf
    cleaned = uploads["shot.png"].body
    assert fx.frames(cleaned) == fx.frames(png)
    assert b"Chen Jie" not in cleaned and b"TRAILING-SECRET" not in cleaned
    assert "shot.png" in toast_texts(product)[0]


def test_an_iphone_heic_photo_arrives_as_a_clean_jpeg(browser, product, tmp_path):
    photo = tmp_path / "IMG_0001.HEIC"
    photo.write_bytes(fx.heic())
    product.set_input_files("#image-upload", str(photo))
    [upload] = wait_uploads(browser, product, 1)
    assert upload.name == "IMG_0001.jpg" and upload.content_type == "image/jpeg"
    assert upload.body[:3] == b"\xff\xd8\xff" and b"iPhone" not in upload.body
    assert fx.frames(upload.body)[0][1] == (48, 64)  # upright
    assert "converted to JPEG" in toast_texts(product)[0]


def test_non_images_in_the_file_input_are_not_touched(browser, product, tmp_path):
    doc = tmp_path / "licence.txt"
    doc.write_bytes(b"stock licence, e-commerce allowed")
    product.set_input_files("#image-upload", str(doc))
    [upload] = wait_uploads(browser, product, 1)
    assert upload.body == doc.read_bytes()
    assert product.locator(TOAST).count() == 0


def test_a_damaged_image_is_stopped_with_a_reason(browser, product, tmp_path):
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(fx.photo_jpeg()[:4000])
    good = tmp_path / "fine.gif"
    good.write_bytes(fx.animated_gif())
    product.set_input_files("#image-upload", [str(bad), str(good)])
    [upload] = wait_uploads(browser, product, 1)
    assert upload.name == "fine.gif" and b"Zhao Lei" not in upload.body
    texts = toast_texts(product, 2)
    assert any("broken.jpg" in t and "truncated" in t for t in texts)


def set_agent_url(browser, url):
    browser.worker.evaluate("(url) => chrome.storage.local.set({ agentUrl: url })", url)


def set_block(browser, block: bool):
    page = browser.open_options()
    page.wait_for_selector("#block-when-agent-down[data-loaded]")
    if page.is_checked("#block-when-agent-down") != block:
        page.click("#block-when-agent-down")
        page.wait_for_selector("#upload-guard-message.ok")
    page.close()


def test_agent_down_passes_the_original_or_blocks_it(browser, tmp_path):
    photo = tmp_path / "IMG_3000.jpg"
    photo.write_bytes(fx.photo_jpeg(everything=False))
    set_agent_url(browser, "http://127.0.0.1:9")  # nothing listens there
    try:
        browser.panel.uploads.clear()
        page = browser.open_panel(PRODUCT)
        page.set_input_files("#image-upload", str(photo))
        [upload] = wait_uploads(browser, page, 1)
        assert upload.body == photo.read_bytes()  # passed as it was, and the user is told
        [text] = toast_texts(page)
        assert "could not clean IMG_3000.jpg" in text and "not running" in text
        page.close()

        set_block(browser, True)
        browser.panel.uploads.clear()
        page = browser.open_panel(PRODUCT)
        page.set_input_files("#image-upload", str(photo))
        [text] = toast_texts(page)
        assert "IMG_3000.jpg was not uploaded" in text
        page.wait_for_timeout(500)
        assert browser.panel.uploads == []
        assert page.eval_on_selector("#image-upload", "i => i.files.length") == 0
        page.close()
    finally:
        set_block(browser, False)
        set_agent_url(browser, browser.agent.url)
