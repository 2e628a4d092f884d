"""The case page's pictures in real Chromium with the real agent, in English and Chinese: the
thumbnails the agent makes of the new images (only with the vault unlocked; locked, the page
says so instead of a broken picture) and of the complained ones; a complained image dropped as
a file; a copy the upload check caught and the seller uploaded anyway, which fails the
preflight until a check of the product page sees it gone (or, when the page cannot be read,
is removed on the seller's word, said so and why, and not passed), and the timeline says
when."""

import pytest
from bench.imagegen import EDITS, jpeg, product_photo
from playwright.sync_api import expect

from e2e.conftest import cdn_image, keep_screenshot, panel_service_worker, words
from iprdesk.casework import case_images, upload_check
from iprdesk.casework.cases import CaseStore
from tests.helpers import open_case

PASSPHRASE = "e2e case images passphrase"
PRODUCT = "6a1f00cc01"
NOT_SHOWN = "6a1f00cc02"  # its page is not a product page: the Panel sent the seller elsewhere
# Its page waits on its data, which a Panel service worker keeps out of sight (its scope).
HIDDEN = "6a1f00cc10"
WORKER_SCOPE = "/products/6a1f00cc1"
COMPLAINED = product_photo(61, (800, 600))
COPY = jpeg(EDITS["mirror"](COMPLAINED))
# The product page's main image (e2e/panel/product-edit.html), on the mock CDN: the copy until
# the seller replaces it.
MAIN = "/3f2a9c1b7d4e5f60718293a4b5c6d7e8f9012345_1024_1024.jpeg"
OTHER = "/0a1b2c3d4e5f60718293a4b5c6d7e8f901234567_1024_1024.jpeg"


def serve_images(b):
    b.panel.cdn[MAIN] = cdn_image(COPY)
    b.panel.cdn[OTHER] = cdn_image(jpeg(product_photo(63, (400, 400))))


# The case page reads the product pages in tabs of its own (the mock Panel on loopback), and
# the agent fetches the images they show (the mock CDN through its proxy).
pytestmark = pytest.mark.browser(vault=PASSPHRASE, timezone="Asia/Shanghai", agent_cdn=True,
                                 served=[], setup=serve_images,
                                 pages={rf"/products/{NOT_SHOWN}/edit": "account.html",
                                        rf"/products/{HIDDEN}/edit": "product-later.html"})


@pytest.fixture
def lang(request):
    return request.node.callspec.params["browser"]


def thumbnail_size(image):
    """The natural size of a thumbnail drawn from a data: URI."""
    assert image.get_attribute("src").startswith("data:image/jpeg;base64,")
    return image.evaluate("(i) => [i.naturalWidth, i.naturalHeight]")


