"""The case page (extension/case/case.html) in real Chromium with the real agent, in English
and Chinese, in the seller's zone (UTC+8): everything about one case, and
each failed preflight check fixed in place (no command to type): drop the agreement and the
bank slip, drop the new images (cleaned as they are kept), paste the old image URLs and check
them now, take the complained pictures from them; a document's kind changed; the bundle
exported. Each state is screenshotted (IPRDESK_SHOTS=folder) for a person to look at."""

import io
import json
import os
import threading
import zipfile
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bench.imagegen import EDITS, product_photo
from playwright.sync_api import expect

from e2e.conftest import words
from iprdesk.casework.cases import CaseStore
from tests.helpers import iprdesk
from tests.image_fixtures import exif_bytes
from tests.pdfs import AGREEMENT, PAYMENT, text_pdf
from tests.test_preflight import COMMAND

PASSPHRASE = "e2e case page passphrase"
STORE = "5f1a2b3c4d5e"
PRODUCTS = ["6a1f00aa01", "6a1f00aa02"]
pytestmark = pytest.mark.browser(vault=PASSPHRASE, timezone="Asia/Shanghai")

WORDS = {
    "en": {"schedule_a": "files many US \"Schedule A\" cases", "received": "Complaint received",
           "pass": "pass", "fail": "fail", "ready": "Ready", "left": "in ", "due": "due "},
    "zh_CN": {"schedule_a": "经常在美国提起“Schedule A”批量诉讼", "received": "收到投诉",
              "pass": "通过", "fail": "未通过", "ready": "可以", "left": "还剩 ", "due": "截止 "},
}


class OldImages:
    """A stand-in for the CDN serving the old images: path -> (status, body), changeable."""

    def __init__(self):
        self.served: dict[str, tuple[int, bytes]] = {}
        pages = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                # A CDN serves a path whatever its query (the checker adds one to bust caches).
                status, body = pages.served.get(self.path.split("?")[0], (404, b""))
                self.send_response(status)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.server.server_port}{path}"


def photo(seed, *, edit=None, exif=b"") -> bytes:
    """A product picture (bench/imagegen.py), perhaps edited, perhaps with camera metadata."""
    image = product_photo(seed, (480, 360))
    image = EDITS[edit](image) if edit else image
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=90, **({"exif": exif} if exif else {}))
    return out.getvalue()


def shoot(page, lang, name):
    folder = os.environ.get("IPRDESK_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/case-{lang}-{name}.png", full_page=True)


def check(page, cid):
    return page.locator(f"#preflight li[data-check='{cid}']")


def wait_status(page, cid, status):
    """The check reads `status` and the page has finished drawing: a click now reaches the
    control it aims at, not one a drawing is about to replace."""
    try:
        expect(check(page, cid)).to_have_attribute("data-status", status)
        expect(page.locator("body[data-drawing]")).to_have_count(0)
    except AssertionError as e:
        # What the page said is the clue (an error beside a fix, the check's own message).
        said = page.locator("#preflight li[data-check], .message.error").all_inner_texts()
        raise AssertionError(f"{cid} never became {status}; the page said: {said}") from e


