"""Cases and their deadlines: the core store and the `iprdesk case` commands."""

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from iprdesk.casework import cases
from iprdesk.cli import main
from iprdesk.errors import BadInput, Conflict, NotFound

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
FACTS = dict(complaint_id="CMP-7781", store_id="5f1a2b3c4d5e", type="copyright",
             complainant="Bright Lens Studio via Greer, Burns & Crain",
             products="6a1f00aa01,6a1f00aa02")


@pytest.fixture
def store(home):
    return cases.CaseStore(home)


def new(store, **over):
    return store.new(**{**FACTS, "received": "2026-03-01T09:00:00Z", **over}, now=T0)


def state(case, deadline_id, now):
    return next(d for d in case.deadline_states(now) if d["id"] == deadline_id)


def test_new_case_is_saved_and_read_back(store, home):
    case = new(store)
    assert cases.CASE_ID.match(case.id)
    again = store.get(case.id)
    assert again == case
    assert again.products == ["6a1f00aa01", "6a1f00aa02"]
    on_disk = json.loads((home / "cases" / f"{case.id}.json").read_text())
    assert on_disk["events"] == {"received": "2026-03-01T09:00:00Z"}
    assert oct((home / "cases" / f"{case.id}.json").stat().st_mode & 0o777) == "0o600"


def test_control_characters_from_the_panel_are_not_kept(store):
    """The complainant is read off the Panel page; an escape sequence in it would act on the
    terminal of whoever runs `iprdesk case list`."""
    case = new(store, complainant="Acme\x1b]52;c;ZXZpbA==\x07 IP\x9b2J Ltd")
    assert case.complainant == "Acme ]52;c;ZXZpbA== IP 2J Ltd"


@pytest.mark.parametrize("hours, expected", [
    (0, "ok"), (23.9, "ok"), (24.5, "warning"), (41.9, "warning"), (42.1, "urgent"),
    (47.99, "urgent"), (48.01, "overdue"), (500, "overdue"),
])
def test_response_deadline_levels_come_from_the_data(store, hours, expected):
    case = new(store)
    item = state(case, "response", T0 + timedelta(hours=hours))
    assert item["due"] == "2026-03-03T09:00:00Z"
    assert item["state"] == expected


def test_deadlines_follow_events(store):
    case = new(store)
    assert state(case, "settlement_offer", T0)["state"] == "pending"
    case = store.record_event(case.id, "offer_received", "2026-03-02T10:00:00+08:00")
    offer = state(case, "settlement_offer", T0 + timedelta(days=2))
    assert offer["due"] == "2026-03-09T02:00:00Z" and offer["state"] == "ok"
    assert state(case, "settlement_offer", T0 + timedelta(days=6))["state"] == "warning"
    assert state(case, "settlement_offer", T0 + timedelta(days=7))["state"] == "urgent"
    case = store.record_event(case.id, "responded", "2026-03-01T12:00:00Z")
    assert state(case, "response", T0 + timedelta(days=30))["state"] == "done"
    case = store.record_event(case.id, "images_replaced", "2026-03-02T00:00:00Z")
    recheck = state(case, "moderation_recheck", T0 + timedelta(days=10))
    assert recheck["state"] == "due" and recheck["kind"] == "reminder"


def test_closing_stops_every_warning(store):
    case = store.close(new(store).id, now=T0)
    assert case.status == "closed" and case.closed == "2026-03-01T09:00:00Z"
    assert case.next_deadline(T0 + timedelta(days=9)) is None
    with pytest.raises(Conflict):
        store.close(case.id)


def test_by_urgency_puts_the_nearest_deadline_first(store):
    calm = new(store, complaint_id="A", received="2026-03-01T08:00:00Z")
    overdue = new(store, complaint_id="B", received="2026-02-20T08:00:00Z")
    soon = new(store, complaint_id="C", received="2026-02-28T10:00:00Z")
    answered = store.record_event(new(store, complaint_id="D").id, "responded",
                                  "2026-03-01T09:30:00Z")
    store.close(new(store, complaint_id="E").id)
    order = [c.id for c in store.by_urgency(T0)]
    assert order == [overdue.id, soon.id, calm.id, answered.id]


def test_one_open_case_per_complaint(store):
    first = new(store)
    with pytest.raises(Conflict, match=first.id) as e:
        new(store)
    assert e.value.code == "case_exists"
    store.close(first.id)
    assert new(store).id != first.id


