"""The licence check held to a set of image licences, good and wrong in each way sellers get
wrong, in English and Chinese: each finding with the sentence that decided it, negations read
as a careful reviewer reads them, an unreadable licence unknown, never pass."""

from datetime import date

import pytest

from iprdesk.provenance import licence
from iprdesk.provenance.licence import FINDINGS, check_licence, check_text
from iprdesk.text import shared_data
from tests.pdfs import scanned_pdf, text_pdf, unicode_pdf

TODAY = date(2026, 12, 6)
SELLER = {"name": "Li Wei", "company": "Shenzhen Bright Trading Co., Ltd.", "store": "Bright"}
SELLER_ZH = {"name": "李伟", "company": "深圳市明亮贸易有限公司", "store": "Bright"}

EN_GOOD = """\
STANDARD IMAGE LICENCE
Licence No.: SL-2026-118842
Licensor: PhotoStock Ltd., 12 Market Street, London
Email: licensing@photostock.example
Licensee: Shenzhen Bright Trading Company Limited
Image: #558120 "Red teapot on white"
Term: 1 January 2026 to 31 December 2027.
The Licensee may use the image for commercial purposes, including in e-commerce product listings
and online stores. This licence is non-exclusive and non-transferable.
"""

ZH_GOOD = """\
图片授权书
授权编号：SQ20260118
授权方：北京光影图库有限公司
联系电话：010-8888 6666
被授权方：深圳市明亮贸易有限公司
授权期限：2026年1月1日至2027年12月31日
授权范围：被授权方可将该图片用于商业用途，包括电商平台商品详情页及网店宣传。
"""


def statuses(result) -> dict:
    return {f.id: f.status for f in result.findings}


def finding(result, fid):
    return next(f for f in result.findings if f.id == fid)


@pytest.mark.parametrize(("text", "seller"), [(EN_GOOD, SELLER), (ZH_GOOD, SELLER_ZH)],
                         ids=["en", "zh"])
def test_a_good_licence_passes_every_finding_with_its_reason(text, seller):
    result = check_text(text, seller, TODAY)
    assert statuses(result) == dict.fromkeys(FINDINGS, "pass")
    assert result.status == "pass"
    for f in result.findings:
        if f.id != "editorial":  # nothing limits it: no sentence to quote
            assert f.sentence and f.sentence in " ".join(text.split()), f
    assert result.expires == date(2027, 12, 31)
    # Offline nothing is proven genuine: the issuer must be asked, by a contact found elsewhere.
    hand = result.to_dict("en")["check_by_hand"]
    assert len(hand) == 2 and result.number in hand[0] and "official website" in hand[1]


def test_the_good_licences_read_the_same_from_a_pdf():
    en = check_licence(text_pdf(EN_GOOD), SELLER, TODAY)
    zh = check_licence(unicode_pdf(ZH_GOOD), SELLER_ZH, TODAY)
    assert en.status == zh.status == "pass", (en.to_dict("en"), zh.to_dict("en"))
    assert zh.licensor == "北京光影图库有限公司" and zh.number == "SQ20260118"


# (wrong licence line, finding that fails, the words it must quote)
WRONG_USES = [
    ("Licensed for personal, non-commercial use only.", "commercial", "non-commercial"),
    ("You may not use the image for commercial purposes.", "commercial", "may not"),
    ("Commercial use is not permitted.", "commercial", "not permitted"),
    ("Commercial use requires an extended licence.", "commercial", "extended"),
    ("Licensed under CC BY-NC 4.0.", "commercial", "CC BY-NC"),
    ("Licensed for noncommercial use.", "commercial", "noncommercial"),
    ("This image is for editorial use only.", "editorial", "editorial use only"),
    ("Use restricted to editorial purposes (news and commentary).", "editorial", "restricted"),
    ("Commercial use is permitted, but not on merchandise.", "merchandise", "not on merchandise"),
    ("The image may not be used in product listings.", "merchandise", "product listings"),
    ("Commercial use on merchandise for resale is not permitted.", "merchandise", "resale"),
    ("本图片仅供个人非商业使用。", "commercial", "非商业"),
    ("不得将本图片用于任何商业用途。", "commercial", "不得"),
    ("商业用途：不允许。", "commercial", "不允许"),
    ("本图片仅限编辑用途。", "editorial", "仅限编辑"),
    ("可用于商业用途，但不得用于商品详情页或商品包装。", "merchandise", "不得用于商品详情页"),
]


