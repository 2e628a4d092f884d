"""The journal against someone who can write the vault folder but lacks the passphrase, and
against damage: forged, rewritten, truncated and bit-flipped entries are named, and only they."""

import hashlib
import io
import json
import os
import random
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from iprdesk.cli import main
from iprdesk.vault import Vault, objects
from iprdesk.vault.bundle import SIGNATURE_CONTEXT
from iprdesk.vault.journal import ENTRY_CONTEXT, HEAD_CONTEXT, Journal, encode_entry
from iprdesk.vault.session import VaultSession
from tests.conftest import VAULT_PASSPHRASE as PASSPHRASE

KNOWN = Path(__file__).parent / "data" / "known-answer-vault"
KNOWN_PASSPHRASE = "known answer passphrase"


def entry_path(vault, seq: int) -> Path:
    return vault.journal.folder / f"{seq:010d}.json"


def rewrite(vault, seq: int, change) -> None:
    """Rewrite entry `seq` as someone who knows the format would: its checksum recomputed, its
    signature (if any) kept."""
    path = entry_path(vault, seq)
    body = json.loads(path.read_bytes())
    change(body)
    if "v" in body:  # the checksum as journal.py documents it
        body["sum"] = hashlib.sha256(encode_entry(
            {k: v for k, v in body.items() if k not in ("sum", "sig")})).hexdigest()
    os.chmod(path, 0o600)
    path.write_bytes(encode_entry(body))


def problems(vault) -> list[str]:
    report = Vault.open(vault.root.parent).verify(deep=False)
    assert not report.ok
    return report.problems


def entries_named(line: str) -> set[int]:
    return {int(n) for n in re.findall(r"entr(?:y|ies) (\d+)", line)}


@pytest.fixture
def known(tmp_path):
    shutil.copytree(KNOWN / "vault", Vault.location(tmp_path))
    return Vault.open(tmp_path)


# -- privileged entries must be signed --------------------------------------------------------

@pytest.mark.parametrize("op", ["delete", "relabel", "export", "passwd", "checkpoint"])
def test_an_unsigned_entry_of_a_passphrase_op_fails_verify(vault, op):
    keep = vault.add(b"keep", {})
    victim = vault.add(b"victim", {})
    fields = {"delete": {"object": victim}, "relabel": {"replaces": victim, "objects": []},
              "export": {"objects": [victim], "bundle_sha256": "0" * 64}}.get(op, {})
    entry = Journal(vault.journal.folder).append(op, **fields)  # no signer: no passphrase
    if op in ("delete", "relabel"):
        (vault.objects_dir / victim).unlink()
    found = problems(vault)
    assert any(f"journal entry {entry.seq} ({op}) is not signed" in p for p in found), found
    assert keep not in " ".join(found)


def test_an_unsigned_delete_in_the_old_format_fails_verify(known):
    victim = "5670f4598d1cce01"
    seq, prev = known.journal.head()
    body = {"seq": seq + 1, "op": "delete", "at": "2026-12-02T12:30:00Z", "prev": prev,
            "object": victim}
    entry_path(known, seq + 1).write_bytes(encode_entry(body))
    (known.objects_dir / victim).unlink()
    found = problems(known)
    assert any("journal entry 5 (delete) is not signed" in p for p in found), found


# -- signatures cover the entry they sit in, under a label of their own ------------------------

def test_a_signed_entry_cannot_be_rewritten_into_another(vault):
    """The review's attack: a signed passwd entry became `delete B` with the same signature."""
    kept = vault.add(b"kept", {})
    victim = vault.add(b"victim", {})
    vault.passwd(PASSPHRASE, PASSPHRASE + "!")
    seq = vault.journal.head()[0]
    vault.add(b"after", {})

    def into_delete(body):
        body.update(op="delete", object=victim)

    rewrite(vault, seq, into_delete)
    (vault.objects_dir / victim).unlink()
    found = problems(vault)
    assert any(f"journal entry {seq} has a signature that does not verify" in p
               for p in found), found
    assert kept not in " ".join(found)


