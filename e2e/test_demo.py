"""`iprdesk demo` without a display: the real agent and Chromium, screenshots of every page,
each with what it shows as text beside it. Checked in both languages against the texts the
extension and the agent speak: what the demo is for must be on screen, in one language."""

import json
import os
import re
import subprocess
import sys

import pytest
from PIL import Image

from iprdesk.demo import STORE
from tests.conftest import REPO

SHOTS = ["1-complaints", "2-appeals", "3-account", "4-popup-cases-and-drafts", "5-preflight",
         "6-desk"]
OTHER = {"en": "zh_CN", "zh_CN": "en"}
# A countdown chip: the complaint type's mark and the time left, "© 17 h", or past, said
# plainly: "™ overdue by 2 h" / "™ 已逾期 2 小时".
COUNTDOWN = re.compile(r"^[©™] (overdue by |已逾期 )?\d+ ?\S+$")
# What a page must never show: a value the code failed to fill in.
UNFILLED = re.compile(r"\b(null|undefined|NaN)\b|\$\w+\$|\{\w+\}")


def texts(lang):
    """The extension's messages (`name` -> text), its overlay hints and the agent's messages."""
    locale = json.loads((REPO / "extension" / "_locales" / lang / "messages.json").read_text())
    return ({k: v["message"] for k, v in locale.items()},
            json.loads((REPO / "shared" / "hints" / f"{lang}.json").read_text()),
            json.loads((REPO / "shared" / "messages" / f"{lang}.json").read_text()))


@pytest.fixture(scope="module", params=["en", "zh_CN"])
def demo(request, tmp_path_factory):
    """The demo run once per language: {screenshot name: what it shows}."""
    lang = request.param
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    out = tmp_path_factory.mktemp(f"demo-{lang}") / "shots"
    result = subprocess.run([sys.executable, "-m", "iprdesk", "demo", "--screenshots", str(out),
                             "--lang", lang],
                            capture_output=True, text=True, env=env, timeout=240)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{name}.{ext}" for name in SHOTS for ext in ("png", "json"))
    for name in SHOTS:
        assert str(out / f"{name}.png") in result.stdout
        with Image.open(out / f"{name}.png") as image:
            assert image.width >= 400
    assert "Demo data kept" not in result.stdout
    shown = {name: json.loads((out / f"{name}.json").read_text()) for name in SHOTS}
    return lang, shown


def overlays(shot, prefix):
    return {o["id"].split(":", 1)[1]: o for o in shot["overlays"] if o["id"].startswith(prefix)}


def pill(shot):
    [recognised] = [o["text"] for o in shot["overlays"] if o["id"] == "recognised"]
    return recognised


def everything(shot):
    return "\n".join([shot["text"], *(o["text"] for o in shot["overlays"])])


def test_every_page_is_filled_in_and_in_one_language(demo):
    lang, shown = demo
    for name, shot in shown.items():
        assert not UNFILLED.findall(everything(shot)), name
    # The words of the other language's UI are nowhere (the Panel's own text may be English).
    other_messages, other_hints, _ = texts(OTHER[lang])
    ours = [o["text"] for shot in shown.values() for o in shot["overlays"]]
    for key in ("pageComplaintReport", "pageAppealStatus", "pageAccountHealth"):
        assert not any(other_messages[key] in text for text in ours), key
    for key in ("type.copyright.label", "rejection.Doc_Incomplete.title"):
        assert not any(other_hints[key] in text for text in ours), key


def recognised(demo, name, title_key):
    """The extension's messages, the hints and the screenshot's texts of a Panel page, whose
    pill says which page iprdesk recognised."""
    lang, shown = demo
    messages, hints, _ = texts(lang)
    shot = shown[name]
    assert messages[title_key] in pill(shot)
    return messages, hints, shot


def shows(text, *parts):
    missing = [part for part in parts if part not in text]
    assert not missing, f"not shown: {missing}"


