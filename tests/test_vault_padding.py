"""Object format 2: content padded to a Padmé length, the padding's length authenticated inside
the stream (objects.py). Known-answer objects in tests/data/known-answer-objects (see its
README); format 1 keeps opening (tests/test_vault_known_answer.py)."""

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from iprdesk.vault import Vault, VaultDamaged, crypto, objects
from iprdesk.vault.crypto import CHUNK, TAG_LEN, Damaged
from tests.test_vault_known_answer import DATA as KNOWN_ANSWER_VAULT
from tests.test_vault_known_answer import PASSPHRASE as KNOWN_ANSWER_PASSPHRASE

OBJECTS = Path(__file__).parent / "data" / "known-answer-objects"
PRIVATE = X25519PrivateKey.from_private_bytes(bytes(range(32, 64)))


def test_padme_known_answers():
    """Of a length of exponent E = floor(log2 L), all but the top floor(log2 E) + 1 bits are
    rounded up (Nikitin et al., PURBs, 2019)."""
    lengths = [1, 2, 7, 8, 9, 15, 17, 100, 1000, 65536, 65538, 100_000, 10**6, 100 * 2**20]
    assert [crypto.padme(n) for n in lengths] == [
        1, 2, 7, 8, 10, 16, 18, 104, 1024, 65536, 67584, 100352, 1015808, 104857600]
    assert crypto.padme(100 * 2**20 + 1) == 100 * 2**20 + 2**21


def test_object_sizes_no_longer_give_the_content_size_away(vault):
    sizes = [98_300, 99_000, 100_000, 100_344]
    contents = [os.urandom(n) for n in sizes]
    ids = [vault.add(c, {"kind": "receipt"}) for c in contents]
    files = {(vault.objects_dir / i).stat().st_size for i in ids}
    assert len(files) == 1  # padme(size + 8) = 100352 for every one of them
    assert files.pop() - max(sizes) < 0.032 * max(sizes) + 1024  # Padmé step + header, meta
    assert [vault.read(i) for i in ids] == contents
    assert [vault.item(i).size for i in ids] == sizes
    assert vault.verify(deep=True).ok


@pytest.mark.parametrize("size", [0, 1, CHUNK - 8, CHUNK - 7, CHUNK - 6, CHUNK, 3 * CHUNK + 10])
def test_content_ending_anywhere_in_the_chunks_round_trips(vault, size):
    data = os.urandom(size)
    object_id = vault.add(data, {"kind": "other"})
    assert vault.read(object_id) == data
    assert b"".join(vault.chunks(object_id)) == data
    assert vault.verify(deep=True).ok


def _payload(path: Path) -> tuple[bytes, int]:
    raw = path.read_bytes()
    (meta_len,) = objects.TRAILER.unpack(raw[-4:])
    return raw, len(raw) - 4 - meta_len


def test_a_change_in_the_padding_alone_is_caught(vault):
    """The content ends in chunk 0; chunk 1 holds only padding and its length."""
    object_id = vault.add(os.urandom(CHUNK - 6), {"kind": "other"})
    path = vault.objects_dir / object_id
    raw, end = _payload(path)
    assert end - objects.HEADER_LEN == CHUNK + TAG_LEN + 2048 + TAG_LEN
    doctored = bytearray(raw)
    doctored[end - TAG_LEN - 100] ^= 1  # among the zeros of chunk 1
    path.write_bytes(bytes(doctored))
    with pytest.raises(VaultDamaged, match="chunk 1 fails authentication"):
        vault.read(object_id)
    assert any(object_id in p for p in vault.verify(deep=True).problems)


