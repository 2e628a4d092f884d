"""URL checks sealed into the evidence vault: by the CLI and by scheduled re-checks."""

import asyncio
import json

from click.testing import CliRunner

from iprdesk import timeutil
from iprdesk.cli import main
from iprdesk.urls import check as urlcheck
from iprdesk.urls import watch as urlwatch
from tests.conftest import VAULT_PASSPHRASE
from tests.helpers import open_case


def unlocked(home):
    from iprdesk.vault import Vault

    v = Vault.open(home)
    v.unlock(VAULT_PASSPHRASE)
    return v


async def test_check_urls_record_seals_each_result(vault_home, cdn):
    case = open_case(vault_home, "CMP-9")
    r = await asyncio.to_thread(CliRunner().invoke, main, [
        "check-urls", f"{cdn.base}/old.jpg", f"{cdn.base}/to-404.jpg", "--record",
        "--case", "CMP-9", "--home", str(vault_home), "--json", "--timeout", "2"])
    assert r.exit_code == 1, r.output
    printed = {x["url"]: x for x in json.loads(r.stdout)}
    assert f"Recorded 2 checks in the vault under case {case.id}" in r.stderr
    v = unlocked(vault_home)
    items = v.list(case=case.id)
    assert sorted(i.source_url for i in items) == sorted(printed)
    for item in items:
        assert item.kind == "url-check" and item.content_type == "application/json"
        stored = json.loads(v.read(item.id))
        assert stored == printed[item.source_url]
        # The check's time to the millisecond; the vault keeps capture times to the second.
        assert item.captured_at == stored["checked_at"][:19] + "Z"
    dead = next(i for i in items if i.source_url.endswith("to-404.jpg"))
    assert dead.note.startswith("dead: HTTP 404")
    # Who answered a picture served, in both languages: the origin, so no cache-busted request.
    live = next(i for i in items if i.source_url.endswith("old.jpg"))
    assert live.note.startswith(
        "live: serves an image; answered by the origin: no cache said it answered")
    assert "/ 仍在提供图片；由源站应答" in live.note
    assert [h["status"] for h in json.loads(v.read(dead.id))["redirects"]] == [301, 302]


async def test_record_without_a_vault_is_a_usage_error_before_any_check(home, cdn):
    case = open_case(home, "CMP-9")
    r = await asyncio.to_thread(CliRunner().invoke, main, [
        "check-urls", f"{cdn.base}/old.jpg", "--record", "--case", case.id, "--home", str(home)])
    assert r.exit_code == 2 and "vault init" in r.output
    assert sum(cdn.hits.values()) == 0


async def test_record_for_an_unknown_case_lists_the_open_ones_before_any_check(vault_home,
                                                                               cdn):
    case = open_case(vault_home, "CMP-9")
    r = await asyncio.to_thread(CliRunner().invoke, main, [
        "check-urls", f"{cdn.base}/old.jpg", "--record", "--case", "c-typo99",
        "--home", str(vault_home)], env={"IPRDESK_PASSPHRASE": VAULT_PASSPHRASE})
    assert r.exit_code == 1 and r.output.startswith("error: No case c-typo99"), r.output
    assert f"{case.id} (CMP-9, " in r.output
    assert sum(cdn.hits.values()) == 0 and unlocked(vault_home).list() == []


async def test_scheduled_checks_are_recorded_while_the_vault_is_locked(vault_home,
                                                                        cdn):
    wl = urlwatch.WatchList(vault_home)
    wl.add("C-3", [f"{cdn.base}/gone-410"])
    [w] = await urlwatch.check_watched(vault_home, wl.due(timeutil.utc_now()),
                                       options=urlcheck.Options(timeout=1))
    assert w.state == "dead" and len(w.evidence_ids) == 1
    [item] = unlocked(vault_home).list(case="C-3")
    assert item.id == w.evidence_ids[0]


async def test_route_check_with_case_records_evidence(agent, vault_home, cdn):
    case = open_case(vault_home, "CMP-5")
    r = await agent.post("/v1/urls/check", json={"urls": [f"{cdn.base}/gone-404"],
                                                 "case": "CMP-5"})
    assert r.status == 200, await r.text()
    body = await r.json()
    [item] = unlocked(vault_home).list(case=case.id)
    assert body["evidence_ids"] == [item.id] and item.source_url == f"{cdn.base}/gone-404"


async def test_route_check_with_case_but_no_vault_changes_nothing(agent, home, cdn):
    open_case(home, "CMP-5")
    r = await agent.post("/v1/urls/check", json={"urls": [f"{cdn.base}/gone-404"],
                                                 "case": "CMP-5"})
    assert (r.status, (await r.json())["error"]["code"]) == (409, "vault_missing")
    assert sum(cdn.hits.values()) == 0
