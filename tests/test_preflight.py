"""Appeal preflight on real PDFs: every check id, pass and fail, scans and broken files."""

import json
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from iprdesk.casework import cases, preflight
from iprdesk.cli import main
from tests.pdfs import AGREEMENT, PAYMENT, scanned_pdf, text_pdf

STORE = "5f1a2b3c4d5e"
PRODUCTS = ["6a1f00aa01", "6a1f00aa02", "6a1f00aa03"]
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def case(home):
    return cases.CaseStore(home).new(
        complaint_id="CMP-7781", store_id=STORE, type="copyright",
        complainant="Greer, Burns & Crain", products=PRODUCTS,
        received="2026-03-01T09:00:00Z", now=T0)


def agreement(text=None, **fmt):
    fmt = {"store": STORE, "products": ", ".join(PRODUCTS), **fmt}
    return preflight.Document("agreement.pdf", text_pdf((text or AGREEMENT).format(**fmt)))


def payment(text=None, **fmt):
    return preflight.Document("slip.pdf", text_pdf((text or PAYMENT).format(store=STORE, **fmt)))


def checks(case, now=T0 + timedelta(hours=1), **inputs):
    inputs.setdefault("agreement", [agreement()])
    inputs.setdefault("payment", [payment()])
    result = preflight.run(case, preflight.Inputs(**inputs), now)
    return {c.id: c for c in result}


def test_every_check_id_is_reported_in_order(case):
    result = preflight.report(case, preflight.run(case, preflight.Inputs()), "en", T0)
    assert [c["id"] for c in result["checks"]] == list(preflight.CHECK_IDS)
    for c in result["checks"]:
        assert c["status"] in ("pass", "fail", "unknown") and c["message"]
        assert set(c["messages"]) == {"en", "zh_CN"}


def test_a_good_agreement_and_slip_pass_every_document_check(case):
    got = checks(case)
    for cid in ("agreement.names_joom", "agreement.store_id", "agreement.products",
                "agreement.release", "payment.memo", "payment.amount_date", "deadline"):
        assert got[cid].status == "pass", (cid, got[cid].message("en"))


def test_not_ready_while_image_and_url_checks_are_unknown(case):
    report = preflight.report(case, list(checks(case).values()), "en", T0)
    assert report["ready"] is False
    by_id = {c["id"]: c for c in report["checks"]}
    for cid in ("images.clean", "images.replaced", "urls.dead"):
        assert by_id[cid]["status"] == "unknown"


def test_joom_missing_or_only_the_marketplace(case):
    # Left: "the seller operating Joom store ..." names the seller's store, not Joom.
    text = AGREEMENT.replace("SIA Joom and its\naffiliates, and all marketplaces including Joom",
                             "its affiliates")
    got = checks(case, agreement=[agreement(text)])["agreement.names_joom"]
    assert got.status == "fail" and "no clause releases it" in got.message("en")
    assert "SIA Joom" in got.message("zh_CN")
    got = checks(case, agreement=[agreement(text.replace("Joom store", "store"))])
    got = got["agreement.names_joom"]
    assert got.status == "fail" and "does not mention Joom" in got.message("en")


def test_missing_products_are_named(case):
    got = checks(case, agreement=[agreement(products=PRODUCTS[0])])["agreement.products"]
    assert got.status == "fail"
    assert "6a1f00aa02, 6a1f00aa03" in got.message("en") and "2 of the case's 3" in \
        got.message("en")


def test_product_id_broken_across_lines_still_counts(case):
    text = AGREEMENT.replace("{products}", "6a1f00aa01, 6a1f00\naa02, 6a1f00aa03")
    assert checks(case, agreement=[agreement(text)])["agreement.products"].status == "pass"


def test_store_id_missing(case):
    got = checks(case, agreement=[agreement(store="0000")])["agreement.store_id"]
    assert got.status == "fail" and STORE in got.message("en")


def test_release_without_past_sales_or_without_release(case):
    future_only = AGREEMENT.replace(
        "from any and all claims arising from\npast sales of the products listed above, "
        "whether known or unknown, up to the effective date.",
        "from claims arising from future listings.")
    got = checks(case, agreement=[agreement(future_only)])["agreement.release"]
    assert got.status == "fail" and "past sales" in got.message("en")
    no_release = future_only.replace("releases and forever discharges", "notes").replace(
        "MUTUAL RELEASE", "TERMS").replace("3. Release.", "3. Terms.")
    got = checks(case, agreement=[agreement(no_release)])["agreement.release"]
    assert got.status == "fail" and "No release" in got.message("en")


