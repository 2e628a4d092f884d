"""Opening a case from the complaint notice: a set of realistic notices (Joom's mails in English
and Chinese, encoded as mail programs encode them, a forwarded mail, a law firm's letter with no
complaint ID, Schedule A court papers as PDFs, pasted text) and what each must and must not
yield."""

import json
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest

from iprdesk.casework import cases, notice
from iprdesk.errors import BadInput
from tests.pdfs import scanned_pdf, text_pdf, unicode_pdf

PRODUCT_A, PRODUCT_B = "64a1b2c3d4e5f60718293a4b", "64a1b2c3d4e5f60718293a4c"
COMPLAINT = "65f1c0d2e4b0a1b2c3d4e5f6"

JOOM_EN_BODY = f"""\
Dear merchant,

Your store has received an intellectual property complaint concerning the images of some
of your products. Please review it within 48 hours.

Complaint ID: {COMPLAINT}
Complainant: Bright Lens Studio LLC
Type: copyright infringement (product images)
Affected products:
- {PRODUCT_A}
- {PRODUCT_B}
Store ID: 5f1a2b3c4d

You can see the complaint at https://merchant.joom.com/complaints/{COMPLAINT}
Joom Merchant Support
"""


def joom_mail_en() -> bytes:
    """Joom's notice as a mail program saves it: quoted-printable, Windows line ends."""
    message = MIMEText(JOOM_EN_BODY, "plain", "utf-8")
    message.replace_header("Content-Transfer-Encoding", "quoted-printable")
    message.set_payload(__import__("quopri").encodestring(JOOM_EN_BODY.encode()).decode())
    message["Subject"] = "Joom: intellectual property complaint"
    message["From"] = "Joom Merchant Support <merchant-support@joom.com>"
    message["To"] = "seller@example.cn"
    message["Date"] = "Mon, 02 Mar 2026 10:15:00 +0800"
    return message.as_bytes().replace(b"\n", b"\r\n")


def joom_mail_zh_html() -> bytes:
    """The Chinese notice: HTML only, base64 in GB2312's big sister, an encoded-word subject."""
    html = (f"<html><head><style>p {{color: #333}}</style></head><body><p>尊敬的商户：</p>"
            "<p>您的店铺收到一项知识产权投诉，请在 48 小时内处理。</p><table>"
            f"<tr><td>投诉编号：</td><td>{COMPLAINT}</td></tr>"
            "<tr><td>投诉方：</td><td>Keith A. Vogt, Ltd.</td></tr>"
            f"<tr><td>商品ID：</td><td>{PRODUCT_A}，{PRODUCT_B}</td></tr>"
            "</table><p>侵权类型：版权（商品图片）</p></body></html>")
    message = MIMEText(html, "html", "gb18030")  # base64 by default for this charset
    message["Subject"] = f"【Joom】知识产权投诉通知（投诉编号：{COMPLAINT}）"
    message["From"] = "=?utf-8?b?Sm9vbSDllYbmiLfmlK/mjIE=?= <merchant-support@joom.com>"
    message["Date"] = "Mon, 2 Mar 2026 10:16:03 +0800"
    return message.as_bytes()


def forwarded_inline() -> bytes:
    """Forwarded by a colleague the next day, as Gmail writes it: the original time has no
    zone, and the outer Date is the forward's."""
    message = EmailMessage()
    message["From"] = "Li Wei <li.wei@example.cn>"
    message["To"] = "boss@example.cn"
    message["Subject"] = "Fwd: Joom: intellectual property complaint"
    message["Date"] = "Tue, 03 Mar 2026 09:00:00 +0800"
    message.set_content("Please handle this one.\n\n---------- Forwarded message ---------\n"
                        "From: Joom Merchant Support <merchant-support@joom.com>\n"
                        "Date: Mon, Mar 2, 2026 at 10:15 AM\n"
                        "Subject: Joom: intellectual property complaint\n\n" + JOOM_EN_BODY)
    return bytes(message)


def forwarded_attached() -> bytes:
    """Forwarded as an attachment (Outlook): the original's headers, zone included, travel."""
    outer = MIMEMultipart()
    outer["From"] = "Li Wei <li.wei@example.cn>"
    outer["Subject"] = "FW: Joom complaint"
    outer["Date"] = "Wed, 04 Mar 2026 11:00:00 +0800"
    outer.attach(MIMEText("See the attached notice.", "plain", "utf-8"))
    original = EmailMessage()
    original["From"] = "Joom Merchant Support <merchant-support@joom.com>"
    original["Subject"] = "Joom: intellectual property complaint"
    original["Date"] = "Mon, 02 Mar 2026 02:15:00 +0000"
    original.set_content(JOOM_EN_BODY)
    from email.mime.message import MIMEMessage
    outer.attach(MIMEMessage(original))
    return outer.as_bytes()


