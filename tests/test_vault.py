"""The vault core: round trips, what is readable at rest, passphrases, tampering, crashes, disk
full and concurrency, each on real files."""

import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from iprdesk.errors import BadInput, NotFound
from iprdesk.vault import (
    DiskFull,
    Vault,
    VaultDamaged,
    VaultExists,
    VaultLocked,
    VaultMissing,
    WeakPassphrase,
    WrongPassphrase,
    crypto,
    objects,
)
from iprdesk.vault.crypto import BLOCK, CHUNK, TAG_LEN, KdfParams
from iprdesk.vault.journal import Journal
from tests.conftest import VAULT_PASSPHRASE as PASSPHRASE

META = {"kind": "screenshot", "case": "CASE-7731", "complaint_id": "CMP-99812",
        "product_ids": ["P-1", "P-2"], "source_url": "https://merchant.joom.com/complaints/99812",
        "page_title": "Complaint 99812", "user_agent": "Chromium/130",
        "original_name": "shot-secretname.png", "note": "before the fix",
        "captured_at": "2026-03-01T16:30:00+08:00"}


def obj_path(vault, object_id) -> Path:
    return vault.objects_dir / object_id


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK])
def test_round_trip_at_chunk_boundaries(vault, size):
    data = os.urandom(size)
    object_id = vault.add(data, {"kind": "other"})
    assert vault.read(object_id) == data
    item = vault.item(object_id)
    assert item.size == size and len(item.sha256) == 64


class _Trickle:
    """A source that hands out at most `step` bytes per read, like a pipe."""

    def __init__(self, data: bytes, step: int):
        self._data, self._at, self._step = memoryview(data), 0, step

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self._step, len(self._data) - self._at)
        buffer[:count] = self._data[self._at:self._at + count]
        self._at += count
        return count


# Content sizes whose padded streams (crypto.padme(size + 8)) end just before, on and after
# block boundaries: BLOCK - CHUNK and BLOCK are Padmé lengths themselves.
@pytest.mark.parametrize("size", [BLOCK - CHUNK - 8, BLOCK - 9, BLOCK - 8, BLOCK - 7,
                                  2 * BLOCK + CHUNK - 8])