def test_payment_memo(case):
    got = checks(case, payment=[payment(PAYMENT.replace("Joom Settlement {store}",
                                                        "Invoice 2231"))])["payment.memo"]
    assert got.status == "fail" and f"Joom Settlement {STORE}" in got.message("en")
    text = PAYMENT.replace("Joom Settlement {store}", "Joom Settlement") + \
        "\n" + "Reference line\n" * 12 + "Account holder store {store}\n"
    got = checks(case, payment=[payment(text)])["payment.memo"]
    assert got.status == "fail" and "not the store ID" in got.message("en")


def test_payment_amount_date_payee_each_named(case):
    text = "REMITTANCE\nMemo: Joom Settlement {store}\nThank you\n"
    got = checks(case, payment=[payment(text)])["payment.amount_date"]
    assert got.status == "fail"
    assert "payee, amount, date" in got.message("en")
    assert "收款人、金额、日期" in got.message("zh_CN")  # a Chinese list: 、
    text = "收款人: Greer\n金额: 6500 美元\n日期: 2026年3月3日\nMemo Joom Settlement {store}\n"
    got = checks(case, payment=[preflight.Document("s.pdf", text.format(store=STORE).encode(
        "utf-8"))])["payment.amount_date"]
    assert got.status == "unknown"  # not a PDF: check by hand


def test_scanned_pdf_is_unknown_never_pass(case):
    got = checks(case, agreement=[preflight.Document("scan.pdf", scanned_pdf())],
                 payment=[preflight.Document("slip-photo.pdf", scanned_pdf("Joom Settlement"))])
    for cid in ("agreement.names_joom", "agreement.store_id", "agreement.products",
                "agreement.release", "payment.memo", "payment.amount_date"):
        assert got[cid].status == "unknown", cid
        assert "check by hand" in got[cid].message("en")
        assert "人工核对" in got[cid].message("zh_CN")


def test_scan_beside_a_text_pdf_turns_a_fail_into_unknown(case):
    partial = agreement(products=PRODUCTS[0])
    got = checks(case, agreement=[partial, preflight.Document("page2.pdf", scanned_pdf())])
    assert got["agreement.products"].status == "unknown"
    assert "page2.pdf" in got["agreement.products"].message("en")
    assert got["agreement.names_joom"].status == "pass"


@pytest.mark.parametrize("data, status, words", [
    (b"%PDF-1.4\n1 0 obj <<", "fail", "not a readable PDF"),
    (b"", "unknown", "not a PDF"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "unknown", "not a PDF"),
])
def test_broken_and_non_pdf_files(case, data, status, words):
    got = checks(case, agreement=[preflight.Document("bad.pdf", data)])
    assert got["agreement.store_id"].status == status
    assert words in got["agreement.store_id"].message("en")


def test_password_protected_pdf(case):
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(agreement().data)))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    got = checks(case, agreement=[preflight.Document("locked.pdf", out.getvalue())])
    assert got["agreement.release"].status == "unknown"
    assert "password-protected" in got["agreement.release"].message("en")


def test_missing_documents_say_how_to_add_them(case):
    got = checks(case, agreement=[], payment=[])
    assert got["agreement.names_joom"].status == "fail"
    assert f"vault add --case {case.id} --kind agreement" in got["agreement.names_joom"] \
        .message("en")
    assert "--kind payment" in got["payment.memo"].message("en")


def test_unreadable_vault_is_unknown(case):
    got = checks(case, agreement=None, payment=None, documents_problem="preflight.doc.locked")
    assert got["agreement.store_id"].status == "unknown"
    assert "locked vault" in got["agreement.store_id"].message("en")


def test_deadline_passed(case, local_zone):
    local_zone("Asia/Shanghai")
    got = checks(case, now=T0 + timedelta(hours=49))["deadline"]
    assert got.status == "fail" and "Respond to the complaint" in got.message("en")
    assert "回复投诉" in got.message("zh_CN")
    # Due 48 hours after 09:00 UTC on 1 March: the seller reads it in their own zone.
    assert "2026-03-03 17:00 (UTC+8)" in got.message("en")
    assert "2026年3月3日 17:00（UTC+8）" in got.message("zh_CN")


