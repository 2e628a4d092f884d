"""Image provenance in the desk and the options page, in real Chromium with the real extension
and agent, in English and in Chinese: the desk opened at an image sets where it came from; a
licence attached (with the vault locked) is sealed into the vault, listed with its hash and
checked at once, each finding with the sentence that decided it and what to check by hand;
checking it again from the vault needs the vault unlocked; the options page switches the
sealing of originals, on by default."""

import hashlib
import json

import pytest
from playwright.sync_api import expect

from e2e.conftest import keep_screenshot, words
from iprdesk.config import Config
from iprdesk.text import i18n
from tests.helpers import iprdesk
from tests.test_licence import SELLER

PASSPHRASE = "e2e vault passphrase"
pytestmark = [pytest.mark.browser(vault=PASSPHRASE),
              pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")]

# A designer's licence that covers none of what a seller needs.
BAD_LICENCE = """\
Licence No.: DS-7781
Licensor: Design Studio Hu, studio@hu-design.example
Licensee: Design Studio Hu
Editorial use only. The image may not be used in product listings or on merchandise.
"""


def lang_of(request):
    return request.node.callspec.params["browser"]


def record(browser, sha):
    return json.loads(iprdesk("provenance", "show", sha, "--json", home=browser.home).stdout)


def test_the_desk_sets_an_images_origin_and_checks_its_licence(browser, request, tmp_path):
    lang = lang_of(request)
    config = Config.load(browser.home)
    config.set_seller(**SELLER)
    config.save(browser.home)
    photo = b"a product photo " + lang.encode()
    sha = hashlib.sha256(photo).hexdigest()
    # Where the product page's overlay sends the seller: the desk at that image.
    desk = browser.open_extension_page(f"desk/desk.html?image={sha}&name=teapot.jpg#provenance")
    row = desk.locator(f"#provenance li.prov-row[data-image='{sha}']")
    expect(row.locator(".prov-name")).to_have_text("teapot.jpg")
    editor = row.locator("form.prov-editor")
    expect(editor).to_be_visible()
    editor.locator(".origin-select").select_option("stock")
    editor.locator(".field-product").fill("64f0c1e2a9b8c7d6e5f40312")
    keep_screenshot(desk, f"desk-provenance-edit-{lang}")
    editor.locator("button.save").click()
    expect(row.locator(".origin-badge")).to_have_text(
        i18n.text("provenance.origin.stock", lang))
    expect(row.locator("> .message")).to_have_text(words(lang, "deskProvenanceSaved"))
    expect(row.locator("form.prov-editor")).to_have_count(0)
    saved = record(browser, sha)
    assert (saved["origin"], saved["product"], saved["name"]) == (
        "stock", "64f0c1e2a9b8c7d6e5f40312", "teapot.jpg")

    # The licence, attached with the vault locked: sealed, listed, checked from its bytes.
    licence = tmp_path / f"licence-{lang}.txt"
    licence.write_text(BAD_LICENCE, encoding="utf-8")
    row.locator(".role-select").select_option("licence")
    row.locator("input.document-file").set_input_files(str(licence))
    expect(row.locator("> .message")).to_have_text(
        words(lang, "deskProvenanceAttached", licence.name))
    [document] = record(browser, sha)["documents"]["licence"]
    assert document["sha256"] == hashlib.sha256(licence.read_bytes()).hexdigest()
    listed = row.locator(f"ul.documents li[data-item='{document['item']}']")
    expect(listed.locator(".doc-name")).to_have_text(licence.name)
    expect(listed.locator(".hash")).to_have_text(
        words(lang, "deskProvenanceHash", document["sha256"][:12] + "…"))

    check = row.locator(".licence-check")
    expect(check).to_have_attribute("data-status", "fail")
    expect(check.locator(".verdict")).to_have_text(i18n.text("licence.verdict.fail", lang))
    editorial = check.locator("li[data-finding='editorial']")
    expect(editorial).to_have_attribute("data-status", "fail")
    expect(editorial.locator(".title")).to_have_text(i18n.text("licence.finding.editorial", lang))
    expect(editorial.locator(".sentence")).to_have_text("Editorial use only.")
    expect(editorial.locator(".status-word")).to_have_text(words(lang, "deskLicenceFail"))
    expect(check.locator("li[data-finding='licensee']")).to_have_attribute("data-status", "fail")
    expect(check.locator("li[data-finding='number']")).to_have_attribute("data-status", "pass")
    expect(check.locator("li[data-finding='term']")).to_have_attribute("data-status", "unknown")
    # What no check proves offline: the number and the contact, with the issuer.
    by_hand = check.locator("ul.by-hand li")
    expect(by_hand).to_have_text([
        i18n.text("licence.hand.number", lang, number="DS-7781", licensor="Design Studio Hu"),
        i18n.text("licence.hand.contact", lang, licensor="Design Studio Hu")])
    keep_screenshot(desk, f"desk-provenance-licence-{lang}")

    # Checked again later, the licence is read from the vault: locked, the agent says so.
    desk.reload()
    row = desk.locator(f"#provenance li.prov-row[data-image='{sha}']")
    row.locator("button.check-licence").click()
    expect(row.locator("> .message.error")).to_have_text(i18n.text("vault.error.locked", lang))
    desk.locator("#vault .body[data-vault='locked'] #passphrase").fill(PASSPHRASE)
    desk.locator("#vault #unlock").click()
    desk.locator("#vault .body[data-vault='unlocked']").wait_for()
    row.locator("button.check-licence").click()
    expect(row.locator(".licence-check")).to_have_attribute("data-status", "fail")
    expect(row.locator(".licence-box h4").first).to_have_text(
        words(lang, "deskProvenanceLicenceOf", licence.name))
    expect(row.locator("> .message")).to_have_text("")
    desk.locator("#vault #lock").click()
    desk.close()


def test_the_options_page_switches_the_sealing_of_originals(browser, request):
    lang = lang_of(request)
    page = browser.open_options()
    box = page.locator("#seal-originals[data-loaded]")
    expect(box).to_be_checked()  # on by default
    expect(page.locator("[data-i18n='sealOriginalsHelp']")).to_have_text(
        words(lang, "sealOriginalsHelp"))
    keep_screenshot(page, f"options-seal-originals-{lang}")
    box.uncheck()
    expect(page.locator("#seal-originals-message")).to_have_text(words(lang, "settingSaved"))
    assert json.loads((browser.home / "config.json").read_text())["seal_originals"] is False
    page.reload()
    expect(page.locator("#seal-originals[data-loaded]")).not_to_be_checked()
    page.locator("#seal-originals").check()
    expect(page.locator("#seal-originals-message")).to_have_text(words(lang, "settingSaved"))
    assert json.loads((browser.home / "config.json").read_text())["seal_originals"] is True
    page.close()