@pytest.mark.parametrize(("line", "fails", "quoted"), WRONG_USES,
                         ids=[f"{f}:{line[:30]}" for line, f, _ in WRONG_USES])
def test_a_use_the_licence_excludes_fails_with_the_sentence(line, fails, quoted):
    result = check_text(EN_GOOD.replace("This licence is non-exclusive", line + " This"),
                        SELLER, TODAY)
    f = finding(result, fails)
    assert f.status == "fail", result.to_dict("en")
    assert quoted.lower() in f.sentence.lower()
    assert result.status == "fail"


# Read as a reviewer reads: these do not restrict (the phrase is negated, or not whole).
ALLOWED = [
    ("This licence is not for editorial use only: commercial use is permitted.",
     {"editorial": "pass", "commercial": "pass"}),
    ("Licence No. 12345 grants commercial use.", {"commercial": "pass"}),
    ("A non-exclusive licence for commercial use.", {"commercial": "pass"}),
    ("Any use, including but not limited to commercial use.", {"commercial": "pass"}),
    ("There is no restriction on commercial use.", {"commercial": "pass"}),
    ("Use for commercial and non-commercial purposes.", {"commercial": "pass"}),
    ("Commercial use on merchandise for resale is not permitted.", {"commercial": "pass"}),
    ("本授权为非独家的商业使用许可。", {"commercial": "pass"}),
    ("可用于商业及非商业用途，包括但不限于电商平台。", {"commercial": "pass"}),
    ("本图片不限于编辑用途，可用于商业用途。", {"commercial": "pass"}),
]


@pytest.mark.parametrize(("text", "expected"), ALLOWED, ids=[t[:30] for t, _ in ALLOWED])
def test_negations_and_whole_tokens(text, expected):
    assert {k: v for k, v in statuses(check_text(text, SELLER, TODAY)).items()
            if k in expected} == expected


def test_what_the_licence_does_not_say_is_not_taken_as_allowed():
    result = check_text("Image licence.\nLicensee: Shenzhen Bright Trading Co., Ltd.",
                        SELLER, TODAY)
    assert statuses(result)["commercial"] == "unknown"
    assert statuses(result)["merchandise"] == "unknown"
    assert statuses(result)["term"] == "unknown"
    assert statuses(result)["editorial"] == "pass"  # nothing limits it to editorial use
    assert finding(result, "editorial").sentence is None


@pytest.mark.parametrize(("line", "seller", "status"), [
    ("Licensee: Design Studio Hu", SELLER, "fail"),
    ("Licensee: Shenzhen Bright Trading Group Co., Ltd.", SELLER, "fail"),  # another company
    ("Licensee: SHENZHEN BRIGHT TRADING CO LTD", SELLER, "pass"),
    ("This image is licensed to Li Wei for commercial use.", SELLER, "pass"),
    ("被授权方：杭州某某设计工作室", SELLER_ZH, "fail"),
    ("被授权方：深圳市明亮贸易有限公司（统一社会信用代码 91440300MA5）", SELLER_ZH, "pass"),
    ("Licensee: Shenzhen Bright Trading Co., Ltd.", {"name": "", "company": "", "store": ""},
     "unknown"),
])
def test_the_licensee_must_be_the_seller(line, seller, status):
    text = EN_GOOD.replace("Licensee: Shenzhen Bright Trading Company Limited", line)
    f = finding(check_text(text, seller, TODAY), "licensee")
    assert f.status == status, f
    assert f.sentence == line


def test_a_licence_naming_no_licensee_proves_nothing_for_the_seller():
    text = EN_GOOD.replace("Licensee: Shenzhen Bright Trading Company Limited\n", "")
    f = finding(check_text(text, SELLER, TODAY), "licensee")
    assert f.status == "unknown" and "names no licensee" in f.to_dict("en")["message"]


