"""Penalty history: banners read in both languages, repeated sightings kept once, the ladder
from shared data, the agent's routes and `iprdesk penalties`."""

import json

import pytest
from click.testing import CliRunner

from iprdesk.account.penalties import PenaltyHistory, read_banner, rules
from iprdesk.cli import main

POINTS_EN = "Your store received 10 penalty points for an IPR violation on 2026-11-30."
BLOCK_ZH = "由于再次侵权，您的店铺已被封禁 3 天（2026年12月2日起）。"


def test_the_ladder_is_data_in_both_languages():
    ladder = rules()["ladder"]
    assert [(r["penalty"], r.get("points"), r["days"]) for r in ladder] == [
        ("points", 10, 7), ("block", None, 3), ("block", None, 7), ("block", None, 30),
        ("block", None, None)]
    assert [r["step"] for r in ladder] == [1, 2, 3, 4, 5]
    for text in [*(r["label"] for r in ladder), rules()["warning"]]:
        assert set(text) == {"en", "zh_CN"} and all(text.values())


@pytest.mark.parametrize(("text", "penalty", "points", "days", "step", "date"), [
    (POINTS_EN, "points", 10, None, 1, "2026-11-30"),
    ("您的店铺因侵权被扣 10 分（罚分）。", "points", 10, None, 1, None),
    ("Your store is blocked for 7 days (until 2026/12/09).", "block", None, 7, 3, "2026-12-09"),
    (BLOCK_ZH, "block", None, 3, 2, "2026-12-02"),
    ("30-day store block for repeated IPR violations", "block", None, 30, 4, None),
    ("Your store has been permanently blocked.", "block", None, None, 5, None),
    ("店铺已被永久封禁。", "block", None, None, 5, None),
    ("An IPR strike was recorded against your store.", "strike", None, None, None, None),
])
def test_banners_say_which_penalty(text, penalty, points, days, step, date):
    assert read_banner("penalty", text) == {"penalty": penalty, "points": points,
                                            "days": days, "step": step, "stated_date": date}


@pytest.mark.parametrize(("banner", "text"), [
    ("suspended", "Your account is suspended."),  # no penalty named: nothing is guessed
    ("funds_hold", "Funds on hold for 7 days, 10 points"),  # not a penalty banner
    ("penalty", "Penalty rules changed: read the help centre"),
])
def test_banners_that_name_no_penalty_are_not_recorded(home, banner, text):
    assert read_banner(banner, text) is None
    assert PenaltyHistory(home).record(banner, text) is None
    assert not (home / "penalties.json").exists()


def test_the_same_banner_seen_again_is_one_sighting(home):
    history = PenaltyHistory(home)
    first = history.record("penalty", POINTS_EN, now="2026-11-30T02:00:00Z")
    again = history.record("penalty", "  your store received 10 penalty POINTS for an IPR "
                           "violation on 2026-11-30. ", now="2026-12-01T02:00:00Z")
    assert again.id == first.id
    standing = history.standing()
    assert len(standing["sightings"]) == 1
    seen = standing["sightings"][0]
    assert (seen["first_seen"], seen["last_seen"], seen["times_seen"]) == (
        "2026-11-30T02:00:00Z", "2026-12-01T02:00:00Z", 2)
    assert standing["step"] == 1 and standing["next"]["days"] == 3


def test_standing_is_the_highest_step_seen(home):
    history = PenaltyHistory(home)
    assert history.standing()["step"] == 0 and history.standing()["next"]["step"] == 1
    history.record("penalty", BLOCK_ZH, now="2026-12-02T01:00:00Z")
    history.record("penalty", POINTS_EN, now="2026-11-30T02:00:00Z")
    history.record("penalty", "IPR strike", now="2026-12-03T01:00:00Z")
    standing = history.standing()
    assert standing["step"] == 2 and standing["current"]["days"] == 3
    assert standing["next"]["label"]["en"] == "store blocked for 7 days"
    assert standing["strikes"] == 1
    assert [s["penalty"] for s in standing["sightings"]] == ["points", "block", "strike"]
    history.record("suspended", "Your store has been permanently blocked.")
    assert history.standing()["next"] is None


async def test_routes_record_and_answer_the_history(agent, home):
    r = await agent.post("/v1/penalties", json={"banner": "penalty", "text": POINTS_EN})
    assert r.status == 200
    body = await r.json()
    assert body["recorded"] is True and body["step"] == 1
    r = await agent.post("/v1/penalties", json={"banner": "penalty", "text": POINTS_EN})
    assert (await r.json())["sighting"] == body["sighting"]
    r = await agent.post("/v1/penalties", json={"banner": "funds_hold", "text": "Funds on hold"})
    assert (await r.json())["recorded"] is False
    r = await agent.post("/v1/penalties", json={"banner": "penalty"})
    assert r.status == 400
    history = await (await agent.get("/v1/penalties")).json()
    assert [s["times_seen"] for s in history["sightings"]] == [2]
    assert "Selling the same images again" in history["warning"]["en"]


def test_cli_shows_the_ladder_and_local_times(home, local_zone):
    local_zone("Asia/Shanghai")
    PenaltyHistory(home).record("penalty", BLOCK_ZH, now="2026-12-02T01:00:00Z")
    r = CliRunner().invoke(main, ["penalties"], env={"LANG": "zh_CN.UTF-8", "LC_ALL": "",
                                                     "LANGUAGE": ""})
    assert r.exit_code == 0, r.output
    assert "第 2 级（共 5 级），店铺封禁 3 天" in r.output
    assert "下一次被认定将导致：店铺封禁 7 天。" in r.output
    assert "2026年12月2日 09:00（UTC+8）：店铺封禁 3 天" in r.output
    assert "和解之后再次使用同样的图片" in r.output
    r = CliRunner().invoke(main, ["penalties", "--json"])
    assert json.loads(r.output)["sightings"][0]["first_seen"] == "2026-12-02T01:00:00Z"


def test_cli_without_history(home):
    r = CliRunner().invoke(main, ["penalties"], env={"LANG": "en_US.UTF-8", "LC_ALL": "",
                                                     "LANGUAGE": ""})
    assert r.exit_code == 0
    assert "No penalty has been seen" in r.output and "10 penalty points for 7 days" in r.output