@pytest.fixture
def lang(request):
    return request.node.callspec.params["browser"]


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_the_case_page_shows_the_case_and_every_fix_works_in_place(browser, lang, tmp_path):
    words = WORDS[lang]
    received = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=2)
    complaint = f"CMP-PAGE-{lang}"
    case = json.loads(iprdesk(
        "case", "new", "--json", "--complaint-id", complaint, "--store-id", STORE,
        "--type", "copyright", "--complainant", "Greer, Burns & Crain, Ltd.",
        "--products", ",".join(PRODUCTS), "--received", received.strftime("%Y-%m-%dT%H:%M:%SZ"),
        home=browser.home).stdout)
    page = browser.open_extension_page(f"case/case.html?case={complaint}")
    page.set_viewport_size({"width": 1100, "height": 900})

    # The complaint, the complainant with the Schedule A hint, times in UTC+8.
    expect(page.locator("#complaint dd[data-fact='caseComplaintId']")).to_have_text(complaint)
    assert words["schedule_a"] in page.inner_text("#complaint .schedule-a")
    local = received + timedelta(hours=8)
    shown = (f"{local:%Y-%m-%d %H:%M} (UTC+8)" if lang == "en"
             else f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}（UTC+8）")
    expect(page.locator("#complaint dd[data-fact='caseReceived']")).to_have_text(shown)
    due = local + timedelta(hours=48)
    due_shown = (f"{due:%Y-%m-%d %H:%M} (UTC+8)" if lang == "en"
                 else f"{due.year}年{due.month}月{due.day}日 {due:%H:%M}（UTC+8）")
    response = page.locator("#deadlines li[data-deadline='response']")
    expect(response.locator(".due")).to_have_text(words["due"] + due_shown)
    assert response.locator(".left").inner_text().startswith(words["left"] + "1")  # 45 h…46 h
    assert words["received"] in page.inner_text("#timeline li[data-event='received']")
    assert shown in page.inner_text("#timeline li[data-event='received']")
    # The preflight's deadline check names the same due time, in the same zone: the agent
    # words it in the zone the extension's service worker gives as the browser's (its
    # process's, which the emulated zone of the extension's pages sets).
    wait_status(page, "deadline", "pass")
    expect(check(page, "deadline")).to_contain_text(due_shown)

    # The vault is locked: the preflight asks for its password right there.
    wait_status(page, "agreement.names_joom", "unknown")
    # Locked, the agreement may be in the vault already: the fix is the password, not a drop.
    expect(page.locator("#preflight .fix[data-fix='agreement']")).to_have_count(0)
    shoot(page, lang, "1-locked")
    page.fill("#preflight #unlock-form #passphrase", PASSPHRASE)  # lib/unlock-form.js
    page.click("#preflight #unlock")
    wait_status(page, "agreement.names_joom", "fail")
    # Each fix once, under the first check that needs it.
    for fix in ("agreement", "payment", "new-images", "old-urls"):
        expect(page.locator(f"#preflight .fix[data-fix='{fix}']")).to_have_count(1)
    expect(page.locator("#preflight .verdict-summary")).to_have_attribute("data-ready", "false")
    assert not COMMAND.search(page.inner_text("body")), "a page tells the seller to run a command"
    shoot(page, lang, "2-unlocked")

    # Drop the agreement and the bank slip where the checks ask for them.
    agreement = tmp_path / "signed-agreement.pdf"
    agreement.write_bytes(text_pdf(AGREEMENT.format(store=STORE, products=", ".join(PRODUCTS))))
    check(page, "agreement.names_joom").locator(".fix[data-fix='agreement'] input[type=file]") \
        .set_input_files(str(agreement))
    for cid in ("agreement.names_joom", "agreement.store_id", "agreement.products",
                "agreement.release"):
        wait_status(page, cid, "pass")
    slip = tmp_path / "bank-slip.pdf"
    slip.write_bytes(text_pdf(PAYMENT.format(store=STORE)))
    check(page, "payment.memo").locator(".fix[data-fix='payment'] input[type=file]") \
        .set_input_files(str(slip))
    wait_status(page, "payment.memo", "pass")
    wait_status(page, "payment.amount_date", "pass")
    expect(page.locator("#documents li[data-item]")).to_have_count(2)
    kinds = {li.get_attribute("data-kind") for li in page.locator("#documents li[data-item]").all()}
    assert kinds == {"agreement", "payment"}
    shoot(page, lang, "3-documents")

    # New images: one carries the camera's metadata; it is cleaned before it is kept.
    fresh = tmp_path / "IMG_2041.jpg"
    fresh.write_bytes(photo(3, exif=exif_bytes()))
    check(page, "images.clean").locator(".fix[data-fix='new-images'] input[type=file]") \
        .set_input_files(str(fresh))
    wait_status(page, "images.clean", "pass")
    expect(page.locator("#images .photos li")).to_have_count(1)

    # The old image URLs pasted: one is still public; its picture is the complained one.
    old = OldImages()
    old.served["/old-1.jpg"] = (200, photo(1))
    old.served["/old-2.jpg"] = (404, b"")
    urls = [old.url("/old-1.jpg"), old.url("/old-2.jpg")]
    fix = check(page, "urls.dead").locator(".fix[data-fix='old-urls']")
    fix.locator("textarea").fill("\n".join(urls))
    fix.locator("button.add-urls").click()
    wait_status(page, "urls.dead", "fail")
    wait_status(page, "images.replaced", "pass")  # the new image is not the complained one
    expect(page.locator("#old-urls li[data-url]")).to_have_count(2)
    expect(page.locator(f"#old-urls li[data-url='{urls[1]}']")).to_have_attribute(
        "data-state", "dead")
    # The live one shows its picture; the dead one says it is gone (not a cached copy).
    expect(page.locator(f"#images figure[data-url='{urls[0]}'] img")).to_have_count(1)
    expect(page.locator(f"#images figure[data-url='{urls[1]}'] .gone")).to_have_count(1)
    shoot(page, lang, "4-urls-live")

    # A mirrored copy of the complained picture among the new images is caught.
    copy = tmp_path / "mirrored.jpg"
    copy.write_bytes(photo(1, edit="mirror"))
    page.locator("#images .fix[data-fix='new-images'] input[type=file]").set_input_files(str(copy))
    wait_status(page, "images.replaced", "fail")
    assert "mirrored.jpg" in check(page, "images.replaced").inner_text()
    shoot(page, lang, "5-copy-caught")

    # The old picture is taken down; "check now" right on the failed check sees it gone.
    old.served["/old-1.jpg"] = (404, b"")
    check(page, "urls.dead").locator(".fix[data-fix='check-now'] button.check-now").click()
    wait_status(page, "urls.dead", "pass")
    expect(page.locator("#images figure .gone")).to_have_count(2)
    old.server.shutdown()

    # The seller says what a document is: the bank slip was filed right; say "receipt", then back.
    slip_row = page.locator("#documents li[data-kind='payment']")
    slip_row.locator("select.kind").select_option("receipt")
    expect(page.locator("#documents li[data-kind='receipt']")).to_have_count(1)
    wait_status(page, "payment.memo", "fail")
    page.locator("#documents li[data-kind='receipt'] select.kind").select_option("payment")
    wait_status(page, "payment.memo", "pass")

    # Drafts state only what passed; the bundle downloads and holds the case's evidence.
    expect(page.locator("#drafts details.draft").first).to_be_attached()
    with page.expect_download() as download:
        page.click("#bundle button.export")
    saved = tmp_path / "bundle.zip"
    download.value.save_as(saved)
    assert download.value.suggested_filename == f"appeal-{complaint}.zip"
    names = zipfile.ZipFile(saved).namelist()
    assert any(n.endswith("signed-agreement.pdf") for n in names), names
    assert any(n.endswith("bank-slip.pdf") for n in names), names
    shoot(page, lang, "6-done")

    # The timeline holds the evidence added and each old URL's last check, in time order.
    expect(page.locator("#timeline li[data-item]")).to_have_count(4)  # 2 documents, 2 photos
    expect(page.locator("#timeline li[data-url]")).to_have_count(2)
    assert "signed-agreement.pdf" in page.inner_text("#timeline")

    # The seller records that they answered: the timeline says so, the deadline is met.
    page.locator("#timeline select[name=event]").select_option("responded")
    page.click("#timeline button.record")
    expect(page.locator("#timeline li[data-event='responded']")).to_have_count(1)
    expect(response).to_have_attribute("data-state", "done")
    assert CaseStore(browser.home).get(case["id"]).old_urls == urls
    page.close()


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_an_unknown_case_lists_the_open_ones(browser, lang):
    iprdesk("case", "new", "--complaint-id", "CMP-OTHER", "--store-id", STORE, "--type",
            "copyright", "--complainant", "Keith Vogt", "--products", "P-9", home=browser.home)
    page = browser.open_extension_page("case/case.html?case=CMP-TYPO")
    error = page.locator("#error")
    expect(error).not_to_be_empty()
    assert "CMP-OTHER" in error.inner_text()
    assert page.locator("section.case-section").count() == 0
    # Each open case is a link to its page.
    page.locator(".open-cases a").first.wait_for()
    shoot(page, lang, "unknown")
    page.locator(".open-cases a", has_text="CMP-OTHER").click()
    expect(page.locator("#complaint dd[data-fact='caseComplaintId']")).to_have_text("CMP-OTHER")
    page.close()


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_the_law_firm_is_shown_corrected_and_written_to(browser, lang):
    complaint = f"CMP-FIRM-{lang}"
    iprdesk("case", "new", "--complaint-id", complaint, "--store-id", STORE, "--type",
            "copyright", "--complainant", "Lumen Images Inc.", "--products", "P-7",
            home=browser.home)
    page = browser.open_extension_page(f"case/case.html?case={complaint}")
    page.set_viewport_size({"width": 1100, "height": 900})
    firm = page.locator("#complaint dd[data-fact='caseLawFirm']")
    expect(firm.locator(".value.none")).to_have_text(words(lang, "caseLawFirmNone"))
    expect(page.locator("#complaint .schedule-a")).to_have_count(0)
    firm.locator("button.edit-law-firm").click()
    firm.locator("input[name=law_firm]").fill("Greer, Burns & Crain, Ltd.")
    shoot(page, lang, "law-firm-editing")
    firm.locator("form.law-firm button[type=submit]").click()
    expect(firm.locator(".value")).to_have_text("Greer, Burns & Crain, Ltd.")
    # A firm known for Schedule A suits acts for the complainant: the hint says so.
    expect(page.locator("#complaint .schedule-a")).to_contain_text(WORDS[lang]["schedule_a"])
    # The letters go to the firm and name both parties.
    expect(page.locator("#drafts")).to_contain_text(
        "We have settled with Lumen Images Inc., represented by Greer, Burns & Crain, Ltd.")
    shoot(page, lang, "law-firm")
    assert CaseStore(browser.home).resolve(complaint).law_firm == "Greer, Burns & Crain, Ltd."
    page.close()
