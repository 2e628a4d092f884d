"""The vault routes the browser's desk uses to create the vault and change its passphrase
(POST /v1/vault/init, POST /v1/vault/passphrase), on a real loopback socket: the vault on
disk afterwards, the passphrase rule, a vault already there, hostile bodies, and passphrases
kept out of logs and errors."""

import asyncio
import logging

import pytest

from iprdesk.vault import Vault
from iprdesk.vault.crypto import KdfParams
from iprdesk.vault.store import MIN_PASSPHRASE
from tests.conftest import VAULT_PASSPHRASE

NEW = "a new and longer passphrase"


@pytest.fixture(autouse=True)
def floor_kdf(monkeypatch):
    """The floor's Argon2id (RFC 9106's second option) instead of calibrating: same code."""
    monkeypatch.setattr(KdfParams, "calibrated", classmethod(lambda cls, *a, **k: cls.floor()))


async def error_of(response, status):
    assert response.status == status, await response.text()
    return (await response.json())["error"]


async def status_of(agent):
    return await (await agent.get("/v1/vault")).json()


async def test_status_names_the_passphrase_rule_before_a_vault_exists(home, agent):
    assert await status_of(agent) == {"initialised": False, "unlocked": False, "objects": 0,
                                      "locks_in": None, "min_passphrase": MIN_PASSPHRASE}


async def test_init_creates_an_unlocked_vault_that_opens_with_that_passphrase(home, agent,
                                                                              caplog):
    caplog.set_level(logging.DEBUG)
    r = await agent.post("/v1/vault/init", json={"passphrase": VAULT_PASSPHRASE})
    assert r.status == 201, await r.text()
    created = await r.json()
    assert created["initialised"] and created["unlocked"] and created["locks_in"] > 0
    status = await status_of(agent)
    assert status["initialised"] and status["unlocked"]
    assert status["fingerprint"] == created["fingerprint"]
    # Unlocked as said: the evidence list opens without a passphrase.
    assert (await agent.get("/v1/vault/items")).status == 200
    # The vault on disk is the one the passphrase opens, and nothing else does.
    vault = Vault.open(home)
    vault.unlock(VAULT_PASSPHRASE)
    assert VAULT_PASSPHRASE not in caplog.text


async def test_a_short_passphrase_makes_no_vault(home, agent):
    short = "x" * (MIN_PASSPHRASE - 1)
    error = await error_of(await agent.post("/v1/vault/init", json={"passphrase": short}), 400)
    assert error["code"] == "weak_passphrase" and str(MIN_PASSPHRASE) in error["message"]
    assert short not in error["message"]
    assert not Vault.location(home).exists()
    assert (await status_of(agent))["initialised"] is False


async def test_init_over_a_vault_leaves_it_as_it_was(vault_home, agent):
    header = (Vault.location(vault_home) / "vault.json").read_bytes()
    error = await error_of(await agent.post("/v1/vault/init", json={"passphrase": NEW}), 409)
    assert error["code"] == "vault_exists"
    assert (Vault.location(vault_home) / "vault.json").read_bytes() == header
    assert (await status_of(agent))["unlocked"] is False


async def test_two_inits_at_once_make_one_vault(home, agent):
    answers = await asyncio.gather(
        agent.post("/v1/vault/init", json={"passphrase": VAULT_PASSPHRASE}),
        agent.post("/v1/vault/init", json={"passphrase": NEW}))
    assert sorted(r.status for r in answers) == [201, 409]
    winner = VAULT_PASSPHRASE if answers[0].status == 201 else NEW
    Vault.open(home).unlock(winner)


async def test_change_passphrase(vault_home, agent, caplog):
    caplog.set_level(logging.DEBUG)
    header = (Vault.location(vault_home) / "vault.json").read_bytes()
    wrong = await agent.post("/v1/vault/passphrase",
                             json={"passphrase": "not-the-passphrase", "new_passphrase": NEW})
    error = await error_of(wrong, 403)
    assert error["code"] == "wrong_passphrase" and "not-the-passphrase" not in error["message"]
    weak = await agent.post("/v1/vault/passphrase",
                            json={"passphrase": VAULT_PASSPHRASE, "new_passphrase": "short"})
    assert (await error_of(weak, 400))["code"] == "weak_passphrase"
    # Neither changed anything.
    assert (Vault.location(vault_home) / "vault.json").read_bytes() == header

    r = await agent.post("/v1/vault/passphrase",
                         json={"passphrase": VAULT_PASSPHRASE, "new_passphrase": NEW})
    assert r.status == 200, await r.text()
    assert (await r.json())["unlocked"] is True
    # Unlocked still (the agent's own change does not count as a vault changed under it).
    assert (await status_of(agent))["unlocked"] is True
    assert (await agent.get("/v1/vault/items")).status == 200
    await agent.post("/v1/vault/lock")
    old = await agent.post("/v1/vault/unlock", json={"passphrase": VAULT_PASSPHRASE})
    assert (await error_of(old, 403))["code"] == "wrong_passphrase"
    assert (await agent.post("/v1/vault/unlock", json={"passphrase": NEW})).status == 200
    for secret in (VAULT_PASSPHRASE, NEW, "not-the-passphrase"):
        assert secret not in caplog.text


async def test_change_passphrase_without_a_vault(home, agent):
    r = await agent.post("/v1/vault/passphrase",
                         json={"passphrase": VAULT_PASSPHRASE, "new_passphrase": NEW})
    assert (await error_of(r, 409))["code"] == "vault_missing"


@pytest.mark.parametrize("path", ["/v1/vault/init", "/v1/vault/passphrase"])
@pytest.mark.parametrize(("body", "status", "code"), [
    ("not json", 400, "bad_input"),
    ("[1, 2]", 400, "bad_input"),
    ("{}", 400, "bad_input"),
    ('{"passphrase": 12345678, "new_passphrase": 12345678}', 400, "bad_input"),
    ('{"passphrase": "", "new_passphrase": ""}', 400, "bad_input"),
    ('{"passphrase": ["correct horse battery"], "new_passphrase": null}', 400, "bad_input"),
    ('{"passphrase": "' + "p" * 5000 + '", "new_passphrase": "x"}', 413, None),
])
async def test_hostile_bodies_change_nothing(home, agent, path, body, status, code):
    r = await agent.post(path, data=body, headers={"Content-Type": "application/json"})
    error = await error_of(r, status)
    if code:
        assert error["code"] == code
    assert "correct horse" not in error["message"]
    assert not Vault.location(home).exists()


async def test_passphrases_only_in_a_json_body(home, agent):
    r = await agent.post("/v1/vault/init", data=f"passphrase={VAULT_PASSPHRASE}",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (await error_of(r, 415))["code"] == "unsupported_media_type"
    assert not Vault.location(home).exists()


async def test_the_routes_want_the_paired_extension(home, agent):
    r = await agent.post("/v1/vault/init", json={"passphrase": VAULT_PASSPHRASE}, auth=False)
    assert r.status == 401
    assert not Vault.location(home).exists()
