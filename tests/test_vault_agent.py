"""The agent's evidence routes on a real loopback socket: capture while locked, unlock, list,
export, idle auto-lock, concurrency and bad input."""

import asyncio
import errno
import hashlib
import io
import json
import logging
import os
import time
import urllib.error
import urllib.request
import zipfile

import aiohttp
import pytest

from iprdesk.server.pairing import AuthStore
from iprdesk.vault import Vault
from iprdesk.vault.bundle import verify_bundle
from tests.conftest import VAULT_PASSPHRASE, fill_disk
from tests.helpers import AgentProcess, open_case

SHOT = b"\x89PNG\r\n\x1a\n fake screenshot bytes"
PAGE = b"MIME-Version: 1.0\r\nContent-Type: multipart/related\r\n\r\nthe page"
CAPTURE_META = {
    "case": "CASE-1", "complaint_id": "CMP-42", "source_url": "https://merchant.joom.com/c/42",
    "page_title": "Complaint 42", "captured_at": "2026-03-01T08:00:00Z",
    "user_agent": "Mozilla/5.0 Chromium",
    "files": [{"kind": "screenshot", "sha256": hashlib.sha256(SHOT).hexdigest()},
              {"kind": "page"}],
}


@pytest.fixture(autouse=True)
def case_1(home):
    """The case the captures name, by its complaint ID CASE-1 (a case that exists)."""
    return open_case(home, "CASE-1")


def capture_form(meta=CAPTURE_META, files=(("shot.png", SHOT, "image/png"),
                                           ("page.mhtml", PAGE, "application/x-mimearchive"))):
    form = aiohttp.FormData()
    if meta is not None:
        form.add_field("meta", json.dumps(meta), content_type="application/json")
    for name, data, ctype in files:
        form.add_field("file", data, filename=name, content_type=ctype)
    return form


async def error_of(response, status):
    assert response.status == status, await response.text()
    return (await response.json())["error"]


async def unlock(agent, passphrase=VAULT_PASSPHRASE):
    return await agent.post("/v1/vault/unlock", json={"passphrase": passphrase})


async def test_capture_while_locked_then_list_after_unlock(vault_home, agent, case_1):
    r = await agent.post("/v1/evidence", data=capture_form())
    assert r.status == 201, await r.text()
    items = (await r.json())["items"]
    assert [i["kind"] for i in items] == ["screenshot", "page"]
    assert items[0]["sha256"] == hashlib.sha256(SHOT).hexdigest()
    assert items[1]["original_name"] == "page.mhtml"

    status = await (await agent.get("/v1/vault")).json()
    assert status.pop("fingerprint").startswith("SHA256:")
    assert status == {"initialised": True, "unlocked": False, "objects": 2, "locks_in": None,
                      "min_passphrase": 8}
    assert (await error_of(await agent.get("/v1/vault/items"), 423))["code"] == "vault_locked"

    r = await unlock(agent)
    assert r.status == 200 and (await r.json())["unlocked"] is True
    listed = (await (await agent.get("/v1/vault/items?case=CASE-1")).json())["items"]
    shot = next(i for i in listed if i["kind"] == "screenshot")
    assert shot["complaint_id"] == "CMP-42" and shot["content_type"] == "image/png"
    assert shot["user_agent"] == "Mozilla/5.0 Chromium" and shot["page_title"] == "Complaint 42"
    assert shot["original_name"] == "shot.png"
    assert {i["case"] for i in listed} == {case_1.id}
    other = open_case(vault_home, "CMP-OTHER")
    assert (await (await agent.get(f"/v1/vault/items?case={other.id}")).json()) == {
        "items": [], "total": 0, "unreadable": []}

    await agent.post("/v1/vault/lock")
    assert (await (await agent.get("/v1/vault")).json())["unlocked"] is False


async def test_a_limit_lists_only_the_newest_items(vault_home, agent):
    for n in range(3):
        meta = {**CAPTURE_META, "captured_at": f"2026-03-0{n + 1}T08:00:00Z",
                "files": [{"kind": "screenshot"}]}
        await agent.post("/v1/evidence",
                         data=capture_form(meta, [(f"shot{n}.png", SHOT, "image/png")]))
    await unlock(agent)
    everything = await (await agent.get("/v1/vault/items")).json()
    names = [i["original_name"] for i in everything["items"]]
    assert names == ["shot0.png", "shot1.png", "shot2.png"] and everything["total"] == 3
    newest = await (await agent.get("/v1/vault/items?case=CASE-1&limit=2")).json()
    assert [i["original_name"] for i in newest["items"]] == ["shot1.png", "shot2.png"]
    assert newest["total"] == 3
    assert len((await (await agent.get("/v1/vault/items?limit=9")).json())["items"]) == 3
    for bad in ("0", "-1", "two", "1.5", "\uff11"):
        error = await error_of(await agent.get("/v1/vault/items", params={"limit": bad}), 400)
        assert error["key"] == "error.request.limit" and f"'{bad}'" in error["message"]


