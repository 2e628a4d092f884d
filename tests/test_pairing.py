"""Pairing codes and tokens: one-time, expiring, limited tries, stored only as hashes."""

import json

import pytest

from iprdesk.pairing import CODE_TRIES, CODE_TTL_SECONDS, AuthStore, PairingFailed


def test_a_code_gives_one_token_and_only_hashes_are_stored(home):
    auth = AuthStore(home)
    code, expires = auth.new_code(now=1000.0)
    assert expires == 1000.0 + CODE_TTL_SECONDS
    token = auth.redeem(code, now=1001.0)
    stored = (home / "auth.json").read_text()
    assert token not in stored and code.replace("-", "") not in stored
    assert auth.verify(token)
    assert auth.verify(token + "x") is None
    with pytest.raises(PairingFailed):
        auth.redeem(code, now=1002.0)


def test_codes_expire_after_ten_minutes(home):
    auth = AuthStore(home)
    code, _ = auth.new_code(now=1000.0)
    with pytest.raises(PairingFailed, match="expired"):
        auth.redeem(code, now=1000.0 + CODE_TTL_SECONDS + 1)


def test_five_wrong_tries_burn_the_code(home):
    auth = AuthStore(home)
    code, _ = auth.new_code()
    for left in range(CODE_TRIES - 1, 0, -1):
        with pytest.raises(PairingFailed, match=f"{left} tries left"):
            auth.redeem("WRNG-CODE")
    with pytest.raises(PairingFailed, match="new code"):
        auth.redeem("WRNG-CODE")
    with pytest.raises(PairingFailed, match="expired"):
        auth.redeem(code)


def test_codes_are_forgiving_about_case_and_dashes(home):
    auth = AuthStore(home)
    code, _ = auth.new_code()
    assert auth.redeem(" " + code.lower().replace("-", " ") + " ")


def test_revoked_tokens_stop_working_at_once(home):
    auth = AuthStore(home)
    code, _ = auth.new_code()
    token = auth.redeem(code)
    other_process_view = AuthStore(home)
    assert other_process_view.verify(token)
    [info] = auth.tokens()
    auth.revoke(info.id)
    assert other_process_view.verify(token) is None
    assert json.loads((home / "auth.json").read_text())["tokens"] == []
