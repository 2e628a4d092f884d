"""The listing index (vault/index.py): a listing opens one file instead of every object, and
the index is only ever a cache of what the journal vouches for."""

import gc
import json
import os
import shutil

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from iprdesk.vault import Vault, crypto, index, objects
from iprdesk.vault.crypto import KdfParams
from iprdesk.vault.journal import Journal
from tests.test_vault_known_answer import DATA, PASSPHRASE


@pytest.fixture
def known(tmp_path):
    """A copy of the known-answer vault, made before the index existed."""
    shutil.copytree(DATA / "vault", Vault.location(tmp_path))
    assert not (Vault.location(tmp_path) / index.NAME).exists()
    return tmp_path


@pytest.fixture
def unsealed(monkeypatch):
    """The ids whose objects were opened to read their metadata."""
    opened = []
    real = objects.Reader.__init__

    def counting(self, path, *args, **kwargs):
        opened.append(path.name)
        real(self, path, *args, **kwargs)

    monkeypatch.setattr(objects.Reader, "__init__", counting)
    return opened


def index_file(home) -> tuple:
    """The index's path and key."""
    vault = Vault.open(home)
    vault.unlock(PASSPHRASE)
    return Vault.location(home) / index.NAME, index.index_key(vault._require_keys().x25519)


def listed(home) -> list[tuple]:
    vault = Vault.open(home)
    vault.unlock(PASSPHRASE)
    return [(i.id, i.kind, i.case, i.note, i.sha256) for i in vault.list()]


def test_an_old_vault_gets_its_index_at_the_first_listing(known, unsealed):
    first = listed(known)
    assert [row[0] for row in first] == ["5670f4598d1cce01", "cb8ba3eb618bb46e"]
    assert sorted(unsealed) == ["5670f4598d1cce01", "cb8ba3eb618bb46e"]
    assert (Vault.location(known) / index.NAME).is_file()
    unsealed.clear()
    assert listed(known) == first  # a new process: from the index alone
    assert unsealed == []
    # The index is sealed: nothing of the metadata shows in it.
    raw = (Vault.location(known) / index.NAME).read_bytes()
    assert b"KAT-1" not in raw and b"payment" not in raw
    vault = Vault.open(known)
    vault.unlock(PASSPHRASE)
    assert vault.verify(deep=True).ok


def test_adds_relabels_and_deletes_keep_the_listing_true(known, unsealed):
    listed(known)
    locked = Vault.open(known)  # a capture needs only the public key: the index stays
    new_id = locked.add(b"new screenshot", {"kind": "screenshot", "case": "KAT-1"})
    unsealed.clear()
    assert [row[0] for row in listed(known)] == ["5670f4598d1cce01", "cb8ba3eb618bb46e", new_id]
    assert unsealed == [new_id]

    vault = Vault.open(known)
    vault.unlock(PASSPHRASE)
    relabelled = vault.relabel("cb8ba3eb618bb46e", {"note": "from the Panel"}).id
    vault.delete("5670f4598d1cce01")
    unsealed.clear()
    rows = listed(known)
    assert [(row[0], row[3]) for row in rows] == [(relabelled, "from the Panel"), (new_id, None)]
    assert unsealed == [relabelled]
    saved = index.load(Vault.location(known) / index.NAME,
                       index.index_key(vault._require_keys().x25519))
    assert sorted(saved.items) == sorted([relabelled, new_id])
    assert sorted(saved.journal.live) == sorted([relabelled, new_id])


def test_an_index_entry_counts_only_for_the_object_file_the_journal_records(known, unsealed):
    truth = listed(known)
    path, key = index_file(known)
    saved = index.load(path, key)
    file_sha, meta = saved.items["cb8ba3eb618bb46e"]
    # Sealed with the right key, but for another object file than the journal's.
    saved.items["cb8ba3eb618bb46e"] = ("0" * 64, {**meta, "note": "forged", "case": "OTHER"})
    index.save(path, key, saved)
    unsealed.clear()
    assert listed(known) == truth
    assert unsealed == ["cb8ba3eb618bb46e"]
    assert index.load(path, key).items["cb8ba3eb618bb46e"] == (file_sha, meta)  # mended