async def test_wrong_passphrase_is_403_and_never_echoed(vault_home, agent, caplog):
    caplog.set_level(logging.DEBUG)
    error = await error_of(await unlock(agent, "guess-guess-guess"), 403)
    assert error["code"] == "wrong_passphrase" and "guess" not in error["message"]
    assert "guess-guess-guess" not in caplog.text
    assert (await error_of(await agent.post("/v1/vault/unlock", json={}), 400))["code"] == \
        "bad_input"


async def test_no_vault_yet(agent):
    assert (await (await agent.get("/v1/vault")).json())["initialised"] is False
    error = await error_of(await agent.post("/v1/evidence", data=capture_form()), 409)
    assert error["code"] == "vault_missing" and "vault init" in error["message"]


async def test_eight_concurrent_captures(vault_home, agent):
    forms = [capture_form(meta={"kind": "screenshot", "note": str(n)},
                          files=[(f"s{n}.png", bytes([n]) * 300_000, "image/png")])
             for n in range(8)]
    responses = await asyncio.gather(*(agent.post("/v1/evidence", data=f) for f in forms))
    ids = []
    for r in responses:
        assert r.status == 201, await r.text()
        ids += [i["id"] for i in (await r.json())["items"]]
    assert len(set(ids)) == 8
    vault = Vault.open(vault_home)
    vault.unlock(VAULT_PASSPHRASE)
    report = vault.verify(deep=True)
    assert report.ok and report.objects == 8 and report.journal_entries == 9
    assert sorted(vault.item(i).note for i in ids) == [str(n) for n in range(8)]


@pytest.mark.parametrize("form, status, words", [
    (lambda: capture_form(meta={"kind": "selfie"}), 400, "kind must be one of"),
    (lambda: capture_form(files=()), 400, "No file part"),
    (lambda: capture_form(meta={**CAPTURE_META, "files": [{"sha256": "0" * 64}]}), 400,
     "changed between capture and storage"),
    (lambda: capture_form(meta={"files": [{}, {}, {}]}), 400, "more entries than"),
    (lambda: capture_form(files=[("a", b"x", "text/plain")] * 21), 400, "at most 20"),
    (lambda: capture_form(files=[("p.mhtml", PAGE, "multipart/related")]), 400,
     "application/x-mimearchive"),
])
async def test_bad_captures_add_nothing(vault_home, agent, form, status, words):
    error = await error_of(await agent.post("/v1/evidence", data=form()), status)
    assert words in error["message"]
    assert Vault.open(vault_home).count() == 0


async def test_capture_needs_multipart_and_a_token(vault_home, agent):
    r = await agent.post("/v1/evidence", json={"kind": "other"})
    assert (await error_of(r, 415))["code"] == "unsupported_media_type"
    r = await agent.post("/v1/evidence", data=capture_form(), auth=False)
    assert r.status == 401
    form = aiohttp.FormData()
    form.add_field("meta", "{not json", content_type="application/json")
    form.add_field("file", b"x", filename="x.bin")
    assert "not valid JSON" in (await error_of(await agent.post("/v1/evidence", data=form),
                                               400))["message"]


async def test_export_from_the_agent_is_a_valid_bundle(vault_home, agent, tmp_path, case_1):
    await agent.post("/v1/evidence", data=capture_form())
    assert (await error_of(await agent.post("/v1/vault/export", json={"case": "CASE-1"}),
                           423))["code"] == "vault_locked"
    await unlock(agent)
    r = await agent.post("/v1/vault/export", json={"case": "CASE-1"})
    assert r.status == 200 and r.content_type == "application/zip"
    assert f'filename="appeal-{case_1.id}.zip"' in r.headers["Content-Disposition"]
    data = await r.read()
    assert hashlib.sha256(data).hexdigest() == r.headers["X-Bundle-SHA256"]
    path = tmp_path / "b.zip"
    path.write_bytes(data)
    assert verify_bundle(path).ok
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert "screenshot/20260301-080000_shot.png" in zf.namelist()



