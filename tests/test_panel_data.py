"""The shared data behind cases, preflight, drafts and overlays: both languages, always."""

import re
import string

import pytest

from iprdesk.text import i18n, shared_data

# {name}, also with a format spec ({count:image|images}, {month:02}).
PLACEHOLDER = re.compile(r"\{(\w+)(?::[^{}]*)?\}")


def test_messages_have_identical_keys_and_placeholders():
    en, zh = (shared_data.load(f"messages/{lang}.json") for lang in ("en", "zh_CN"))
    assert sorted(en) == sorted(zh)
    for key in en:
        assert set(PLACEHOLDER.findall(en[key])) == set(PLACEHOLDER.findall(zh[key])), key
        if not key.endswith("_sep"):  # a separator may be blank (none between Chinese sentences)
            assert zh[key].strip() and en[key].strip(), key
        # Every message formats (no stray braces).
        list(string.Formatter().parse(en[key]))


def _bilingual(node, path=""):
    """Every {"en": ..., "zh_CN": ...} pair below node, with where it is."""
    if isinstance(node, dict):
        if "en" in node or "zh_CN" in node:
            yield path, node
        for key, value in node.items():
            yield from _bilingual(value, f"{path}.{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _bilingual(value, f"{path}[{n}]")


@pytest.mark.parametrize("name", ["deadlines.json", "drafts.json", "penalties.json"])
def test_inline_texts_exist_in_both_languages(name):
    pairs = list(_bilingual(shared_data.load(name)))
    assert pairs
    for where, pair in pairs:
        assert set(pair) == set(i18n.LANGUAGES), where
        assert all(isinstance(v, str) and v.strip() for v in pair.values()), where


def test_deadline_rules_are_consistent():
    data = shared_data.load("deadlines.json")
    hours = {rule["id"]: rule["hours"] for rule in data["deadlines"]}
    assert hours == {"response": 48, "settlement_offer": 168, "moderation_recheck": 96}
    for rule in data["deadlines"]:
        assert rule["from"] in data["events"] and rule["done_when"] in data["events"]
        assert rule["kind"] in ("deadline", "reminder")
        assert all(0 < h < rule["hours"] for h in rule["warn_before_hours"])


def test_law_firm_list():
    firms = shared_data.load("lawfirms.json")["firms"]
    assert len(firms) >= 5
    names = [f["name"] for f in firms]
    assert len(set(names)) == len(names)


def test_hints_have_the_same_shape_and_placeholders_in_both_languages():
    en, zh = (shared_data.load(f"hints/{lang}.json") for lang in ("en", "zh_CN"))
    for key, value in en.items():
        other = zh[key]
        assert type(value) is type(other), key
        if isinstance(value, list):
            assert len(value) == len(other), key
            continue
        assert set(PLACEHOLDER.findall(value)) == set(PLACEHOLDER.findall(other)), key


def test_every_meaning_in_the_page_map_is_explained():
    """Editing the page map alone must never leave an overlay without words."""
    hints = shared_data.load("hints/en.json")
    pages = shared_data.load("pagemap.json")["pages"]
    for kind in pages["complaint-report"]["values"]["type"]:
        for part in ("label", "explain", "fix"):
            assert f"type.{kind}.{part}" in hints
    for banner in pages["account-health"]["banners"]:
        assert set(banner["phrases"]) == set(i18n.LANGUAGES)
        for part in ("title", "explain", "steps"):
            assert f"banner.{banner['kind']}.{part}" in hints
    codes = {k.split(".")[1] for k in hints if k.startswith("rejection.")}
    assert {"Doc_Incomplete", "Proof_Missing", "unknown"} <= codes
    for code in codes - {"unknown"}:
        assert isinstance(hints[f"rejection.{code}.checklist"], list)


def test_the_shared_data_carries_what_the_overlays_use():
    shared = shared_data.for_extension()
    assert set(shared) >= {"pagemap", "hints", "messages", "deadlines", "lawfirms"}
    assert "case.schedule_a" in shared["messages"]["zh_CN"]