def test_url_results(case):
    old = ["https://img.joomcdn.net/" + "a" * 40 + "_original.jpeg",
           "https://img.joomcdn.net/" + "b" * 40 + "_1024_1024.jpeg"]
    case.old_urls = old
    assert checks(case)["urls.dead"].status == "unknown"
    results = [{"url": old[0], "verdict": "dead", "checked_at": "2026-03-02T00:00:00Z"},
               {"url": old[1], "verdict": "live", "checked_at": "2026-03-02T00:00:00Z"}]
    got = checks(case, url_results=results)["urls.dead"]
    assert got.status == "fail" and old[1] in got.message("en")
    results.append({"url": old[1], "verdict": "placeholder", "checked_at": "2026-03-05T00:00:00Z"})
    assert checks(case, url_results=results)["urls.dead"].status == "pass"
    results.append({"url": old[1], "verdict": "unknown", "checked_at": "2026-03-06T00:00:00Z"})
    assert checks(case, url_results=results)["urls.dead"].status == "unknown"


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.tags = [], set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_html_report_is_self_contained_and_escaped(case):
    case.complainant = "<script>alert(1)</script> & Co"
    page = preflight.render_html(case, list(checks(case).values()), "zh_CN", T0)
    parsed = _Text()
    parsed.feed(page)
    assert "script" not in parsed.tags and "img" not in parsed.tags and "link" not in parsed.tags
    text = "".join(parsed.text)
    assert "<script>alert(1)</script> & Co" in text
    assert "agreement.names_joom" not in text  # ids are for scripts
    assert "协议对 Joom 免责" in text and "协议已将 Joom 列为被免责方或免责条款的受益方" in text
    assert "Joom restores" not in text  # one language
    assert 'data-ready="false"' in page


def test_cli_preflight_json_html_and_exit_code(case, tmp_path):
    (tmp_path / "a.pdf").write_bytes(agreement().data)
    (tmp_path / "p.pdf").write_bytes(payment().data)
    out = tmp_path / "report.html"
    r = CliRunner().invoke(main, ["preflight", case.id, "--json", "--agreement",
                                  str(tmp_path / "a.pdf"), "--payment", str(tmp_path / "p.pdf"),
                                  "--html", str(out)])
    assert r.exit_code == 1, r.output  # not ready: images and URLs are unknown
    report = json.loads(r.output)
    assert report["ready"] is False
    statuses = {c["id"]: c["status"] for c in report["checks"]}
    assert statuses["agreement.products"] == "pass" and statuses["images.clean"] == "unknown"
    page = out.read_text()
    assert "Appeal preflight" in page and "The agreement covers every product" in page
    assert report["checks"][0]["title"] == "The agreement releases Joom"

    r = CliRunner().invoke(main, ["preflight", case.id, "--lang", "zh_CN"])
    assert r.exit_code == 1
    assert "尚不能提交" in r.output and "未知" in r.output
    # A person reads titles in their language; the ids are for --json.
    assert "协议对 Joom 免责：" in r.output and "agreement.names_joom" not in r.output


# --- documents and URL checks from the vault, images through the real engines -------------

PASSPHRASE = "correct horse battery staple 42"


@pytest.fixture
def vault(home):
    from iprdesk.vault import Vault
    from iprdesk.vault.crypto import KdfParams

    return Vault.create(home, PASSPHRASE, kdf=KdfParams.floor())


def _url_record(url, verdict, when):
    return json.dumps({"url": url, "verdict": verdict, "checked_at": when}).encode()


def test_documents_and_url_checks_come_from_the_case_in_the_vault(case, vault, home, tmp_path):
    old = "https://cdn.example.com/old-picture.jpeg"
    case = cases.CaseStore(home).add_urls(case.id, [old])
    vault.add(agreement().data, {"kind": "agreement", "case": case.id,
                                 "original_name": "signed.pdf"})
    vault.add(payment().data, {"kind": "payment", "case": case.id})
    vault.add(_url_record(old, "dead", "2026-03-05T00:00:00Z"),
              {"kind": "url-check", "case": case.id, "source_url": old})
    # Another case's agreement must not count for this one.
    vault.add(agreement(store="0000").data, {"kind": "agreement", "case": "c-99999999"})

    got = {c.id: c for c in preflight.run(case, preflight.gather(home, case, vault=vault),
                                          T0 + timedelta(hours=1))}
    for cid in ("agreement.names_joom", "agreement.store_id", "agreement.products",
                "agreement.release", "payment.memo", "payment.amount_date", "urls.dead"):
        assert got[cid].status == "pass", (cid, got[cid].message("en"))


