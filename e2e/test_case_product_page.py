"""The case page reads the case's product pages on the (mock) Merchant Panel, as the seller's
browser shows them, in English and Chinese: the old image URLs collected from them are added to
the case and checked at once; new images picked from them are cleaned and kept with the case; a
product whose page the Panel does not show is named, nothing made up."""

import io

import pytest
from bench.imagegen import product_photo
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from e2e.conftest import WAIT_MS, cdn_image, keep_screenshot, words
from iprdesk.casework.cases import CaseStore
from iprdesk.vault import Vault
from tests.helpers import open_case
from tests.image_fixtures import exif_bytes

PASSPHRASE = "e2e product page passphrase"
PRODUCT = "6a1f00bb01"
NOT_SHOWN = "6a1f00bb02"
LATER = "6a1f00bb03"
SLOW = "6a1f00bb04"
NEVER = "6a1f00bb05"
# The images the mock product page shows (e2e/panel/product-edit.html).
OLD = "https://img.joomcdn.net/3f2a9c1b7d4e5f60718293a4b5c6d7e8f9012345_1024_1024.jpeg"
NEW = "https://img.joomcdn.net/0a1b2c3d4e5f60718293a4b5c6d7e8f901234567_1024_1024.jpeg"


def photo(seed, exif=b"") -> bytes:
    out = io.BytesIO()
    product_photo(seed, (400, 300)).convert("RGB").save(out, "JPEG", quality=85,
                                                        **({"exif": exif} if exif else {}))
    return out.getvalue()


def serve_images(b):
    b.panel.cdn["/" + OLD.rsplit("/", 1)[1]] = cdn_image(photo(41))
    b.panel.cdn["/" + NEW.rsplit("/", 1)[1]] = cdn_image(photo(42, exif_bytes()))


# The second product's page is not a product page (the Panel sent the seller elsewhere); the
# third becomes the product page seconds after it loaded (e2e/panel/product-later.html), as do
# two more whose data request the mock Panel answers when a test says (`hold`). The
# mock Panel on a loopback server (`served`): the tabs the extension opens itself bypass
# Playwright's routes.
pytestmark = pytest.mark.browser(vault=PASSPHRASE, timezone="Asia/Shanghai", setup=serve_images,
                                 pages={rf"/products/{NOT_SHOWN}/edit": "account.html",
                                        rf"/products/({LATER}|{SLOW}|{NEVER})/edit":
                                            "product-later.html"},
                                 served=[])

# The page quiet for twice the settling's second (content/main.js): no change of its DOM, no
# request of its finishing since it asked for its data.
QUIET = """() => performance.now() - Math.max(window.requestedAt,
    ...performance.getEntriesByType("resource").map((e) => e.responseEnd)) > 2000"""