def test_signatures_are_labelled(vault):
    vault.delete(vault.add(b"x", {}))
    body = json.loads(entry_path(vault, 3).read_bytes())
    unsigned = {k: v for k, v in body.items() if k != "sig"}
    vault.signing_public_key.verify(bytes.fromhex(body["sig"]),
                                    ENTRY_CONTEXT + encode_entry(unsigned))
    labels = [ENTRY_CONTEXT, HEAD_CONTEXT, SIGNATURE_CONTEXT]
    assert len(set(labels)) == 3
    for label in labels:
        assert label.index(b"\n") == len(label) - 1  # ends at its first line break
        assert not any(other != label and other.startswith(label) for other in labels)


# -- what the journal shows without the passphrase -------------------------------------------

def test_an_export_entry_shows_neither_its_objects_nor_its_bundle(vault):
    ids = sorted(i.id for i in vault.add_many([(b"one", {}), (b"two", {})]))
    bundle_sha = hashlib.sha256(b"the bundle").hexdigest()
    vault.record_export(ids, bundle_sha)
    entry = vault.journal.read()[0][-1]
    raw = entry_path(vault, entry.seq).read_text()
    assert entry.op == "export" and not any(secret in raw for secret in [*ids, bundle_sha])
    assert vault.sealed_fields(entry) == {"objects": ids, "bundle_sha256": bundle_sha}
    assert vault.verify(deep=True).ok


def test_sealed_fields_that_do_not_open_are_named_by_a_deep_verify(vault):
    seq = vault.journal.head()[0] + 1
    with vault._locked():
        vault._journal("export", signed=True, sealed="00" * 200)
    found = vault.verify(deep=True).problems
    assert len(found) == 1 and found[0].startswith(
        f"journal entry {seq}'s sealed fields do not open: the sealed key does not open"), found
    assert Vault.open(vault.root.parent).verify(deep=False).ok


# -- the head ---------------------------------------------------------------------------------

def test_editing_the_last_entry_is_named(vault):
    vault.delete(vault.add(b"x", {}))
    seq = vault.journal.head()[0]
    rewrite(vault, seq, lambda body: body.update(at="2020-01-01T00:00:00Z"))
    found = problems(vault)
    assert found and all(entries_named(p) == {seq} for p in found), found


@pytest.mark.parametrize("removed", [1, 2, 3])
def test_removing_trailing_entries_is_named(vault, removed):
    ids = [vault.add(b"%d" % n, {}) for n in range(3)]
    vault.delete(ids[0])
    last = vault.journal.head()[0]
    for seq in range(last - removed + 1, last + 1):
        entry_path(vault, seq).unlink()
    found = problems(vault)
    first = last - removed + 1
    span = f"entry {first} was" if removed == 1 else f"entries {first} to {last} were"
    assert any(f"journal {span} removed" in p for p in found), found


def test_a_removed_head_record_is_named(vault):
    vault.add(b"x", {})
    (vault.journal.folder / "HEAD").unlink()
    assert any("head record (journal/HEAD) is missing" in p for p in problems(vault))


def test_adds_after_the_head_must_chain_to_it(vault):
    vault.delete(vault.add(b"x", {}))
    head = vault.journal.head()[0]
    vault.add(b"y", {})
    rewrite(vault, head + 1, lambda body: body.update(prev="1" * 64))
    found = problems(vault)
    assert found == [f"journal entry {head + 1} was edited or replaced (it does not follow "
                     f"entry {head}, which is signed)"], found


