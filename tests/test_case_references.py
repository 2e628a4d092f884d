"""Case references: wherever a case is taken (CLI, routes, evidence), its id or its complaint
ID works, and an unknown one is an error listing the open cases, never a new label."""

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from iprdesk.casework import cases
from iprdesk.cli import main
from tests.conftest import VAULT_PASSPHRASE
from tests.helpers import open_case


def cli(home, *args, code=0):
    result = CliRunner().invoke(main, [*args, "--home", str(home)],
                                env={"IPRDESK_PASSPHRASE": VAULT_PASSPHRASE})
    assert result.exit_code == code, (result.output, result.exception)
    return result.output


def test_resolve_by_id_or_complaint_id_the_open_case_first(home):
    store = cases.CaseStore(home)
    old = open_case(home, "CMP-7", now=datetime(2026, 3, 1, tzinfo=UTC))
    store.close(old.id)
    reopened = open_case(home, "CMP-7", now=datetime(2026, 3, 2, tzinfo=UTC))
    other = open_case(home, "CMP-8", complainant="Keith A. Vogt, Ltd.")
    assert store.resolve(old.id).id == old.id  # a closed case by its id
    assert store.resolve("CMP-7").id == reopened.id  # the open one of the complaint
    assert store.resolve(" CMP-8 ").id == other.id
    store.close(reopened.id)
    assert store.resolve("CMP-7").id == reopened.id  # else the latest closed one
    with pytest.raises(cases.UnknownCase) as raised:
        store.resolve("c-typo99")
    error = raised.value
    assert error.status == 404 and error.code == "unknown_case"
    assert error.details["open_cases"] == [{"id": other.id, "complaint_id": "CMP-8",
                                            "complainant": "Keith A. Vogt, Ltd."}]
    assert error.text("en") == (f"No case c-typo99: give a case id or a complaint ID of an open "
                                f"case: {other.id} (CMP-8, Keith A. Vogt, Ltd.).")
    assert error.text("zh_CN").startswith("没有案件 c-typo99：") and "CMP-8" in error.text("zh_CN")
    store.close(other.id)
    with pytest.raises(cases.UnknownCase, match="no case is open"):
        store.resolve("CMP-9")


def test_the_cli_takes_the_complaint_id_everywhere(vault_home, tmp_path):
    case = open_case(vault_home, "CMP-42")
    shown = json.loads(cli(vault_home, "case", "show", "CMP-42", "--json"))
    assert shown["id"] == case.id
    cli(vault_home, "case", "event", "CMP-42", "offer_received")
    cli(vault_home, "case", "urls", "CMP-42", "https://img.joomcdn.net/a.jpg")
    preflight = cli(vault_home, "preflight", "CMP-42", "--json", code=1)
    assert json.loads(preflight)["case"] == case.id
    draft = json.loads(cli(vault_home, "draft", "CMP-42", "joom_support", "--json"))
    assert case.complaint_id in draft["body"]
    slip = tmp_path / "slip.pdf"
    slip.write_bytes(b"%PDF-1.4 slip")
    added = json.loads(cli(vault_home, "vault", "add", str(slip), "--case", "CMP-42",
                           "--kind", "payment", "--json"))
    assert added[0]["case"] == case.id
    cli(vault_home, "case", "close", "CMP-42")
    assert cases.CaseStore(vault_home).get(case.id).status == "closed"


@pytest.mark.parametrize("args", [
    ("case", "show", "c-typo99"), ("case", "event", "c-typo99", "offer_received"),
    ("case", "close", "c-typo99"), ("preflight", "c-typo99"),
    ("draft", "c-typo99", "joom_support"), ("vault", "add", "{file}", "--case", "c-typo99"),
    ("vault", "list", "--case", "c-typo99"),
])
def test_an_unknown_case_is_an_error_listing_the_open_cases(vault_home, tmp_path, args):
    case = open_case(vault_home, "CMP-42")
    (tmp_path / "f.pdf").write_bytes(b"%PDF-1.4 x")
    output = cli(vault_home, *(a.format(file=tmp_path / "f.pdf") for a in args), code=1)
    assert output.startswith("error: No case c-typo99") and "Traceback" not in output
    assert f"{case.id} (CMP-42, Bright Lens Studio LLC)" in output


async def test_routes_take_the_complaint_id_and_refuse_an_unknown_case(home, agent):
    case = open_case(home, "CMP-42")
    r = await agent.get("/v1/cases/CMP-42")
    assert r.status == 200 and (await r.json())["id"] == case.id
    r = await agent.post("/v1/cases/CMP-42/events", json={"event": "offer_received"})
    assert r.status == 200 and "offer_received" in (await r.json())["events"]
    r = await agent.post("/v1/cases/CMP-42/preflight", json={"lang": "zh_CN"})
    assert r.status == 200 and (await r.json())["case"] == case.id
    r = await agent.get("/v1/cases/nope/drafts")
    assert r.status == 404
    error = (await r.json())["error"]
    assert error["code"] == "unknown_case" and error["open_cases"][0]["id"] == case.id
    assert error["message"].startswith("No case nope: ")
    r = await agent.get("/v1/cases/nope/drafts", headers={"Accept-Language": "zh-CN"})
    error = (await r.json())["error"]
    assert error["code"] == "unknown_case" and error["message"].startswith("没有案件 nope：")