@pytest.fixture
def lang(request):
    return request.node.callspec.params["browser"]


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_old_urls_collected_and_new_images_picked_from_the_product_page(browser, lang):
    complaint = f"CMP-FROM-PAGE-{lang}"
    case = open_case(browser.home, complaint, products=[PRODUCT, NOT_SHOWN])
    page = browser.open_extension_page(f"case/case.html?case={complaint}")
    page.set_viewport_size({"width": 1100, "height": 900})
    expect(page.locator("#preflight #unlock-form")).to_have_count(1)  # the vault is locked

    # Collect the old image URLs: every image of the product page, ticked.
    picker = page.locator("#old-urls [data-from-page='old-urls']")
    picker.locator("button.read-page").click()
    figures = picker.locator(f".product-page[data-product='{PRODUCT}'] figure")
    expect(figures).to_have_count(2)
    assert [f.get_attribute("data-url") for f in figures.all()] == [OLD, NEW]
    assert all(box.is_checked() for box in figures.locator("input[type=checkbox]").all())
    # The product the Panel did not show is named, with what to do.
    expect(picker.locator(f".product-page[data-product='{NOT_SHOWN}'] .error")).to_have_text(
        words(lang, "casePageNotShown", NOT_SHOWN))
    assert words(lang, "casePageOldNote") in picker.inner_text()
    keep_screenshot(page, f"case-from-page-{lang}-1-collect")
    # The new one is no old URL: untick it, add the rest and check them now.
    picker.locator(f"figure[data-url='{NEW}'] input[type=checkbox]").uncheck()
    picker.locator("button.take").click()
    expect(page.locator(f"#old-urls li[data-url='{OLD}']")).to_have_count(1)
    expect(page.locator("#old-urls li[data-url]")).to_have_count(1)
    # Checked at once (the CDN is out of the agent's reach here: its verdict, not "pending").
    expect(page.locator(f"#old-urls li[data-url='{OLD}']")).not_to_have_attribute(
        "data-state", "pending")
    assert CaseStore(browser.home).get(case.id).old_urls == [OLD]

    # Pick the new image from the same page: cleaned of its camera metadata, kept as a photo.
    picker = page.locator("#images [data-from-page='new-images']")
    picker.locator("button.read-page").click()
    figures = picker.locator(f".product-page[data-product='{PRODUCT}'] figure")
    expect(figures).to_have_count(2)
    assert not any(box.is_checked() for box in figures.locator("input[type=checkbox]").all())
    picker.locator("button.take").click()
    expect(picker.locator("span.message.error")).to_have_text(words(lang, "casePageNoneChosen"))
    picker.locator(f"figure[data-url='{NEW}'] input[type=checkbox]").check()
    keep_screenshot(page, f"case-from-page-{lang}-2-pick")
    picker.locator("button.take").click()
    # Kept, the case is read anew: the section drawn again, without the page's images.
    expect(page.locator("#images [data-from-page] figure")).to_have_count(0)
    vault = Vault.open(browser.home)
    vault.unlock(PASSPHRASE)
    [item] = vault.list(case=case.id, kind="photo")
    assert item.original_name == NEW.rsplit("/", 1)[1]
    assert b"Exif" not in vault.read(item.id)[:4096]
    # Unlocked, the case page lists it among the new images.
    page.fill("#preflight #unlock-form #passphrase", PASSPHRASE)  # lib/unlock-form.js
    page.click("#preflight #unlock")
    expect(page.locator("#images .photos li")).to_have_count(1)
    keep_screenshot(page, f"case-from-page-{lang}-3-picked")
    page.close()


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_a_page_that_becomes_the_product_page_later_is_read(browser, lang):
    """The Panel, a single-page app, shows the product page only after seconds of requests
    that leave its shell unchanged for longer than the settling wait at a time: read as the
    product page once it shows, not named as a page the Panel did not show."""
    complaint = f"CMP-LATER-{lang}"
    open_case(browser.home, complaint, products=[LATER])
    page = browser.open_extension_page(f"case/case.html?case={complaint}")
    picker = page.locator("#old-urls [data-from-page='old-urls']")
    picker.locator("button.read-page").click()
    read = picker.locator(f".product-page[data-product='{LATER}']")
    expect(read).to_have_count(1)  # drawn whole: the page's answer, or its problem
    assert read.locator(".error").count() == 0, read.inner_text()
    assert [f.get_attribute("data-url") for f in read.locator("figure").all()] == [OLD, NEW]
    page.close()


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_a_page_waiting_on_its_data_request_is_read_once_it_came(browser, lang):
    """The Panel, a single-page app, shows its shell and then waits on the product's data,
    nothing changing on the page for longer than the settling's quiet second: its request still
    in flight, the page is not taken as settled (it would be named a page the Panel did not
    show), and once the data came it is read as the product page."""
    complaint = f"CMP-SLOW-{lang}"
    open_case(browser.home, complaint, products=[SLOW])
    data = browser.panel.hold(f"/api/products/{SLOW}")
    page = browser.open_extension_page(f"case/case.html?case={complaint}")
    picker = page.locator("#old-urls [data-from-page='old-urls']")
    with browser.context.expect_page() as opened:  # the tab the extension reads it in
        picker.locator("button.read-page").click()
    assert data.arrived.wait(WAIT_MS / 1000)
    try:
        opened.value.wait_for_function(QUIET, polling=100)
    except PlaywrightError:  # the extension closed it: the page was read without its data
        pytest.fail(f"read before its data came: {picker.inner_text()}")
    data.released.set()
    read = picker.locator(f".product-page[data-product='{SLOW}']")
    expect(read).to_have_count(1)
    assert read.locator(".error").count() == 0, read.inner_text()
    assert [f.get_attribute("data-url") for f in read.locator("figure").all()] == [OLD, NEW]
    page.close()


# One language: the answer's words are the ones the first test reads in both; the wait is the
# bound's 15 s.
@pytest.mark.parametrize("browser", ["en"], indirect=True, scope="module")
def test_a_request_that_never_ends_still_gives_an_answer(browser, lang):
    """The product's data request never ends: the page is answered at the bound (15 s,
    content/main.js) as it is then, named as a page the Panel did not show."""
    complaint = "CMP-NEVER"
    open_case(browser.home, complaint, products=[NEVER])
    data = browser.panel.hold(f"/api/products/{NEVER}")
    page = browser.open_extension_page(f"case/case.html?case={complaint}")
    picker = page.locator("#old-urls [data-from-page='old-urls']")
    picker.locator("button.read-page").click()
    expect(picker.locator(f".product-page[data-product='{NEVER}'] .error")).to_have_text(
        words(lang, "casePageNotShown", NEVER))
    assert data.arrived.is_set() and not data.released.is_set()  # answered, still in flight
    data.released.set()
    page.close()
