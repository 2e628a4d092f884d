"""The upload guard's fast path: files go to the agent from a hidden extension frame as Blobs,
not base64 through the service worker; the Panel page's own scripts get nothing from that
frame; and the service worker still cleans the file when the frame cannot be used."""

import base64

import pytest

from e2e.conftest import PRODUCT, set_agent_url, toast_texts, wait_uploads
from e2e.test_agent_busy import BusyFront
from tests import image_fixtures as fx

pytestmark = [pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO"),
              fx.needs_exiftool]

FRAME = "upload/frame.html"


def record_worker_messages(browser):
    """From now on the service worker notes the type of every message it receives."""
    browser.worker.evaluate("""() => {
        self.e2eMessages = [];
        chrome.runtime.onMessage.addListener((m) => { self.e2eMessages.push(m?.type); });
    }""")


def worker_messages(browser):
    """The types recorded, after one more message from an extension page: proof that the
    recorder lived through the test (a restarted worker would have lost it, and this fails)."""
    page = browser.open_extension_page("popup/popup.html")
    page.evaluate("chrome.runtime.sendMessage({ type: 'upload.settings' })")
    page.close()
    return browser.worker.evaluate("self.e2eMessages")


def choose_photo(browser, page, tmp_path, name):
    photo = tmp_path / name
    photo.write_bytes(fx.photo_jpeg())
    browser.panel.uploads.clear()
    page.set_input_files("#image-upload", str(photo))
    [upload] = wait_uploads(browser, page, 1)
    assert upload.name == name and fx.leftover_metadata(upload.body) == {}
    assert fx.frames(upload.body) == fx.frames(photo.read_bytes())
    assert name in toast_texts(page)[0]
    return upload


def open_product(browser):
    page = browser.open_panel(PRODUCT)
    page.wait_for_selector('html[data-iprdesk-page="product-edit"]')
    return page


def test_the_file_travels_through_the_frame_not_the_service_worker(browser, tmp_path):
    record_worker_messages(browser)
    page = open_product(browser)
    choose_photo(browser, page, tmp_path, "IMG_7001.jpg")
    assert any(frame.url.startswith(browser.ext_url(FRAME)) for frame in page.frames)
    page.close()
    seen = worker_messages(browser)
    assert "upload.clean" not in seen and "upload.settings" in seen, seen


def test_a_page_script_gets_nothing_from_the_upload_frame(browser, tmp_path):
    with BusyFront(browser.agent.url, busy=0, retry_after=0) as front:  # counts the strips
        set_agent_url(browser, front.url)
        try:
            page = open_product(browser)
            page.wait_for_selector("iprdesk-upload-frame", state="attached")
            # The page's own script: it cannot see the guard's frame, so it embeds a copy (any
            # Panel page may) and asks it, and every frame it can reach, to clean a photo,
            # with no key, a guessed one, and none at all; and listens for any answer.
            seen = page.evaluate("""async ([frameUrl, photo]) => {
                window.hostileAnswers = [];
                window.addEventListener("message", (e) => window.hostileAnswers.push(e.data));
                const host = document.querySelector("iprdesk-upload-frame");
                const found = { shadowRoot: host.shadowRoot === null ? null : "open",
                                frames: window.length,
                                timing: performance.getEntriesByType("resource")
                                  .map((e) => e.name).filter((n) => n.includes("upload/")) };
                const copy = document.createElement("iframe");
                copy.src = frameUrl;
                await new Promise((resolve) => {
                    copy.onload = resolve;
                    document.body.append(copy);
                });
                const bytes = Uint8Array.from(atob(photo), (c) => c.charCodeAt(0));
                const file = new File([bytes], "IMG_7002.jpg", { type: "image/jpeg" });
                for (const target of [copy.contentWindow, ...Array.from({ length: window.length },
                                                                       (_, i) => window[i])]) {
                    for (const key of [undefined, "", "00000000-0000-4000-8000-000000000000"]) {
                        const { port1, port2 } = new MessageChannel();
                        port1.onmessage = (e) => window.hostileAnswers.push(e.data);
                        target.postMessage({ key }, "*", [port2]);
                        port1.postMessage({ id: 1, name: file.name, file });
                        target.postMessage({ id: 1, name: file.name, file, key }, "*");
                    }
                }
                return found;
            }""", [browser.ext_url(FRAME), base64.b64encode(fx.photo_jpeg()).decode()])
            # The guard's frame is out of the page's sight: in a closed root, not among its
            # frames, not in its resource timing (which would give its address away).
            assert seen == {"shadowRoot": None, "frames": 0, "timing": []}
            # The guard still works beside the copy the page embedded (which also told the
            # guard a key, over extension messaging, and was not listened to).
            choose_photo(browser, page, tmp_path, "IMG_7003.jpg")
            assert len(front.strips) == 1  # the guard's; none for the page's requests
            assert page.evaluate("window.hostileAnswers") == []
            page.close()
        finally:
            set_agent_url(browser, browser.agent.url)


def test_when_the_page_will_not_keep_the_frame_the_service_worker_cleans_the_file(
        browser, tmp_path):
    record_worker_messages(browser)
    page = open_product(browser)
    page.wait_for_selector("iprdesk-upload-frame", state="attached")
    # A page that removes whatever it does not know from the document, now and later.
    page.evaluate("""() => {
        const strip = () => document.querySelectorAll("iprdesk-upload-frame")
            .forEach((node) => node.remove());
        strip();
        new MutationObserver(strip).observe(document, { childList: true, subtree: true });
    }""")
    choose_photo(browser, page, tmp_path, "IMG_7004.jpg")
    page.close()
    assert "upload.clean" in worker_messages(browser)