def test_a_licence_without_number_or_contact_fails_those():
    text = "\n".join(line for line in EN_GOOD.splitlines()
                     if not line.startswith(("Licence No", "Email")))
    result = check_text(text, SELLER, TODAY)
    assert statuses(result)["number"] == "fail" and statuses(result)["contact"] == "fail"
    assert result.number is None
    assert len(result.by_hand) == 1  # still: confirm with the issuer
    empty = check_text(EN_GOOD.replace("SL-2026-118842", ""), SELLER, TODAY)
    assert finding(empty, "number").key == "licence.number.empty"


def test_the_buyers_own_contact_is_not_the_licensors():
    text = ("Licence No.: A-1234\nLicensee: Shenzhen Bright Trading Co., Ltd., "
            "buyer@bright.example\nCommercial use permitted.")
    assert statuses(check_text(text, SELLER, TODAY))["contact"] == "fail"


@pytest.mark.parametrize(("line", "status", "expires"), [
    ("Term: 1 January 2024 to 30 June 2025.", "fail", date(2025, 6, 30)),
    ("Valid until 2025-06-30.", "fail", date(2025, 6, 30)),
    ("Expires: December 31, 2030", "pass", date(2030, 12, 31)),
    ("The licence is perpetual.", "pass", None),
    ("Valid from 2026-01-01.", "unknown", None),
    ("Term: one year from purchase.", "unknown", None),
    ("有效期至2025年6月30日", "fail", date(2025, 6, 30)),
    ("授权期限：2024年1月1日至2025年12月31日", "fail", date(2025, 12, 31)),
    ("永久授权。", "pass", None),
])
def test_the_term(line, status, expires):
    text = EN_GOOD.replace("Term: 1 January 2026 to 31 December 2027.", line)
    result = check_text(text, SELLER, TODAY)
    assert finding(result, "term").status == status, result.to_dict("en")
    assert result.expires == expires


def test_an_expired_date_is_shown_in_each_language():
    text = EN_GOOD.replace("1 January 2026 to 31 December 2027", "1 Jan 2024 to 31 Dec 2025")
    f = finding(check_text(text, SELLER, TODAY), "term").to_dict
    assert "2025-12-31" in f("en")["message"] and "2025年12月31日" in f("zh_CN")["message"]


@pytest.mark.parametrize(("data", "problem"), [
    (scanned_pdf("IMAGE LICENCE commercial use permitted"), "licence.doc.scanned"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "licence.doc.not_text"),
    (b"%PDF-1.4\n1 0 obj << /Type /Catalog", "licence.doc.damaged"),
    (b"   \n", "licence.doc.not_text"),
], ids=["scanned-pdf", "png", "damaged-pdf", "blank"])  # a PDF differs between runs
def test_an_unreadable_licence_is_unknown_never_pass(data, problem):
    result = check_licence(data, SELLER, TODAY)
    assert result.status == "unknown"
    assert statuses(result) == dict.fromkeys(FINDINGS, "unknown")
    assert result.read_problem[0] == problem
    assert all(f.key == problem for f in result.findings)
    assert result.to_dict("zh_CN")["check_by_hand"]


def test_a_partly_read_licence_passes_no_use_it_could_not_read():
    result = check_text(EN_GOOD, SELLER, TODAY, partial=True)
    assert statuses(result)["commercial"] == "unknown"  # a scanned page may restrict it
    assert statuses(result)["licensee"] == "pass"  # what was found stays found
    failing = check_text("Editorial use only.", SELLER, TODAY, partial=True)
    assert statuses(failing)["editorial"] == "fail"


def test_a_text_licence_in_gb18030_is_read():
    result = check_licence(ZH_GOOD.encode("gb18030"), SELLER_ZH, TODAY)
    assert result.status == "pass"


def test_the_phrases_are_data_in_both_languages():
    terms = shared_data.load("licence_terms.json")
    for use in licence.USES:
        for polarity in ("restrict", "grant"):
            assert set(terms["uses"][use][polarity]) == {"en", "zh_CN"}
    for name, labels in terms["labels"].items():
        assert labels["en"] and labels["zh_CN"], name
    # Every message a finding can give exists (the pairs are checked by test_wording).
    messages = shared_data.load("messages/en.json")
    for fid in FINDINGS:
        assert f"licence.finding.{fid}" in messages