@pytest.mark.parametrize("case", ['x"; filename="evil.exe', "x\r\nSet-Cookie: a=b", "../ü\x00"])
async def test_an_unknown_case_is_refused_listing_the_open_cases(vault_home, agent, case, case_1):
    """A case is a case id or a complaint ID: free text (here, text that would break the
    bundle's Content-Disposition) is refused with the open cases in both languages, and a
    capture naming it seals nothing."""
    error = await error_of(await agent.post(
        "/v1/evidence", data=capture_form(meta={**CAPTURE_META, "case": case})), 404)
    assert error["code"] == "unknown_case"
    assert error["open_cases"] == [{"id": case_1.id, "complaint_id": "CASE-1",
                                    "complainant": "Bright Lens Studio LLC"}]
    assert error["message"].startswith("No case ")
    assert f"{case_1.id} (CASE-1, Bright Lens Studio LLC)" in error["message"]
    error = await error_of(await agent.post(
        "/v1/evidence", data=capture_form(meta={**CAPTURE_META, "case": case}),
        headers={"Accept-Language": "zh-CN"}), 404)
    assert f"{case_1.id} (CASE-1, Bright Lens Studio LLC)" in error["message"]
    assert error["message"].startswith("没有案件")
    assert (await (await agent.get("/v1/vault")).json())["objects"] == 0
    await unlock(agent)
    r = await agent.post("/v1/vault/export", json={"case": case})
    assert (await error_of(r, 404))["code"] == "unknown_case"
    assert "Set-Cookie" not in r.headers and "Content-Disposition" not in r.headers

@pytest.fixture
def short_idle(home):
    (home / "config.json").write_text(json.dumps({"vault_idle_lock_seconds": 2}))


async def test_idle_auto_lock(short_idle, vault_home, agent):
    await unlock(agent)
    status = await (await agent.get("/v1/vault")).json()
    assert status["unlocked"] is True and 0 < status["locks_in"] <= 2
    # Locked once 2 s idle have passed: asked until then, with a bound for a loaded machine.
    deadline = time.monotonic() + 60
    while (await (await agent.get("/v1/vault")).json())["unlocked"]:
        assert time.monotonic() < deadline, "the vault did not lock itself when idle"
        await asyncio.sleep(0.1)
    r = await agent.post("/v1/evidence", data=capture_form())
    assert r.status == 201  # capture still works once locked


async def test_passwd_while_the_agent_runs(vault_home, agent):
    """The CLI changes the passphrase under a running agent: the new one unlocks there."""
    await agent.post("/v1/evidence", data=capture_form())
    Vault.open(vault_home).passwd(VAULT_PASSPHRASE, "changed passphrase")
    assert (await error_of(await unlock(agent), 403))["code"] == "wrong_passphrase"
    r = await unlock(agent, "changed passphrase")
    assert r.status == 200
    assert len((await (await agent.get("/v1/vault/items")).json())["items"]) == 2


async def test_export_on_a_full_disk_is_disk_full_and_leaves_nothing(vault_home, agent,
                                                                     monkeypatch):
    await agent.post("/v1/evidence", data=capture_form())
    await unlock(agent)

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", no_space)
    error = await error_of(await agent.post("/v1/vault/export", json={"case": "CASE-1"}), 507)
    assert error["code"] == "disk_full" and "disk is full" in error["message"]
    assert not [p.name for p in vault_home.iterdir() if p.name.startswith(".export-")]


def test_export_on_a_real_full_disk(tiny_disk):
    from iprdesk.vault.crypto import KdfParams

    vault = Vault.create(tiny_disk, VAULT_PASSPHRASE, kdf=KdfParams.floor())
    case = open_case(tiny_disk, "CASE-1")
    vault.add(os.urandom(200_000), {"kind": "other", "case": case.id})
    auth = AuthStore(tiny_disk)
    token = auth.redeem(auth.new_code()[0])
    with AgentProcess(tiny_disk) as running:
        def call(path, body):
            request = urllib.request.Request(
                running.url + path, method="POST", data=json.dumps(body).encode(),
                headers={"Authorization": f"Bearer {token}",
                         "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=30) as r:
                    return r.status, r.read()
            except urllib.error.HTTPError as e:
                return e.code, e.read()

        status, body = call("/v1/vault/unlock", {"passphrase": VAULT_PASSPHRASE})
        assert status == 200, body
        fill_disk(tiny_disk)
        status, body = call("/v1/vault/export", {"case": "CASE-1"})
    assert status == 507, body
    assert json.loads(body)["error"]["code"] == "disk_full"
    assert not [p.name for p in tiny_disk.iterdir() if p.name.startswith(".export-")]
