"""The golden path (issue 13): a seller who never opens a terminal files a complete appeal, in
real Chromium with the real extension and the real agent, in Chinese (with the CJK font sellers
have) and in English, in the seller's zone (UTC+8). Only Joom is a stand-in: the mock Panel, and
the mock CDN, which the agent's URL checks reach too (mock_panel.cdn_for_the_agent).

Complaint row -> open the case -> capture the page -> its case page -> drop the agreement and
the bank slip -> collect the old image URLs from the product pages (first checked while still
live: the pictures they serve are the complained ones) -> upload the new photo on the product page
(cleaned of its camera metadata; a mirrored copy of the complained picture is stopped) -> the
new photo on the case -> Joom drops the old pictures: checked until dead -> every preflight check
passes -> the letters state what was verified -> the bundle exported, and verified as Joom's
reviewer would. Each step is screenshotted (IPRDESK_SHOTS=folder) for a person to look at."""

import re
import time
import zipfile

import pytest
from bench.imagegen import EDITS, jpeg, product_photo
from playwright.sync_api import expect

from e2e.conftest import PRODUCT, chips, keep_screenshot, open_card, wait_uploads, words
from e2e.test_case_page import check, photo, wait_status
from iprdesk.casework import preflight
from iprdesk.casework.cases import CaseStore
from iprdesk.vault.bundle import verify_bundle
from tests.image_fixtures import exif_bytes
from tests.pdfs import AGREEMENT, PAYMENT, text_pdf

PASSPHRASE = "golden path passphrase"
STORE = "5f1a2b3c4d5e6f7a"
COMPLAINT = "CMP-2026-11-0042"  # the mock complaint list's first row, received 30 h ago
PRODUCTS = ["64f0c1e2a9b8c7d6e5f40312", "64f0c1e2a9b8c7d6e5f40313"]
# The product page's two pictures on Joom's CDN: the complained one and another old one.
OLD_PATHS = ["/3f2a9c1b7d4e5f60718293a4b5c6d7e8f9012345_1024_1024.jpeg",
             "/0a1b2c3d4e5f60718293a4b5c6d7e8f901234567_1024_1024.jpeg"]
OLD_URLS = [f"https://img.joomcdn.net{path}" for path in OLD_PATHS]
COMPLAINED = product_photo(31, (640, 640))
# The mock Panel on a loopback server (`served`): the product pages the case page reads open in
# tabs of the extension's own, which Playwright's routes would not reach.
pytestmark = pytest.mark.browser(vault=PASSPHRASE, timezone="Asia/Shanghai", agent_cdn=True,
                                 served=[])


def shot(page, lang, step, name):
    keep_screenshot(page, f"golden-{lang}-{step:02d}-{name}")


