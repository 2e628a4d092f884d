"""Complaint notices as sellers get them, to test the notice reader and to seed its fuzz
target: Joom's mails in English and Chinese encoded as mail programs encode them, forwarded
inline and attached, a law firm's letter with no complaint ID, Schedule A court papers (made
into PDFs by the tests) and pasted text."""

import quopri
from email.message import EmailMessage
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

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
    message.set_payload(quopri.encodestring(JOOM_EN_BODY.encode()).decode())
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