def test_an_add_cannot_record_an_object_again(vault):
    """Adds are unsigned, but they cannot vouch for a replaced object added before the last
    signed entry: an object is added once."""
    victim = vault.add(b"the real receipt", {"kind": "receipt"})
    vault.checkpoint()
    # Re-encrypted (the public key is all it takes) with other content under the same id,
    # and recorded by a new unsigned add.
    out = io.BytesIO()
    _, file_sha = objects.write(out, vault.public_key, victim, io.BytesIO(b"an invented one"),
                                {"kind": "receipt", "captured_at": "2026-01-01T00:00:00Z"})
    path = vault.objects_dir / victim
    os.chmod(path, 0o600)
    path.write_bytes(out.getvalue())
    seq = vault.journal.head()[0] + 1
    Journal(vault.journal.folder).append("add", objects=[{"id": victim, "sha256": file_sha}])
    found = Vault.open(vault.root.parent).verify(deep=False).problems
    assert found[0] == (f"journal entry {seq} (add) records again objects the journal already "
                        f"has ({victim}): each is added once (forged)"), found


@pytest.mark.parametrize("objects_field", [5, "abc", {"id": "x"}, [3, None]])
def test_an_add_with_malformed_objects_does_not_crash_verify(vault, objects_field):
    Journal(vault.journal.folder).append("add", objects=objects_field)
    assert Vault.open(vault.root.parent).verify(deep=False).ok


def test_a_damaged_last_entry_stops_no_capture(vault):
    vault.add(b"one", {})
    path = entry_path(vault, 2)
    os.chmod(path, 0o600)
    path.write_bytes(path.read_bytes()[:-7])
    later = vault.add(b"two", {})
    assert later in vault.ids()
    found = Vault.open(vault.root.parent).verify(deep=False).problems
    assert found == ["journal entry 2 is unreadable (damaged or edited)"], found


def test_recovery_acts_on_no_forged_entry(vault):
    """A forged delete must not make the next writer delete the object for it."""
    victim = vault.add(b"victim", {})
    Journal(vault.journal.folder).append("delete", object=victim)
    vault.add(b"a capture", {})  # a writer: it recovers first
    report = Vault.open(vault.root.parent).verify(deep=False)
    assert (vault.objects_dir / victim).exists() and report.recovered == []
    assert report.problems == ["journal entry 3 (delete) is not signed, but only the "
                               "passphrase can write it (forged)"], report.problems


# -- migration: format 1 entries --------------------------------------------------------------

def test_an_old_journal_verifies_and_says_what_protects_it_less(known):
    report = known.verify(deep=False)
    assert report.ok, report.problems
    assert report.signed_through == 3
    assert any("journal entries 1 to 4 are in the old format" in n.text("en") for n in report.notes)


def test_verify_prints_the_note(known):
    result = CliRunner().invoke(main, ["vault", "verify", "--home", str(known.root.parent)])
    assert result.exit_code == 0, result.output
    assert "note: journal entries 1 to 4 are in the old format" in result.output
    result = CliRunner().invoke(main, ["vault", "verify", "--home", str(known.root.parent),
                                       "--lang", "zh_CN"])
    assert result.exit_code == 0, result.output
    assert "注意：日志第 1 至 4 条为旧格式" in result.output


def test_a_checkpoint_seals_an_old_journal(known):
    known.unlock(KNOWN_PASSPHRASE)
    entry = known.checkpoint()
    assert entry.seq == 5 and known.checkpoint() is None  # nothing new to sign
    report = known.verify(deep=True)
    assert report.ok and report.signed_through == 5 and report.notes == []
    # The old entries are now covered through the chain: an edit of the last old one shows.
    path = entry_path(known, 4)
    body = json.loads(path.read_bytes())
    body["at"] = "2020-01-01T00:00:00Z"
    path.write_bytes(encode_entry(body))
    found = problems(known)
    assert found == ["journal entry 4 was edited or replaced (entry 5, which is signed, follows "
                     "another)"], found


def test_old_format_entries_after_new_ones_fail(known):
    known.unlock(KNOWN_PASSPHRASE)
    known.checkpoint()
    seq, prev = known.journal.head()
    body = {"seq": seq + 1, "op": "add", "at": "2026-12-02T12:30:00Z", "prev": prev,
            "objects": []}
    entry_path(known, seq + 1).write_bytes(encode_entry(body))
    found = problems(known)
    assert found == [f"journal entry {seq + 1} is in the old format, after entries in the new "
                     "one (edited or damaged)"], found


