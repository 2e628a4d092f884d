"""Product page badges (fine / near-duplicate / metadata / old URL still live), and the popup's
list of watched old URLs with "check now". One browser for the module."""

import http.server
import threading
from datetime import timedelta

import pytest
from bench.imagegen import EDITS, jpeg, product_photo
from playwright.sync_api import expect

from e2e.conftest import BADGE, BADGE_PRODUCT, cdn_image, keep_screenshot
from iprdesk import timeutil
from iprdesk.images import similar
from iprdesk.urls import check as urlcheck
from iprdesk.urls import watch as urlwatch
from tests import image_fixtures as fx
from tests.helpers import free_port, open_case

OLD = product_photo(11, (500, 500))
CDN = "https://img.joomcdn.net/"
OLD_URL = CDN + "a" * 40 + "_1024_1024.jpeg"


def seed(b):
    b.panel.cdn.update({
        "/" + "a" * 40 + "_1024_1024.jpeg": cdn_image(jpeg(OLD)),
        "/" + "b" * 40 + "_1024_1024.jpeg": cdn_image(jpeg(product_photo(12, (500, 500)))),
        "/" + "c" * 40 + "_1024_1024.jpeg": cdn_image(fx.photo_jpeg(size=(320, 240))),
        "/" + "d" * 40 + "_1024_1024.jpeg": cdn_image(jpeg(EDITS["mirror"](OLD))),
    })
    # Case C-1 complained about OLD, whose old URL was still live at its last check.
    watch = urlwatch.WatchList(b.home)
    later = timeutil.utc_now() + timedelta(days=1)  # not due: the agent leaves it be
    watch.add("C-1", [OLD_URL], similar.fingerprint_bytes(jpeg(OLD)), now=later,
              variants=False)
    watch.record([("C-1", urlcheck.CheckResult(
        url=OLD_URL, verdict="live", reason=urlcheck.reason("serves_image"), status=200,
        final_url=OLD_URL, redirects=[], headers={}, body_sha256=None, body_bytes=1,
        checked_at="2026-03-01T08:00:00Z", elapsed_ms=1, attempts=1), None)], later)


# A seller in China: the old URL's check time is read in UTC+8.
pytestmark = pytest.mark.browser(pages={BADGE_PRODUCT: "product-edit-images.html"}, setup=seed,
                                 timezone="Asia/Shanghai")


def badges(page) -> dict:
    page.wait_for_function(f"document.querySelectorAll('{BADGE}').length >= 4")
    return {h.get_attribute("data-iprdesk-image"): h.get_attribute("data-iprdesk-badges")
            for h in page.locator(BADGE).all()}


def test_each_image_gets_its_badge(browser):
    page = browser.open_panel(BADGE_PRODUCT)
    got = badges(page)
    assert got == {
        OLD_URL: "near-duplicate old-url-live",
        CDN + "b" * 40 + "_1024_1024.jpeg": "fine",
        "https://img-edg.joomcdn.net/" + "c" * 40 + "_1024_1024.jpeg": "metadata",
        CDN + "d" * 40 + "_1024_1024.jpeg": "near-duplicate",
    }
    # Badges sit on their image, and explain themselves.
    old = page.locator(f"{BADGE}[data-iprdesk-image='{OLD_URL}']")
    box, img = old.bounding_box(), page.locator("#img-old").bounding_box()
    assert abs(box["x"] - img["x"]) < 10 and abs(box["y"] - img["y"]) < 10
    titles = old.evaluate("h => [...h.shadowRoot.querySelectorAll('.badge')]"
                          ".map(b => [b.textContent, b.title])")
    assert titles[0][0] == "Near-duplicate"
    assert f"C-1: {OLD_URL}" in titles[0][1]
    assert titles[1][0] == "Old URL still live" and "2026-03-01 16:00 (UTC+8)" in titles[1][1]
    gps = page.locator(f"{BADGE}[data-iprdesk-badges='metadata']")
    assert "iPhone 14 Pro" in gps.evaluate("h => h.shadowRoot.querySelector('.badge').title")
    page.close()


def test_images_added_later_get_badges_too(browser):
    page = browser.open_panel(BADGE_PRODUCT)
    badges(page)
    page.evaluate("""() => {
        const img = document.createElement('img');
        img.src = 'https://img.joomcdn.net/' + 'e'.repeat(40) + '_1024_1024.jpeg';
        document.getElementById('gallery').append(img);
    }""")
    page.wait_for_selector(f"{BADGE}[data-iprdesk-image$='{'e' * 40}_1024_1024.jpeg']",
                           state="attached")
    added = page.locator(f"{BADGE}[data-iprdesk-image$='{'e' * 40}_1024_1024.jpeg']")
    # the CDN answers 404 for it: nothing to assess, and the badge says so
    assert added.get_attribute("data-iprdesk-badges") == "unreadable"
    page.close()


