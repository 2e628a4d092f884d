"""Formats that must keep opening: a vault made once and committed (tests/data/
known-answer-vault, see its README), and known-answer vectors for the primitives whose
format is the vault's own, in the manner of age's testkit (fixed inputs, expected bytes)."""

import hashlib
import io
import shutil
from pathlib import Path

import blake3
import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from iprdesk.vault import Vault, crypto, objects
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



# Made once each (2026-12-07, tests/data/known-answer-vault-N/README.md): journal format 2 (by
# iprdesk before format 3: objects bound by the SHA-256 of their file) and format 3 (by BLAKE3).
# Each holds an add of two objects, a signed checkpoint and an unsigned add of one.
BY_FORMAT = {
    2: ("sha256", ["065d9ed3e9a048bc", "f773a5c351226435", "0f93cf650c74e3f6"]),
    3: ("blake3", ["99fd9252823bd1f2", "3331b4f16ee3e89b", "a4fdd83860af9491"]),
}


def known_contents(tag: str) -> list[bytes]:
    return [bytes(range(256)) * 300 + f"付款凭证 / known answer {tag}".encode(),
            f"\x89PNG\r\n\x1a\n known-answer screenshot {tag}".encode("latin-1"),
            f"known answer {tag}".encode()]


def known_vault(tmp_path, version: int) -> Vault:
    shutil.copytree(DATA.with_name(f"known-answer-vault-{version}") / "vault",
                    Vault.location(tmp_path))
    return Vault.open(tmp_path)


def flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("version", sorted(BY_FORMAT))
def test_the_known_answer_vaults_of_journal_formats_2_and_3_open_read_and_verify(tmp_path,
                                                                                version):
    key, ids = BY_FORMAT[version]
    vault = known_vault(tmp_path, version)
    entries = vault.journal.read()[0]
    assert [(e.op, e.version) for e in entries] == [
        ("init", version), ("add", version), ("checkpoint", version), ("add", version)]
    assert [sorted(o) for e in entries for o in e.fields.get("objects", [])] == [
        sorted(["id", key])] * 3
    report = vault.verify(deep=False)  # without the passphrase
    assert report.ok, report.problems
    assert (report.objects, report.signed_through) == (3, 3)
    vault.unlock(PASSPHRASE)
    contents = known_contents(str(version))
    assert [vault.read(i) for i in ids] == contents
    assert [i.sha256 for i in vault.list()] == [hashlib.sha256(c).hexdigest() for c in contents]
    assert vault.verify(deep=True).ok


def test_a_format_2_vault_takes_format_3_adds_and_verify_checks_both_bindings(tmp_path):
    """Nothing is migrated: the old objects stay bound by SHA-256, the new by BLAKE3, and a
    flipped byte in either is named without the passphrase."""
    old_ids = BY_FORMAT[2][1]
    new = known_vault(tmp_path, 2).add(b"added by journal format 3", {"kind": "other"})
    vault = Vault.open(tmp_path)
    last = vault.journal.read()[0][-1]
    assert last.version == 3 and last.fields["objects"] == [{
        "id": new, "blake3": blake3.blake3((vault.objects_dir / new).read_bytes()).hexdigest()}]
    assert vault.verify(deep=False).ok
    vault.unlock(PASSPHRASE)
    assert vault.checkpoint().version == 3 and vault.verify().signed_through == 6
    flip(vault.objects_dir / old_ids[0], objects.HEADER_LEN + 70_000)  # inside its 2nd chunk
    flip(vault.objects_dir / new, objects.HEADER_LEN + 3)
    problems = [p.text("en") for p in Vault.open(tmp_path).verify(deep=False).problems]
    assert sorted(problems) == sorted(
        f"object {i} was altered: its bytes differ from what the journal recorded"
        for i in (old_ids[0], new))


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