def test_locked_vault_and_no_vault(case, home, vault):
    vault.lock()
    got = {c.id: c for c in preflight.run(case, preflight.gather(home, case, vault=vault))}
    assert got["payment.memo"].status == "unknown"
    assert "locked vault" in got["payment.memo"].message("en")


def test_no_vault_at_all(case, home):
    got = {c.id: c for c in preflight.run(case, preflight.gather(home, case))}
    assert "vault init" in got["agreement.store_id"].message("en")


def test_cli_unlocks_the_vault_with_the_same_mechanisms(case, vault, home, tmp_path):
    vault.add(agreement().data, {"kind": "agreement", "case": case.id})
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n")
    r = CliRunner().invoke(main, ["preflight", case.id, "--json", "--passphrase-file",
                                  str(secret)])
    statuses = {c["id"]: c["status"] for c in json.loads(r.output)["checks"]}
    assert statuses["agreement.products"] == "pass"
    assert statuses["payment.memo"] == "fail"  # none in the vault: say how to add it
    r = CliRunner().invoke(main, ["preflight", case.id, "--json"],
                           env={"IPRDESK_PASSPHRASE": PASSPHRASE})
    assert {c["id"]: c["status"] for c in json.loads(r.output)["checks"]}[
        "agreement.products"] == "pass"
    r = CliRunner().invoke(main, ["preflight", case.id], env={"IPRDESK_PASSPHRASE": "wrong"})
    assert r.exit_code == 1 and "Wrong passphrase" in r.output and "wrong" not in \
        r.output.replace("Wrong", "")


def _photo(path, seed, exif=None):
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (320, 240), (rng.randrange(256), 90, 160))
    draw = ImageDraw.Draw(image)
    for _ in range(8):
        x, y = rng.randrange(260), rng.randrange(180)
        draw.ellipse((x, y, x + rng.randrange(20, 120), y + rng.randrange(20, 90)),
                     fill=tuple(rng.randrange(256) for _ in range(3)))
    image.save(path, "JPEG", quality=92, **({"exif": exif} if exif else {}))
    return path


def test_images_replaced_uses_the_near_duplicate_engine(case, tmp_path):
    from PIL import Image

    complained = _photo(tmp_path / "old.jpg", 1)
    fresh = _photo(tmp_path / "fresh.jpg", 3)
    copy = tmp_path / "copy.jpg"
    Image.open(complained).transpose(Image.Transpose.FLIP_LEFT_RIGHT).resize((300, 225)).save(
        copy, "JPEG", quality=70)
    got = checks(case, new_images=[fresh], complained_images=[complained])["images.replaced"]
    assert got.status == "pass", got.message("en")
    got = checks(case, new_images=[fresh, copy], complained_images=[complained])
    got = got["images.replaced"]
    assert got.status == "fail" and "copy.jpg ≈ old.jpg" in got.message("en")
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8garbage")
    got = checks(case, new_images=[tmp_path / "broken.jpg"], complained_images=[complained])
    assert got["images.replaced"].status == "unknown"
    assert "broken.jpg" in got["images.replaced"].message("en")


def test_images_clean_uses_the_metadata_engine(case, tmp_path):
    from PIL import Image

    clean = _photo(tmp_path / "clean.jpg", 2)
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 14 Pro"
    dirty = _photo(tmp_path / "IMG_2041.jpg", 4, exif.tobytes())
    assert checks(case, new_images=[clean])["images.clean"].status == "pass"
    got = checks(case, new_images=[clean, dirty])["images.clean"]
    assert got.status == "fail" and "IMG_2041.jpg" in got.message("en")


async def test_url_verdicts_from_the_agents_scheduled_checks(case, home, aiohttp_server):
    """Old URLs added to a case are watched; the watch list's real checks feed urls.dead."""
    from aiohttp import web

    from iprdesk.urls import watch as urlwatch

    served = {"/gone.jpg": 404, "/still.jpg": 200}
    picture = _photo(home / "old.jpg", 5).read_bytes()

    async def cdn(request):
        status = served[request.path]
        return web.Response(status=status, body=picture if status == 200 else b"",
                            content_type="image/jpeg")

    app = web.Application()
    app.router.add_get("/{name}", cdn)
    server = await aiohttp_server(app, host="127.0.0.1")
    urls = [str(server.make_url(p)) for p in served]
    store = cases.CaseStore(home)
    store.add_urls(case.id, urls)
    watch = urlwatch.WatchList(home)
    assert {w.url for w in watch.list(case.id)} == set(urls)

    def urls_dead():
        case_now = store.get(case.id)
        inputs = preflight.gather(home, case_now)
        return preflight.urls_dead_check(case_now, inputs)

    assert urls_dead().status == "unknown"  # watched, not checked yet
    await urlwatch.check_watched(home, watch.list(case.id), record=False)
    got = urls_dead()
    assert got.status == "fail" and "still.jpg" in got.message("en")
    served["/still.jpg"] = 410
    await urlwatch.check_watched(home, watch.list(case.id), record=False)
    assert urls_dead().status == "pass"


