"""Drafts: every template fills from a case, in English with explanations in both languages."""

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from iprdesk import cases, drafts
from iprdesk.cli import main
from iprdesk.errors import NotFound

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def case(home):
    return cases.CaseStore(home).new(
        complaint_id="CMP-7781", store_id="5f1a2b3c4d5e", type="copyright",
        complainant="Greer, Burns & Crain", products="6a1f00aa01,6a1f00aa02",
        received="2026-02-27T23:00:00Z", now=T0)


@pytest.mark.parametrize("name", drafts.names())
def test_each_draft_is_filled_with_the_case(case, name):
    draft = drafts.render(case, name, T0)
    text = draft["subject"] + draft["body"]
    assert "{" not in text and "}" not in text
    for fact in ("CMP-7781", "5f1a2b3c4d5e", "6a1f00aa01, 6a1f00aa02"):
        assert fact in draft["body"]
    assert "2026-02-27" in draft["body"]
    assert draft["body"].isascii()  # sent as written, in English
    for paragraph in draft["paragraphs"]:
        assert paragraph["explain"]["en"] and paragraph["explain"]["zh_CN"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in paragraph["explain"]["zh_CN"])
    assert draft["terms"] and all(t["explain"]["zh_CN"] for t in draft["terms"])


def test_settlement_intent_asks_for_what_joom_checks(case):
    body = drafts.render(case, "settlement_intent")["body"]
    for must in ("without prejudice", "SIA Joom", "past sales", "Joom Settlement 5f1a2b3c4d5e"):
        assert must in body


def test_unknown_draft(case):
    with pytest.raises(NotFound, match="settlement_intent"):
        drafts.render(case, "love_letter")


def test_cli_draft(case):
    r = CliRunner().invoke(main, ["draft", case.id, "joom_support", "--lang", "zh_CN"])
    assert r.exit_code == 0, r.output
    assert "Appeal for IPR complaint CMP-7781" in r.output and "各段说明" in r.output
    r = CliRunner().invoke(main, ["draft", case.id, "settlement_intent", "--json"])
    assert json.loads(r.output)["id"] == "settlement_intent"