# -- damage: a flipped bit names its entry and nothing else -----------------------------------

@pytest.fixture
def busy(vault):
    """A vault whose journal holds every kind of entry."""
    a, b = (i.id for i in vault.add_many([(b"a" * 3000, {"kind": "receipt"}),
                                           (b"b" * 20, {"kind": "screenshot"})]))
    c = vault.add(b"c", {"kind": "email"})
    vault.delete(c)
    relabelled = vault.relabel(a, {"case": "C-1"}).id
    vault.record_export([relabelled, b], "e" * 64)
    vault.add(b"d", {"kind": "other"})
    vault.checkpoint()
    vault.add_many([(b"e", {}), (b"f", {})])  # after the last signed entry
    return vault


def test_a_flipped_bit_names_only_its_entry(busy):
    entries = sorted(busy.journal.folder.glob("*.json"))
    pristine = {p: p.read_bytes() for p in entries}
    ids = busy.ids()
    rng = random.Random(20261202)
    for _ in range(60):
        path = rng.choice(entries)
        raw = bytearray(pristine[path])
        bit = rng.randrange(len(raw) * 8)
        raw[bit // 8] ^= 1 << bit % 8
        os.chmod(path, 0o600)
        path.write_bytes(bytes(raw))
        seq = int(path.stem)
        report = Vault.open(busy.root.parent).verify(deep=False)
        assert report.problems and not report.recovered, (seq, bit)
        for line in report.problems:
            assert entries_named(line) == {seq}, (seq, bit, report.problems)
            assert not any(i in line for i in ids), (seq, bit, report.problems)
        path.write_bytes(pristine[path])
    assert busy.verify(deep=True).ok


# -- the agent's checkpoints ------------------------------------------------------------------

def test_the_agent_signs_a_checkpoint_at_every_unlock_and_lock(vault_home):
    session = VaultSession(vault_home, idle_seconds=60)
    journal = session.vault().journal
    session.vault().add(b"before the unlock", {})
    session.unlock(PASSPHRASE)
    assert journal.read()[0][-1].op == "checkpoint"
    session.lock()  # nothing added since: nothing to sign
    assert journal.head()[0] == 3
    session.unlock(PASSPHRASE)
    session.vault().add(b"while unlocked", {})
    session.lock()
    entries = journal.read()[0]
    assert [e.op for e in entries] == ["init", "add", "checkpoint", "add", "checkpoint"]
    report = Vault.open(vault_home).verify(deep=False)
    assert report.ok and report.signed_through == 5
    # The add before the lock can no longer be changed unnoticed.
    rewrite(session.vault(), 4, lambda body: body.update(at="2020-01-01T00:00:00Z"))
    found = Vault.open(vault_home).verify(deep=False).problems
    assert found == ["journal entry 4 was edited or replaced (entry 5, which is signed, "
                     "follows another)"], found


def test_no_checkpoint_vouches_for_a_damaged_journal(vault_home):
    session = VaultSession(vault_home, idle_seconds=60)
    session.vault().add(b"x", {})
    rewrite(session.vault(), 2, lambda body: body.update(prev="1" * 64))
    session.unlock(PASSPHRASE)
    assert session.vault().journal.head()[0] == 2
    assert not Vault.open(vault_home).verify(deep=False).ok


def test_adds_and_checkpoints_do_not_read_the_whole_journal(vault, monkeypatch):
    vault.add(b"first", {})  # reads the journal once
    monkeypatch.setattr(Journal, "read", lambda self: pytest.fail("read the whole journal"))
    for n in range(3):
        vault.add(b"%d" % n, {})
    starts = []
    original = Journal.audit
    monkeypatch.setattr(Journal, "audit", lambda self, key=None, start=1: starts.append(start)
                        or original(self, key, start))
    vault.checkpoint()
    assert starts == [1]  # the HEAD is the signed init entry
    vault.add(b"4", {})
    vault.checkpoint()
    assert starts == [1, 6] and vault.journal.head()[0] == 8