def firm_letter() -> bytes:
    """A law firm's settlement demand: names the firm, no complaint ID, no products."""
    message = EmailMessage()
    message["From"] = "Settlements <settle@gbc.law>"
    message["Subject"] = "Bright Lens Studio v. Schedule A defendants - settlement offer"
    message["Date"] = "Thu, 05 Mar 2026 16:40:00 -0600"
    message.set_content("Dear Defendant,\n\nWe represent Bright Lens Studio LLC in Case No. "
                        "1:26-cv-01234 (N.D. Ill.). Greer, Burns & Crain, Ltd. is authorised to "
                        "settle for USD 6,500.\n")
    return bytes(message)


TRO = """\
Case: 1:26-cv-01234 Document #: 25 Filed: 03/01/26 Page 1 of 12
UNITED STATES DISTRICT COURT
FOR THE NORTHERN DISTRICT OF ILLINOIS
EASTERN DIVISION
BRIGHT LENS STUDIO LLC,
Plaintiff,
v.
THE PARTNERSHIPS AND UNINCORPORATED ASSOCIATIONS IDENTIFIED ON SCHEDULE A,
Defendants.
Case No. 1:26-cv-01234
SEALED TEMPORARY RESTRAINING ORDER
This cause being before the Court on Plaintiff's Ex Parte Motion for Entry of a Temporary
Restraining Order, the Court grants the motion. Counsel for Plaintiff: Greer, Burns & Crain,
Ltd., 300 South Wacker Drive, Chicago.
"""
COURT_ZH = """\
广东省深圳市南山区人民法院
民事裁定书
案号：（2026）粤0305民初12345号
原告：明镜影像工作室
被告：深圳示例贸易有限公司
"""
PASTED = f"""\
Joom IPR complaint
Complaint ID: {COMPLAINT}
Rights holder: Bright Lens Studio LLC
Products: {PRODUCT_A}, {PRODUCT_B}
Received: 2026-03-02 10:15 UTC+8
"""
PASTED_ZH = f"""\
投诉编号：{COMPLAINT}
权利人：明镜影像工作室
商品ID：{PRODUCT_A}
投诉时间：2026年3月2日 10:15（北京时间）
侵权类型：商标
"""


def values(data: bytes) -> dict:
    return {name: field["value"] for name, field in
            notice.read_notice(data).to_dict()["fields"].items()}


def test_joom_mail_in_english():
    got = notice.read_notice(joom_mail_en()).to_dict()
    fields = got["fields"]
    assert got["format"] == "mail"
    assert fields["complaint_id"] == {"value": COMPLAINT, "confidence": "high", "problem": None,
                                      "source": {"part": "body",
                                                 "excerpt": f"Complaint ID: {COMPLAINT}"}}
    assert fields["complainant"]["value"] == "Bright Lens Studio LLC"
    assert fields["products"]["value"] == [PRODUCT_A, PRODUCT_B]
    assert fields["received"]["value"] == "2026-03-02T10:15:00+08:00"
    assert fields["received"]["source"]["part"] == "date_header"
    assert fields["type"]["value"] == "copyright" and fields["type"]["confidence"] == "medium"
    assert fields["store_id"]["value"] == "5f1a2b3c4d"
    # Not in the notice: left empty, not guessed.
    assert fields["court_case"] == {"value": None, "confidence": None, "problem": None,
                                    "source": None}
    assert fields["law_firm"]["value"] is None and got["schedule_a_firm"] is None


def test_joom_mail_in_chinese_html_only_base64_encoded_subject():
    got = notice.read_notice(joom_mail_zh_html()).to_dict()["fields"]
    assert got["complaint_id"]["value"] == COMPLAINT
    assert got["complaint_id"]["source"]["part"] == "subject"  # decoded from its encoded-word
    assert got["complainant"]["value"] == "Keith A. Vogt, Ltd."
    assert got["law_firm"]["value"] == "Keith A. Vogt, Ltd."  # the Schedule A hint
    assert got["products"]["value"] == [PRODUCT_A, PRODUCT_B]
    assert got["received"]["value"] == "2026-03-02T10:16:03+08:00"
    assert got["type"]["value"] == "copyright"


def test_a_forwarded_mail_keeps_the_original_time_or_says_it_has_no_zone():
    inline = notice.read_notice(forwarded_inline()).to_dict()["fields"]
    assert inline["complaint_id"]["value"] == COMPLAINT
    assert inline["complaint_id"]["source"]["part"] == "forwarded"
    # "Mon, Mar 2, 2026 at 10:15 AM": whose 10:15? Not the forward's Date either.
    assert inline["received"]["value"] is None
    assert inline["received"]["problem"] == "no_zone"
    assert "Mar 2, 2026 at 10:15 AM" in inline["received"]["source"]["excerpt"]
    attached = values(forwarded_attached())
    assert attached["received"] == "2026-03-02T02:15:00+00:00"
    assert attached["complaint_id"] == COMPLAINT and attached["products"] == [PRODUCT_A,
                                                                              PRODUCT_B]


def test_a_firm_letter_without_a_complaint_id():
    got = values(firm_letter())
    assert got["complaint_id"] is None and got["products"] is None
    assert got["law_firm"] == "Greer, Burns & Crain, Ltd."
    assert got["court_case"] == "1:26-cv-01234"
    assert got["received"] == "2026-03-05T16:40:00-06:00"


