"""The case page reads the case's product pages on the (mock) Merchant Panel, as the seller's
browser shows them, in English and Chinese: the old image URLs collected from them are added to
the case and checked at once; new images picked from them are cleaned and kept with the case; a
product whose page the Panel does not show is named, nothing made up; a page not seen to finish
loading is not named so: it could not be confirmed.

A page that is still loading is waited for while its requests to the Panel are in flight
(extension/background/requests-in-flight.js): those to the Panel's API host, those of a Panel
service worker, those begun before Chrome restarted the extension's worker, those a Panel
service worker keeps off the network (seen from the page's world: content/requests.js); not a
tracker's or an event stream's, which never end, nor a long-poll's once seen to be one."""

import io

import pytest
from bench.imagegen import product_photo
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from e2e.conftest import WAIT_MS, cdn_image, keep_screenshot, panel_service_worker, words
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
LIVE = "6a1f00bb06"  # a page of requests that never end and bring nothing (live-updates.html)
API = "6a1f00bb07"  # its data from the Panel's API host
RESTART = "6a1f00bb08"
GALLERY = "6a1f00bb09"  # its main image first, the rest by a later request
# Pages a Panel service worker controls (its scope, e2e/panel/panel-sw.js): its own fetch
# brings the first one's data, it keeps the second one's gallery off the network, the third
# page starts a worker of its own.
WORKER_SCOPE = "/products/6a1f00bb1"
SW_NET = "6a1f00bb10"
SW_HELD = "6a1f00bb11"
SW_WORKER = "6a1f00bb12"
SW_RESTART = "6a1f00bb13"  # as SW_HELD's, in the seller's tab across a restart of our worker
POLL = "6a1f00bb20"  # its live updates by long-poll meanwhile (product-poll.html)
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
# more whose data request the mock Panel answers when a test says (`hold`), one from the
# Panel's API host. The mock Panel on a loopback server (`served`), also as that host and a
# tracker's: the tabs the extension opens itself bypass Playwright's routes.
pytestmark = pytest.mark.browser(
    vault=PASSPHRASE, timezone="Asia/Shanghai", setup=serve_images,
    pages={rf"/products/{NOT_SHOWN}/edit": "account.html",
           rf"/products/({LATER}|{SLOW}|{NEVER}|{RESTART}|{SW_NET})/edit":
               "product-later.html",
           rf"/products/{API}/edit": "product-api.html",
           rf"/products/({GALLERY}|{SW_HELD}|{SW_RESTART})/edit": "product-gallery.html",
           rf"/products/{SW_WORKER}/edit": "product-worker.html",
           rf"/products/{LIVE}/edit": "live-updates.html",
           rf"/products/{POLL}/edit": "product-poll.html"},
    served=["api-merchant.joom.com", "tracker.example"])

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