@pytest.mark.parametrize("browser", ["zh_CN", "en"], indirect=True, scope="module")
def test_a_seller_files_a_complete_appeal_in_the_browser(browser, tmp_path, request):
    lang = request.node.callspec.params["browser"]
    started = time.monotonic()
    cdn = browser.panel.cdn
    image = {"Content-Type": "image/jpeg"}
    cdn[OLD_PATHS[0]] = (200, jpeg(COMPLAINED), image)
    cdn[OLD_PATHS[1]] = (200, jpeg(product_photo(33, (640, 640))), image)

    # 1. The complaint row: open its case from the card.
    panel = browser.open_panel("/ipr/complaints")
    panel.set_viewport_size({"width": 1280, "height": 800})
    card = open_card(chips(panel, "complaint:")[COMPLAINT][2])
    shot(panel, lang, 1, "complaint-card")
    card.locator("button.open-case").click()
    card.locator("input[name=store_id]").fill(STORE)
    card.locator("form button[type=submit]").click()
    card.locator(".status.ok").wait_for()
    case = CaseStore(browser.home).resolve(COMPLAINT)
    assert case.products == PRODUCTS and case.store_id == STORE
    assert case.law_firm == "Greer, Burns & Crain, Ltd."  # the Schedule A hint
    shot(panel, lang, 2, "case-opened")

    # 2. Capture the page as evidence (sealed: the vault is still locked).
    card.locator("button.capture").click()
    expect(card.locator(".status.ok")).to_contain_text("SHA-256")
    shot(panel, lang, 3, "captured")

    # 3. The card leads to the case page (a tab of the extension's; read in one opened here,
    # which has the browser's language and zone).
    go = card.locator("button.go-to-case")
    expect(go).to_have_text(words(lang, "goToCase", case.id))
    with browser.context.expect_page() as opened:
        go.click()
    assert opened.value.url == browser.ext_url(f"case/case.html?case={case.id}")
    opened.value.close()
    page = browser.open_extension_page(f"case/case.html?case={case.id}")
    page.set_viewport_size({"width": 1100, "height": 900})
    expect(page.locator("#complaint dd[data-fact='caseLawFirm'] .value")).to_have_text(
        "Greer, Burns & Crain, Ltd.")
    wait_status(page, "agreement.names_joom", "unknown")  # the vault is locked
    shot(page, lang, 4, "case-page")

    # 4. Unlock; drop the signed agreement and the bank slip where the checks ask for them.
    page.fill("#preflight #unlock-form #passphrase", PASSPHRASE)  # lib/unlock-form.js
    page.click("#preflight #unlock")
    wait_status(page, "agreement.names_joom", "fail")
    agreement = tmp_path / "signed-agreement.pdf"
    agreement.write_bytes(text_pdf(AGREEMENT.format(store=STORE, products=", ".join(PRODUCTS))))
    check(page, "agreement.names_joom").locator(".fix[data-fix='agreement'] input[type=file]") \
        .set_input_files(str(agreement))
    wait_status(page, "agreement.release", "pass")
    slip = tmp_path / "bank-slip.pdf"
    slip.write_bytes(text_pdf(PAYMENT.format(store=STORE)))
    check(page, "payment.memo").locator(".fix[data-fix='payment'] input[type=file]") \
        .set_input_files(str(slip))
    wait_status(page, "payment.memo", "pass")
    shot(page, lang, 5, "documents")

    # 5. The old image URLs, collected from the case's product pages on the Panel and checked
    # at once: still public, serving the complained pictures, which become what new images
    # are compared with.
    picker = page.locator("#old-urls [data-from-page='old-urls']")
    picker.locator("button.read-page").click()
    for product_id in PRODUCTS:  # the mock Panel shows the same two pictures for both
        figures = picker.locator(f".product-page[data-product='{product_id}'] figure")
        expect(figures).to_have_count(2)
        assert [f.get_attribute("data-url") for f in figures.all()] == OLD_URLS
    shot(page, lang, 6, "collect-old-urls")
    picker.locator("button.take").click()
    expect(page.locator("#old-urls li[data-url]")).to_have_count(2)
    wait_status(page, "urls.dead", "fail")
    for url in OLD_URLS:
        expect(page.locator(f"#old-urls li[data-url='{url}']")).to_have_attribute(
            "data-state", "live")
    shot(page, lang, 7, "old-urls-live")

    # 6. On the product page: the new photo goes up cleaned of its camera metadata; a mirrored
    # copy of the complained picture is stopped, and stays off the page when cancelled.
    product = browser.open_panel(PRODUCT)
    product.set_viewport_size({"width": 1280, "height": 800})
    product.wait_for_selector('html[data-iprdesk-page="product-edit"]')
    fresh = tmp_path / "IMG_2041.jpg"
    fresh.write_bytes(photo(3, exif=exif_bytes()))
    product.set_input_files("#image-upload", str(fresh))
    [upload] = wait_uploads(browser, product, 1)
    assert upload.name == "IMG_2041.jpg" and b"Exif" not in upload.body
    assert b"iPhone" not in upload.body and b"Exif" in fresh.read_bytes()
    shot(product, lang, 8, "uploaded-clean")
    mirrored = tmp_path / "mirrored.jpg"
    mirrored.write_bytes(jpeg(EDITS["mirror"](COMPLAINED)))
    product.set_input_files("#image-upload", str(mirrored))
    stopped = product.locator(".toast[data-kind='similar']")
    stopped.wait_for()
    expect(stopped).to_contain_text(words(lang, "uploadSimilarTitle"))
    shot(product, lang, 9, "copy-stopped")
    stopped.locator("button.cancel").click()
    product.wait_for_function(
        "(t) => window.uploadToasts.some((x) => x.includes(t))",
        arg=words(lang, "uploadSimilarCancelled", "mirrored.jpg"))
    assert len(browser.panel.uploads) == 1
    product.close()

    # 7. The new photo on the case, cleaned as it is kept.
    check(page, "images.clean").locator(".fix[data-fix='new-images'] input[type=file]") \
        .set_input_files(str(fresh))
    wait_status(page, "images.clean", "pass")
    wait_status(page, "images.replaced", "pass")
    wait_status(page, "images.provenance", "pass")  # its original was sealed at the upload

    # 8. Joom drops the old pictures (moderation passed): checked until the CDN says they
    # are gone.
    for path in OLD_PATHS:
        cdn[path] = (404, b"not found", {})
    check(page, "urls.dead").locator(".fix[data-fix='check-now'] button.check-now").click()
    wait_status(page, "urls.dead", "pass")
    for url in OLD_URLS:
        expect(page.locator(f"#old-urls li[data-url='{url}']")).to_have_attribute(
            "data-state", "dead")

    # 9. Every check passes: ready to appeal.
    for cid in preflight.CHECK_IDS:
        wait_status(page, cid, "pass")
    expect(page.locator("#preflight .verdict-summary")).to_have_attribute("data-ready", "true")
    shot(page, lang, 10, "preflight-ready")

    # 10. The letters state what was verified. The one gap left is the seller's name, which no
    # check can give: the page says where to give it (no command), and the letters are signed.
    support = page.locator("#drafts details.draft[data-draft='joom_support']")
    expect(support.locator("mark.gap")).to_have_count(1)
    assert "iprdesk seller" not in support.locator("pre.body").text_content()
    signer = page.locator("#drafts form.signer")
    signer.locator("input[name=name]").fill("Li Wei")
    signer.locator("input[name=company]").fill("Shenzhen Example Trading Co., Ltd.")
    signer.locator("input[name=store]").fill("Bright Home Goods")
    signer.locator("button[type=submit]").click()
    for name in ("settlement_intent", "joom_support"):
        expect(page.locator(f"#drafts details.draft[data-draft='{name}']")).to_have_attribute(
            "data-complete", "true")
    support.locator("summary").click()
    body = support.locator("pre.body").inner_text()
    for verified in ("names SIA Joom as a released party", "The settlement has been paid",
                     "replaced with our own photographs", "no longer serve the images",
                     "We have settled with Greer, Burns & Crain, Ltd.", "Li Wei",
                     "Bright Home Goods (Joom store ID 5f1a2b3c4d5e6f7a)"):
        assert verified in body, verified
    assert "TO COMPLETE" not in body
    shot(page, lang, 11, "draft")

    # 11. The bundle: downloaded, and verified as Joom's reviewer would.
    with page.expect_download() as download:
        page.click("#bundle button.export")
    saved = tmp_path / "bundle.zip"
    download.value.save_as(saved)
    assert verify_bundle(saved).ok
    with zipfile.ZipFile(saved) as zf:
        names = zf.namelist()
        report = zf.read("report.html").decode()
        zf.extract("report.html", tmp_path)
    for name in ("signed-agreement.pdf", "bank-slip.pdf", "IMG_2041.jpg"):
        assert any(n.endswith(name) for n in names), (name, names)
    assert 'data-ready="true"' in report and "Greer, Burns &amp; Crain, Ltd." in report
    # Its summary speaks the seller's language, as the page does.
    assert ("案件摘要" if lang == "zh_CN" else "Case summary") in report
    assert all(url in report for url in OLD_URLS)
    # Its title names the complaint as the seller knows it, not iprdesk's case id.
    assert re.search(rf"<h1>[^<]* — {COMPLAINT}</h1>", report) and case.id not in report.split(
        '<section class="summary">')[0]
    reader = browser.context.new_page()
    reader.goto((tmp_path / "report.html").as_uri())
    shot(reader, lang, 12, "bundle-report")
    reader.close()
    page.close()
    panel.close()
    print(f"golden path in {lang}: {time.monotonic() - started:.0f} s")
