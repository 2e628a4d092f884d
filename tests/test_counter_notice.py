"""The counter-notice draft (issue 15): for a seller who owns the complained image, it cites the
sealed original (camera, capture time, SHA-256, when it was sealed) and states each of those
facts only when iprdesk read it from the original in the vault; anything else is a marked gap
saying why, in the letter (English) and for the seller (each language)."""

import hashlib
import io
import json
from datetime import UTC, datetime, timedelta

import piexif
import pytest
from bench.imagegen import jpeg, product_photo
from click.testing import CliRunner

from iprdesk import timeutil
from iprdesk.casework import case_provenance, cases, drafts, preflight
from iprdesk.cli import main
from iprdesk.images import similar
from iprdesk.metadata import strip_image
from iprdesk.provenance.originals import seal_original
from iprdesk.provenance.records import ProvenanceStore
from iprdesk.urls import watch as urlwatch
from iprdesk.vault import Vault
from tests import image_fixtures as fx
from tests.conftest import VAULT_PASSPHRASE

pytestmark = pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO")

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PRODUCT = "64f0c1e2a9b8c7d6e5f40312"
OLD_URL = "https://img.joomcdn.net/" + "c" * 40 + "_1024_1024.jpeg"
SELLER = {"name": "Li Wei", "company": "Shenzhen Example Trading Co., Ltd."}
PICTURE = product_photo(31, (600, 600))
# Each fact the letter may state about an original, and a phrase only its sentence says.
FACT_PHRASES = {
    "original.own": "I created this image myself",
    "original.matches": "is a copy of this original",
    "original.camera": "Apple iPhone 14 Pro",
    "original.captured": "2024-05-01 10:00:00",
    "original.intact": "SHA-256 hash is",
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def camera_photo(picture=PICTURE, offset: bytes | None = None) -> bytes:
    """A phone photo of `picture`: EXIF with the camera and the capture time (and the time
    zone offset the camera wrote, when given)."""
    exif = fx.exif_bytes()
    if offset:
        tags = piexif.load(exif)
        tags["Exif"][piexif.ExifIFD.OffsetTimeOriginal] = offset
        exif = piexif.dump(tags)
    out = io.BytesIO()
    picture.convert("RGB").save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


@pytest.fixture
def case(vault_home):
    return cases.CaseStore(vault_home).new(
        complaint_id="CMP-515", store_id="5f1a2b3c4d5e", type="copyright",
        complainant="Bright Lens Studio LLC", products=PRODUCT,
        received="2026-02-27T23:00:00Z", now=T0)


def complained(home, case, picture=PICTURE):
    """The case's old image URL served `picture` (the complained image)."""
    urlwatch.WatchList(home).add(case.id, [OLD_URL], similar.fingerprint_bytes(jpeg(picture)),
                                 now=timeutil.utc_now() + timedelta(days=1), variants=False)


def sealed(home, photo: bytes, *, origin="own_photo", name="IMG_2041.jpg"):
    """The photo uploaded through the guard: its original sealed, the record's origin set."""
    clean = strip_image(photo, name).data
    document = seal_original(home, Vault.open(home), photo, name=name,
                             clean_sha256=sha256(clean), sealed_by="upload",
                             product=PRODUCT)
    if origin:
        ProvenanceStore(home).set(sha256(clean), origin=origin)
    return document


def unlocked(home) -> Vault:
    vault = Vault.open(home)
    vault.unlock(VAULT_PASSPHRASE)
    return vault


def passing_checks() -> list[preflight.Check]:
    return [preflight.Check(cid, "pass", [("preflight.deadline.pass_none", {})])
            for cid in preflight.CHECK_IDS]


def draft(home, case, vault, seller=SELLER) -> dict:
    return drafts.render(case, "counter_notice", passing_checks(), seller, T0,
                         case_provenance.originals(home, case, vault))


def letter_without_gaps(d: dict) -> str:
    body = d["body"]
    for gap in d["gaps"]:
        body = body.replace(gap["text"], "")
    return body


def test_a_sealed_original_of_the_complained_image_is_cited_in_full(vault_home, case):
    complained(vault_home, case)
    document = sealed(vault_home, camera_photo())
    d = draft(vault_home, case, unlocked(vault_home))
    body = d["body"]
    assert body.isascii()  # sent as written, in English
    assert 'Original file "IMG_2041.jpg": I created this image myself' in body
    assert "The image named in the complaint is a copy of this original." in body
    assert "records the camera make and model as Apple iPhone 14 Pro." in body
    assert "taken at 2024-05-01 10:00:00 (camera clock, no time zone recorded)." in body
    assert f"SHA-256 hash is {document.sha256};" in body
    sealed_at = timeutil.shown(document.sealed_at, "en", zone=UTC)
    assert f"sealed in my encrypted, tamper-evident evidence vault on {sealed_at}" in body
    # The address and phone are left to the seller while the settings hold none.
    assert [g["checks"] for g in d["gaps"]] == [[], []]
    assert "your full postal address" in d["gaps"][0]["text"]
    assert "您的电话号码" in d["gaps"][1]["explain"]["zh_CN"]
    assert not d["complete"]
    # The statutory elements (17 U.S.C. 512(g)(3)) are all there.
    for element in ("under penalty of perjury", "good faith belief",
                    "mistake or misidentification", "consent to the jurisdiction of the Federal "
                    "District Court", "accept service of process", "Signed electronically,\n"
                    "Li Wei", "CMP-515", PRODUCT):
        assert element in body, element


def test_the_capture_time_keeps_the_offset_the_camera_wrote(vault_home, case):
    complained(vault_home, case)
    sealed(vault_home, camera_photo(offset=b"+08:00"))
    body = draft(vault_home, case, unlocked(vault_home))["body"]
    assert "taken at 2024-05-01 10:00:00 (UTC+08:00)." in body


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_with_the_vault_locked_no_fact_of_the_original_is_stated(vault_home, case, lang):
    complained(vault_home, case)
    document = sealed(vault_home, camera_photo())
    d = draft(vault_home, case, Vault.open(vault_home))  # locked
    body = letter_without_gaps(d)
    assert FACT_PHRASES["original.own"] in body  # from the record, readable locked
    for fact in ("original.matches", "original.camera", "original.captured", "original.intact"):
        assert FACT_PHRASES[fact] not in body, fact
    assert document.sha256 not in d["body"]
    gaps = {g["checks"][0]: g for g in d["gaps"] if g["checks"]}
    assert set(gaps) == {"original.matches", "original.camera", "original.captured",
                         "original.intact"}
    unlock = {"en": "unlock it", "zh_CN": "请解锁"}[lang]
    for gap in gaps.values():
        assert unlock in gap["explain"][lang]
        assert "iprdesk could not check it from the sealed original" in gap["text"]
    assert "发送前需补全" in gaps["original.camera"]["explain"]["zh_CN"]


@pytest.mark.parametrize(("origin", "status", "reason"), [
    (None, "unknown", "You have not yet said where this image came from"),
    ("stock", "fail", "Stock image under a licence"),
])
def test_authorship_is_claimed_only_for_an_image_recorded_as_the_sellers_own(
        vault_home, case, origin, status, reason):
    complained(vault_home, case)
    sealed(vault_home, camera_photo(), origin=origin)
    d = draft(vault_home, case, unlocked(vault_home))
    assert FACT_PHRASES["original.own"] not in letter_without_gaps(d)
    [gap] = [g for g in d["gaps"] if g["checks"] == ["original.own"]]
    assert reason in gap["text"]
    assert FACT_PHRASES["original.camera"] in d["body"]  # the rest still stands


def test_without_a_sealed_original_the_evidence_is_a_gap(vault_home, case):
    complained(vault_home, case)
    d = draft(vault_home, case, unlocked(vault_home))
    body = letter_without_gaps(d)
    for phrase in FACT_PHRASES.values():
        assert phrase not in body
    gap = d["gaps"][0]
    assert "describe the original file that proves the image is yours" in gap["text"]
    assert "iprdesk provenance set IMAGE --original FILE" in gap["text"]
    assert "原始文件" in gap["explain"]["zh_CN"]


def test_an_original_of_another_picture_is_not_cited(vault_home, case):
    """The case's new photo (a different picture) proves nothing about the complaint."""
    complained(vault_home, case)
    sealed(vault_home, camera_photo(product_photo(32, (600, 600))), name="IMG_3000.jpg")
    d = draft(vault_home, case, unlocked(vault_home))
    assert "IMG_3000.jpg" not in d["body"]
    assert "describe the original file" in d["gaps"][0]["text"]


def test_with_no_complained_image_known_the_match_is_a_gap(vault_home, case):
    sealed(vault_home, camera_photo())
    d = draft(vault_home, case, unlocked(vault_home))
    assert FACT_PHRASES["original.matches"] not in letter_without_gaps(d)
    [gap] = [g for g in d["gaps"] if g["checks"] == ["original.matches"]]
    assert "No complained image is known yet" in gap["text"]
    assert FACT_PHRASES["original.camera"] in d["body"]


def test_an_original_without_camera_data_states_no_camera(vault_home, case):
    complained(vault_home, case)
    sealed(vault_home, jpeg(PICTURE))  # no EXIF at all
    vault = unlocked(vault_home)
    d = draft(vault_home, case, vault)
    assert "camera make and model as" not in letter_without_gaps(d)
    assert "taken at" not in letter_without_gaps(d)
    checks = {g["checks"][0]: g for g in d["gaps"] if g["checks"]}
    assert set(checks) == {"original.camera", "original.captured"}
    assert "names no camera" in checks["original.camera"]["text"]
    assert FACT_PHRASES["original.intact"] in d["body"]


def test_an_original_the_record_does_not_match_is_not_vouched_for(vault_home, case):
    """The record's hash and the vault item's differ: nothing is read from it."""
    complained(vault_home, case)
    sealed(vault_home, camera_photo())
    path = vault_home / "provenance" / "records.json"
    data = json.loads(path.read_text())
    [record] = data["records"].values()
    record["documents"]["original"][0]["sha256"] = "0" * 64
    path.write_text(json.dumps(data))
    d = draft(vault_home, case, unlocked(vault_home))
    body = letter_without_gaps(d)
    for fact in ("original.matches", "original.camera", "original.captured", "original.intact"):
        assert FACT_PHRASES[fact] not in body, fact
    [gap] = [g for g in d["gaps"] if g["checks"] == ["original.intact"]]
    assert "SHA-256 hashes differ" in gap["text"]


def test_the_letter_states_no_value_whose_check_did_not_pass(vault_home, case):
    """Whatever the records hold, a value of an original reaches the letter only with its
    check passed: vault locked, unlocked, origin unset, complained image unknown."""
    sealed(vault_home, camera_photo(), origin=None)
    for vault in (Vault.open(vault_home), unlocked(vault_home)):
        [original] = case_provenance.originals(vault_home, case, vault)
        facts = {"camera": "original.camera", "captured": "original.captured",
                 "sha256": "original.intact", "sealed": "original.intact"}
        d = drafts.render(case, "counter_notice", passing_checks(), SELLER, T0, [original])
        body = letter_without_gaps(d)
        for key, fact in facts.items():
            if original.status(fact) != "pass":
                assert key not in original.values
        for fact, phrase in FACT_PHRASES.items():
            assert (phrase in body) == (original.status(fact) == "pass"), fact


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_seller_is_told_the_odds_and_the_terms_in_their_language(vault_home, case, lang):
    d = draft(vault_home, case, None)
    cautions = " ".join(c[lang] for c in d["cautions"])
    words = {"en": ("rarely succeeds", "penalty of perjury", "does not lift a US court order",
                    "14 months", "USD 30,000"),
             "zh_CN": ("很少成功", "伪证", "不能解除美国法院的命令", "14 个月", "3 万美元")}[lang]
    for word in words:
        assert word in cautions
    assert "rarely" not in d["body"]  # advice for the seller, not part of the letter
    terms = {t["term"]: t["explain"][lang] for t in d["terms"]}
    for term in ("good faith belief", "under penalty of perjury", "consent to jurisdiction",
                 "service of process", "mistake or misidentification", "electronic signature"):
        assert terms[term], term
    if lang == "zh_CN":
        for text in [*terms.values(), *(p["explain"]["zh_CN"] for p in d["paragraphs"])]:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert d["title"][lang] and d["to"][lang]


def test_a_court_case_adds_that_the_counter_notice_will_not_lift_it(vault_home, case):
    assert not any("Schedule A\" lawsuits" in c["en"] for c in draft(vault_home, case,
                                                                      None)["cautions"])
    store = cases.CaseStore(vault_home)
    schedule_a = store.new(complaint_id="CMP-516", store_id="5f1a2b3c4d5e", type="copyright",
                           complainant="Greer, Burns & Crain", products="P2",
                           received="2026-02-27T23:00:00Z", court_case="1:26-cv-01234", now=T0)
    [court] = [c for c in draft(vault_home, schedule_a, None)["cautions"]
               if "1:26-cv-01234" in c["en"]]
    assert "will not release your store" in court["en"] and "1:26-cv-01234" in court["zh_CN"]


def test_the_other_drafts_are_unchanged_by_originals(vault_home, case):
    for name in ("settlement_intent", "joom_support"):
        d = drafts.render(case, name, passing_checks(), SELLER, T0)
        assert d["cautions"] == [] and d["complete"]


def test_cli_counter_notice(vault_home, case, monkeypatch):
    complained(vault_home, case)
    document = sealed(vault_home, camera_photo())
    monkeypatch.setenv("IPRDESK_PASSPHRASE", VAULT_PASSPHRASE)
    r = CliRunner().invoke(main, ["--lang", "zh_CN", "draft", case.id, "counter_notice",
                                  "--home", str(vault_home)])
    assert r.exit_code == 0, r.output
    assert "发送前请注意" in r.output and "很少成功" in r.output
    assert f"SHA-256 hash is {document.sha256}" in r.output
    assert "good faith belief" in r.output  # the term, explained in Chinese beside it
    monkeypatch.delenv("IPRDESK_PASSPHRASE")
    r = CliRunner().invoke(main, ["draft", case.id, "counter_notice", "--json",
                                  "--home", str(vault_home)])
    result = json.loads(r.output)
    assert document.sha256 not in result["body"]  # no passphrase: nothing read from the vault
    assert ["original.intact"] in [g["checks"] for g in result["gaps"]]


async def test_route_drafts_include_the_counter_notice(vault_home, agent):
    case = cases.CaseStore(vault_home).new(
        complaint_id="CMP-517", store_id="S1", type="copyright", complainant="X LLC",
        products=PRODUCT, received="2026-02-27T23:00:00Z")
    complained(vault_home, case)
    document = sealed(vault_home, camera_photo())
    body = await (await agent.get(f"/v1/cases/{case.id}/drafts")).json()
    [cn] = [d for d in body["drafts"] if d["id"] == "counter_notice"]
    assert document.sha256 not in cn["body"] and cn["cautions"]  # the vault is locked
    r = await agent.post("/v1/vault/unlock", json={"passphrase": VAULT_PASSPHRASE})
    assert r.status == 200
    body = await (await agent.get(f"/v1/cases/{case.id}/drafts")).json()
    [cn] = [d for d in body["drafts"] if d["id"] == "counter_notice"]
    assert f"SHA-256 hash is {document.sha256}" in cn["body"]
    assert "Apple iPhone 14 Pro" in cn["body"]


def test_a_name_or_camera_with_control_characters_is_one_plain_line(vault_home, case):
    """The letter is printed on a terminal and pasted into a form: what a file carries cannot
    forge a line or send an escape sequence."""
    complained(vault_home, case)
    out = io.BytesIO()
    PICTURE.convert("RGB").save(out, "JPEG", quality=92,
                                exif=fx.exif_bytes(model="X1\x1b[2J\nForged line"))
    sealed(vault_home, out.getvalue(), name="IMG\x1b]0;title\x07.jpg")
    body = draft(vault_home, case, unlocked(vault_home))["body"]
    assert "\x1b" not in body and "\x07" not in body
    assert "records the camera make and model as Apple X1 [2J Forged line." in body
    assert 'Original file "IMG ]0;title .jpg":' in body