def read_once_released(browser, lang, product, data, seen_to_settle=True):
    """Read `product`'s page from its case page while `data`, the Hold of the request its
    page waits on, is held: held until the page has been quiet for twice the settling's second
    (it must not be read meanwhile), then released; the page is read as the product page, with
    all its images, said to be maybe not all of them unless it was `seen_to_settle`."""
    complaint = f"CMP-{product}-{lang}"
    open_case(browser.home, complaint, products=[product])
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
    read = picker.locator(f".product-page[data-product='{product}']")
    expect(read).to_have_count(1)
    assert read.locator(".error").count() == 0, read.inner_text()
    assert [f.get_attribute("data-url") for f in read.locator("figure").all()] == [OLD, NEW]
    if seen_to_settle:
        expect(read.locator(".incomplete")).to_have_count(0)
    else:
        expect(read.locator(".incomplete")).to_have_text(words(lang, "casePageIncomplete", product))
        keep_screenshot(page, f"case-from-page-{lang}-incomplete", "#old-urls")
    page.close()


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_a_page_showing_its_first_image_is_read_once_its_gallery_came(browser, lang):
    """The product page shows its main image, then the rest of its gallery once another request
    is answered: read with every image, not at its first (a removal checked against the first
    alone would be confirmed while the copy is still shown)."""
    read_once_released(browser, lang, GALLERY,
                       browser.panel.hold(f"/api/products/{GALLERY}/gallery"))


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_a_page_waiting_on_its_data_request_is_read_once_it_came(browser, lang):
    """The Panel, a single-page app, shows its shell and then waits on the product's data,
    nothing changing on the page for longer than the settling's quiet second: its request still
    in flight, the page is not taken as settled (it would be named a page the Panel did not
    show), and once the data came it is read as the product page."""
    read_once_released(browser, lang, SLOW, browser.panel.hold(f"/api/products/{SLOW}"))


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_a_page_waiting_on_the_panels_api_host_is_read_once_its_data_came(browser, lang):
    """The same with the product's data requested from the Panel's API host
    (api-merchant.joom.com), not the page's own: waited for too."""
    read_once_released(browser, lang, API, browser.panel.hold(f"/api/products/{API}"))


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_requests_that_never_end_and_bring_no_page_do_not_hold_the_answer(browser, lang):
    """A page that is not the product's, with requests that never end: a tracker's on another
    site, and the Panel's own event streams (EventSource, a fetch read as a stream). None of
    them is waited for: the page settles and is named as a page the Panel did not show (were
    any waited for, the answer would come at the 15 s bound, as not confirmed)."""
    complaint = f"CMP-LIVE-{lang}"
    open_case(browser.home, complaint, products=[LIVE])
    tracker = browser.panel.hold("/collect")
    events = browser.panel.hold("/api/events", stream=True)
    page = browser.open_extension_page(f"case/case.html?case={complaint}")
    picker = page.locator("#old-urls [data-from-page='old-urls']")
    picker.locator("button.read-page").click()
    expect(picker.locator(f".product-page[data-product='{LIVE}'] .error")).to_have_text(
        words(lang, "casePageNotShown", LIVE))
    # They were under way, and still are.
    assert tracker.arrived.is_set() and events.arrived.is_set()
    assert not tracker.released.is_set() and not events.released.is_set()
    tracker.released.set()
    events.released.set()
    page.close()


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_a_request_begun_before_the_worker_restarted_is_still_waited_for(browser, lang):
    """The seller's own tab shows the product's page waiting on its data when Chrome stops the
    extension's service worker (as when it idles; here through CDP): started again, the worker
    still knows that request (chrome.storage.session), and the page read from that tab is
    waited for rather than named a page the Panel did not show."""
    complaint = f"CMP-RESTART-{lang}"
    open_case(browser.home, complaint, products=[RESTART])
    data = browser.panel.hold(f"/api/products/{RESTART}")
    panel = browser.open_panel(f"/products/{RESTART}/edit")
    assert data.arrived.wait(WAIT_MS / 1000)
    browser.stop_worker(panel)
    page = browser.open_extension_page(f"case/case.html?case={complaint}")  # wakes the worker
    picker = page.locator("#old-urls [data-from-page='old-urls']")
    picker.locator("button.read-page").click()
    # The seller's tab quiet for twice the settling's second since the read began.
    clicked = panel.evaluate("performance.now()")
    panel.wait_for_function("(t) => performance.now() - Math.max(t, window.requestedAt) > 2000",
                            arg=clicked, polling=100)
    data.released.set()
    read = picker.locator(f".product-page[data-product='{RESTART}']")
    expect(read).to_have_count(1)
    assert read.locator(".error").count() == 0, read.inner_text()
    assert [f.get_attribute("data-url") for f in read.locator("figure").all()] == [OLD, NEW]
    expect(panel.locator("html[data-iprdesk-page='product-edit']")).to_have_count(1)  # left open
    page.close()
    panel.close()


