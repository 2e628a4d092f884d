"""The vault's cryptography against hostile vault folders: someone who can write the files
(vault.json, objects) but lacks the passphrase."""

import json
import os

import pytest

from iprdesk.vault import Vault, VaultDamaged, crypto, objects
from iprdesk.vault.crypto import KdfParams
from iprdesk.vault.journal import Journal
from tests.conftest import VAULT_PASSPHRASE as PASSPHRASE
from tests.helpers import iprdesk


def doctor_header(home, **kdf) -> None:
    path = Vault.location(home) / "vault.json"
    header = json.loads(path.read_text())
    header["kdf"].update(kdf)
    path.write_text(json.dumps(header))


@pytest.mark.parametrize("field, value", [
    ("iterations", 2**32 - 1),  # would hang every unlock for days
    ("memory_kib", 2**32 - 1),  # 4 TiB: MemoryError
    ("lanes", 2**24 - 1),
    ("salt", "00" * 4096),
])
def test_argon2id_parameters_above_the_ceiling_are_refused_before_deriving(
        vault_home, monkeypatch, field, value):
    doctor_header(vault_home, **{field: value})
    derived = []
    monkeypatch.setattr(KdfParams, "derive", lambda self, secret: derived.append(self))
    with pytest.raises(VaultDamaged, match=f"{field} .* above the maximum"):
        Vault.open(vault_home).unlock(PASSPHRASE)
    assert derived == []


def test_huge_memory_in_the_header_is_a_clean_error_for_real(vault_home):
    doctor_header(vault_home, memory_kib=2**32 - 1)
    with pytest.raises(VaultDamaged, match="memory_kib"):
        Vault.open(vault_home).unlock(PASSPHRASE)


@pytest.mark.parametrize("field, value", [("iterations", "3"), ("lanes", 4.0),
                                          ("memory_kib", True), ("salt", 7)])
def test_argon2id_parameters_of_the_wrong_type_are_refused(vault_home, field, value):
    doctor_header(vault_home, **{field: value})
    with pytest.raises(VaultDamaged, match="unreadable key parameters"):
        Vault.open(vault_home).unlock(PASSPHRASE)


def test_calibration_stays_within_the_ceiling(monkeypatch):
    # A machine on which Argon2id seems free must not write a vault that others cannot open.
    monkeypatch.setattr(crypto.time, "perf_counter", iter(range(10**6)).__next__)
    monkeypatch.setattr(KdfParams, "derive", lambda self, secret: b"")
    assert KdfParams.calibrated(target_seconds=10**9).bounds_problem() is None


# Points of small order on Curve25519: an exchange with them gives the all-zero secret.
LOW_ORDER = ["00" * 32,
             "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"]


@pytest.mark.parametrize("point", LOW_ORDER)
def test_low_order_ephemeral_key_is_one_damaged_object(vault, vault_home, point):
    kept = [vault.add(b"kept %d" % n, {"kind": "receipt"}) for n in range(2)]
    bad = vault.add(b"doctored", {"kind": "receipt"})
    path = vault.objects_dir / bad
    raw = bytearray(path.read_bytes())
    at = len(objects.MAGIC) + objects.ID_LEN
    raw[at:at + 32] = bytes.fromhex(point)
    path.write_bytes(bytes(raw))
    assert sorted(i.id for i in vault.list()) == sorted(kept)
    assert vault.unreadable == [bad]
    with pytest.raises(VaultDamaged, match=bad):
        vault.read(bad)
    problems = vault.verify(deep=True).problems
    assert problems and all(bad in p for p in problems), problems
    assert any("sealed key" in p for p in problems), problems
    for object_id in kept:
        assert vault.read(object_id).startswith(b"kept")
    listed = iprdesk("vault", "list", "--json", home=vault_home,
                     env={"IPRDESK_PASSPHRASE": PASSPHRASE})
    assert sorted(i["id"] for i in json.loads(listed.stdout)) == sorted(kept)
    checked = iprdesk("vault", "verify", "--deep", home=vault_home, check=False,
                      env={"IPRDESK_PASSPHRASE": PASSPHRASE})
    assert checked.returncode == 1 and bad in checked.stdout + checked.stderr
    assert "Traceback" not in checked.stderr


@pytest.mark.parametrize("swap", ["foreign", "low-order"])
def test_a_swapped_public_key_gets_no_evidence(vault_home, tmp_path, swap):
    other = tmp_path / "attacker"
    other.mkdir()
    attacker = Vault.create(other, PASSPHRASE, kdf=KdfParams.floor())
    path = Vault.location(vault_home) / "vault.json"
    header = json.loads(path.read_text())
    header["x25519"] = attacker.header["x25519"] if swap == "foreign" else LOW_ORDER[1]
    path.write_text(json.dumps(header))
    locked = Vault.open(vault_home)
    with pytest.raises(VaultDamaged, match="public keys"):
        locked.add(b"a capture", {"kind": "screenshot"})
    assert os.listdir(locked.objects_dir) == [] and locked.count() == 0
    source = tmp_path / "receipt.pdf"
    source.write_bytes(b"%PDF-1.7")
    added = iprdesk("vault", "add", str(source), home=vault_home, check=False)
    assert added.returncode == 1 and "public keys" in added.stderr
    assert "Traceback" not in added.stderr and os.listdir(locked.objects_dir) == []


def test_the_public_key_check_reads_the_journal_once_per_vault(vault_home, monkeypatch):
    vault = Vault.open(vault_home)
    reads = []
    original = Journal.entry
    monkeypatch.setattr(Journal, "entry",
                        lambda self, seq: reads.append(seq) or original(self, seq))
    vault.add_many([(b"one", {}), (b"two", {})])
    vault.add(b"three", {})
    assert reads == [1]
