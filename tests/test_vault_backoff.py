"""Wrong passphrases slow down the next try (backoff.py), in the core, the agent and the CLI,
timed by a fake clock: nothing here sleeps."""

import json

import pytest

from iprdesk.server.http import STATE_KEY
from iprdesk.vault import PassphraseBackoff, Vault, WrongPassphrase, backoff
from iprdesk.vault.crypto import KdfParams
from tests.conftest import VAULT_PASSPHRASE
from tests.helpers import iprdesk


class Clock:
    def __init__(self, now=1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def state_file(home):
    return Vault.location(home) / backoff.FILE


def fail(vault) -> WrongPassphrase:
    with pytest.raises(WrongPassphrase) as caught:
        vault.unlock("not the passphrase")
    return caught.value


def refused(vault, passphrase=VAULT_PASSPHRASE) -> PassphraseBackoff:
    with pytest.raises(PassphraseBackoff) as caught:
        vault.unlock(passphrase)
    return caught.value


def test_delays_double_from_one_second_up_to_the_cap():
    assert [backoff.delay_after(n) for n in range(10)] == [0, 0, 0, 1, 2, 4, 8, 16, 30, 30]


def test_wrong_passphrases_slow_the_next_try_and_the_right_one_clears(vault_home, monkeypatch):
    clock = Clock()
    vault = Vault.open(vault_home, clock=clock)
    assert fail(vault).retry_in == 0 and fail(vault).retry_in == 0  # typos cost nothing
    third = fail(vault)
    assert third.retry_in == 1
    assert third.text("en") == "Wrong passphrase for the evidence vault; try again in 1 s."
    assert third.text("zh_CN") == "证据库密码不正确，请在 1 秒后再试。"
    derived = []
    monkeypatch.setattr(KdfParams, "derive", lambda self, secret: derived.append(1))
    # Even the right passphrase is refused during the delay, at once, without Argon2id.
    early = refused(vault)
    assert (early.retry_in, early.status, early.headers) == (1, 429, {"Retry-After": "1"})
    assert "try again in 1 s" in early.text("en") and "1 秒后再试" in early.text("zh_CN")
    assert derived == []
    monkeypatch.undo()
    clock.now += 1
    assert fail(vault).retry_in == 2
    clock.now += 1.5
    assert refused(vault).retry_in == 1  # 0.5 s left, said as a whole second
    clock.now += 0.5
    vault.unlock(VAULT_PASSPHRASE)
    assert vault.unlocked and not state_file(vault_home).exists()
    vault.lock()
    assert fail(vault).retry_in == 0  # the count started over


def test_the_delay_is_capped(vault_home):
    clock = Clock()
    vault = Vault.open(vault_home, clock=clock)
    waits = [fail(vault).retry_in]
    for _ in range(8):
        clock.now += waits[-1]
        waits.append(fail(vault).retry_in)
    assert waits == [0, 0, 1, 2, 4, 8, 16, 30, 30]
    assert refused(vault).retry_in == 30
    clock.now += 30
    vault.unlock(VAULT_PASSPHRASE)


def test_the_count_outlives_the_process_and_a_clock_set_back(vault_home):
    clock = Clock()
    for wait in (0, 0, 0, 1):  # each try in a new Vault, as a new process would make
        clock.now += wait
        fail(Vault.open(vault_home, clock=clock))
    assert json.loads(state_file(vault_home).read_text()) == {"failures": 4,
                                                               "last_failure": clock.now}
    assert refused(Vault.open(vault_home, clock=clock)).retry_in == 2
    clock.now -= 86400  # the computer's clock was wrong by a day: still only the delay
    assert refused(Vault.open(vault_home, clock=clock)).retry_in == 2


def test_passwd_counts_too(vault):
    clock = Clock()
    vault.backoff.clock = clock
    for _ in range(3):
        with pytest.raises(WrongPassphrase):
            vault.passwd("not the passphrase", "a new passphrase")
    with pytest.raises(PassphraseBackoff):
        vault.passwd(VAULT_PASSPHRASE, "a new passphrase")
    clock.now += 1
    vault.passwd(VAULT_PASSPHRASE, "a new passphrase")


@pytest.mark.parametrize("content", ["{", '{"failures": "many"}', "[]"])
def test_an_unreadable_count_is_ignored(vault_home, content):
    state_file(vault_home).write_text(content)
    assert fail(Vault.open(vault_home)).retry_in == 0  # counted from zero
    Vault.open(vault_home).unlock(VAULT_PASSPHRASE)
    assert not state_file(vault_home).exists()


async def test_the_agent_answers_429_with_retry_after(vault_home, agent):
    clock = Clock()
    agent.raw.server.app[STATE_KEY].services.vault.session.clock = clock

    async def unlock(passphrase):
        r = await agent.post("/v1/vault/unlock", json={"passphrase": passphrase})
        return r, await r.json()

    for _ in range(2):
        r, body = await unlock("not the passphrase")
        assert r.status == 403 and "try again" not in body["error"]["message"]
    r, body = await unlock("not the passphrase")
    assert r.status == 403 and body["error"]["code"] == "wrong_passphrase"
    assert "try again in 1 s" in body["error"]["message"]
    r, body = await unlock(VAULT_PASSPHRASE)
    assert r.status == 429 and r.headers["Retry-After"] == "1"
    assert body["error"]["code"] == "passphrase_backoff"
    assert "try again in 1 s" in body["error"]["message"]
    clock.now += 1
    r, body = await unlock(VAULT_PASSPHRASE)
    assert r.status == 200 and body["unlocked"] is True


def test_the_cli_counts_and_refuses(vault_home):
    wrong = {"IPRDESK_PASSPHRASE": "not the passphrase"}
    for _ in range(3):
        done = iprdesk("vault", "list", home=vault_home, env=wrong, check=False)
        assert done.returncode == 1 and "Wrong passphrase" in done.stderr
    assert json.loads(state_file(vault_home).read_text())["failures"] == 3
    # A last failure in the future stands for "just now" whatever the real clock says: the
    # wait is then the whole delay, here the cap.
    state_file(vault_home).write_text(json.dumps({"failures": 20, "last_failure": 4e9}))
    done = iprdesk("vault", "list", home=vault_home, check=False,
                   env={"IPRDESK_PASSPHRASE": VAULT_PASSPHRASE})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        "error: Too many wrong passphrases for the evidence vault: try again in 30 s.")
    done = iprdesk("vault", "list", home=vault_home, check=False,
                   env={"IPRDESK_PASSPHRASE": VAULT_PASSPHRASE, "LANG": "zh_CN.UTF-8"})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip() == "error: 证据库密码错误次数过多，请在 30 秒后再试。"
