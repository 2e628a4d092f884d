"""Deadline states, computed once by the agent (casework/deadlines.py) on its one clock, for
cases and for complaint rows that have no case yet; the preview route and the test clock."""

from datetime import UTC, datetime, timedelta

import pytest

from iprdesk.casework import cases, deadlines
from iprdesk.errors import BadInput
from iprdesk.server.http import STATE_KEY
from iprdesk.timeutil import TEST_CLOCK_ENV
from tests.conftest import start_agent

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
RECEIVED = {"received": "2026-03-01T09:00:00Z"}


def item(events, deadline_id, now, closed=False):
    return next(d for d in deadlines.states(events, closed, now) if d["id"] == deadline_id)


# The response deadline: 48 h, warnings at 24 h and 6 h before. Each boundary on both sides.
@pytest.mark.parametrize("after, state, next_warning", [
    (timedelta(0), "ok", "2026-03-02T09:00:00Z"),
    (timedelta(hours=24) - timedelta(seconds=1), "ok", "2026-03-02T09:00:00Z"),
    (timedelta(hours=24), "warning", "2026-03-03T03:00:00Z"),
    (timedelta(hours=42) - timedelta(seconds=1), "warning", "2026-03-03T03:00:00Z"),
    (timedelta(hours=42), "urgent", "2026-03-03T09:00:00Z"),
    (timedelta(hours=48) - timedelta(seconds=1), "urgent", "2026-03-03T09:00:00Z"),
    (timedelta(hours=48), "overdue", None),
    (timedelta(days=20), "overdue", None),
])
def test_each_state_boundary_of_a_deadline(after, state, next_warning):
    got = item(RECEIVED, "response", T0 + after)
    assert got["state"] == state
    assert got["next_warning"] == next_warning
    assert got["due"] == "2026-03-03T09:00:00Z"
    left = timedelta(hours=48) - after
    assert got["seconds_left"] == int(left.total_seconds())
    assert got["ms_left"] == int(left.total_seconds()) * 1000


def test_a_reminder_is_due_never_overdue_and_its_single_warning_is_urgent():
    events = {**RECEIVED, "images_replaced": "2026-03-02T00:00:00Z"}  # 96 h, warn 6 h before
    at = datetime(2026, 3, 2, tzinfo=UTC)
    assert item(events, "moderation_recheck", at)["state"] == "ok"
    assert item(events, "moderation_recheck", at)["next_warning"] == "2026-03-05T18:00:00Z"
    assert item(events, "moderation_recheck", at + timedelta(hours=90))["state"] == "urgent"
    late = item(events, "moderation_recheck", at + timedelta(hours=96))
    assert late["state"] == "due" and late["kind"] == "reminder" and late["next_warning"] is None
    # The same moment for a deadline of the kind "deadline" is overdue.
    assert item(RECEIVED, "response", T0 + timedelta(hours=96))["state"] == "overdue"


def test_pending_done_and_closed_have_no_next_warning():
    pending = item(RECEIVED, "settlement_offer", T0)
    assert pending["state"] == "pending"
    assert pending["due"] is pending["ms_left"] is pending["next_warning"] is None
    done = item({**RECEIVED, "responded": "2026-03-01T10:00:00Z"}, "response", T0)
    assert done["state"] == "done" and done["next_warning"] is None
    closed = item(RECEIVED, "response", T0 + timedelta(hours=40), closed=True)
    assert closed["state"] == "done" and closed["next_warning"] is None


def test_a_row_without_a_case_gets_what_its_case_would_have():
    [row, no_date] = deadlines.preview(
        [{"received": "2026-03-01T17:00:00+08:00", "complainant": "Nike c/o Greer Burns & Crain"},
         {"received": None, "complainant": "Bright Lens Studio"}],
        T0 + timedelta(hours=30), cases.schedule_a_firm)
    response = next(d for d in row["deadlines"] if d["id"] == "response")
    assert response["due"] == "2026-03-03T09:00:00Z"  # 17:00 in UTC+8 is 09:00 UTC
    assert response["state"] == "warning" and response["seconds_left"] == 18 * 3600
    assert row["schedule_a_firm"] == "Greer, Burns & Crain, Ltd."
    assert {d["state"] for d in row["deadlines"] if d["id"] != "response"} == {"pending"}
    # The page's date could not be read: nothing is counted, the firm is still named (or not).
    assert {d["state"] for d in no_date["deadlines"]} == {"pending"}
    assert no_date["schedule_a_firm"] is None


