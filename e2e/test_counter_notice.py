"""The counter-notice draft on the case page, in real Chromium with the real agent, in English
and Chinese: a photo whose original was sealed (locked vault, by the CLI) is cited by camera,
capture time, SHA-256 and sealing time once the seller unlocks the vault, and not before; the
odds and consequences are said in the seller's language above the letter; the address and
phone entered under 'Signed by' fill the letter's gaps for them. The case's bundle,
when the seller asks for it, carries that original and lists it in its report. Screenshots
when IPRDESK_SHOTS names a folder."""

import hashlib
import io
import json
import zipfile
from datetime import timedelta

import pytest
from bench.imagegen import jpeg, product_photo
from playwright.sync_api import expect

from e2e.conftest import keep_screenshot, words
from iprdesk import timeutil
from iprdesk.images import similar
from iprdesk.urls import watch as urlwatch
from tests.helpers import iprdesk
from tests.image_fixtures import exif_bytes

PASSPHRASE = "e2e counter-notice passphrase"
PRODUCT = "64f0c1e2a9b8c7d6e5f40312"
OLD_URL = "https://img.joomcdn.net/" + "d" * 40 + "_1024_1024.jpeg"
PICTURE = product_photo(41, (480, 360))
pytestmark = [pytest.mark.browser(vault=PASSPHRASE, timezone="Asia/Shanghai"),
              pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO")]
ODDS = {"en": "rarely succeeds", "zh_CN": "很少成功"}
PROVENANCE = {"en": "Where the images come from", "zh_CN": "图片来源"}
ADDRESS = "Room 1203, 88 Keyuan Road, Nanshan District, Shenzhen 518057, China"


@pytest.fixture
def lang(request):
    return request.node.callspec.params["browser"]


def sealed_original(browser, tmp_path) -> str:
    """The seller's phone photo of the complained picture: its clean copy recorded as their
    own photo, the original sealed into the (locked) vault. Its SHA-256."""
    out = io.BytesIO()
    PICTURE.save(out, "JPEG", quality=92, exif=exif_bytes())
    original = tmp_path / "IMG_2041.jpg"
    original.write_bytes(out.getvalue())
    clean = tmp_path / "clean" / "IMG_2041.jpg"
    iprdesk("strip", str(original), "-o", str(clean.parent), home=browser.home)
    record = json.loads(iprdesk(
        "provenance", "set", str(clean), "--origin", "own_photo", "--product", PRODUCT,
        "--original", str(original), "--json", home=browser.home).stdout)
    return record["documents"]["original"][0]["sha256"]


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_the_counter_notice_cites_the_sealed_original_once_unlocked(browser, lang, tmp_path):
    complaint = f"CMP-CN-{lang}"
    case = json.loads(iprdesk(
        "case", "new", "--json", "--complaint-id", complaint, "--store-id", "5f1a2b3c4d5e",
        "--type", "copyright", "--complainant", "Bright Lens Studio LLC", "--products", PRODUCT,
        "--received", timeutil.now_iso(), home=browser.home).stdout)
    # The complained picture, as the case's old image address served it.
    urlwatch.WatchList(browser.home).add(
        case["id"], [OLD_URL], similar.fingerprint_bytes(jpeg(PICTURE)),
        now=timeutil.utc_now() + timedelta(days=1), variants=False)
    sha = sealed_original(browser, tmp_path)

    page = browser.open_extension_page(f"case/case.html?case={complaint}")
    page.set_viewport_size({"width": 1100, "height": 900})
    draft = page.locator("#drafts details.draft[data-draft='counter_notice']")
    draft.locator("summary").click()
    # Locked: the original cannot be read, so none of its facts is stated; each is a gap.
    expect(draft.locator("pre.body mark.gap").first).to_be_attached()
    body = draft.locator("pre.body")
    assert sha not in body.inner_text() and "iPhone" not in body.inner_text()
    assert "I created this image myself" in body.inner_text()  # the record says so
    cautions = draft.locator(".cautions")
    expect(cautions).to_contain_text(words(lang, "draftCautions"))
    expect(cautions).to_contain_text(ODDS[lang])
    assert ODDS["zh_CN" if lang == "en" else "en"] not in cautions.inner_text()  # one language

    page.fill("#preflight #unlock-form #passphrase", PASSPHRASE)  # lib/unlock-form.js
    page.click("#preflight #unlock")
    draft = page.locator("#drafts details.draft[data-draft='counter_notice']")
    expect(draft.locator("pre.body")).to_contain_text(f"SHA-256 hash is {sha}")
    draft.locator("summary").click()
    body = draft.locator("pre.body").inner_text()
    assert "records the camera make and model as Apple iPhone 14 Pro." in body
    assert "taken at 2024-05-01 10:00:00" in body
    # Left to the seller: the address, the telephone and (no name set) the signature.
    expect(draft.locator("pre.body mark.gap")).to_have_count(3)
    explained = draft.locator("dl").inner_text()
    assert "good faith belief" in explained and "under penalty of perjury" in explained
    if lang == "zh_CN":
        assert "伪证" in explained and "送达" in explained
    draft.scroll_into_view_if_needed()
    keep_screenshot(page, f"counter-notice-{lang}")

    # The address and phone entered under 'Signed by' fill the letter's two gaps.
    signer = page.locator("#drafts form.signer")
    expect(signer.locator("label", has=page.locator("input[name=address]"))).to_contain_text(
        words(lang, "caseSignerAddress"))
    signer.locator("input[name=address]").fill(ADDRESS)
    signer.locator("input[name=phone]").fill("+86 755 8888 1234")
    signer.locator("button[type=submit]").click()
    draft = page.locator("#drafts details.draft[data-draft='counter_notice']")
    expect(draft.locator("pre.body")).to_contain_text(f"Postal address: {ADDRESS}.")
    draft.locator("summary").click()
    expect(draft.locator("pre.body mark.gap")).to_have_count(1)  # the name is still unset
    assert "Telephone: +86 755 8888 1234." in draft.locator("pre.body").inner_text()
    expect(page.locator("#drafts form.signer input[name=phone]")).to_have_value(
        "+86 755 8888 1234")
    page.locator("#drafts form.signer").scroll_into_view_if_needed()
    keep_screenshot(page, f"signer-{lang}")

    # The bundle, with what proves the images' provenance: the original, listed in the report.
    page.check("#bundle input[name=provenance]")
    with page.expect_download() as download:
        page.click("#bundle button.export")
    saved = tmp_path / "bundle.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as zf:
        [original] = [n for n in zf.namelist() if n.startswith("original/")]
        assert hashlib.sha256(zf.read(original)).hexdigest() == sha
        report = zf.read("report.html").decode()
    assert PROVENANCE[lang] in report and sha in report
    assert json.loads(iprdesk("vault", "verify-bundle", str(saved), "--json",
                              home=browser.home).stdout)["ok"]
