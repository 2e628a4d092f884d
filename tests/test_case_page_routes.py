"""The agent routes the case page uses besides the general ones: old URLs added to a case,
a document's kind changed by the seller, the preflight worded for the browser."""

import aiohttp

from iprdesk.urls import watch as urlwatch
from tests.conftest import VAULT_PASSPHRASE
from tests.helpers import open_case
from tests.pdfs import AGREEMENT, text_pdf


async def error_of(response, status):
    assert response.status == status, await response.text()
    return (await response.json())["error"]


async def test_old_urls_are_added_to_the_case_by_complaint_id_and_watched(home, agent):
    case = open_case(home, "CMP-URLS")
    old = "https://img.joomcdn.net/" + "a" * 40 + "_1024_1024.jpeg"
    r = await agent.post("/v1/cases/CMP-URLS/urls", json={"urls": [old, old]})
    assert r.status == 200, await r.text()
    assert (await r.json())["old_urls"] == [old]
    assert old in {w.url for w in urlwatch.WatchList(home).list(case.id)}
    for body in ({}, {"urls": []}, {"urls": "x"}, {"urls": ["ftp://a/b"]}):
        await error_of(await agent.post(f"/v1/cases/{case.id}/urls", json=body), 400)
    assert (await error_of(await agent.post("/v1/cases/CMP-NONE/urls", json={"urls": [old]}),
                           404))["code"] == "unknown_case"


async def test_the_seller_changes_a_documents_kind(vault_home, agent):
    case = open_case(vault_home, "CMP-KIND")
    form = aiohttp.FormData()
    form.add_field("meta", '{"case": "CMP-KIND", "kind": "other"}', content_type="application/json")
    form.add_field("file", text_pdf(AGREEMENT.format(store="S1", products="P1")),
                   filename="scan.pdf", content_type="application/pdf")
    [item] = (await (await agent.post("/v1/evidence", data=form)).json())["items"]
    assert item["kind"] == "other"
    # Locked: nothing changes.
    await error_of(await agent.post(f"/v1/vault/items/{item['id']}/kind",
                                    json={"kind": "agreement"}), 423)
    await agent.post("/v1/vault/unlock", json={"passphrase": VAULT_PASSPHRASE})
    r = await agent.post(f"/v1/vault/items/{item['id']}/kind", json={"kind": "agreement"})
    assert r.status == 200, await r.text()
    changed = await r.json()
    assert changed["kind"] == "agreement" and changed["sha256"] == item["sha256"]
    assert changed["case"] == case.id and changed["id"] != item["id"]
    listed = (await (await agent.get(f"/v1/vault/items?case={case.id}")).json())["items"]
    assert [(i["id"], i["kind"]) for i in listed] == [(changed["id"], "agreement")]
    assert "kind must be one of" in (await error_of(await agent.post(
        f"/v1/vault/items/{changed['id']}/kind", json={"kind": "lawsuit"}), 400))["message"]
    await error_of(await agent.post(f"/v1/vault/items/{changed['id']}/kind", json={}), 400)


async def test_the_preflight_speaks_to_the_browser_without_commands(home, agent):
    open_case(home, "CMP-WORDS")
    r = await agent.post("/v1/cases/CMP-WORDS/preflight", json={"lang": "zh_CN", "for": "browser"})
    assert r.status == 200, await r.text()
    said = {c["id"]: c["message"] for c in (await r.json())["checks"]}
    assert said["images.clean"] == "此案件尚未添加新图片。请把替换用的新图片拖到下方进行检查。"
    assert "--new-image" not in said["images.replaced"]
    cli = await (await agent.post("/v1/cases/CMP-WORDS/preflight", json={"lang": "en"})).json()
    assert "--new-image" in {c["id"]: c["message"] for c in cli["checks"]}["images.clean"]
    await error_of(await agent.post("/v1/cases/CMP-WORDS/preflight", json={"for": "robot"}), 400)
    assert "Mars/Olympus" in (await error_of(await agent.post(
        "/v1/cases/CMP-WORDS/preflight", json={"zone": "Mars/Olympus"}), 400))["message"]


async def test_the_preflight_states_its_times_in_the_readers_zone(home, agent, local_zone):
    """The browser says its zone; the machine's (here UTC) is not the seller's."""
    local_zone("UTC")
    open_case(home, "CMP-ZONE", received="2026-03-01T09:00:00Z")
    got = await (await agent.post("/v1/cases/CMP-ZONE/preflight", json={
        "lang": "en", "zone": "Asia/Shanghai"})).json()
    deadline = {c["id"]: c["message"] for c in got["checks"]}["deadline"]
    assert "2026-03-03 17:00 (UTC+8)" in deadline, deadline
