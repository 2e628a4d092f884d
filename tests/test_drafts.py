"""Drafts: every template fills from a case, in English with explanations in both languages, and
states a fact only when the preflight check behind it passed (else a marked gap says why)."""

import json
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from iprdesk.casework import case_provenance, cases, drafts, preflight
from iprdesk.cli import main
from iprdesk.config import SELLER_FIELDS, Config
from iprdesk.errors import BadInput, NotFound
from iprdesk.text import shared_data
from tests.pdfs import AGREEMENT, PAYMENT, text_pdf

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SELLER = {"name": "Li Wei", "company": "Shenzhen Example Trading Co., Ltd.",
          "store": "Bright Home Goods"}
# Each sentence that states a fact, the checks behind it, and a phrase only it says.
FACTS = {
    "settlement_intent": [
        (["images.replaced"], "replaced with our own photographs"),
    ],
    "joom_support": [
        (["agreement.names_joom"], "names SIA Joom as a released party"),
        (["agreement.store_id", "agreement.products"], "covers every product listed above"),
        (["agreement.release"], "releases all claims arising from past sales"),
        (["payment.amount_date"], "The settlement has been paid"),
        (["payment.memo"], "Its memo reads"),
        (["images.replaced"], "replaced with our own photographs"),
        (["urls.dead"], "no longer serve the images"),
    ],
}
FACT_CASES = [(name, checks, phrase) for name, facts in FACTS.items()
              for checks, phrase in facts]
MESSAGE = {"pass": ("preflight.deadline.pass_none", {}),
           "fail": ("preflight.agreement.names_joom.fail_absent", {}),
           "unknown": ("preflight.images.replaced.no_images", {})}


def checks(**status) -> list[preflight.Check]:
    """Preflight results: every check passes except those given (id with _ for .)."""
    wanted = {cid.replace("__", "."): s for cid, s in status.items()}
    return [preflight.Check(cid, wanted.get(cid, "pass"), [MESSAGE[wanted.get(cid, "pass")]])
            for cid in preflight.CHECK_IDS]


def with_status(check_ids, status) -> list[preflight.Check]:
    return checks(**{cid.replace(".", "__"): status for cid in check_ids})


@pytest.fixture
def case(home):
    return cases.CaseStore(home).new(
        complaint_id="CMP-7781", store_id="5f1a2b3c4d5e", type="copyright",
        complainant="Greer, Burns & Crain", products="6a1f00aa01,6a1f00aa02",
        received="2026-02-27T23:00:00Z", now=T0)


def test_every_fact_sentence_names_known_checks():
    templates = shared_data.load("drafts.json")["drafts"]
    for name, facts in FACTS.items():
        stated = [s["requires"] for p in templates[name]["paragraphs"]
                  for s in p.get("sentences", []) if "requires" in s]
        assert stated == [c for c, _ in facts], name
    for template in templates.values():
        for p in template["paragraphs"]:
            for s in p.get("sentences", []):
                assert set(s.get("requires", [])) <= set(preflight.CHECK_IDS)
                assert ("gap" in s) == ("requires" in s or "setting" in s)
                assert s.get("setting", "name") in SELLER_FIELDS
            for s in p.get("originals", []):  # the facts of each sealed original
                assert set(s.get("requires", [])) <= set(case_provenance.ORIGINAL_FACTS)
                assert ("gap" in s) == ("requires" in s)


def always_asked(name: str, seller: dict = SELLER) -> int:
    """The gaps a draft has whatever the checks say: the seller's details it states that are
    not set (the address and phone of a counter-notice: `setting`), and the evidence of sealed
    originals when none is given (casework/case_provenance.py; tests/test_counter_notice.py)."""
    paragraphs = shared_data.load("drafts.json")["drafts"][name]["paragraphs"]
    return sum(1 for p in paragraphs for s in p.get("sentences", [])
               if "setting" in s and not seller.get(s["setting"])) + sum(
        1 for p in paragraphs if "originals" in p)


@pytest.mark.parametrize("name", drafts.names())
def test_each_draft_is_filled_with_the_case(case, name):
    draft = drafts.render(case, name, checks(), SELLER, T0)
    text = draft["subject"] + draft["body"]
    assert "{" not in text and "}" not in text
    for fact in ("CMP-7781", "5f1a2b3c4d5e", "6a1f00aa01, 6a1f00aa02"):
        assert fact in draft["body"]
    assert "2026-02-27" in draft["body"]
    assert draft["body"].isascii()  # sent as written, in English
    assert len(draft["gaps"]) == always_asked(name)
    assert draft["complete"] == (not always_asked(name))
    assert draft["body"].count("TO COMPLETE") == always_asked(name)
    for paragraph in draft["paragraphs"]:
        assert paragraph["explain"]["en"] and paragraph["explain"]["zh_CN"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in paragraph["explain"]["zh_CN"])
    assert draft["terms"] and all(t["explain"]["zh_CN"] for t in draft["terms"])