def test_complaints_show_a_countdown_per_row_and_the_open_card(demo):
    messages, hints, shot = recognised(demo, "1-complaints", "pageComplaintReport")
    rows = overlays(shot, "complaint:")
    assert set(rows) == {"CMP-DEMO-0001", "CMP-DEMO-0002", "CMP-DEMO-0003", "CMP-DEMO-0004"}
    left = re.escape(hints["deadline.response.left"]).replace(re.escape("{time}"), ".+")
    overdue = re.escape(hints["deadline.response.overdue"]).replace(re.escape("{time}"), ".+")
    for row in rows.values():
        chip = row["text"].split("\n", 1)[0]
        # Where no cell of its row has room for the countdown (Chinese at 1280 px), the chip
        # shows the type's mark and its colour; the time left is in its title and its card.
        assert COUNTDOWN.match(chip) or (row["compact"] and chip in ("©", "™")), row["text"]
        assert re.search(f"{left}|{overdue}", row["title"]), row["title"]
    assert any(COUNTDOWN.match(row["text"].split("\n", 1)[0]) for row in rows.values()), \
        "no chip shows its countdown"
    # The demo shows every urgency, the overdue row counting past its deadline.
    assert {"warning", "urgent", "overdue"} <= {row["state"] for row in rows.values()}
    overdue_row = rows["CMP-DEMO-0004"]
    assert overdue_row["state"] == "overdue" and re.search(overdue, overdue_row["title"])
    assert overdue_row["compact"] or re.match(
        r"[©™] (overdue by|已逾期) \d+ ?\S+$", overdue_row["text"].split("\n", 1)[0]), \
        overdue_row["text"]
    assert "−" not in overdue_row["text"]
    [card] = [row for row in rows.values() if row["open"]]
    assert card is rows["CMP-DEMO-0001"]
    shows(card["text"], hints["type.copyright.label"], hints["type.copyright.explain"],
          *hints["type.copyright.fix"], messages["captureEvidence"], messages["checkImages"])
    assert re.search(left, card["text"]), "the open card says the time left"
    assert re.search(r"\bc-[0-9a-f]{8}\b", card["text"]), "the row's case is shown"


def test_appeals_explain_each_rejection(demo):
    _, hints, shot = recognised(demo, "2-appeals", "pageAppealStatus")
    rows = overlays(shot, "appeal:")
    assert {"APL-DEMO-11", "APL-DEMO-12"} <= set(rows)
    assert all(row["state"] == "rejected" for row in rows.values())
    card = rows["APL-DEMO-11"]
    assert card["open"]
    shows(card["text"], hints["rejection.Doc_Incomplete.title"],
          *hints["rejection.Doc_Incomplete.checklist"], hints["appeal.preflight"])


def test_account_banner_is_explained(demo):
    _, hints, shot = recognised(demo, "3-account", "pageAccountHealth")
    banner = overlays(shot, "banner:")["pending_ipr_review"]
    assert banner["open"]
    shows(banner["text"], hints["banner.pending_ipr_review.title"],
          hints["banner.pending_ipr_review.explain"], *hints["banner.pending_ipr_review.steps"])


def test_popup_lists_the_cases_with_a_draft_open(demo):
    lang, shown = demo
    messages, _, _ = texts(lang)
    shows(shown["4-popup-cases-and-drafts"]["text"], messages["casesTitle"], "CMP-DEMO-0001",
          "CMP-DEMO-0004", messages["casePreflight"], messages["caseDrafts"],
          messages["draftGaps"])


def test_preflight_shows_the_failed_memo(demo):
    lang, shown = demo
    _, _, agent = texts(lang)
    lines = shown["5-preflight"]["text"].splitlines()
    shows("\n".join(lines), agent["preflight.title"], agent["preflight.not_ready"])
    # On the case page: the check's title, its verdict, its explanation, what it found.
    at = lines.index(agent["preflight.check.payment.memo.title"])
    assert lines[at + 1:at + 3] == [agent["preflight.status.fail"],
                                    agent["preflight.check.payment.memo.about"]]
    shows(lines[at + 3], agent["preflight.payment.memo.fail_store"].format(store=STORE))


def test_desk_lists_the_cases_by_urgency_and_the_ladder(demo):
    lang, shown = demo
    messages, _, agent = texts(lang)
    text = shown["6-desk"]["text"]
    shows(text, messages["deskTitle"], messages["deskSectionCases"], messages["deskCaseOpen"],
          messages["deskSectionImport"], messages["deskSectionVault"],
          messages["deskSectionPenalties"], agent["case.state.overdue"])
    # Most urgent first: the overdue complaint above the others.
    assert text.index("CMP-DEMO-0004") < text.index("CMP-DEMO-0001")
    # The penalty the demo's account page reported: the store on the ladder's first step.
    ladder = json.loads((REPO / "shared" / "penalties.json").read_text())
    shows(text, messages["deskPenaltyHere"], ladder["ladder"][0]["label"][lang],
          ladder["warning"][lang])