@pytest.mark.parametrize("over, message", [
    ({"type": "patent"}, "copyright, trademark"),
    ({"products": " , "}, "at least one product"),
    ({"products": "ok1,../../etc"}, "Product ID"),
    ({"store_id": ""}, "Store ID"),
    ({"complaint_id": "a b"}, "Complaint ID"),
    ({"complainant": "   "}, "Complainant is required"),
    ({"complainant": "x" * 300}, "longer than"),
    ({"received": "yesterday"}, "ISO 8601"),
    ({"received": "2027-01-01T00:00:00Z"}, "in the future"),
    ({"old_urls": ["javascript:alert(1)"]}, "not an http"),
])
def test_bad_input_names_the_problem_and_writes_nothing(store, home, over, message):
    with pytest.raises(BadInput, match=message):
        new(store, **over)
    assert store.all() == []


def test_unknown_event_and_event_before_the_complaint(store):
    case = new(store)
    with pytest.raises(BadInput, match="one of: responded"):
        store.record_event(case.id, "lunch")
    with pytest.raises(BadInput, match="before the complaint"):
        store.record_event(case.id, "responded", "2026-02-01T00:00:00Z")
    with pytest.raises(BadInput, match="one of"):
        store.record_event(case.id, "received")


def test_unknown_and_malformed_case_ids(store):
    with pytest.raises(NotFound, match="case list"):
        store.get("c-00000000")
    with pytest.raises(BadInput, match="not a case id"):
        store.get("../auth")


def test_damaged_case_file_is_named(store, home):
    case = new(store)
    (home / "cases" / f"{case.id}.json").write_text("{not json")
    with pytest.raises(Exception, match=f"{case.id}.json is damaged"):
        store.get(case.id)


@pytest.mark.parametrize("name, firm", [
    ("Greer, Burns & Crain, Ltd.", "Greer, Burns & Crain, Ltd."),
    ("Nike Inc. c/o GREER BURNS AND CRAIN", "Greer, Burns & Crain, Ltd."),
    ("Keith A. Vogt Ltd", "Keith A. Vogt, Ltd."),
    ("epstein drangel llp", "Epstein Drangel LLP"),
    ("Bright Lens Studio", None),
    ("Greer's Bakery", None),
])
def test_schedule_a_firms_are_recognised(name, firm):
    assert cases.schedule_a_firm(name) == firm


def test_the_law_firm_comes_from_the_schedule_a_hint_or_is_given_and_corrected(store):
    hinted = new(store)  # "Bright Lens Studio via Greer, Burns & Crain"
    assert hinted.law_firm == "Greer, Burns & Crain, Ltd."
    none = new(store, complaint_id="CMP-2", complainant="Bright Lens Studio LLC")
    assert none.law_firm is None and none.to_dict()["schedule_a_firm"] is None
    given = new(store, complaint_id="CMP-3", complainant="Bright Lens Studio LLC",
                law_firm="  Harbor\x1b\x07& Lane LLP ")
    assert given.law_firm == "Harbor & Lane LLP"
    # A known Schedule A firm acting for another complainant brings its hint too.
    changed = store.set_law_firm(none.id, "Keith A. Vogt, Ltd.")
    assert store.get(none.id).law_firm == "Keith A. Vogt, Ltd."
    assert changed.to_dict()["schedule_a_firm"] == "Keith A. Vogt, Ltd."
    assert store.set_law_firm(none.id, "  ").law_firm is None
    with pytest.raises(BadInput, match="Law firm"):
        store.set_law_firm(none.id, "x" * 201)
    assert store.get(none.id).law_firm is None


def test_a_case_saved_before_the_law_firm_field_reads_back(store, home):
    case = new(store)
    path = home / "cases" / f"{case.id}.json"
    old = json.loads(path.read_text())
    del old["law_firm"]
    path.write_text(json.dumps(old))
    assert store.get(case.id).law_firm is None


# --- the CLI -------------------------------------------------------------------------------

def run(*args, lang="en"):
    result = CliRunner().invoke(main, list(args), env={"LANG": lang})
    return result