@pytest.mark.parametrize(("name", "check_ids", "phrase"), FACT_CASES)
def test_a_fact_is_stated_only_when_its_check_passes(case, name, check_ids, phrase):
    assert phrase in drafts.render(case, name, checks(), SELLER)["body"]
    for status in ("fail", "unknown"):
        draft = drafts.render(case, name, with_status(check_ids, status), SELLER)
        [gap] = draft["gaps"]
        # The claim is gone; only the gap (which says what to write) may echo its words.
        assert phrase not in draft["body"].replace(gap["text"], ""), status
        assert not draft["complete"]
        assert gap["checks"] == check_ids
        assert gap["text"] in draft["body"]
        assert gap["text"].startswith("[TO COMPLETE: ") and gap["text"].endswith("]")
        # Why, in the letter (English) and for the seller (each language), from the check.
        message = {lang: preflight.Check("x", status, [MESSAGE[status]]).message(lang)
                   for lang in ("en", "zh_CN")}
        assert "iprdesk could not confirm this because" in gap["text"]
        assert message["en"] in gap["text"]
        assert message["en"] in gap["explain"]["en"]
        assert message["zh_CN"] in gap["explain"]["zh_CN"]
        assert "发送前需补全" in gap["explain"]["zh_CN"]


def test_one_failing_check_of_two_gives_one_gap_naming_it(case):
    draft = drafts.render(case, "joom_support", checks(agreement__products="fail"), SELLER)
    [gap] = draft["gaps"]
    assert gap["checks"] == ["agreement.products"]
    assert "covers every product listed above" not in draft["body"].replace(gap["text"], "")
    assert "names SIA Joom as a released party" in draft["body"]  # the others stay


def test_signed_with_the_sellers_details_not_the_store_id(case):
    body = drafts.render(case, "settlement_intent", checks(), SELLER)["body"]
    assert body.endswith("Sincerely,\nLi Wei\nShenzhen Example Trading Co., Ltd.\n"
                         "Bright Home Goods (Joom store ID 5f1a2b3c4d5e)")
    assert not re.search(r"^Store ", body, re.MULTILINE)
    body = drafts.render(case, "joom_support", checks(), {"name": "Li Wei"})["body"]
    assert body.endswith("Thank you.\nLi Wei\nJoom store ID 5f1a2b3c4d5e")


@pytest.mark.parametrize("name", drafts.names())
def test_no_seller_name_is_a_gap_saying_how_to_set_it(case, name):
    draft = drafts.render(case, name, checks(), {})
    [gap] = draft["gaps"][always_asked(name):]
    assert gap["text"] in draft["body"] and "your full name" in gap["text"]
    assert "iprdesk seller set --name" in gap["text"]
    assert "卖家姓名" in gap["explain"]["zh_CN"]
    assert draft["body"].endswith("Joom store ID 5f1a2b3c4d5e")


ADDRESS = "Room 1203, 88 Keyuan Road, Nanshan District, Shenzhen 518057, China"
CONTACT = {**SELLER, "address": ADDRESS, "phone": "+86 755 8888 1234"}


def test_a_counter_notice_gives_the_address_and_phone_set(case):
    draft = drafts.render(case, "counter_notice", checks(), CONTACT, T0)
    assert ("My contact details: Postal address: Room 1203, 88 Keyuan Road, Nanshan District, "
            "Shenzhen 518057, China. Telephone: +86 755 8888 1234.") in draft["body"]
    assert "TO COMPLETE: your" not in draft["body"]
    assert len(draft["gaps"]) == always_asked("counter_notice", CONTACT) == 1  # the originals
    for other in ("settlement_intent", "joom_support"):  # only the counter-notice gives them
        assert ADDRESS not in drafts.render(case, other, checks(), CONTACT, T0)["body"]


@pytest.mark.parametrize(("audience", "where", "zh_where"), [
    ("cli", "`iprdesk seller set --phone NUMBER`", "`iprdesk seller set --phone NUMBER`"),
    ("browser", "'Signed by'", "“署名”")])
def test_an_unset_address_or_phone_is_a_marked_gap_saying_where_to_set_it(
        case, audience, where, zh_where):
    draft = drafts.render(case, "counter_notice", checks(), {**CONTACT, "phone": ""}, T0,
                          audience=audience)
    assert "Postal address: Room 1203" in draft["body"] and "Telephone:" not in draft["body"]
    [gap] = [g for g in draft["gaps"] if "telephone" in g["text"]]
    assert gap["text"].startswith("[TO COMPLETE: your telephone number") and gap["checks"] == []
    assert gap["text"] in draft["body"] and where in gap["text"]
    assert "您的电话号码" in gap["explain"]["zh_CN"] and zh_where in gap["explain"]["zh_CN"]
    assert not draft["complete"]
    draft = drafts.render(case, "counter_notice", checks(), {"name": "Li Wei"}, T0)
    assert [g["text"].split(" - ")[0] for g in draft["gaps"][1:]] == [
        "[TO COMPLETE: your full postal address", "[TO COMPLETE: your telephone number"]


