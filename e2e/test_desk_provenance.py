"""Image provenance on the product page, in the desk and the options page, in real Chromium
with the real extension and agent, in English and in Chinese: each product image says its
origin on record or asks where it is from, which opens the desk at that image; the desk
opened at an image sets where it came from; a
licence attached (with the vault locked) is sealed into the vault, listed with its hash and
checked at once, each finding with the sentence that decided it and what to check by hand;
checking it again from the vault needs the vault unlocked; the options page switches the
sealing of originals, on by default. The catalogue audit reads folders, or the stores' Merchant
API catalogue with the tokens the desk keeps (a local Merchant API listing images on the mock
Joom CDN, which the agent reaches at its https addresses), and flags a picture reused across
two stores."""

import hashlib
import http.server
import json
import os
import threading

import pytest
from bench.imagegen import EDITS, jpeg, product_photo
from playwright.sync_api import expect

from e2e.conftest import BADGE, BADGE_PRODUCT, cdn_image, keep_screenshot, words
from iprdesk.config import Config
from iprdesk.text import i18n
from tests.helpers import iprdesk
from tests.test_licence import SELLER

PASSPHRASE = "e2e vault passphrase"
# Two product images the mock CDN serves (the page's other two are gone: no hash, no question).
RECORDED, ASKED = jpeg(product_photo(21, (400, 400))), jpeg(product_photo(22, (400, 400)))
RECORDED_URL, ASKED_URL = ("https://img.joomcdn.net/" + c * 40 + "_1024_1024.jpeg" for c in "ab")


def serve_images(b):
    b.panel.cdn.update({"/" + "a" * 40 + "_1024_1024.jpeg": cdn_image(RECORDED),
                        "/" + "b" * 40 + "_1024_1024.jpeg": cdn_image(ASKED)})


