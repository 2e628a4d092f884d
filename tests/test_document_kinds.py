"""Documents by kind, detected from content: a set of real-looking files of each kind in English
and Chinese, and the ones detection must leave to the seller (`other`)."""

import json
import struct
import zipfile
from io import BytesIO

import pytest
from PIL import Image

from iprdesk.documents.kinds import detect_kind
from iprdesk.text import shared_data
from iprdesk.vault import KINDS, Vault
from iprdesk.vault.bundle import export_bundle
from tests.conftest import VAULT_PASSPHRASE
from tests.pdfs import AGREEMENT, PAYMENT, scanned_pdf, text_pdf, unicode_pdf
from tests.test_vault_cli import run

TRO = """\
UNITED STATES DISTRICT COURT
FOR THE NORTHERN DISTRICT OF ILLINOIS
BRIGHT LENS STUDIO LLC, Plaintiff,
v. THE PARTNERSHIPS AND UNINCORPORATED ASSOCIATIONS IDENTIFIED ON SCHEDULE A, Defendants.
Case No. 1:26-cv-01234
SEALED TEMPORARY RESTRAINING ORDER
"""
AGREEMENT_ZH = """\
和解协议
甲方：明镜影像工作室（权利人）
乙方：深圳示例贸易有限公司（Joom 店铺 5f1a2b）
双方就版权纠纷达成如下和解：乙方支付 6500 美元。甲方免除乙方及 Joom 平台的一切索赔。
"""
SLIP_ZH = """\
上海银行 电子回单
付款人：深圳示例贸易有限公司
收款人：Greer, Burns & Crain, Ltd.
金额：USD 6,500.00
附言：Joom Settlement 5f1a2b
"""
NOTICE = """\
Dear seller,
We have received an intellectual property complaint about your products on Joom.
Complaint ID: 65f1c0d2e4b0a1b2c3d4e5f6
Rights holder: Bright Lens Studio LLC
"""


def image(size, fmt="PNG", exif=None, **info) -> bytes:
    out = BytesIO()
    picture = Image.new("RGB", size, (30, 120, 200))
    kwargs = {"exif": exif} if exif is not None else {}
    if info and fmt == "PNG":
        from PIL.PngImagePlugin import PngInfo
        text = PngInfo()
        for key, value in info.items():
            text.add_text(key, value)
        kwargs["pnginfo"] = text
    picture.save(out, fmt, **kwargs)
    return out.getvalue()


def camera_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "Canon EOS R6"
    return image((1200, 800), "JPEG", exif=exif)


def tiff_raw(tag: int) -> bytes:
    """The start of a TIFF-based RAW file: a first directory holding one tag."""
    directory = struct.pack("<H", 1) + struct.pack("<HHII", tag, 2, 6, 26) + b"\0\0\0\0"
    return b"II*\x00" + struct.pack("<I", 8) + directory + b"Nikon\0" + bytes(200)


def mail(subject: str, body: str) -> bytes:
    from email.message import EmailMessage
    message = EmailMessage()
    message["From"] = "Joom <ipr@joom.com>"
    message["To"] = "seller@example.cn"
    message["Subject"] = subject
    message["Date"] = "Mon, 02 Mar 2026 10:15:00 +0800"
    message.set_content(body)
    return bytes(message)


@pytest.mark.parametrize(("data", "kind", "reason"), [
    (text_pdf(AGREEMENT.format(store="5f1a2b", products="P1")), "agreement", "pdf-text"),
    (unicode_pdf(AGREEMENT_ZH), "agreement", "pdf-text"),
    (text_pdf(PAYMENT.format(store="5f1a2b")), "payment", "pdf-text"),
    (unicode_pdf(SLIP_ZH), "payment", "pdf-text"),
    (text_pdf(TRO), "court", "pdf-text"),
    (unicode_pdf("广东省深圳市南山区人民法院\n民事起诉状\n案号：（2026）粤0305民初12345号\n原告：明镜影像工作室"),
     "court", "pdf-text"),
    (text_pdf(NOTICE), "notice", "pdf-text"),
    (mail("Intellectual property complaint", NOTICE), "notice", "mail"),
    (mail("【Joom】知识产权投诉通知", "投诉编号：65f1c0d2e4b0a1b2c3d4e5f6\n权利人：明镜影像工作室"),
     "notice", "mail"),
    (mail("Re: settlement", "Please find the signed agreement attached."), "email", "mail"),
    (b"8BPS\x00\x01" + bytes(100), "original", "psd"),
    (b"II*\x00\x10\x00\x00\x00CR\x02\x00" + bytes(100), "original", "raw"),
    (tiff_raw(0xC612), "original", "raw"),
    (tiff_raw(0x010F), "original", "raw"),
    (b"FUJIFILMCCD-RAW 0201" + bytes(100), "original", "raw"),
    (image((1920, 1080)), "screenshot", "screen-size"),
    (image((1170, 2532)), "screenshot", "screen-size"),
    (image((900, 700), Software="gnome-screenshot"), "screenshot", "screenshot-tag"),
    (camera_jpeg(), "photo", "camera"),
    (image((800, 800), "JPEG"), "photo", "product-square"),
    (b"From: <Saved by Blink>\r\nSnapshot-Content-Location: https://x/\r\nSubject: x\r\n"
     b"MIME-Version: 1.0\r\n\r\n", "page", "page-archive"),
    (NOTICE.encode(), "notice", "text"),
], ids=["agreement", "agreement-zh", "slip", "slip-zh", "tro", "court-zh", "notice-pdf",
        "notice-mail", "notice-mail-zh", "correspondence", "psd", "cr2", "dng", "nef", "raf",
        "desktop-shot", "phone-shot", "tagged-shot", "camera", "square", "mhtml", "notice-text"])