def test_drafts_read_the_real_preflight(case, home):
    """End to end: the agreement and slip pass their checks, the images and URLs were never
    checked, so the letter says what the documents show and leaves gaps for the rest."""
    values = {"store": case.store_id, "products": ", ".join(case.products)}
    inputs = preflight.gather(
        home, case, agreement=[preflight.Document("a.pdf", text_pdf(AGREEMENT.format(**values)))],
        payment=[preflight.Document("p.pdf", text_pdf(PAYMENT.format(**values)))])
    draft = drafts.render(case, "joom_support", preflight.run(case, inputs, T0), SELLER)
    assert "names SIA Joom as a released party" in draft["body"]
    assert "Its memo reads \"Joom Settlement 5f1a2b3c4d5e\"" in draft["body"]
    assert [g["checks"] for g in draft["gaps"]] == [["images.replaced"], ["urls.dead"]]


def test_settlement_intent_asks_for_what_joom_checks(case):
    body = drafts.render(case, "settlement_intent", checks(), SELLER)["body"]
    for must in ("without prejudice", "SIA Joom", "past sales", "Joom Settlement 5f1a2b3c4d5e"):
        assert must in body


def test_letters_go_to_the_law_firm_and_name_both_parties(home):
    store = cases.CaseStore(home)
    base = dict(store_id="5f1a2b3c4d5e", type="copyright", products="6a1f00aa01",
                received="2026-02-27T23:00:00Z", now=T0)
    represented = store.new(complaint_id="CMP-A", complainant="Lumen Images Inc.",
                            law_firm="Harbor & Lane LLP", **base)
    own_firm = store.new(complaint_id="CMP-B", complainant="Greer Burns and Crain", **base)
    alone = store.new(complaint_id="CMP-C", complainant="Lumen Images Inc.", **base)

    def settled(case):
        draft = drafts.render(case, "joom_support", checks(), SELLER, T0)
        return re.search(r"We have settled with (.*?) and attach", draft["body"]).group(1)

    assert settled(represented) == "Lumen Images Inc., represented by Harbor & Lane LLP"
    assert settled(own_firm) == "Greer Burns and Crain"  # its own firm, named once
    assert settled(alone) == "Lumen Images Inc."
    to = drafts.render(represented, "settlement_intent", checks(), SELLER, T0)["to"]
    assert to["en"].startswith("Harbor & Lane LLP") and to["zh_CN"].startswith("Harbor & Lane LLP")
    assert drafts.render(alone, "settlement_intent", checks(), SELLER, T0)["to"][
        "en"].startswith("Lumen Images Inc.")


def test_in_the_browser_a_missing_name_points_at_the_form_not_a_command(case):
    draft = drafts.render(case, "joom_support", checks(), {}, T0, audience="browser")
    [gap] = draft["gaps"]
    assert "Signed by" in gap["text"] and "iprdesk seller" not in draft["body"]
    assert "署名" in gap["explain"]["zh_CN"] and "iprdesk seller" not in gap["explain"]["zh_CN"]


def test_in_the_browser_a_gap_gives_the_checks_reason_as_the_page_words_it(case):
    """A gap behind an unchecked fact says why in the page's words: no `--new-image FILE` nor
    `iprdesk vault add` in the letter or its explanation; two reasons read as Chinese
    sentences do, with no space between them."""
    unchecked = [preflight.Check("images.replaced", "unknown",
                                 [("preflight.images.replaced.no_images", {})]),
                 preflight.Check("payment.memo", "fail",
                                 [("preflight.doc.missing.payment", {"case": case.id})])]
    results = [c for c in checks() if c.id not in {"images.replaced", "payment.memo"}]
    for audience, named in (("browser", False), ("cli", True)):
        draft = drafts.render(case, "joom_support", results + unchecked, SELLER, T0,
                              audience=audience)
        said = draft["body"] + json.dumps([g["explain"] for g in draft["gaps"]],
                                          ensure_ascii=False)
        assert ("--new-image" in said) is named and ("iprdesk vault add" in said) is named
    # The counter-notice with no sealed original: where to seal one, in the browser or the CLI.
    for audience, named in (("browser", False), ("cli", True)):
        notice = drafts.render(case, "counter_notice", checks(), SELLER, T0, originals=[],
                               audience=audience)
        said = json.dumps(notice, ensure_ascii=False)
        assert ("iprdesk provenance set" in said) is named, audience
    zh = [g["explain"]["zh_CN"] for g in draft["gaps"]]
    assert zh and not any(re.search(r"[。：）] ", text) for text in zh), zh