pytestmark = [pytest.mark.browser(vault=PASSPHRASE, setup=serve_images, agent_cdn=True,
                                  pages={BADGE_PRODUCT: "product-edit-images.html"}),
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


def where_button(page, url):
    return page.locator(f"{BADGE}[data-iprdesk-image='{url}'] .where")


def test_the_product_page_asks_where_each_image_is_from(browser, request):
    lang = lang_of(request)
    recorded, asked = (hashlib.sha256(b).hexdigest() for b in (RECORDED, ASKED))
    iprdesk("provenance", "set", recorded, "--origin", "own_photo", home=browser.home)
    page = browser.open_panel(BADGE_PRODUCT)
    expect(where_button(page, RECORDED_URL)).to_have_text(
        i18n.text("provenance.origin.own_photo", lang))
    expect(where_button(page, RECORDED_URL)).to_have_attribute(
        "title", words(lang, "imageProvenanceChange"))
    ask = where_button(page, ASKED_URL)
    expect(ask).to_have_text(words(lang, "imageProvenanceAsk"))
    expect(ask).to_have_attribute("data-origin", "")
    keep_screenshot(page, f"product-provenance-{lang}")

    with browser.context.expect_page() as opened:
        ask.click()
    name = "b" * 40 + "_1024_1024.jpeg"
    assert opened.value.url == browser.ext_url(
        f"desk/desk.html?image={asked}&name={name}#provenance")
    # A tab the extension opens misses Playwright's language: the desk is read in one it opens.
    opened.value.close()
    desk = browser.open_extension_page(f"desk/desk.html?image={asked}&name={name}#provenance")
    row = desk.locator(f"#provenance li.prov-row[data-image='{asked}']")
    expect(row.locator(".prov-name")).to_have_text(name)
    row.locator("form.prov-editor .origin-select").select_option("own_design")
    row.locator("form.prov-editor button.save").click()
    expect(row.locator(".origin-badge")).to_have_text(
        i18n.text("provenance.origin.own_design", lang))
    assert record(browser, asked)["origin"] == "own_design"
    desk.close()
    page.reload()
    expect(where_button(page, ASKED_URL)).to_have_text(
        i18n.text("provenance.origin.own_design", lang))
    page.close()


def release(pipe):
    """Give the pipe's reader (the audit) its bytes and the end of the file, if it reads."""
    try:
        writer = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:  # nobody reads it (any more)
        return
    os.write(writer, b"not an image")
    os.close(writer)


def test_the_desk_audits_catalogue_folders_with_a_progress_bar(browser, request, tmp_path):
    lang = lang_of(request)
    catalogue = tmp_path / f"catalogue-{lang}"
    (catalogue / "store-2").mkdir(parents=True)
    own, new = catalogue / "own.jpg", catalogue / "store-2" / "new.jpg"
    own.write_bytes(jpeg(product_photo(31, (120, 120))))
    new.write_bytes(jpeg(product_photo(32, (120, 120))))
    iprdesk("provenance", "set", str(own), "--origin", "own_photo", home=browser.home)
    # The last image is a pipe: the audit waits on it, so its progress can be seen midway.
    pipe = catalogue / "store-2" / "zz-pipe.jpg"
    os.mkfifo(pipe)
    request.addfinalizer(lambda: release(pipe))  # a failed test must not leave the agent waiting

    desk = browser.open_extension_page("desk/desk.html#provenance-audit")
    section = desk.locator("#provenance-audit")
    section.locator("#audit-folders").fill(str(catalogue))
    section.locator("#audit-start").click()
    expect(section.locator("#audit-progress-text")).to_have_text(
        words(lang, "deskAuditProgress", "3", "2").replace("{image|images}", "images"))
    expect(section.locator("#audit-progress")).to_have_attribute("value", "2")
    expect(section.locator("#audit-start")).to_be_disabled()
    keep_screenshot(desk, f"desk-audit-progress-{lang}")
    release(pipe)

    expect(section.locator("#audit-summary")).to_have_text(
        words(lang, "deskAuditSummary", "3", "2").replace("{image|images}", "images"))
    listed = section.locator("#audit-images li")
    expect(listed).to_have_count(2)
    expect(listed.locator(".path")).to_have_text([str(new), str(pipe)])
    expect(listed.locator(".verdict")).to_have_text([words(lang, "deskAuditNoRecord")] * 2)
    expect(section.locator("#audit-start")).to_be_enabled()
    keep_screenshot(desk, f"desk-audit-done-{lang}")

    # Each image found leads to its record: the editor opens in the provenance section.
    sha = hashlib.sha256(new.read_bytes()).hexdigest()
    section.locator(f"#audit-images li[data-image='{sha}'] button.open-record").click()
    row = desk.locator(f"#provenance li.prov-row[data-image='{sha}']")
    expect(row.locator(".prov-name")).to_have_text("new.jpg")
    expect(row.locator("form.prov-editor")).to_be_visible()
    desk.close()


STORE_IMAGES = "https://img.joomcdn.net/store/"  # on the mock CDN (`panel.cdn`)


class MerchantApi(http.server.ThreadingHTTPServer):
    """The Merchant API of a seller's stores (products/multi, each store's bearer token its
    own catalogue), on a loopback port; their images are the mock CDN's, at STORE_IMAGES."""

    def __init__(self, catalogues: dict[str, dict[str, bytes]]):
        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(handler):
                path = handler.path.split("?")[0]
                if path == "/api/v3/products/multi":
                    token = handler.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in catalogues:
                        return handler.send_error(401)
                    items = [{"id": f"p-{name}", "name": name,
                              "mainImage": {"url": STORE_IMAGES + name}}
                             for name in catalogues[token]]
                    body, kind = json.dumps({"data": {"items": items}, "paging": {}}).encode(), \
                        "application/json"
                else:
                    return handler.send_error(404)
                handler.send_response(200)
                handler.send_header("Content-Type", kind)
                handler.send_header("Content-Length", str(len(body)))
                handler.end_headers()
                handler.wfile.write(body)

        super().__init__(("127.0.0.1", 0), Handler)


def keep_store(section, name, token):
    section.locator("#store-name").fill(name)
    section.locator("#store-token").fill(token)
    section.locator("#store-form button[type=submit]").click()
    expect(section.locator(f"#audit-stores li[data-store='{name}']")).to_be_visible()


def test_the_desk_keeps_stores_and_audits_their_merchant_api_catalogue(browser, request,
                                                                       tmp_path):
    lang = lang_of(request)
    token, other = f"tok-e2e-{lang}-" + "9" * 24, f"tok-e2e-{lang}-" + "8" * 24
    picture = product_photo(42, (160, 120))
    own, new, mirrored = jpeg(product_photo(41, (120, 120))), jpeg(picture), jpeg(
        EDITS["mirror"](picture))
    catalogues = {token: {"own.jpg": own, "new.jpg": new}, other: {"reused.jpg": mirrored}}
    browser.panel.cdn.update({"/store/" + name: cdn_image(data)
                              for catalogue in catalogues.values()
                              for name, data in catalogue.items()})
    server = MerchantApi(catalogues)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    request.addfinalizer(server.shutdown)
    config = Config.load(browser.home)
    config.merchant_api_url = f"http://127.0.0.1:{server.server_port}/api/v3"
    config.save(browser.home)
    (tmp_path / "own.jpg").write_bytes(own)
    iprdesk("provenance", "set", str(tmp_path / "own.jpg"), "--origin", "own_photo",
            home=browser.home)
    img = STORE_IMAGES

    desk = browser.open_extension_page("desk/desk.html#provenance-audit")
    section = desk.locator("#provenance-audit")
    expect(section.locator("#audit-stores")).to_have_text(words(lang, "deskStoresNone"))
    keep_store(section, "Bright Home", token)
    keep_store(section, "Lumen", other)
    expect(section.locator("#audit-stores li .store-name")).to_have_text(["Bright Home", "Lumen"])
    expect(section.locator("#store-token")).to_have_value("")
    section.locator("#audit-catalogue").click()
    expect(section.locator("#audit-summary")).to_have_text(
        words(lang, "deskAuditSummary", "3", "2").replace("{image|images}", "images"))
    listed = section.locator("#audit-images li")
    expect(listed).to_have_count(2)
    expect(listed.locator(".where")).to_have_text([
        words(lang, "deskAuditWhere", "Bright Home", "p-new.jpg"),
        words(lang, "deskAuditWhere", "Lumen", "p-reused.jpg")])
    expect(listed.locator(".url")).to_have_text([img + "new.jpg", img + "reused.jpg"])
    expect(listed.locator(".verdict")).to_have_text([words(lang, "deskAuditNoRecord")] * 2)
    # The mirrored copy in the other store: both stores and products named.
    alike = section.locator("#audit-alike li")
    expect(section.locator("#audit-alike h4")).to_have_text(
        words(lang, "deskAuditAlikeTitle", "1").replace("{pair|pairs}", "pair"))
    expect(alike.locator(".where")).to_have_text([
        words(lang, "deskAuditWhere", "Bright Home", "p-new.jpg"),
        words(lang, "deskAuditWhere", "Lumen", "p-reused.jpg")])
    assert token not in desk.content() and other not in desk.content()
    keep_screenshot(desk, f"desk-audit-catalogue-{lang}")

    # The image found leads to its record, named after its URL's file.
    listed.first.locator("button.open-record").click()
    row = desk.locator(f"#provenance li.prov-row[data-image='{hashlib.sha256(new).hexdigest()}']")
    expect(row.locator(".prov-name")).to_have_text("new.jpg")
    section.locator("#audit-stores li[data-store='Lumen'] button.forget").click()
    expect(section.locator("#audit-stores li .store-name")).to_have_text(["Bright Home"])
    desk.close()