def test_a_padding_length_beyond_the_stream_is_damage(vault):
    """Only the file key can write one (a writer's bug): still a clean error, not a crash."""
    object_id = vault.add(b"short content", {"kind": "other"})
    path = vault.objects_dir / object_id
    raw, end = _payload(path)
    header = objects.Header.parse(raw[:objects.HEADER_LEN])
    file_key = crypto.unseal(vault._keys.x25519, header.ephemeral, header.sealed_key,
                             header.sealing_ad)
    aead = AESGCM(crypto.subkeys(file_key)[0])
    nonce = bytes(11) + b"\x01"  # chunk 0, the final one
    plain = aead.decrypt(nonce, raw[objects.HEADER_LEN:end], header.raw)
    forged = aead.encrypt(nonce, plain[:-8] + (len(plain)).to_bytes(8, "big"), header.raw)
    path.write_bytes(raw[:objects.HEADER_LEN] + forged + raw[end:])
    with pytest.raises(VaultDamaged, match="padding is longer than the content"):
        vault.read(object_id)


def test_the_format_cannot_be_changed_by_its_magic(vault, tmp_path):
    """The magic is authenticated: a format-2 object relabelled 1 (its padding would read as
    content) and a format-1 object relabelled 2 both fail to open."""
    object_id = vault.add(b"padded content", {"kind": "other"})
    path = vault.objects_dir / object_id
    path.write_bytes(b"iprdobj1" + path.read_bytes()[8:])
    with pytest.raises(VaultDamaged, match="sealed key does not open"):
        vault.read(object_id)
    home = tmp_path / "old"
    shutil.copytree(KNOWN_ANSWER_VAULT / "vault", Vault.location(home))
    old = Vault.open(home)
    old.unlock(KNOWN_ANSWER_PASSPHRASE)
    old_path = old.objects_dir / "cb8ba3eb618bb46e"
    assert old_path.read_bytes().startswith(b"iprdobj1")
    old_path.write_bytes(b"iprdobj2" + old_path.read_bytes()[8:])
    with pytest.raises(VaultDamaged, match="sealed key does not open"):
        old.read("cb8ba3eb618bb46e")


# -- known answers ------------------------------------------------------------------------------

KNOWN = {
    "f2a0000000000001": (
        b"", 404, "1af4acfb73a97b2cbc4d4f68fb4b112d07ea8db2d256a9cb2013c75b3cbc2c3f", {
            "kind": "other", "case": "KAT-2", "note": "empty", "product_ids": [],
            "captured_at": "2026-12-02T16:59:00Z", "added_at": "2026-12-02T17:02:00Z"}),
    "f2a0000000000002": (
        b"\x89PNG\r\n\x1a\n known-answer screenshot, format 2", 704,
        "01c475f314ee12cb8087727865d5094af26f184d2340c630e3276a7df57c3a65", {
            "kind": "screenshot", "case": "KAT-2",
            "source_url": "https://merchant.joom.com/complaints/2", "original_name": "截图.png",
            "product_ids": [], "captured_at": "2026-12-02T17:00:00Z",
            "added_at": "2026-12-02T17:02:00Z"}),
    "f2a0000000000003": (
        bytes(n % 251 for n in range(65530)), 68252,
        "da1469fc7c000c167da858cc1f3e93e61ce653a8e9ef6b2e8be0582e8aaf196e", {
            "kind": "payment", "case": "KAT-2", "original_name": "付款凭证.pdf",
            "product_ids": [], "captured_at": "2026-12-02T17:01:00Z",
            "added_at": "2026-12-02T17:02:00Z"}),
}


@pytest.mark.parametrize("object_id", sorted(KNOWN))
def test_the_known_answer_objects_of_format_2_open(object_id):
    content, file_size, file_sha256, meta = KNOWN[object_id]
    path = OBJECTS / object_id
    assert path.stat().st_size == file_size
    assert hashlib.sha256(path.read_bytes()).hexdigest() == file_sha256  # never regenerated
    with objects.Reader(path, PRIVATE) as reader:
        assert (reader.header.version, reader.header.object_id) == (2, object_id)
        assert reader.meta == {**meta, "sha256": hashlib.sha256(content).hexdigest(),
                               "size": len(content)}
        assert b"".join(reader.chunks()) == content
        reader.check_content()


def test_the_known_answer_objects_need_their_key():
    with pytest.raises(Damaged, match="sealed key"):
        objects.Reader(OBJECTS / "f2a0000000000002", X25519PrivateKey.generate())