def test_cli_case_flow(home):
    r = run("case", "new", "--json", "--complaint-id", "CMP-1", "--store-id", "S1",
            "--type", "trademark", "--complainant", "Keith Vogt", "--products", "P1, P2 P3",
            "--received", "2026-03-01T09:00:00Z")
    assert r.exit_code == 0, r.output
    case_id = json.loads(r.output)["id"]

    r = run("case", "list", "--json")
    listed = json.loads(r.output)
    assert [c["id"] for c in listed] == [case_id]
    assert listed[0]["products"] == ["P1", "P2", "P3"]
    assert listed[0]["schedule_a_firm"] == "Keith A. Vogt, Ltd."

    r = run("case", "show", case_id)
    assert "Respond to the complaint" in r.output and "overdue" in r.output
    assert "Schedule A" in r.output
    r = run("case", "show", case_id, "--lang", "zh_CN")
    assert "回复投诉" in r.output and "已逾期" in r.output

    assert listed[0]["law_firm"] == "Keith A. Vogt, Ltd."
    r = run("case", "law-firm", case_id, "Harbor & Lane LLP")
    assert r.exit_code == 0 and "Harbor & Lane LLP" in r.output
    assert "Law firm: Harbor & Lane LLP" in run("case", "show", case_id).output
    r = run("case", "law-firm", case_id, "--clear", "--lang", "zh_CN")
    assert r.exit_code == 0 and "没有委托律所" in r.output
    assert json.loads(run("case", "show", case_id, "--json").output)["law_firm"] is None
    assert run("case", "law-firm", case_id).exit_code == 2  # a name or --clear

    r = run("case", "event", case_id, "responded")
    assert r.exit_code == 0 and "Responded to the complaint" in r.output
    r = run("case", "close", case_id)
    assert r.exit_code == 0
    assert json.loads(run("case", "list", "--json").output) == []
    assert len(json.loads(run("case", "list", "--all", "--json").output)) == 1


def test_cli_shows_local_times_and_utc_for_scripts(home, local_zone):
    local_zone("Asia/Shanghai")
    r = run("case", "new", "--json", "--complaint-id", "CMP-2", "--store-id", "S1",
            "--type", "copyright", "--complainant", "Lumen Images", "--products", "P1",
            "--received", "2026-03-01T09:00:00Z")
    case_id = json.loads(r.output)["id"]
    shown = json.loads(run("case", "show", case_id, "--json").output)
    assert shown["events"]["received"] == "2026-03-01T09:00:00Z"  # JSON keeps ISO 8601
    r = run("case", "show", case_id, "--lang", "zh_CN")
    # Received 09:00 UTC is 17:00 in UTC+8; the 48-hour answer is due two days later.
    assert "2026年3月1日 17:00（UTC+8）" in r.output and "2026年3月3日 17:00（UTC+8）" in r.output
    assert "09:00:00Z" not in r.output
    r = run("case", "show", case_id)
    assert "2026-03-01 17:00 (UTC+8)" in r.output
    r = run("--utc", "case", "show", case_id)
    assert "2026-03-01T09:00:00Z" in r.output and "2026-03-03T09:00:00Z" in r.output
    assert "UTC+8" not in r.output
    r = run("case", "show", case_id)  # --utc held for that run only
    assert "(UTC+8)" in r.output


def test_cli_errors_are_one_line(home):
    r = run("case", "show", "c-deadbeef")
    assert r.exit_code == 1 and r.output.startswith("error: No case c-deadbeef")
    r = run("case", "new", "--complaint-id", "X", "--store-id", "S", "--type", "copyright",
            "--complainant", "Y", "--products", "P", "--received", "soon")
    assert r.exit_code == 1 and "ISO 8601" in r.output
    assert "Traceback" not in r.output


def test_cli_in_a_real_process(home):
    out = subprocess.run(
        [sys.executable, "-m", "iprdesk", "case", "new", "--json", "--complaint-id", "CMP-9",
         "--store-id", "S9", "--type", "copyright", "--complainant", "Studio",
         "--products", "P9"], capture_output=True, text=True, check=True)
    case_id = json.loads(out.stdout)["id"]
    assert cases.CaseStore(home).get(case_id).complaint_id == "CMP-9"


def test_cli_show_lists_the_documents_linked_through_the_vault(home, tmp_path):
    from iprdesk.vault import Vault
    from iprdesk.vault.crypto import KdfParams

    store = cases.CaseStore(home)
    case = store.new(**{**FACTS, "received": "2026-03-01T09:00:00Z"}, now=T0)
    vault = Vault.create(home, "correct horse battery staple 42", kdf=KdfParams.floor())
    vault.add(b"%PDF-1.4 agreement", {"kind": "agreement", "case": case.id,
                                      "original_name": "signed-agreement.pdf"})
    vault.add(b"%PDF-1.4 other", {"kind": "payment", "case": "c-ffffffff"})
    r = run("case", "show", case.id)
    assert "vault is locked" in r.output and "signed-agreement.pdf" not in r.output
    secret = "correct horse battery staple 42"
    r = CliRunner().invoke(main, ["case", "show", case.id],
                           env={"LANG": "en", "IPRDESK_PASSPHRASE": secret})
    assert "agreement" in r.output and "signed-agreement.pdf" in r.output
    r = CliRunner().invoke(main, ["case", "show", case.id, "--json"],
                           env={"IPRDESK_PASSPHRASE": secret})
    assert [d["kind"] for d in json.loads(r.output)["documents"]] == ["agreement"]