def test_unknown_draft(case):
    with pytest.raises(NotFound, match="settlement_intent"):
        drafts.render(case, "love_letter", checks())


def test_seller_settings(home):
    r = CliRunner().invoke(main, ["seller", "set", "--name", "Li Wei", "--store", "Bright"])
    assert r.exit_code == 0, r.output
    assert "Saved" in r.output and "已保存" not in r.output
    r = CliRunner().invoke(main, ["--lang", "zh_CN", "seller", "set", "--name", "Li Wei"])
    assert r.exit_code == 0, r.output
    assert "已保存" in r.output and "Saved" not in r.output
    assert Config.load(home).seller() == {"name": "Li Wei", "company": "", "store": "Bright",
                                          "address": "", "phone": ""}
    r = CliRunner().invoke(main, ["seller", "set", "--address", " 88 Keyuan Road, Shenzhen ",
                                  "--phone", "+86 (755) 8888-1234"])
    assert r.exit_code == 0, r.output
    assert Config.load(home).seller_address == "88 Keyuan Road, Shenzhen"
    r = CliRunner().invoke(main, ["seller", "show"])
    assert "Postal address: 88 Keyuan Road, Shenzhen" in r.output
    assert "Telephone: +86 (755) 8888-1234" in r.output
    r = CliRunner().invoke(main, ["--lang", "zh_CN", "seller", "set", "--phone", "call me"])
    assert r.exit_code == 1 and "“call me”不是电话号码" in r.output
    assert Config.load(home).seller_phone == "+86 (755) 8888-1234"  # unchanged
    r = CliRunner().invoke(main, ["seller", "set", "--store", ""])
    assert Config.load(home).seller()["store"] == "" and Config.load(home).seller_name
    r = CliRunner().invoke(main, ["seller", "show", "--json"])
    assert json.loads(r.output)["name"] == "Li Wei"
    assert CliRunner().invoke(main, ["seller", "set"]).exit_code == 2
    with pytest.raises(BadInput, match="one line"):
        Config().set_seller(name="a\nb")


def test_cli_draft(case, home, tmp_path):
    values = {"store": case.store_id, "products": ", ".join(case.products)}
    agreement = tmp_path / "agreement.pdf"
    agreement.write_bytes(text_pdf(AGREEMENT.format(**values)))
    Config(seller_name="Li Wei").save(home)
    r = CliRunner().invoke(main, ["draft", case.id, "joom_support", "--lang", "zh_CN",
                                  "--agreement", str(agreement)])
    assert r.exit_code == 0, r.output
    assert "Appeal for IPR complaint CMP-7781" in r.output and "各段说明" in r.output
    assert "names SIA Joom as a released party" in r.output
    assert "[TO COMPLETE: state that the settlement has been paid" in r.output
    assert "发送前需补全的空缺（4 处）" in r.output
    r = CliRunner().invoke(main, ["draft", case.id, "settlement_intent", "--json"])
    result = json.loads(r.output)
    assert result["id"] == "settlement_intent" and result["complete"] is False
    assert [g["checks"] for g in result["gaps"]] == [["images.replaced"]]


def test_a_gaps_reason_gives_its_time_in_the_readers_zone(case, local_zone):
    """The browser's zone (UTC+8), not the computer's (UTC), for the letter's date and for a
    time in a gap's reason, in both languages."""
    local_zone("UTC")
    late = preflight.Check("urls.dead", "fail", [("preflight.deadline.fail", {
        "label": {"en": "Respond", "zh_CN": "回复"},
        "due": datetime(2026, 3, 1, 23, 0, tzinfo=UTC)})])
    results = [c for c in checks() if c.id != "urls.dead"] + [late]
    draft = drafts.render(case, "joom_support", results, SELLER, T0, audience="browser",
                          zone=ZoneInfo("Asia/Shanghai"))
    [gap] = [g for g in draft["gaps"] if g["checks"] == ["urls.dead"]]
    assert "2026-03-02 07:00 (UTC+8)" in gap["explain"]["en"]
    assert "2026年3月2日 07:00（UTC+8）" in gap["explain"]["zh_CN"]
    assert "2026-02-28" in draft["body"] and "2026-02-27" not in draft["body"]


def test_letters_date_the_complaint_in_the_sellers_time_zone(case, local_zone):
    """Received at 23:00 UTC on 27 February: on the 28th for a seller in UTC+8."""
    local_zone("Asia/Shanghai")
    body = drafts.render(case, "joom_support", checks(), SELLER, T0)["body"]
    assert "2026-02-28" in body and "2026-02-27" not in body