def test_detected_from_content(data, kind, reason):
    found = detect_kind(data)
    assert (found.kind, found.reason) == (kind, reason)


@pytest.mark.parametrize("data", [
    scanned_pdf(),  # a scan: nobody read it, so nobody knows
    text_pdf("Meeting notes\nCall the supplier on Monday about the blue cups.\nBudget: 300"),
    # A settlement agreement or a court paper about one: neither clearly leads.
    text_pdf("Settlement agreement filed in Case No. 1:26-cv-01234, for the record."),
    image((640, 400)),  # neither a screen size, a camera's nor a product photo's shape
    b"\x00\x01binary junk" * 50,
    b"II*\x00\x08\x00\x00\x00" + bytes(50),  # a TIFF with no camera tags: a scan, maybe
], ids=["scan", "plain-notes", "mixed", "odd-image", "junk", "plain-tiff"])
def test_when_unsure_the_seller_chooses(data):
    assert detect_kind(data).kind == "other" and detect_kind(data).reason == "unsure"


def test_the_kinds_are_one_list_in_shared_data():
    data = shared_data.load("evidence_kinds.json")["kinds"]
    assert tuple(k["id"] for k in data) == KINDS
    assert {"agreement", "payment", "court", "notice", "email", "screenshot", "photo",
            "original", "other"} <= set(KINDS)
    for kind in data:
        assert set(kind["label"]) == set(shared_data.LANGUAGES)
    assert shared_data.for_extension()["evidence_kinds"]["kinds"] == data


def test_vault_add_without_kind_files_by_content_and_label_changes_it(vault_home, tmp_path):
    files = {"slip.pdf": text_pdf(PAYMENT.format(store="5f1a2b")), "tro.bin": text_pdf(TRO),
             "unknown.png": image((640, 400)), "page.mhtml": b"<html></html>"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    added = json.loads(run(vault_home, "vault", "add", *(str(tmp_path / n) for n in files),
                           "--json").output)
    assert {a["original_name"]: a["kind"] for a in added} == {
        "slip.pdf": "payment", "tro.bin": "court", "unknown.png": "other", "page.mhtml": "page"}
    given = json.loads(run(vault_home, "vault", "add", str(tmp_path / "slip.pdf"), "--kind",
                           "receipt", "--json").output)
    assert given[0]["kind"] == "receipt"  # what the seller says wins
    unsure = next(a for a in added if a["kind"] == "other")
    relabelled = json.loads(run(vault_home, "vault", "label", unsure["id"], "--kind", "photo",
                                "--json", env={"IPRDESK_PASSPHRASE": VAULT_PASSPHRASE}).output)
    assert relabelled["kind"] == "photo" and relabelled["sha256"] == unsure["sha256"]


async def test_evidence_route_detects_the_kind_when_none_is_given(agent, vault):
    from aiohttp import FormData
    form = FormData()
    form.add_field("meta", json.dumps({"case": None}), content_type="application/json")
    form.add_field("file", unicode_pdf(SLIP_ZH), filename="回单.pdf",
                   content_type="application/pdf")
    form.add_field("file", image((1366, 768)), filename="x.png", content_type="image/png")
    r = await agent.post("/v1/evidence", data=form)
    assert r.status == 201, await r.text()
    items = (await r.json())["items"]
    assert [(i["kind"], i["kind_detected"]) for i in items] == [
        ("payment", "pdf-text"), ("screenshot", "screen-size")]
    form = FormData()
    form.add_field("meta", json.dumps({"kind": "receipt"}), content_type="application/json")
    form.add_field("file", unicode_pdf(SLIP_ZH), filename="回单.pdf")
    items = (await (await agent.post("/v1/evidence", data=form)).json())["items"]
    assert [(i["kind"], i["kind_detected"]) for i in items] == [("receipt", None)]


def _slip(memo: str) -> bytes:
    return text_pdf(PAYMENT.replace("Joom Settlement {store}", memo).format(store="5f1a2b"))


def test_the_bundle_leaves_a_superseded_slip_out_and_says_so(vault: Vault, tmp_path):
    vault.add(_slip("Invoice 1"), {"kind": "payment", "case": "c-00000001",
                                   "original_name": "slip.pdf",
                                   "captured_at": "2026-03-03T08:00:00Z"})
    newer = vault.add(_slip("Joom Settlement 5f1a2b"), {
        "kind": "payment", "case": "c-00000001", "original_name": "slip-corrected.pdf",
        "captured_at": "2026-03-04T08:00:00Z"})
    vault.add(b"%PDF agreement", {"kind": "agreement", "case": "c-00000001",
                                  "original_name": "agreement.pdf"})
    summary = export_bundle(vault, tmp_path / "b.zip", case="c-00000001")
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        manifest = json.loads(zf.read("manifest.json"))
        report = zf.read("report.html").decode()
    assert summary.files == 2 and len(summary.superseded) == 1
    assert [f["evidence_id"] for f in manifest["files"] if f["kind"] == "payment"] == [newer]
    assert [s["original_name"] for s in manifest["superseded"]] == ["slip.pdf"]
    assert "Superseded, not included" in report and "slip.pdf" in report
    every = export_bundle(vault, tmp_path / "all.zip", case="c-00000001",
                          include_superseded=True)
    assert every.files == 3 and every.superseded == []
