"""Every way an upload widget takes a photo goes through the upload guard: inputs the page never
inserts, inputs in open and closed shadow roots, drops inside them, inputs in frames. For each
path the page's own handler reads the clean bytes, with identical pixels."""


import pytest

from tests import image_fixtures as fx

pytestmark = [pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO"),
              fx.needs_exiftool]

MEDIA = "/products/64f0c1e2a9b8c7d6e5f40312/media"


@pytest.fixture
def media(browser):
    browser.panel.uploads.clear()
    page = browser.open_panel(MEDIA)
    page.frame_locator("#panel-frame").locator("#frame-input").wait_for(state="attached")
    yield page
    page.close()


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "IMG_3001.jpg"
    path.write_bytes(fx.photo_jpeg())
    return path


def choose(page, photo, open_dialog):
    with page.expect_file_chooser() as chooser:
        open_dialog()
    chooser.value.set_files(str(photo))


def uploaded(browser, page, widget):
    """The one upload the page's own handler for `widget` made, once it has made it."""
    page.locator(f"#log li[data-widget='{widget}']").wait_for()
    [upload] = browser.panel.uploads
    return upload


def assert_clean(upload, photo):
    original = photo.read_bytes()
    assert upload.name == photo.name
    assert fx.leftover_metadata(upload.body) == {}
    assert fx.frames(upload.body) == fx.frames(original)


@pytest.mark.parametrize("widget", ["detached-click", "detached-picker", "detached-event"])
def test_an_input_the_page_never_inserts(browser, media, photo, widget):
    choose(media, photo, lambda: media.click(f"#{widget}"))
    assert_clean(uploaded(browser, media, widget), photo)


def test_an_input_in_an_open_shadow_root(browser, media, photo):
    choose(media, photo, lambda: media.click("open-uploader label"))
    assert_clean(uploaded(browser, media, "open-shadow"), photo)


def test_an_input_in_a_closed_shadow_root_opened_with_show_picker(browser, media, photo):
    # Playwright cannot see into a closed root either: click where its button is drawn
    # (relative to the host, measured at the click: overlays may still move the page).
    choose(media, photo, lambda: media.locator("#closed-uploader").click(
        position={"x": 20, "y": 10}))
    assert_clean(uploaded(browser, media, "closed-shadow"), photo)


def test_a_drop_inside_a_closed_shadow_root(browser, media, photo):
    host = media.locator("#closed-uploader")
    host.click(trial=True)  # waits until the page has stopped moving it
    box = host.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 20
    data = {"items": [], "files": [str(photo)], "dragOperationsMask": 1}
    cdp = browser.context.new_cdp_session(media)
    try:  # a drop from the desktop, as Chromium receives it from the OS
        for kind in ("dragEnter", "dragOver", "drop"):
            cdp.send("Input.dispatchDragEvent", {"type": kind, "x": x, "y": y, "data": data})
    finally:
        cdp.detach()
    assert_clean(uploaded(browser, media, "closed-drop"), photo)


def test_an_input_in_an_about_blank_frame(browser, media, photo):
    choose(media, photo, lambda: media.click("#blank-frame-pick"))
    assert_clean(uploaded(browser, media, "blank-frame"), photo)


def test_an_input_in_a_panel_frame(browser, media, photo):
    media.frame_locator("#panel-frame").locator("#frame-input").set_input_files(str(photo))
    assert_clean(uploaded(browser, media, "panel-frame"), photo)


def test_each_path_tells_the_seller_what_was_removed(browser, media, photo):
    choose(media, photo, lambda: media.click("#detached-click"))
    uploaded(browser, media, "detached-click")
    toast = media.locator("iprdesk-overlay[data-iprdesk-id='upload-guard'] .toast").first
    assert "IMG_3001.jpg" in toast.inner_text()