@pytest.fixture
def tell_worker(browser):
    """A Panel service worker controlling the pages under WORKER_SCOPE for the test."""
    with panel_service_worker(browser, WORKER_SCOPE) as tell:
        yield tell


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_a_panel_service_workers_request_is_waited_for(browser, lang, tell_worker):
    """The page's data request answered by a Panel service worker with its own fetch (which
    webRequest sees as no tab's): waited for as the page's own, and the page, its own requests
    seen from its world, is seen to settle."""
    assert SW_NET.startswith(WORKER_SCOPE.rsplit("/", 1)[1])
    read_once_released(browser, lang, SW_NET, browser.panel.hold(f"/api/products/{SW_NET}"))


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_a_page_that_starts_a_worker_is_not_seen_to_settle(browser, lang, tell_worker):
    """The same page, but it starts a worker of its own: what that worker asks its page's
    service worker for is seen by nobody, so the page is not seen to settle: its images are
    offered, said to be maybe not all."""
    assert SW_WORKER.startswith(WORKER_SCOPE.rsplit("/", 1)[1])
    read_once_released(browser, lang, SW_WORKER, browser.panel.hold(f"/api/products/{SW_WORKER}"),
                       seen_to_settle=False)


# The page's script (its own world) forging the ends of its requests to content/requests.js:
# a channel of its own announced, then ours asked for again (content/page-requests.js answers a
# hello until the isolated side acknowledged), "end" told for the first numbers on each it
# has; how many of ours it got.
FORGE_ENDS = """() => {
    const got = [];
    window.addEventListener("iprdesk-requests-channel", (e) => got.push(e.relatedTarget));
    const own = document.createElement("span");
    window.dispatchEvent(new MouseEvent("iprdesk-requests-channel", { relatedTarget: own }));
    window.dispatchEvent(new Event("iprdesk-requests-hello"));
    const ours = got.filter((node) => node !== own);
    for (const node of [own, ...ours]) {
        for (let id = 1; id <= 50; id++) node.dispatchEvent(new CustomEvent("end", { detail: id }));
    }
    return ours.length;
}"""


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_a_gallery_a_service_worker_keeps_off_the_network_is_waited_for(browser, lang,
                                                                       tell_worker):
    """The product page shows its main image, and its gallery request is held by a Panel
    service worker, nothing of it on the network (no webRequest listener sees it): the page's
    own fetch, seen from its world, is waited for (a script of the page cannot say it ended);
    once the worker answers, the page is read with every image and is seen to settle (a removal
    checked against it can be confirmed)."""
    assert SW_HELD.startswith(WORKER_SCOPE.rsplit("/", 1)[1])
    complaint = f"CMP-SW-{lang}"
    open_case(browser.home, complaint, products=[SW_HELD])
    tell_worker("keep", f"{SW_HELD}/gallery")
    page = browser.open_extension_page(f"case/case.html?case={complaint}")
    picker = page.locator("#old-urls [data-from-page='old-urls']")
    with browser.context.expect_page() as opened:  # the tab the extension reads it in
        picker.locator("button.read-page").click()
    try:
        opened.value.wait_for_function("document.querySelectorAll('#app figure').length === 1",
                                       polling=100)
        # A hostile script of the page tries to tell us its requests ended: on a channel of its
        # own, and on ours, were it handed out again when asked.
        assert opened.value.evaluate(FORGE_ENDS) == 0  # ours was not handed out again
        opened.value.wait_for_function(QUIET, polling=100)
    except PlaywrightError:  # the extension closed it: the page was read without its gallery
        pytest.fail(f"read before its gallery came: {picker.inner_text()}")
    tell_worker("release", f"{SW_HELD}/gallery")
    read = picker.locator(f".product-page[data-product='{SW_HELD}']")
    expect(read).to_have_count(1)
    assert read.locator(".error").count() == 0, read.inner_text()
    assert [f.get_attribute("data-url") for f in read.locator("figure").all()] == [OLD, NEW]
    expect(read.locator(".incomplete")).to_have_count(0)
    page.close()


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_a_kept_gallery_is_waited_for_past_a_restart_of_our_worker(browser, lang, tell_worker):
    """The seller's tab shows such a page, its gallery kept off the network by the Panel's
    service worker, when Chrome stops the extension's worker: the page's own count is kept in
    the tab, so the read from that tab still waits for the gallery."""
    assert SW_RESTART.startswith(WORKER_SCOPE.rsplit("/", 1)[1])
    complaint = f"CMP-SW-RESTART-{lang}"
    open_case(browser.home, complaint, products=[SW_RESTART])
    tell_worker("keep", f"{SW_RESTART}/gallery")
    panel = browser.open_panel(f"/products/{SW_RESTART}/edit")
    panel.wait_for_function("document.querySelectorAll('#app figure').length === 1",
                            polling=100)
    browser.stop_worker(panel)
    page = browser.open_extension_page(f"case/case.html?case={complaint}")  # wakes the worker
    picker = page.locator("#old-urls [data-from-page='old-urls']")
    picker.locator("button.read-page").click()
    # The seller's tab quiet for twice the settling's second since the read began.
    clicked = panel.evaluate("performance.now()")
    panel.wait_for_function("(t) => performance.now() - Math.max(t, window.requestedAt) > 2000",
                            arg=clicked, polling=100)
    read = picker.locator(f".product-page[data-product='{SW_RESTART}']")
    assert read.count() == 0, read.inner_text()  # not read meanwhile
    tell_worker("release", f"{SW_RESTART}/gallery")
    expect(read).to_have_count(1)
    assert read.locator(".error").count() == 0, read.inner_text()
    assert [f.get_attribute("data-url") for f in read.locator("figure").all()] == [OLD, NEW]
    expect(read.locator(".incomplete")).to_have_count(0)
    page.close()
    panel.close()


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_a_long_poll_seen_to_be_one_does_not_hold_the_answer(browser, lang):
    """The Panel's live updates by long-poll: a request held until there is news, asked again
    as soon as it is answered. Seen to be one in the seller's tab (answered after seconds and
    asked again at once), its requests are no longer waited for: the product page read from
    that tab settles, its images not said to be maybe not all (were the poll waited for, the
    page would be answered at the 15 s bound, not seen to settle). A first, never-answered
    request is waited for as any (the never-ending data request's test)."""
    complaint = f"CMP-POLL-{lang}"
    open_case(browser.home, complaint, products=[POLL])
    poll = browser.panel.hold("/api/poll", poll=True)
    panel = browser.open_panel(f"/products/{POLL}/edit")
    assert poll.arrived.wait(WAIT_MS / 1000)
    # Held for longer than a long-poll's 5 s (background/requests-in-flight.js), answered.
    panel.wait_for_function("performance.now() - window.polledAt > 5500", polling=200)
    poll.answer()
    panel.wait_for_function("window.polls >= 2", polling=100)
    expect(panel.locator("html[data-iprdesk-page='product-edit']")).to_have_count(1)
    page = browser.open_extension_page(f"case/case.html?case={complaint}")
    picker = page.locator("#old-urls [data-from-page='old-urls']")
    picker.locator("button.read-page").click()
    read = picker.locator(f".product-page[data-product='{POLL}']")
    expect(read).to_have_count(1)
    assert read.locator(".error").count() == 0, read.inner_text()
    assert [f.get_attribute("data-url") for f in read.locator("figure").all()] == [OLD, NEW]
    expect(read.locator(".incomplete")).to_have_count(0)
    assert panel.evaluate("window.polls") == 2  # the second one still held meanwhile
    page.close()
    panel.close()
    poll.released.set()


# One language: the answer's words are the ones the service worker's test reads in both; the
# wait is the bound's 15 s.
@pytest.mark.parametrize("browser", ["en"], indirect=True, scope="module")
def test_a_request_that_never_ends_still_gives_an_answer(browser, lang):
    """The product's data request never ends: the page is answered at the bound (15 s,
    content/main.js) as it is then, not named a page the Panel did not show (it may yet have
    become the product's): it could not be confirmed."""
    complaint = "CMP-NEVER"
    open_case(browser.home, complaint, products=[NEVER])
    data = browser.panel.hold(f"/api/products/{NEVER}")
    page = browser.open_extension_page(f"case/case.html?case={complaint}")
    picker = page.locator("#old-urls [data-from-page='old-urls']")
    picker.locator("button.read-page").click()
    expect(picker.locator(f".product-page[data-product='{NEVER}'] .error")).to_have_text(
        words(lang, "casePageUnconfirmed", NEVER))
    assert data.arrived.is_set() and not data.released.is_set()  # answered, still in flight
    data.released.set()
    page.close()