def test_new_images_from_the_vault_and_complained_pictures_from_the_watch_list(
        case, vault, home, tmp_path):
    """In the browser no file paths are given: the new images are the case's product photos in
    the vault, the complained ones the pictures its old URLs served when first checked."""
    from PIL import Image

    from iprdesk.images import similar
    from iprdesk.urls import watch as urlwatch

    complained = _photo(tmp_path / "old.jpg", 1)
    fresh = _photo(tmp_path / "fresh.jpg", 3)
    copy = tmp_path / "copy.jpg"
    Image.open(complained).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(copy, "JPEG")
    old = "https://img.joomcdn.net/" + "a" * 40 + "_1024_1024.jpeg"
    urlwatch.WatchList(home).add(case.id, [old], similar.fingerprint_file(complained),
                                 variants=False)

    def images():
        got = preflight.run(case, preflight.gather(home, case, vault=vault), T0)
        return {c.id: c for c in got if c.id.startswith("images.")}

    got = images()
    assert got["images.clean"].status == "unknown" and got["images.replaced"].status == "unknown"
    vault.add(fresh.read_bytes(), {"kind": "photo", "case": case.id, "original_name": "fresh.jpg"})
    vault.add(copy.read_bytes(), {"kind": "photo", "case": "c-99999999"})  # another case's
    got = images()
    assert got["images.clean"].status == "pass"
    assert got["images.replaced"].status == "pass", got["images.replaced"].message("en")
    vault.add(copy.read_bytes(), {"kind": "photo", "case": case.id, "original_name": "copy.jpg"})
    got = images()["images.replaced"]
    assert got.status == "fail" and f"copy.jpg ≈ {old}" in got.message("en")


# A command or option to type: `...`, --option, iprdesk <command>.
COMMAND = re.compile(r"`|--\w|\biprdesk\s+(vault|case|strip|check-urls|url-watch)\b")


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_browser_is_never_told_to_run_a_command(case, lang):
    """What the CLI reader is told to type, the browser reader finds as a fix on the page."""
    cli, browser = ({c.id: c.message(lang, audience) for c in preflight.run(case, preflight.Inputs(
        agreement=[], payment=None, documents_problem="preflight.doc.locked"), T0)}
        for audience in ("cli", "browser"))
    assert "iprdesk vault add" in cli["agreement.names_joom"]
    assert "--new-image" in cli["images.clean"]
    for cid, text in browser.items():
        assert not COMMAND.search(text), (cid, text)
    no_vault = preflight.Check("agreement.store_id", "unknown",
                               [("preflight.doc.no_vault", {"case": case.id})])
    assert "vault init" not in no_vault.message(lang, "browser")


def test_a_list_in_a_check_reads_as_each_language_writes_lists(case):
    """Two old URLs still public: "a, b" in English, "a、b" in Chinese."""
    results = [{"url": u, "verdict": "live", "checked_at": "2026-03-01T08:00:00Z"}
               for u in ("https://x/1.jpg", "https://x/2.jpg")]
    got = preflight.urls_dead_check(case, preflight.Inputs(url_results=results))
    assert "https://x/1.jpg, https://x/2.jpg" in got.message("en")
    assert "https://x/1.jpg、https://x/2.jpg" in got.message("zh_CN")


def test_the_last_check_of_a_url_wins_within_the_same_second(case):
    """Checks a moment apart (live, then dead after the picture was taken down) are told apart
    to the millisecond, whatever order they are read in."""
    live = {"url": "https://x/1.jpg", "verdict": "live", "checked_at": "2026-03-01T08:00:00.100Z"}
    dead = {"url": "https://x/1.jpg", "verdict": "dead", "checked_at": "2026-03-01T08:00:00.900Z"}
    for results in ([live, dead], [dead, live]):
        got = preflight.urls_dead_check(case, preflight.Inputs(url_results=results))
        assert got.status == "pass"