def status(page, cid):
    return page.locator(f"#preflight li[data-check='{cid}']")


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_thumbnails_a_dropped_complained_image_and_a_copy_removed(browser, lang, tmp_path):
    complaint = f"CMP-PICTURES-{lang}"
    case = open_case(browser.home, complaint, products=[PRODUCT])
    # The seller uploaded a mirrored copy anyway on the product page (upload check, e2e of its
    # own): the case keeps it with its thumbnail.
    store = case_images.CaseImages(browser.home)
    copy = store.add_caught(case.id, COPY, "mirror-main.jpg", "complained-notice.jpg")
    store.uploaded_anyway(case.id, copy.id)
    CaseStore(browser.home).record_event(case.id, upload_check.UPLOADED_ANYWAY)
    page = browser.open_extension_page(f"case/case.html?case={complaint}")
    page.set_viewport_size({"width": 1100, "height": 900})

    # Locked: the new images are not drawn broken, the page says why.
    expect(page.locator("#images .new-images .locked")).to_have_text(
        words(lang, "caseImagesLocked"))
    figure = page.locator(f"#images .copies figure[data-caught='{copy.id}']")
    expect(figure).to_have_attribute("data-state", "uploaded")
    assert max(thumbnail_size(figure.locator("img"))) == 160
    assert words(lang, "caseCopyLike", "complained-notice.jpg") in figure.inner_text()
    expect(status(page, "images.replaced")).to_have_attribute("data-status", "fail")
    assert "mirror-main.jpg" in status(page, "images.replaced").inner_text()
    expect(page.locator("#images .copies .hint")).to_have_text(words(lang, "caseCopiesAbout"))

    # A complained image the seller has as a file, dropped: kept, its thumbnail shown.
    notice = tmp_path / "complained-notice.jpg"
    notice.write_bytes(jpeg(COMPLAINED))
    page.locator("#images .fix[data-fix='complained-files'] input[type=file]").set_input_files(
        str(notice))
    dropped = page.locator("#images .complained figure[data-source='file']")
    expect(dropped).to_have_count(1)
    assert thumbnail_size(dropped.locator("img")) == [160, 120]
    expect(dropped.locator("figcaption")).to_have_text("complained-notice.jpg")
    expect(page.locator("#timeline li[data-complained]")).to_contain_text(
        words(lang, "caseTimelineComplainedAdded", "complained-notice.jpg"))

    # Unlocked, the new images are drawn from the vault: one dropped here, its thumbnail shown.
    page.fill("#preflight #unlock-form #passphrase", PASSPHRASE)
    page.click("#preflight #unlock")
    expect(page.locator("#images .new-images .none")).to_have_count(1)
    fresh = tmp_path / "new-main.jpg"
    fresh.write_bytes(jpeg(product_photo(62, (600, 900))))
    page.locator("#images .new-images .fix[data-fix='new-images'] input[type=file]") \
        .set_input_files(str(fresh))
    photo = page.locator("#images .photos li img")
    expect(photo).to_have_count(1)
    assert thumbnail_size(photo) == [107, 160]
    keep_screenshot(page, f"case-images-{lang}-1-copy")

    # "Check it is removed" while the product page still shows it: refused, the URL named.
    figure.locator("button.remove-copy").click()
    expect(page.locator("#images .copies .message.error")).to_contain_text(
        "https://img.joomcdn.net" + MAIN)
    expect(figure).to_have_attribute("data-state", "uploaded")
    keep_screenshot(page, f"case-images-{lang}-2-still-shown")
    # The seller replaced it in the Panel: the page shows other pictures; checked, removed,
    # the preflight no longer fails for it.
    browser.panel.cdn[MAIN] = cdn_image(jpeg(product_photo(64, (400, 400))))
    figure.locator("button.remove-copy").click()
    expect(figure).to_have_attribute("data-state", "removed")
    expect(figure).to_have_attribute("data-removal", "checked")
    assert words(lang, "caseCopyRemovedAt", "\0").split("\0")[0] in figure.inner_text()
    expect(figure.locator("button.remove-copy")).to_have_count(0)
    expect(status(page, "images.replaced")).to_have_attribute("data-status", "pass")
    removed = page.locator(f"#timeline li[data-caught='{copy.id}'][data-removed]")
    expect(removed).to_contain_text(words(lang, "caseTimelineCopyRemoved", "mirror-main.jpg"))
    # Said once, by name (the case's event keeps only the last time).
    assert page.locator(f"#timeline li[data-event='{upload_check.UPLOADED_ANYWAY}']").count() == 0
    uploaded = page.locator(f"#timeline li[data-caught='{copy.id}']:not([data-removed])")
    expect(uploaded).to_contain_text(words(lang, "caseTimelineCopyUploaded", "mirror-main.jpg"))
    assert [p.state for p in store.caught(case.id)] == ["removed"]
    keep_screenshot(page, f"case-images-{lang}-3-removed")
    page.close()


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_a_removal_the_product_page_cannot_show_is_the_sellers_statement(browser, lang):
    """The Panel does not show the product's page (signed out): the copy is marked removed on
    the seller's word, the page says so and why, the preflight does not pass it, and it can be
    checked again."""
    complaint = f"CMP-STATED-{lang}"
    case = open_case(browser.home, complaint, products=[NOT_SHOWN])
    store = case_images.CaseImages(browser.home)
    copy = store.add_caught(case.id, COPY, "mirror-side.jpg", "complained-notice.jpg")
    store.uploaded_anyway(case.id, copy.id)
    page = browser.open_extension_page(f"case/case.html?case={complaint}")
    page.set_viewport_size({"width": 1100, "height": 900})
    figure = page.locator(f"#images .copies figure[data-caught='{copy.id}']")
    figure.locator("button.remove-copy").click()
    expect(figure).to_have_attribute("data-removal", "stated")
    note = figure.locator(".note.stated")
    expect(note).to_contain_text(words(lang, "caseRemovalNotShown"))
    expect(figure.locator("button.remove-copy")).to_have_text(words(lang, "caseCopyCheckAgain"))
    expect(status(page, "images.replaced")).to_have_attribute("data-status", "unknown")
    assert "mirror-side.jpg" in status(page, "images.replaced").inner_text()
    expect(page.locator(f"#timeline li[data-caught='{copy.id}'][data-removed='stated']")) \
        .to_contain_text(words(lang, "caseTimelineCopyRemovedStated", "mirror-side.jpg"))
    assert [(p.state, p.removal) for p in store.caught(case.id)] == [("removed", "stated")]
    keep_screenshot(page, f"case-images-{lang}-4-stated")
    page.close()


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_a_removal_on_a_page_not_seen_to_finish_loading_is_the_sellers_statement(browser, lang):
    """The product's page waits on its data, which a Panel service worker holds out of sight
    past the 15 s bound: the page is not seen to finish loading, so the copy is marked removed
    on the seller's word with why: whether the Panel shows the page could not be confirmed (not
    that it does not)."""
    assert HIDDEN.startswith(WORKER_SCOPE.rsplit("/", 1)[1])
    complaint = f"CMP-UNCONFIRMED-{lang}"
    case = open_case(browser.home, complaint, products=[HIDDEN])
    store = case_images.CaseImages(browser.home)
    copy = store.add_caught(case.id, COPY, "mirror-kept.jpg", "complained-notice.jpg")
    store.uploaded_anyway(case.id, copy.id)
    with panel_service_worker(browser, WORKER_SCOPE) as tell:
        tell("keep", HIDDEN)
        page = browser.open_extension_page(f"case/case.html?case={complaint}")
        page.set_viewport_size({"width": 1100, "height": 900})
        figure = page.locator(f"#images .copies figure[data-caught='{copy.id}']")
        figure.locator("button.remove-copy").click()
        expect(figure).to_have_attribute("data-removal", "stated")
        expect(figure.locator(".note.stated")).to_contain_text(
            words(lang, "caseRemovalUnconfirmed"))
        assert words(lang, "caseRemovalNotShown") not in figure.inner_text()
        expect(status(page, "images.replaced")).to_have_attribute("data-status", "unknown")
        keep_screenshot(page, f"case-images-{lang}-5-unconfirmed", "#images .copies")
        tell("release", HIDDEN)
    assert [(p.removal, p.removal_problem) for p in store.caught(case.id)] == \
        [("stated", "unconfirmed")]
    page.close()