@pytest.mark.parametrize("trickle", [False, True])
def test_stream_format_at_block_boundaries(vault, size, trickle):
    """Content is read a block at a time, but the file is still plain STREAM: 64 KiB chunks
    each sealed with nonce = 11-byte counter || final flag and the header as associated data
    (checked here without the vault's own reader), of the content, zeros and their count
    (8 bytes), padme(size + 8) bytes in all, so older objects and bundles still open."""
    data = os.urandom(size)
    object_id = vault.add(_Trickle(data, 100_003) if trickle else data, {"kind": "other"})
    raw = obj_path(vault, object_id).read_bytes()
    header = objects.Header.parse(raw[:objects.HEADER_LEN])
    assert raw.startswith(b"iprdobj2") and header.version == 2
    file_key = crypto.unseal(vault._keys.x25519, header.ephemeral, header.sealed_key,
                             objects.MAGIC + object_id.encode())
    aead = AESGCM(crypto.subkeys(file_key)[0])
    (meta_len,) = objects.TRAILER.unpack(raw[-4:])
    payload = raw[objects.HEADER_LEN:-4 - meta_len]
    sealed = [payload[at:at + CHUNK + TAG_LEN] for at in range(0, len(payload), CHUNK + TAG_LEN)]
    padded = crypto.padme(size + 8)
    assert len(sealed) == -(-padded // CHUNK)
    opened = [aead.decrypt(n.to_bytes(11, "big") + bytes([n == len(sealed) - 1]), chunk,
                           header.raw) for n, chunk in enumerate(sealed)]
    zeros = padded - size - 8
    assert b"".join(opened) == data + bytes(zeros) + zeros.to_bytes(8, "big")
    assert vault.read(object_id) == data and vault.item(object_id).size == size
    # Hashed as read, before sealing: the carried chunk once, the padding never.
    assert vault.item(object_id).sha256 == hashlib.sha256(data).hexdigest()
    assert vault.verify().ok


def test_metadata_is_checked_normalised_and_kept(vault, tmp_path):
    source = tmp_path / "receipt.pdf"
    source.write_bytes(b"%PDF-1.7 receipt")
    by_path = vault.add(source, {"kind": "receipt", "case": "CASE-7731"})
    with open(source, "rb") as f:
        by_file = vault.add(f, {"kind": "receipt"})
    shot = vault.add(b"png bytes", META)
    item = vault.item(shot[:6])  # a unique prefix is enough
    assert item.captured_at == "2026-03-01T08:30:00Z"  # stored in UTC
    assert item.product_ids == ["P-1", "P-2"] and item.complaint_id == "CMP-99812"
    assert [i.id for i in vault.list(case="CASE-7731")] == [shot, by_path]  # by capture time
    assert {i.id for i in vault.list(kind="receipt")} == {by_path, by_file}
    assert vault.read(by_file) == source.read_bytes()


@pytest.mark.parametrize("meta, words", [
    ({"kind": "selfie"}, "kind must be one of"),
    ({"colour": "red"}, "Unknown evidence field(s): colour"),
    ({"case": 12}, "case must be text"),
    ({"captured_at": "yesterday"}, "captured_at must be an ISO 8601"),
    ({"captured_at": "2026-03-01T10:00:00"}, "with a zone"),
    ({"product_ids": [1, 2]}, "product_ids must be a list"),
    ({"note": "x" * 10001}, "note is longer than"),
    ({"sha256": "abc"}, "sha256 must be 64"),
])
def test_bad_metadata_is_refused_and_nothing_is_written(vault, meta, words):
    before = sorted(os.listdir(vault.objects_dir))
    with pytest.raises(BadInput, match=words.replace("(", r"\(").replace(")", r"\)")):
        vault.add(b"data", meta)
    assert sorted(os.listdir(vault.objects_dir)) == before


def test_claimed_sha256_must_match_the_bytes(vault):
    with pytest.raises(BadInput, match="changed between capture and storage"):
        vault.add(b"data", {"sha256": "0" * 64})
    assert vault.count() == 0 and os.listdir(vault.objects_dir) == []


def test_nothing_identifying_is_readable_at_rest(vault):
    secret_content = b"SECRET-CONTENT-" * 100
    vault.add(secret_content, META)
    blob = b"".join(p.read_bytes() for p in Vault.location(vault.root.parent).rglob("*")
                    if p.is_file())
    for needle in [b"SECRET-CONTENT", b"CASE-7731", b"CMP-99812", b"secretname",
                   b"merchant.joom.com", b"Chromium", b"before the fix", b"screenshot"]:
        assert needle not in blob, needle
    root = Vault.location(vault.root.parent)
    for path in [root, *root.rglob("*")]:  # owner-only, every folder and file
        mode = path.stat().st_mode & 0o777
        assert mode & 0o077 == 0, (path, oct(mode))


def test_adding_works_locked_and_reading_needs_the_passphrase(vault_home):
    locked = Vault.open(vault_home)
    object_id = locked.add(b"captured while locked", {"kind": "page"})
    assert locked.count() == 1
    for action in (locked.list, lambda: locked.read(object_id), lambda: locked.item(object_id),
                   lambda: locked.delete(object_id)):
        with pytest.raises(VaultLocked):
            action()
    with pytest.raises(WrongPassphrase, match="Wrong passphrase"):
        locked.unlock("not the passphrase")
    with pytest.raises(WrongPassphrase):
        locked.unlock("")
    locked.unlock(PASSPHRASE)
    assert locked.read(object_id) == b"captured while locked"
    locked.lock()
    with pytest.raises(VaultLocked):
        locked.list()


def test_missing_and_existing_vaults(home):
    with pytest.raises(VaultMissing, match="vault init"):
        Vault.open(home)
    with pytest.raises(WeakPassphrase):
        Vault.create(home, "short", kdf=KdfParams.floor())
    assert not Vault.location(home).exists()
    Vault.create(home, PASSPHRASE, kdf=KdfParams.floor())
    with pytest.raises(VaultExists):
        Vault.create(home, PASSPHRASE, kdf=KdfParams.floor())


def test_kdf_is_calibrated_and_never_below_rfc9106(home):
    vault = Vault.create(home, PASSPHRASE)
    kdf = vault.header["kdf"]
    assert kdf["name"] == "argon2id"
    assert kdf["iterations"] >= 3 and kdf["memory_kib"] >= 65536 and kdf["lanes"] >= 4
    Vault.open(home).unlock(PASSPHRASE)
    with pytest.raises(ValueError, match="below"):
        Vault.create(home / "other", PASSPHRASE, kdf=KdfParams(os.urandom(16), 1, 65536, 4))


@pytest.mark.parametrize("seconds_per_iteration, iterations", [
    (0.05, 10),    # 0.5 s / 0.05 s
    (0.004, 125),  # a fast machine gets more work
    (0.5, 3),      # a slow one never less than the RFC 9106 floor
    (1e-6, 256),   # nor more than the ceiling every unlock would have to pay
])
def test_calibration_aims_at_half_a_second_within_bounds(monkeypatch, seconds_per_iteration,
                                                         iterations):
    # The probe derive "takes" what this machine would take: a fake clock, not a timed test.
    ticks = iter([0.0, seconds_per_iteration * KdfParams.FLOOR["iterations"]])
    monkeypatch.setattr(KdfParams, "derive", lambda self, passphrase: b"")
    assert KdfParams.calibrated(0.5, clock=lambda: next(ticks)).iterations == iterations


def test_weakened_kdf_in_the_header_is_refused(vault_home):
    path = Vault.location(vault_home) / "vault.json"
    header = json.loads(path.read_text())
    header["kdf"]["iterations"] = 1
    path.write_text(json.dumps(header))
    with pytest.raises(VaultDamaged, match="below the safe minimum"):
        Vault.open(vault_home).unlock(PASSPHRASE)


def test_passwd_rewraps_only_the_keys(vault):
    object_id = vault.add(b"evidence", {"kind": "receipt"})
    before = obj_path(vault, object_id).read_bytes()
    with pytest.raises(WrongPassphrase):
        vault.passwd("wrong passphrase", "a new passphrase")
    with pytest.raises(WeakPassphrase):
        vault.passwd(PASSPHRASE, "short")
    vault.passwd(PASSPHRASE, "a new passphrase")
    assert obj_path(vault, object_id).read_bytes() == before
    again = Vault.open(vault.root.parent)
    with pytest.raises(WrongPassphrase):
        again.unlock(PASSPHRASE)
    again.unlock("a new passphrase")
    assert again.read(object_id) == b"evidence"
    assert again.verify().ok


def test_swapped_public_key_is_caught_at_unlock(vault_home, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    foreign = Vault.create(other, PASSPHRASE, kdf=KdfParams.floor())
    path = Vault.location(vault_home) / "vault.json"
    header = json.loads(path.read_text())
    header["x25519"] = foreign.header["x25519"]  # evidence would be sealed to someone else
    path.write_text(json.dumps(header))
    with pytest.raises(WrongPassphrase):
        Vault.open(vault_home).unlock(PASSPHRASE)


def test_delete_is_journaled_and_signed(vault):
    keep = vault.add(b"keep", {})
    gone = vault.add(b"gone", {})
    vault.delete(gone)
    assert vault.ids() == [keep]
    with pytest.raises(NotFound):
        vault.read(gone)
    report = vault.verify()
    assert report.ok and report.objects == 1
    assert report.signed_through == 4  # the delete's signature covers it, init and both adds
    ops = [e.op for e in vault.journal.read()[0]]
    assert ops == ["init", "add", "add", "delete"]


def test_relabel_keeps_the_content_and_its_capture_hash(vault):
    old = vault.add(b"screenshot bytes", {**META, "case": None})
    before = vault.item(old)
    item = vault.relabel(old[:6], {"case": "CASE-NEW", "note": "linked later"})
    assert item.id != old and vault.ids() == [item.id]
    assert (item.case, item.note, item.sha256, item.captured_at, item.added_at) == (
        "CASE-NEW", "linked later", before.sha256, before.captured_at, before.added_at)
    assert vault.read(item.id) == b"screenshot bytes"
    assert [i.id for i in vault.list(case="CASE-NEW")] == [item.id]
    last = vault.journal.read()[0][-1]
    assert last.op == "relabel" and last.fields["replaces"] == old and "sig" in last.fields
    assert Vault.open(vault.root.parent).verify(deep=False).ok
    with pytest.raises(BadInput, match="Cannot change sha256"):
        vault.relabel(item.id, {"sha256": "0" * 64})
    obj_path(vault, item.id).write_bytes(obj_path(vault, item.id).read_bytes()[:-40])
    with pytest.raises(VaultDamaged):
        vault.relabel(item.id, {"case": "X"})
    assert vault.ids() == [item.id]


# -- tampering ------------------------------------------------------------------------------

@pytest.fixture
def three(vault):
    ids = [vault.add(os.urandom(3 * CHUNK + 10), {"kind": "page", "case": "C"}) for _ in range(3)]
    assert vault.verify().ok
    return vault, ids


def problems(vault, deep=True):
    return "\n".join(Vault.open(vault.root.parent).verify(deep=False).problems
                     if not deep else vault.verify(deep=True).problems)


def test_bit_flip_is_named(three):
    vault, ids = three
    path = obj_path(vault, ids[1])
    data = bytearray(path.read_bytes())
    data[objects.HEADER_LEN + 5000] ^= 0x01
    path.write_bytes(bytes(data))
    report = vault.verify()
    assert not report.ok
    assert any(ids[1] in p and "altered" in p for p in report.problems)
    assert any(ids[1] in p and "chunk 0 fails authentication" in p for p in report.problems)
    assert ids[0] not in problems(vault) and ids[2] not in problems(vault)
    with pytest.raises(VaultDamaged, match=ids[1]):
        vault.read(ids[1])
    assert ids[1] in problems(vault, deep=False)  # caught without the passphrase too


def test_truncation_is_named(three):
    vault, ids = three
    path = obj_path(vault, ids[0])
    with open(path, "r+b") as f:
        f.truncate(path.stat().st_size - 100)
    text = problems(vault)
    assert ids[0] in text and "altered" in text
    with pytest.raises(VaultDamaged):
        vault.read(ids[0])


def test_dropped_final_chunk_is_detected_even_with_a_matching_journal(three):
    """Cut the last chunk but keep a valid metadata block: the STREAM final flag catches it."""
    vault, ids = three
    path = obj_path(vault, ids[0])
    raw = path.read_bytes()
    (meta_len,) = objects.TRAILER.unpack(raw[-4:])
    meta_block = raw[-4 - meta_len:]
    payload = raw[objects.HEADER_LEN:-4 - meta_len]
    cut = payload[:3 * (CHUNK + TAG_LEN)]  # drop the short final chunk
    path.write_bytes(raw[:objects.HEADER_LEN] + cut + meta_block)
    with pytest.raises(VaultDamaged, match="chunk 2 fails authentication"):
        vault.read(ids[0])


def test_reordered_chunks_are_detected(three):
    vault, ids = three
    path = obj_path(vault, ids[2])
    raw = path.read_bytes()
    h, c = objects.HEADER_LEN, CHUNK + TAG_LEN
    swapped = raw[:h] + raw[h + c:h + 2 * c] + raw[h:h + c] + raw[h + 2 * c:]
    path.write_bytes(swapped)
    with pytest.raises(VaultDamaged, match="chunk 0 fails authentication"):
        vault.read(ids[2])


def test_swapped_objects_are_named(three):
    vault, ids = three
    a, b = obj_path(vault, ids[0]), obj_path(vault, ids[1])
    tmp = a.with_name("swap")
    os.rename(a, tmp)
    os.rename(b, a)
    os.rename(tmp, b)
    text = problems(vault)
    assert f"object file {ids[0]} holds object {ids[1]}" in text
    assert f"object file {ids[1]} holds object {ids[0]}" in text
    with pytest.raises(VaultDamaged, match="swapped"):
        vault.read(ids[0])


def test_deleted_object_is_named(three):
    vault, ids = three
    obj_path(vault, ids[1]).unlink()
    assert f"object {ids[1]} is missing" in problems(vault)
    assert {i.id for i in vault.list()} == {ids[0], ids[2]}


def test_planted_object_is_named(three, tmp_path):
    vault, ids = three
    (vault.objects_dir / "planted.bin").write_bytes(b"junk")
    assert "unexpected file objects/planted.bin" in problems(vault)


def test_edited_journal_is_named(three):
    vault, ids = three
    entry = vault.journal.folder / "0000000002.json"
    os.chmod(entry, 0o600)
    body = json.loads(entry.read_bytes())
    body["at"] = "2020-01-01T00:00:00Z"
    entry.write_text(json.dumps(body, sort_keys=True, separators=(",", ":")))
    text = problems(vault)
    assert "journal entry 2 is damaged or was edited (its checksum does not match)" in text
    assert "entry 3" not in text  # intact: only what is damaged is named


def test_removed_journal_entry_is_named(three):
    vault, ids = three
    (vault.journal.folder / "0000000003.json").unlink()
    text = problems(vault)
    assert "journal entry 3 is missing" in text
    assert f"unexpected file objects/{ids[1]}" in text


def test_rewritten_journal_breaks_the_signed_checkpoint(three):
    vault, ids = three
    vault.delete(ids[2])  # a signed checkpoint over entries 1..4
    # Someone who knows the format rebuilds a clean-looking chain without object 0.
    folder = vault.journal.folder
    entries = [json.loads(p.read_bytes()) for p in sorted(folder.glob("*.json"))]
    for p in folder.glob("*.json"):
        p.unlink()
    forged = Journal(folder)
    obj_path(vault, ids[0]).unlink()
    for body in entries:
        if body["op"] == "add" and body["objects"][0]["id"] == ids[0]:
            continue
        fields = {k: v for k, v in body.items() if k not in ("seq", "op", "at", "prev")}
        forged.append(body["op"], **fields)
    text = problems(vault)
    assert "signature that does not verify" in text


# -- crashes, disk full, concurrency --------------------------------------------------------

ADD_LOOP = """
import os, sys
from iprdesk.vault import Vault
vault = Vault.open(sys.argv[1])
n = 0
while True:
    vault.add(os.urandom(int.from_bytes(os.urandom(2), "big") * 4), {"kind": "other",
              "note": str(n)})
    n += 1
"""


def test_kill_9_during_adds_leaves_a_vault_that_verifies(vault):
    def added():  # objects in place (staging files start with a dot)
        return [n for n in os.listdir(vault.objects_dir) if not n.startswith(".")]

    for round_ in range(4):
        # Killed once it has added a few more objects (a condition, not a time: a busy machine
        # may take seconds to start Python), so the kill lands in the middle of a later add.
        target = len(added()) + 3 + round_
        proc = subprocess.Popen([sys.executable, "-c", ADD_LOOP, str(vault.root.parent)])
        deadline = time.monotonic() + 120
        while len(added()) < target and proc.poll() is None:
            assert time.monotonic() < deadline, "the add loop made no progress in 120 s"
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    report = vault.verify(deep=True)
    assert report.ok, report.problems
    assert report.objects > 10
    items = vault.list()
    assert len(items) == report.objects
    for item in items:  # each object is whole: it decrypts and matches its capture hash
        assert len(vault.read(item.id)) == item.size


def test_interrupted_add_is_recorded_by_the_next_writer(vault):
    # The process died after renaming the object into place, before journaling it.
    object_id = "0123456789abcdef"
    with open(obj_path(vault, object_id), "wb") as f:
        objects.write(f, vault.public_key, object_id, __import__("io").BytesIO(b"orphan"),
                      {"kind": "other", "captured_at": "2026-01-01T00:00:00Z",
                       "added_at": "2026-01-01T00:00:00Z", "product_ids": []})
    assert object_id not in vault.ids()
    report = vault.verify()
    assert report.ok and any(object_id in line for line in report.recovered)
    assert vault.read(object_id) == b"orphan"


def _fresh(vault) -> Vault:
    """The vault as another process opens it: nothing of this one's replay or marker."""
    fresh = Vault.open(vault.root.parent)
    fresh.unlock(PASSPHRASE)
    return fresh


def _no_journal_reading(monkeypatch) -> None:
    def refused(*args, **kwargs):
        raise AssertionError("the whole journal was read")

    monkeypatch.setattr(Journal, "audit", refused)
    monkeypatch.setattr(Journal, "head", refused)


def test_an_add_on_a_settled_vault_reads_neither_the_journal_nor_the_objects(vault,
                                                                             monkeypatch):
    first = vault.add(b"first", {"kind": "other"})
    assert vault.verify().ok  # a full recovery, which leaves the settled marker
    _no_journal_reading(monkeypatch)
    real_listdir = os.listdir
    monkeypatch.setattr(os, "listdir", lambda path=".": [] if Path(path) == vault.objects_dir
                        else real_listdir(path))
    second = _fresh(vault).add(b"second", {"kind": "other"})
    third = _fresh(vault).add(b"third", {"kind": "other"})
    monkeypatch.undo()
    assert vault.verify().ok and sorted(_fresh(vault).ids()) == sorted([first, second, third])


def test_an_add_killed_after_its_rename_is_recorded_by_the_next_add(vault, monkeypatch):
    vault.add(b"before", {"kind": "other"})  # the vault is settled at this add

    def killed(*args, **kwargs):  # the process dies between rename and journal entry
        raise KeyboardInterrupt

    monkeypatch.setattr(Journal, "append", killed)
    with pytest.raises(KeyboardInterrupt):
        vault.add(b"orphan", {"kind": "other"})
    monkeypatch.undo()
    orphan = next(n for n in os.listdir(vault.objects_dir) if n not in vault.ids())
    after = _fresh(vault).add(b"after", {"kind": "other"})
    fresh = _fresh(vault)
    assert orphan in fresh.ids() and after in fresh.ids()
    assert fresh.read(orphan) == b"orphan"
    assert any(e.fields.get("recovered") for e in fresh.journal.audit().entries)
    assert fresh.verify().ok


def test_an_object_an_older_iprdesk_renamed_in_is_recorded_by_the_next_add(vault):
    """An older iprdesk knows no settled marker: objects/ changed since it was written."""
    vault.add(b"before", {"kind": "other"})
    object_id = "0123456789abcdef"
    with open(obj_path(vault, object_id), "wb") as f:
        objects.write(f, vault.public_key, object_id, __import__("io").BytesIO(b"older"),
                      {"kind": "other", "captured_at": "2026-01-01T00:00:00Z",
                       "added_at": "2026-01-01T00:00:00Z", "product_ids": []})
    # As the clock has moved on by then (a test runs within one tick of a coarse clock).
    mtime = os.stat(vault.objects_dir).st_mtime_ns + 10**9
    os.utime(vault.objects_dir, ns=(mtime, mtime))
    _fresh(vault).add(b"after", {"kind": "other"})
    assert object_id in _fresh(vault).ids()


def test_a_signed_entry_after_the_settled_marker_means_a_full_recovery(vault, monkeypatch):
    victim = vault.add(b"deleted", {"kind": "other"})
    # The delete's writer dies after its journal entry, before the unlink and the marker.
    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "unlink", killed)
    with pytest.raises(KeyboardInterrupt):
        vault.delete(victim)
    monkeypatch.undo()
    assert vault.journal.entry(3)["op"] == "delete"
    (vault.root / "settled").write_text(json.dumps(  # a marker from before the delete
        {"v": 1, "seq": 2, "digest": vault.journal.digest(2),
         "objects_mtime_ns": os.stat(vault.objects_dir).st_mtime_ns}))
    assert obj_path(vault, victim).exists()
    _fresh(vault).add(b"after", {"kind": "other"})
    assert not obj_path(vault, victim).exists()


def test_journal_write_failure_removes_the_object(vault, monkeypatch):
    keep = vault.add(b"already there", {})

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Journal, "append", disk_full)
    with pytest.raises(DiskFull, match="not added"):
        vault.add(b"new evidence", {})
    monkeypatch.undo()
    assert sorted(os.listdir(vault.objects_dir)) == [keep]
    assert vault.verify().ok