@pytest.mark.parametrize("spoil", ["flipped", "truncated", "another-vault"])
def test_an_index_that_does_not_open_is_rebuilt(known, tmp_path, unsealed, spoil):
    truth = listed(known)
    path = Vault.location(known) / index.NAME
    if spoil == "flipped":
        raw = bytearray(path.read_bytes())
        raw[-20] ^= 1
        path.write_bytes(bytes(raw))
    elif spoil == "truncated":
        path.write_bytes(path.read_bytes()[:30])
    else:  # sealed under another vault's key, with its own items
        other = tmp_path / "other"
        other.mkdir()
        theirs = Vault.create(other, PASSPHRASE, kdf=KdfParams.floor())
        theirs.add(b"theirs", {"kind": "other", "note": "not ours"})
        theirs.list()
        shutil.copy(Vault.location(other) / index.NAME, path)
    unsealed.clear()
    assert listed(known) == truth
    assert sorted(unsealed) == ["5670f4598d1cce01", "cb8ba3eb618bb46e"]
    unsealed.clear()
    assert listed(known) == truth
    assert unsealed == []


def test_an_object_file_gone_is_not_listed_from_the_index(known):
    listed(known)
    (Vault.location(known) / "objects" / "cb8ba3eb618bb46e").unlink()
    vault = Vault.open(known)
    vault.unlock(PASSPHRASE)
    assert [i.id for i in vault.list()] == ["5670f4598d1cce01"]
    assert vault.unreadable == ["cb8ba3eb618bb46e"]


@pytest.fixture
def journal_reads(monkeypatch):
    """The first entry each journal read of a replay started from."""
    starts = []
    real = Journal.audit

    def recording(self, public_key=None, start=1, **kw):
        starts.append(start)
        return real(self, public_key, start, **kw)

    monkeypatch.setattr(Journal, "audit", recording)
    return starts


def test_a_listing_reads_only_the_journal_entries_after_the_index(known, journal_reads):
    truth = listed(known)
    at = Journal(Vault.location(known) / "journal").head()[0]
    added = Vault.open(known).add(b"later", {"kind": "screenshot"})  # another process
    journal_reads.clear()
    assert {r[0] for r in listed(known)} == {r[0] for r in truth} | {added}
    assert journal_reads == [at + 1]


def test_an_index_from_before_the_vault_changed_still_lists_the_truth(known, journal_reads):
    listed(known)
    path = Vault.location(known) / index.NAME
    older = path.read_bytes()  # an index written before the deletes and adds below
    vault = Vault.open(known)
    vault.unlock(PASSPHRASE)
    vault.delete("5670f4598d1cce01")
    added = vault.add(b"later", {"kind": "screenshot"})
    path.write_bytes(older)
    assert {r[0] for r in listed(known)} == {"cb8ba3eb618bb46e", added}


def test_an_index_whose_journal_entry_changed_is_not_resumed(known, journal_reads):
    truth = listed(known)
    journal = Vault.location(known) / "journal"
    seq = Journal(journal).head()[0]
    entry = journal / f"{seq:010d}.json"
    entry.write_bytes(entry.read_bytes() + b" ")  # not the entry the index saw any more
    journal_reads.clear()
    assert listed(known) == truth
    assert journal_reads == [1]


def test_a_format_1_index_is_read_then_rewritten_as_format_2(known, unsealed):
    truth = listed(known)
    path, key = index_file(known)
    items = index.load(path, key).items
    # What iprdesk before format 2 wrote: the items map alone, under the old magic.
    plain = json.dumps(items).encode()
    nonce = os.urandom(crypto.NONCE_LEN)
    path.write_bytes(index.MAGIC_V1 + nonce
                     + AESGCM(key).encrypt(nonce, plain, index.MAGIC_V1))
    unsealed.clear()
    assert listed(known) == truth
    assert unsealed == []  # its items were used
    assert path.read_bytes().startswith(index.MAGIC)
    assert index.load(path, key).journal is not None


def test_a_listing_pauses_the_garbage_collector_and_leaves_it_as_it_was(known, monkeypatch):
    """The collector's passes over a listing's heap found nothing and cost 0.85 s of 2.8 at
    100,000 items (bench/vault_scale.py): it is paused while a listing runs, and only then."""
    during = []
    real = index.load

    def recording(*args):
        during.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(index, "load", recording)
    vault = Vault.open(known)
    vault.unlock(PASSPHRASE)
    assert len(vault.list()) == 2
    assert during == [False] and gc.isenabled()
    assert vault.newest(1)[1] == 2 and gc.isenabled()
    gc.disable()  # someone else's pause is theirs to end
    try:
        fresh = Vault.open(known)
        fresh.unlock(PASSPHRASE)
        assert len(fresh.list()) == 2
        assert not gc.isenabled()
    finally:
        gc.enable()