def test_a_case_answers_the_same_states_as_a_row():
    now = T0 + timedelta(hours=43)
    case = cases.Case(id="c-00000000", complaint_id="C", store_id="S", type="copyright",
                      complainant="Keith Vogt", products=["P"], events=dict(RECEIVED),
                      created="2026-03-01T09:00:00Z")
    [row] = deadlines.preview([{"received": RECEIVED["received"], "complainant": "Keith Vogt"}],
                              now, cases.schedule_a_firm)
    answer = case.to_dict(now)
    assert answer["deadlines"] == row["deadlines"]
    assert answer["schedule_a_firm"] == row["schedule_a_firm"] == "Keith A. Vogt, Ltd."
    assert case.next_deadline(now)["state"] == "urgent"


@pytest.mark.parametrize("rows, words", [
    ("x", "rows must be a list"),
    ([{"received": "yesterday"}], "Row 1: received"),
    ([{"received": 5}], "Row 1: received must be an ISO 8601 time"),
    ([{"complainant": "x" * 201}], "at most 200 characters"),
    ([{"complainant": "x", "admin": True}], "give only received and complainant"),
    ([{}] * 501, "At most 500 rows"),
])
def test_bad_rows_are_refused_by_name(rows, words):
    with pytest.raises(BadInput, match=words):
        deadlines.preview(rows, T0, cases.schedule_a_firm)


@pytest.mark.parametrize("seconds, lang, text", [
    (4 * 3600, "en", "in 4 h"), (-(26 * 3600 + 5 * 60), "en", "1 d 2 h ago"),
    (3 * 3600 + 20 * 60, "zh_CN", "还剩 3 小时 20 分钟"), (59, "en", "in 0 min"),
])
def test_one_countdown_text_per_language(seconds, lang, text):
    assert deadlines.countdown_text(seconds, lang) == text


# --- the routes -----------------------------------------------------------------------------

async def test_preview_route_judges_rows_on_the_agents_clock(agent):
    received = (datetime.now(UTC) - timedelta(hours=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    r = await agent.post("/v1/deadlines/preview",
                         json={"rows": [{"received": received, "complainant": "Keith Vogt"}]})
    assert r.status == 200, await r.text()
    body = await r.json()
    [row] = body["rows"]
    response = row["deadlines"][0]
    assert response["id"] == "response" and response["state"] == "warning"
    # ms_left is counted from the answer's own "now": both come from one clock.
    now = datetime.fromisoformat(body["now"].replace("Z", "+00:00"))
    due = datetime.fromisoformat(response["due"].replace("Z", "+00:00"))
    assert response["ms_left"] == int((due - now).total_seconds()) * 1000
    assert row["schedule_a_firm"] == "Keith A. Vogt, Ltd."

    r = await agent.post("/v1/deadlines/preview", json={"rows": [{"received": "soon"}]})
    assert r.status == 400 and "Row 1: received" in (await r.json())["error"]["message"]


async def test_the_clock_moves_only_in_a_test_agent(agent):
    r = await agent.request("PUT", "/v1/test/clock", json={"offset_seconds": 3600})
    assert r.status == 404  # IPRDESK_TEST_CLOCK not set: nothing moves the agent's clock
    assert agent.raw.server.app[STATE_KEY].clock.offset == timedelta(0)


async def test_a_moved_clock_moves_every_state(aiohttp_client, home, token, monkeypatch):
    monkeypatch.setenv(TEST_CLOCK_ENV, "1")
    agent = await start_agent(aiohttp_client, home, token)
    received = (datetime.now(UTC) - timedelta(hours=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    case = await (await agent.post("/v1/cases", json={
        "complaint_id": "CMP-1", "store_id": "5f1a2b3c4d5e", "type": "copyright",
        "complainant": "Keith Vogt", "products": ["P1"], "received": received})).json()
    assert case["deadlines"][0]["state"] == "warning"

    r = await agent.request("PUT", "/v1/test/clock", json={"offset_seconds": 13 * 3600})
    assert r.status == 200
    [listed] = (await (await agent.get("/v1/cases")).json())["cases"]
    assert listed["deadlines"][0]["state"] == "urgent"
    rows = (await (await agent.post("/v1/deadlines/preview", json={
        "rows": [{"received": received}]})).json())["rows"]
    assert rows[0]["deadlines"][0]["state"] == "urgent"

    r = await agent.request("PUT", "/v1/test/clock", json={"offset_seconds": "a lot"})
    assert r.status == 400 and "offset_seconds" in (await r.json())["error"]["message"]