def test_schedule_a_tro_pdf():
    got = notice.read_notice(text_pdf(TRO)).to_dict()
    fields = got["fields"]
    assert got["format"] == "pdf" and got["problem"] is None
    assert fields["court_case"]["value"] == "1:26-cv-01234"
    assert fields["court_case"]["source"]["part"] == "pdf_page_1"
    assert fields["complainant"]["value"] == "BRIGHT LENS STUDIO LLC"
    assert got["schedule_a_firm"] == "Greer, Burns & Crain, Ltd."
    # A court paper is not Joom's complaint: no complaint ID, products or received time.
    assert fields["complaint_id"]["value"] is None and fields["products"]["value"] is None
    assert fields["received"]["value"] is None


def test_chinese_court_document_pdf():
    got = values(unicode_pdf(COURT_ZH))
    assert got["court_case"] == "（2026）粤0305民初12345号"
    assert got["complainant"] == "明镜影像工作室"


def test_pasted_text_in_both_languages():
    en = values(PASTED.encode())
    assert (en["complaint_id"], en["complainant"], en["products"], en["received"]) == (
        COMPLAINT, "Bright Lens Studio LLC", [PRODUCT_A, PRODUCT_B], "2026-03-02T10:15:00+08:00")
    zh = values(PASTED_ZH.encode("gb18030"))
    assert (zh["complaint_id"], zh["complainant"], zh["products"], zh["received"], zh["type"]) \
        == (COMPLAINT, "明镜影像工作室", [PRODUCT_A], "2026-03-02T10:15:00+08:00", "trademark")


@pytest.mark.parametrize("text", [
    "We got complaint 65f1c0d2e4b0a1b2c3d4e5f6 yesterday about copyright and a trademark.",
    "Products affected: see the panel.",
    "Date: 2026-03-02 10:15",
])
def test_what_the_notice_does_not_say_stays_empty(text):
    got = notice.read_notice(text.encode()).to_dict()["fields"]
    assert got["complaint_id"]["value"] is None and got["products"]["value"] is None
    assert got["type"]["value"] is None and got["received"]["value"] is None


def test_a_scan_says_so_and_junk_is_refused():
    scan = notice.read_notice(scanned_pdf("COMPLAINT ID 123")).to_dict()
    assert scan["problem"] == "scanned"
    assert all(f["value"] is None for f in scan["fields"].values())
    with pytest.raises(BadInput, match="neither a mail, a PDF nor text"):
        notice.read_notice(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(BadInput, match="empty"):
        notice.read_notice(b"  \n")


def test_create_case_takes_the_sellers_corrections_and_names_what_is_missing(home):
    store = cases.CaseStore(home)
    read = notice.read_notice(firm_letter())
    with pytest.raises(BadInput, match="--complaint-id --store-id --type --products"):
        notice.create_case(store, read)
    case = notice.create_case(store, read, complaint_id="CMP-77", store_id="5f1a2b",
                              type="copyright", products=[PRODUCT_A])
    assert case.complainant == "Greer, Burns & Crain, Ltd." and case.court_case == "1:26-cv-01234"
    assert case.events["received"] == "2026-03-05T22:40:00Z"
    full = notice.create_case(store, notice.read_notice(joom_mail_en()))
    assert (full.complaint_id, full.products, full.store_id) == (COMPLAINT, [PRODUCT_A, PRODUCT_B],
                                                                 "5f1a2b3c4d")


def test_import_through_the_cli_and_the_route_agree(home, tmp_path):
    from tests.helpers import iprdesk
    eml = tmp_path / "notice.eml"
    eml.write_bytes(joom_mail_en())
    shown = iprdesk("case", "import", str(eml), "--json", home=home)
    proposal = json.loads(shown.stdout)
    assert proposal == notice.read_notice(joom_mail_en()).to_dict()
    text = iprdesk("case", "import", str(eml), "--lang", "zh_CN", home=home).stdout
    assert "投诉编号" in text and COMPLAINT in text and "邮件的 Date 头" in text
    created = json.loads(iprdesk("case", "import", "-", "--create", "--json", "--store-id", "S1",
                                 home=home, input=PASTED_ZH).stdout)
    assert created["complaint_id"] == COMPLAINT and created["type"] == "trademark"
    missing = iprdesk("case", "import", str(eml), "--create", "--complaint-id", "CMP-NEW",
                      "--store-id", "", home=home, check=False)
    assert missing.returncode == 1 and "--store-id" in missing.stderr


async def test_import_route(agent):
    r = await agent.post("/v1/cases/import", data=text_pdf(TRO),
                         headers={"Content-Type": "application/pdf"})
    assert r.status == 200, await r.text()
    body = await r.json()
    assert body == notice.read_notice(text_pdf(TRO)).to_dict()
    assert body["fields"]["court_case"]["value"] == "1:26-cv-01234"
    bad = await agent.post("/v1/cases/import", data=b"\x00\x01\x02",
                           headers={"Content-Type": "application/octet-stream"})
    assert bad.status == 400 and (await bad.json())["error"]["code"] == "bad_input"
