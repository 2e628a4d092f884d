"""The listing index (vault/index.py): a listing opens one file instead of every object, and
the index is only ever a cache of what the journal vouches for."""

import shutil

import pytest

from iprdesk.vault import Vault, index, objects
from iprdesk.vault.crypto import KdfParams
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
    entries = index.load(Vault.location(known) / index.NAME,
                         index.index_key(vault._require_keys().x25519))
    assert sorted(entries) == sorted([relabelled, new_id])


def test_an_index_entry_counts_only_for_the_object_file_the_journal_records(known, unsealed):
    truth = listed(known)
    vault = Vault.open(known)
    vault.unlock(PASSPHRASE)
    key = index.index_key(vault._require_keys().x25519)
    path = Vault.location(known) / index.NAME
    entries = index.load(path, key)
    file_sha, meta = entries["cb8ba3eb618bb46e"]
    # Sealed with the right key, but for another object file than the journal's.
    entries["cb8ba3eb618bb46e"] = ("0" * 64, {**meta, "note": "forged", "case": "OTHER"})
    index.save(path, key, entries)
    unsealed.clear()
    assert listed(known) == truth
    assert unsealed == ["cb8ba3eb618bb46e"]
    assert index.load(path, key)["cb8ba3eb618bb46e"] == (file_sha, meta)  # mended


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