def test_a_batch_whose_file_fails_its_fsync_adds_nothing(vault, monkeypatch):
    """A batch's files are fsynced in a thread while the next is sealed: a failure there
    (ENOSPC from delayed allocation) is the batch's, and none of it is left behind."""
    keep = vault.add(b"already there", {})
    real_fsync, staged = os.fsync, []

    def fsync(fd):
        path = os.readlink(f"/proc/self/fd/{fd}")
        if Path(path).parent.name == "staging":
            staged.append(path)
            if len(staged) == 2:
                raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(DiskFull, match="not added"):
        vault.add_many([(os.urandom(CHUNK), {}) for _ in range(3)])
    monkeypatch.undo()
    assert len(staged) == 3  # the third was sealed while the second's fsync ran
    assert sorted(os.listdir(vault.objects_dir)) == [keep]
    assert not os.listdir(vault.root / "staging")
    assert vault.ids() == [keep] and vault.verify(deep=True).ok


def test_disk_full_is_a_clear_error_and_corrupts_nothing(tiny_disk):
    vault = Vault.create(tiny_disk, PASSPHRASE, kdf=KdfParams.floor())
    added = []
    with pytest.raises(DiskFull, match="disk is full") as caught:
        for _ in range(50):
            added.append(vault.add(os.urandom(100_000), {"kind": "other"}))
    assert PASSPHRASE not in caught.value.message
    assert 3 < len(added) < 12
    assert not [n for n in os.listdir(vault.objects_dir) if n.startswith(".")]
    report = vault.verify(deep=True)
    assert report.ok, report.problems
    assert vault.ids() == sorted(added)
    # After freeing space the vault carries on.
    vault.delete(added[0])
    vault.add(b"small", {})
    assert vault.verify().ok


def test_concurrent_adds_from_threads_and_processes(vault):
    ids, errors = [], []

    def add_some():
        try:
            for _ in range(5):
                ids.append(vault.add(os.urandom(20_000), {"kind": "other"}))
        except Exception as e:  # surfaced below
            errors.append(e)

    script = ("import os,sys\nfrom iprdesk.vault import Vault\nv=Vault.open(sys.argv[1])\n"
              "[v.add(os.urandom(20000), {}) for _ in range(10)]\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, str(vault.root.parent)])
             for _ in range(2)]
    threads = [threading.Thread(target=add_some) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(p.wait() == 0 for p in procs)
    assert not errors
    report = vault.verify(deep=True)
    assert report.ok, report.problems
    assert report.objects == 50 and report.journal_entries == 51
    assert set(ids) <= set(vault.ids())


def test_sealing_is_bound_to_the_object_id():
    """A sealed key moved to another object's header does not open there."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    private = X25519PrivateKey.generate()
    eph, sealed = crypto.seal(private.public_key(), b"k" * 32, b"ad-one")
    assert crypto.unseal(private, eph, sealed, b"ad-one") == b"k" * 32
    with pytest.raises(crypto.Damaged):
        crypto.unseal(private, eph, sealed, b"ad-two")