def test_a_complained_picture_dropped_on_the_case_page_counts_when_the_seller_comes_back(
        browser, tmp_path):
    """The product page shows a mirrored copy of a picture nobody knew was complained about:
    fine. The seller drops that picture as a complained file on the case page, comes back to
    the product page's tab, and the copy is a near-duplicate naming the dropped file."""
    complained = product_photo(14, (500, 500))
    copy_url = CDN + "f" * 40 + "_1024_1024.jpeg"
    browser.panel.cdn["/" + "f" * 40 + "_1024_1024.jpeg"] = cdn_image(
        jpeg(EDITS["mirror"](complained)))
    case = open_case(browser.home, "CMP-DROPPED-BADGE")
    page = browser.open_panel(BADGE_PRODUCT)
    badges(page)
    page.evaluate(f"""() => {{
        const img = document.createElement('img');
        img.src = '{copy_url}';
        document.getElementById('gallery').append(img);
    }}""")
    copy = page.locator(f"{BADGE}[data-iprdesk-image='{copy_url}']")
    expect(copy).to_have_attribute("data-iprdesk-badges", "fine")

    case_page = browser.open_extension_page(f"case/case.html?case={case.id}")
    dropped = tmp_path / "rights-holder.jpg"
    dropped.write_bytes(jpeg(complained))
    case_page.locator("#images .fix[data-fix='complained-files'] input[type=file]") \
        .set_input_files(str(dropped))
    expect(case_page.locator("#images figure[data-source='file']")).to_have_count(1)
    case_page.close()

    page.bring_to_front()
    # Headless, the tab never stopped being visible: the event a tab switch sends.
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(copy).to_have_attribute("data-iprdesk-badges", "near-duplicate")
    title = copy.evaluate("h => h.shadowRoot.querySelector('.badge').title")
    assert f"{case.id}: rights-holder.jpg" in title
    keep_screenshot(page, "badges-dropped-complained-en")
    page.close()


def test_popup_lists_watched_urls_and_checks_now(browser):
    refused = f"http://127.0.0.1:{free_port()}/old.jpg"  # nothing listens: `unknown`
    case = open_case(browser.home, "CMP-2").id
    urlwatch.WatchList(browser.home).add(case, [refused], now=timeutil.utc_now()
                                         + timedelta(days=1))
    popup = browser.open_extension_page("popup/popup.html")
    live = popup.locator(f".watched-url[data-url='{OLD_URL}']")
    live.wait_for()
    assert live.get_attribute("data-state") == "live"
    assert "still live" in live.inner_text() and "Last checked" in live.inner_text()
    pending = popup.locator(f".watched-url[data-url='{refused}']")
    assert pending.get_attribute("data-state") == "pending"
    assert "Not checked yet" in pending.inner_text()

    popup.click(f".watched-case[data-case='{case}'] .check-now")
    popup.wait_for_selector(f".watched-url[data-url='{refused}'][data-state='unknown']")
    keep_screenshot(popup, "popup-old-urls", "#section-old-urls")
    [w] = urlwatch.WatchList(browser.home).list(case)
    assert w.checks == 1 and w.last["reason"]["code"] == "network"
    popup.close()


def test_agent_down_says_so(browser):
    with browser.agent_stopped():  # over native messaging: the host unregistered too
        page = browser.open_panel(BADGE_PRODUCT)
        notice = page.locator("iprdesk-overlay[data-iprdesk-id='image-badges-agent-down']")
        notice.wait_for(state="attached")
        assert "“iprdesk install”" in notice.evaluate("h => h.shadowRoot.textContent")
        page.close()


def test_check_images_counts_the_verdicts_the_agent_names(browser):
    """The complaint card's "Check images" sorts verdicts with the shared data's lists, even when
    the cached shared data came from an agent that had none."""
    picture = jpeg(product_photo(13, (200, 200)))

    class Cdn(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            found = self.path.startswith("/live.jpg")
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "image/jpeg" if found else "text/plain")
            self.end_headers()
            self.wfile.write(picture if found else b"gone")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Cdn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    urls = [f"{base}/live.jpg", f"{base}/gone.jpg", f"http://127.0.0.1:{free_port()}/x.jpg"]
    case = open_case(browser.home, "CMP-13").id
    urlwatch.WatchList(browser.home).add(case, urls, now=timeutil.utc_now()
                                         + timedelta(days=1))
    page = browser.open_extension_page("popup/popup.html")
    try:
        # The popup has rendered (and refreshed the shared data): nothing refreshes it again.
        page.locator(f".watched-case[data-case='{case}']").wait_for()
        page.evaluate("""async () => {
          const { sharedDataCache } = await chrome.storage.local.get("sharedDataCache");
          delete sharedDataCache.verdicts;
          await chrome.storage.local.set({ sharedDataCache });
        }""")
        reply = page.evaluate("(caseId) => chrome.runtime.sendMessage("
                              "{ type: 'cases.checkImages', caseId })", case)
        assert reply == {"ok": True, "data": {"gone": 1, "public": 1, "unclear": 1}}
    finally:
        page.close()
        server.shutdown()
