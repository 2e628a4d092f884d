"""Formats that must keep opening: a vault made once and committed (tests/data/
known-answer-vault, see its README), and known-answer vectors for the primitives whose
format is the vault's own, in the manner of age's testkit (fixed inputs, expected bytes)."""

import hashlib
import io
import shutil
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from iprdesk.vault import Vault, crypto
from iprdesk.vault.crypto import CHUNK, KdfParams
from iprdesk.vault.journal import Journal

DATA = Path(__file__).parent / "data" / "known-answer-vault"
PASSPHRASE = "known answer passphrase"
RECEIPT = bytes(range(256)) * 300 + "付款凭证 / known answer".encode()
SCREENSHOT = b"\x89PNG\r\n\x1a\n known-answer screenshot"


def test_the_known_answer_vault_opens_lists_reads_and_verifies(tmp_path):
    shutil.copytree(DATA / "vault", Vault.location(tmp_path))
    vault = Vault.open(tmp_path)
    assert vault.verify(deep=False).ok
    vault.unlock(PASSPHRASE)
    items = vault.list()
    assert [(i.id, i.kind, i.case, i.original_name, i.source_url, i.captured_at, i.size)
            for i in items] == [
        ("5670f4598d1cce01", "payment", "KAT-1", "付款凭证.pdf", None,
         "2026-12-02T10:00:00Z", len(RECEIPT)),
        ("cb8ba3eb618bb46e", "screenshot", "KAT-1", None, "https://merchant.joom.com/complaints/1",
         "2026-12-02T10:01:00Z", len(SCREENSHOT))]
    assert vault.read("5670f4598d1cce01") == RECEIPT
    assert vault.read("cb8ba3eb618bb46e") == SCREENSHOT
    assert items[0].sha256 == hashlib.sha256(RECEIPT).hexdigest()
    report = vault.verify(deep=True)
    assert report.ok, report.problems
    assert report.objects == 2 and report.journal_entries == 4


def test_the_known_answer_vault_takes_adds_and_becomes_settled(tmp_path, monkeypatch):
    """Made before staging/ and the settled marker: the first add recovers in full and leaves
    the marker, the next ones read no journal."""
    shutil.copytree(DATA / "vault", Vault.location(tmp_path))
    first = Vault.open(tmp_path).add(b"first new item", {"kind": "other"})
    root = Vault.location(tmp_path)
    assert (root / "settled").is_file() and (root / "staging").is_dir()

    def refused(*args, **kwargs):
        raise AssertionError("the whole journal was read")

    monkeypatch.setattr(Journal, "audit", refused)
    second = Vault.open(tmp_path).add(b"second new item", {"kind": "other"})
    monkeypatch.undo()
    vault = Vault.open(tmp_path)
    vault.unlock(PASSPHRASE)
    assert sorted(i.id for i in vault.list()) == sorted(["5670f4598d1cce01", "cb8ba3eb618bb46e",
                                                       first, second])
    assert vault.read(second) == b"second new item"
    report = vault.verify(deep=True)
    assert report.ok, report.problems
    assert report.objects == 4 and report.journal_entries == 6


# -- primitives -------------------------------------------------------------------------------

KEY = bytes(range(32))
AD = b"iprdobj1" + b"0123456789abcdef"


def test_argon2id_known_answer():
    params = KdfParams(salt=bytes(range(16)), iterations=3, memory_kib=64 * 1024, lanes=4)
    assert params.derive(b"known answer passphrase").hex() == (
        "3320b7026b14b8811342cb6f7bc578d6ff60e3f9ccdea534e205a49dcd61293b")


def test_subkeys_known_answer():
    payload, meta = crypto.subkeys(KEY)
    assert payload.hex() == (
        "a94db91517509cf5f5ae1dc8f9450822270eb04d33ae81e6f928493a258053cd")
    assert meta.hex() == (
        "d57e0ef2c1dc42e94ecf93364c320976903b56575e770f8e53bd7e21ec84c2a5")


def test_unseal_known_answer():
    recipient = X25519PrivateKey.from_private_bytes(bytes(range(32, 64)))
    ephemeral = bytes.fromhex("ef181328ff35a489951edb1790f60be3fa36dc22e21f7810f5586fad90405b32")
    sealed = bytes.fromhex("8a0d1d1390a534b76a22e7e6d39a170475e8bdf097f12c4d532db3ddf605fd3d"
                           "1229c31e2c5a148b42142c34d8034742")
    assert crypto.unseal(recipient, ephemeral, sealed, AD) == KEY


def test_stream_known_answer():
    """One full chunk and a final short one: nonce = 11-byte counter || final flag."""
    plain = bytes(n % 251 for n in range(CHUNK + 5))
    with crypto.stream_buffers() as buffers:
        sealed = b"".join(bytes(c) for _, c in crypto.stream_encrypt(KEY, AD, io.BytesIO(plain),
                                                                      buffers))
    assert hashlib.sha256(sealed).hexdigest() == (
        "9aa0df0ca4a0ea63e8a8a79800f1c9e4d57de06eb629c6ac9b7cc6dc9de58c80")
    assert sealed[-21:].hex() == "71179b6ad7bae33e95a8b0bd67aec44d69dd9e0a69"
    assert b"".join(crypto.stream_decrypt(KEY, AD, io.BytesIO(sealed), len(sealed))) == plain
