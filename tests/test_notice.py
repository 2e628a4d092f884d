"""Opening a case from the complaint notice: what each notice of tests/notices.py must and must
not yield."""

import json

import pytest

from iprdesk.casework import cases, notice
from iprdesk.errors import BadInput
from tests.notices import (
    COMPLAINT,
    COURT_ZH,
    PASTED,
    PASTED_ZH,
    PRODUCT_A,
    PRODUCT_B,
    TRO,
    firm_letter,
    forwarded_attached,
    forwarded_inline,
    joom_mail_en,
    joom_mail_zh_html,
)
from tests.pdfs import scanned_pdf, text_pdf, unicode_pdf


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
    assert case.law_firm == "Greer, Burns & Crain, Ltd."  # read from the letter
    corrected = notice.create_case(store, read, complaint_id="CMP-78", store_id="5f1a2b",
                                   type="copyright", products=[PRODUCT_A],
                                   law_firm="Harbor & Lane LLP")
    assert corrected.law_firm == "Harbor & Lane LLP"
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
