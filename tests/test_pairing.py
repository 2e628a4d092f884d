"""Pairing codes and tokens: one-time, expiring, limited tries, stored only as hashes."""

import errno
import json
import os

import pytest
from click.testing import CliRunner

from iprdesk.cli import main
from iprdesk.errors import DiskFull
from iprdesk.server import pairing
from iprdesk.server.pairing import CODE_TRIES, CODE_TTL_SECONDS, AuthStore, PairingFailed
from tests.conftest import fill_disk
from tests.helpers import iprdesk


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
        tries = "try" if left == 1 else "tries"
        with pytest.raises(PairingFailed, match=f"{left} {tries} left"):
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


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_pairing_on_a_full_disk_is_a_clean_disk_full_error(home, monkeypatch):
    monkeypatch.setattr(pairing, "atomic_write_json", _no_space)
    with pytest.raises(DiskFull, match="disk is full") as caught:
        AuthStore(home).new_code()
    assert caught.value.status == 507 and caught.value.code == "disk_full"
    result = CliRunner().invoke(main, ["pair", "--home", str(home)])
    assert result.exit_code == 1, result.output
    assert "error: The disk is full: no pairing code was made" in result.output
    result = CliRunner().invoke(main, ["pair", "--home", str(home), "--lang", "zh_CN"])
    assert result.exit_code == 1, result.output
    assert "error: 磁盘已满（未生成配对码）" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_pair_on_a_real_full_disk(tiny_disk):
    auth = AuthStore(tiny_disk)
    token = auth.redeem(auth.new_code()[0])
    fill_disk(tiny_disk)
    result = iprdesk("pair", home=tiny_disk, check=False)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "disk is full" in result.stderr
    assert AuthStore(tiny_disk).verify(token)  # the old auth.json is intact
    assert not [n for n in os.listdir(tiny_disk) if n.endswith(".tmp")]
