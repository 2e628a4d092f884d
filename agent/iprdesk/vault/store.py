"""The evidence vault on disk: `<home>/vault/`.

    vault.json   public keys, Argon2id parameters, private keys wrapped under the passphrase
    objects/     one sealed file per piece of evidence (objects.py), named by its id
    staging/     objects being sealed, each named by its id, until renamed into objects/
    journal/     the hash-chained journal (journal.py)
    index        every object's metadata and the journal's replay up to one entry, in one
                 sealed file, for listing (index.py): a cache, written by whoever lists with
                 the passphrase, never trusted beyond what the journal says
    settled      the journal entry up to which nothing is left to recover (settled.py): a
                 hint that spares a writer reading the whole journal
    lock         held (flock) by whoever changes objects/ or journal/

Adding needs only the public key. An add first encrypts into a staging file (`staging/<id>`,
fsynced) without the lock, so concurrent captures encrypt in parallel; then, holding the lock,
renames it into place and journals it. A process killed at any moment leaves either no trace
that matters (a staging file, cleaned up later) or a whole object; an object renamed but not
yet journaled is recorded by the next writer (`_recover`), which reads the whole journal and
lists objects/ only when `settled` does not vouch that nothing is unfinished.

Before `staging/` (iprdesk until December 2026) staging files were `objects/.stage-<id>`;
recovery still removes those an older writer left.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import json
import logging
import os
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from iprdesk.atomic import atomic_write_json, fsync_dir, start_writeback
from iprdesk.errors import BadInput, DiskFull, NotFound, disk_full_means, is_disk_full
from iprdesk.locking import exclusive, lock, unlock
from iprdesk.text import i18n
from iprdesk.text.i18n import Message, ReportLine
from iprdesk.timeutil import now_iso
from iprdesk.vault import crypto, index, objects, settled
from iprdesk.vault.backoff import Backoff, Clock
from iprdesk.vault.crypto import Damaged, KdfParams
from iprdesk.vault.errors import (
    VaultDamaged,
    VaultExists,
    VaultLocked,
    VaultMissing,
    WeakPassphrase,
    WrongPassphrase,
)
from iprdesk.vault.journal import (
    GENESIS,
    Entry,
    Journal,
    encode_entry,
    open_fields,
    seal_fields,
)
from iprdesk.vault.meta import Item, normalise

log = logging.getLogger("iprdesk.vault")

FORMAT = "iprdesk-vault"
VERSION = 1
MIN_PASSPHRASE = 8
STAGE_PREFIX = ".stage-"  # of the staging files older versions left in objects/
STAGING = "staging"
# A staging file this old whose writer no longer holds its lock belongs to a dead process.
STALE_STAGE_SECONDS = 30
ID_BYTES = objects.ID_LEN // 2
# What `relabel` may change; the content, its hash and the capture details stay as captured.
RELABEL_FIELDS = frozenset({"case", "complaint_id", "product_ids", "note", "kind"})

Source = bytes | bytearray | memoryview | os.PathLike | str | BinaryIO


def _check_new_passphrase(passphrase: str) -> bytes:
    if not isinstance(passphrase, str) or len(passphrase) < MIN_PASSPHRASE:
        raise WeakPassphrase(MIN_PASSPHRASE)
    return passphrase.encode()


def _public_part(header: dict) -> dict:
    return {k: header[k] for k in ("format", "version", "x25519", "ed25519")}


def _keys_digest(header: dict) -> str:
    """What the journal's first entry records of vault.json, which is not signed itself."""
    return hashlib.sha256(encode_entry(_public_part(header))).hexdigest()


def _wrap_ad(header: dict, kdf: KdfParams) -> bytes:
    """What the key wrap authenticates: swapping a public key or the KDF breaks the unwrap."""
    return encode_entry({**_public_part(header), "kdf": kdf.to_json()})


@dataclass
class _Keys:
    x25519: X25519PrivateKey
    ed25519: Ed25519PrivateKey


@dataclass
class _Staged:
    object_id: str
    path: Path
    handle: BinaryIO  # kept open: its flock tells other processes this add is alive
    meta: dict
    bound_by: str  # what the journal binds the object file by (objects.binding)
    synced: Future | None = None  # its fsync, when it runs in another thread (add_many)


def _fsync_staged(handle: BinaryIO) -> None:
    try:
        os.fsync(handle.fileno())
    except OSError as e:
        if is_disk_full(e):
            raise DiskFull("evidence_not_added") from e
        raise


@dataclass
class VerifyReport:
    objects: int
    journal_entries: int
    deep: bool
    problems: list[ReportLine] = field(default_factory=list)
    recovered: list[ReportLine] = field(default_factory=list)
    signed_through: int = 0  # last journal entry covered by a signature that verifies
    notes: list[i18n.Message] = field(default_factory=list)  # worth knowing, not wrong

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self, lang: str = "en") -> dict:
        return {"ok": self.ok, "objects": self.objects, "journal_entries": self.journal_entries,
                "deep": self.deep, "problems": [p.text(lang) for p in self.problems],
                "recovered": [r.text(lang) for r in self.recovered],
                "signed_through": self.signed_through,
                "notes": [note.text(lang) for note in self.notes]}


class _Replay:
    """The journal's meaning (live objects, each with its file's binding), read incrementally."""

    def __init__(self):
        self.seq = 0
        self.digest = GENESIS  # of entry `seq`
        self.live: dict[str, str] = {}
        self.deleted: set[str] = set()

    @classmethod
    def resumed(cls, position: index.JournalPosition) -> _Replay:
        replay = cls()
        replay.seq, replay.digest = position.seq, position.digest
        replay.live, replay.deleted = dict(position.live), set(position.deleted)
        return replay

    def position(self) -> index.JournalPosition | None:
        return (index.JournalPosition(self.seq, self.digest, dict(self.live), set(self.deleted))
                if self.seq else None)

    @staticmethod
    def _added(entry: Entry) -> list[dict]:
        objects = entry.fields.get("objects")
        if entry.op not in ("add", "relabel") or not isinstance(objects, list):
            return []
        return [added for added in objects
                if isinstance(added, dict) and isinstance(added.get("id"), str)]

    def again(self, entry: Entry) -> list[str]:
        """Ids the entry adds that the journal already has. Ids are random and an object is
        added once: an unsigned add that records an object again would otherwise vouch for
        a replaced file of one added before the last signed entry."""
        seen: set[str] = set()
        again = set()
        for added in self._added(entry):
            if added["id"] in seen or added["id"] in self.live or added["id"] in self.deleted:
                again.add(added["id"])
            seen.add(added["id"])
        return sorted(again)

    def apply(self, entry: Entry) -> None:
        if entry.op == "relabel" and isinstance(entry.fields.get("replaces"), str):
            self.live.pop(entry.fields["replaces"], None)
            self.deleted.add(entry.fields["replaces"])
        for added in self._added(entry):
            self.live[added["id"]] = objects.binding(added)
            self.deleted.discard(added["id"])
        if entry.op == "delete" and isinstance(entry.fields.get("object"), str):
            self.live.pop(entry.fields["object"], None)
            self.deleted.add(entry.fields["object"])
        self.seq, self.digest = entry.seq, entry.digest


class Vault:
    def __init__(self, root: Path, header: dict, clock: Clock = time.time):
        self.root = root
        self.header = header
        self.public_key = X25519PublicKey.from_public_bytes(bytes.fromhex(header["x25519"]))
        self.signing_public_key = Ed25519PublicKey.from_public_bytes(
            bytes.fromhex(header["ed25519"]))
        self.objects_dir = root / "objects"
        self.staging_dir = root / STAGING
        self.journal = Journal(root / "journal")
        self.backoff = Backoff(root, clock)  # of every passphrase check (_unwrap)
        self._keys: _Keys | None = None
        self._replay = _Replay()
        self._replay_lock = threading.Lock()
        # Decrypted metadata: object id -> (its object file's binding, its metadata), the
        # listing index's entries (index.py) once a listing has read it.
        self._items: index.Entries = {}
        self._index_read = False
        self._unsealed = 0  # metadata decrypted from objects, not taken from the index
        self._head: tuple[int, str] | None = None  # the journal's head while holding the lock
        # While holding the lock: the settled marker that held when it was taken, whether
        # nothing is left unfinished (the marker held, or a full recovery ran), and whether
        # the marker file was removed or is to be written again.
        self._marker: settled.Settled | None = None
        self._settled = False
        self._marker_stale = False
        self._public_keys_checked = False  # self.header is fixed, so once per Vault is enough
        self.unreadable: list[str] = []

    # -- creating and opening -------------------------------------------------------------

    @staticmethod
    def location(home: Path | str) -> Path:
        return Path(home) / "vault"

    @classmethod
    def exists(cls, home: Path | str) -> bool:
        return (cls.location(home) / "vault.json").is_file()

    @classmethod
    def create(cls, home: Path | str, passphrase: str, *, kdf: KdfParams | None = None) -> Vault:
        """A new, empty vault, left unlocked. `kdf` defaults to calibrated parameters."""
        root = cls.location(home)
        if root.exists():
            raise VaultExists(root)
        secret = _check_new_passphrase(passphrase)
        kdf = kdf or KdfParams.calibrated()
        if problem := kdf.bounds_problem():
            raise ValueError(f"Argon2id parameters out of bounds: {problem}")
        keys = _Keys(X25519PrivateKey.generate(), Ed25519PrivateKey.generate())
        header = {"format": FORMAT, "version": VERSION, "created_at": now_iso(),
                  "x25519": crypto.raw_public(keys.x25519).hex(),
                  "ed25519": crypto.raw_public(keys.ed25519).hex()}
        cls._set_wrapped(header, kdf, secret, keys)
        # Built beside its final place and renamed in one step: a vault is whole or absent.
        building = Path(tempfile.mkdtemp(prefix=".vault-init-", dir=root.parent))
        try:
            (building / "objects").mkdir(mode=0o700)
            (building / STAGING).mkdir(mode=0o700)
            (building / "journal").mkdir(mode=0o700)
            atomic_write_json(building / "vault.json", header)
            Journal(building / "journal").append("init", signer=keys.ed25519,
                                                 keys=_keys_digest(header))
            os.rename(building, root)
        except OSError as e:
            shutil.rmtree(building, ignore_errors=True)
            if is_disk_full(e):
                raise DiskFull("vault_not_created") from e
            raise
        fsync_dir(root.parent)
        vault = cls(root, header)
        vault._keys = keys
        return vault

    @classmethod
    def open(cls, home: Path | str, *, clock: Clock = time.time) -> Vault:
        """`clock` (wall-clock seconds) times the wrong-passphrase backoff."""
        root = cls.location(home)
        try:
            header = (root / "vault.json").read_text(encoding="utf-8")
        except FileNotFoundError:
            raise VaultMissing() from None
        try:
            parsed = json.loads(header)
            if parsed.get("format") != FORMAT or parsed.get("version") != VERSION:
                raise ValueError("unknown format")
            return cls(root, parsed, clock)
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise VaultDamaged(Message("error.vault.header_unreadable",
                                       {"path": root / "vault.json", "e": e})) from e

    @staticmethod
    def _set_wrapped(header: dict, kdf: KdfParams, secret: bytes, keys: _Keys) -> None:
        header["kdf"] = kdf.to_json()
        plain = crypto.raw_private(keys.x25519) + crypto.raw_private(keys.ed25519)
        header["wrapped"] = crypto.wrap(kdf.derive(secret), plain, _wrap_ad(header, kdf)).hex()

    # -- locking --------------------------------------------------------------------------

    @property
    def unlocked(self) -> bool:
        return self._keys is not None

    def _unwrap(self, passphrase: str) -> _Keys:
        try:
            kdf = KdfParams.from_json(self.header["kdf"])
            wrapped = bytes.fromhex(self.header["wrapped"])
        except (KeyError, ValueError, TypeError) as e:
            raise VaultDamaged(Message("error.vault.key_parameters_unreadable")) from e
        # Checked before deriving: an edited vault.json could hang it.
        if problem := kdf.bounds_problem():
            raise VaultDamaged(Message("error.vault.kdf_altered", {"problem": problem}))
        if not isinstance(passphrase, str) or not passphrase:
            raise WrongPassphrase()
        # Refused at once while the delay after wrong passphrases runs; counted if wrong.
        with self.backoff.attempt():
            try:
                plain = crypto.unwrap(kdf.derive(passphrase.encode()), wrapped,
                                      _wrap_ad(self.header, kdf))
            except Damaged:
                raise WrongPassphrase() from None
        keys = _Keys(X25519PrivateKey.from_private_bytes(plain[:32]),
                     Ed25519PrivateKey.from_private_bytes(plain[32:64]))
        if (crypto.raw_public(keys.x25519).hex() != self.header["x25519"]
                or crypto.raw_public(keys.ed25519).hex() != self.header["ed25519"]):
            raise VaultDamaged(Message("error.vault.keys_mismatch"))
        return keys

    def unlock(self, passphrase: str) -> None:
        """Unwrap the private keys (about half a second, by design). WrongPassphrase if not;
        PassphraseBackoff, without trying, while the delay after wrong ones runs."""
        self._keys = self._unwrap(passphrase)

    def lock(self) -> None:
        self._keys = None
        self._items.clear()
        self._index_read = False

    def _require_keys(self) -> _Keys:
        if self._keys is None:
            raise VaultLocked()
        return self._keys

    def passwd(self, old: str, new: str) -> None:
        """Re-wrap the private keys under a new passphrase; objects are untouched."""
        secret = _check_new_passphrase(new)
        keys = self._unwrap(old)
        header = dict(self.header)
        self._set_wrapped(header, KdfParams.from_json(header["kdf"]).with_new_salt(), secret,
                          keys)
        with self._locked():
            with disk_full_means("passphrase_not_changed"):
                atomic_write_json(self.root / "vault.json", header)
            self.header = header
            self._keys = keys
            self._journal("passwd", signed=True)

    def sign(self, data: bytes) -> bytes:
        return self._require_keys().ed25519.sign(data)

    def checkpoint(self) -> Entry | None:
        """Sign the journal as it stands (the agent does at every unlock and lock), so the adds
        before it, unsigned by design, can no longer change unnoticed; also seals entries of
        journal format 1. Nothing is written when the last entry is signed already, nor over a
        journal that fails its checks (the signature would vouch for the damage)."""
        self._require_keys()
        with self._locked():
            # Only the entries from the HEAD on: those before are signed already, and a
            # checkpoint cannot hide a change there (the chain to the HEAD stays broken).
            try:
                start = (self.journal.signed_head() or {}).get("seq", 1)
            except (OSError, ValueError):
                start = 1  # the audit names the damaged HEAD
            audit = self.journal.audit(self.signing_public_key, start=start)
            if audit.problems:
                log.warning("no journal checkpoint signed: the journal fails its checks (run "
                            "`iprdesk vault verify`)")
                return None
            if audit.ends_signed:
                return None
            return self._journal("checkpoint", signed=True)

    # -- adding ---------------------------------------------------------------------------

    def add(self, source: Source, meta: dict) -> str:
        """Seal one piece of evidence (bytes, a path or a binary file); returns its id."""
        return self.add_many([(source, meta)])[0].id

    def add_many(self, entries: list[tuple[Source, dict]]) -> list[Item]:
        """Seal several pieces together: every metadata is checked before anything is written,
        and a failure while writing leaves none of them behind (disk full, bad input)."""
        checked = [(source, normalise(meta)) for source, meta in entries]
        staged: list[_Staged] = []
        try:
            if len(checked) == 1:
                staged.append(self._stage(*checked[0]))
            else:
                # Each file's fsync waits in a thread (it releases the GIL) while the next is
                # sealed: for 20 x 10 MB, waiting for each file's tail to reach the disk in
                # turn was about a third of the add (bench/NOTES.md). All are on disk before
                # the commit renames any.
                with ThreadPoolExecutor(1, thread_name_prefix="iprdesk-vault-fsync") as syncs:
                    pending = []
                    for source, meta in checked:
                        staged.append(self._stage(source, meta, syncs=syncs))
                        pending.append(staged[-1].synced)
                    for synced in pending:
                        synced.result()
            self._commit(staged)
        finally:
            for st in staged:
                st.handle.close()
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(st.path)
        return [Item.from_dict(st.object_id, st.meta) for st in staged]

    def _check_public_keys(self) -> None:
        """Refuse to seal to public keys other than those the vault was created with.

        Whoever can write vault.json could otherwise swap in their own X25519 key and receive
        every later capture. The journal's first entry records the keys' digest; replacing it
        as well breaks the hash chain and the signed checkpoints, which `verify` names.
        """
        if self._public_keys_checked:
            return
        try:
            first = self.journal.entry(1)
        except (OSError, ValueError):
            first = {}
        if first.get("op") != "init" or first.get("keys") != _keys_digest(self.header):
            raise VaultDamaged(Message("error.vault.keys_replaced"))
        self._public_keys_checked = True

    def _stage(self, source: Source, meta: dict, added_at: str | None = None,
               syncs: ThreadPoolExecutor | None = None) -> _Staged:
        """Seal `source` into a staging file, on disk when this returns; with `syncs`, once
        the returned item's `synced` is done instead (its fsync runs there)."""
        self._check_public_keys()  # before anything is sealed or written
        object_id = secrets.token_hex(ID_BYTES)
        self.staging_dir.mkdir(mode=0o700, exist_ok=True)  # a vault made before staging/
        path = self.staging_dir / object_id
        # Owner-only like everything in the vault; closed by add_many / relabel.
        handle = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
        lock(handle)
        try:
            # Each block goes to the disk as soon as it is written, so the fsync below
            # waits for the last few megabytes rather than the whole file.
            with _readable(source) as src:
                full, bound_by = objects.write(handle, self.public_key, object_id, src,
                                               {**meta, "added_at": added_at or now_iso()},
                                               written=lambda: start_writeback(handle.fileno()))
            if meta.get("sha256") and meta["sha256"] != full["sha256"]:
                raise BadInput(key="error.vault.changed_since_capture")
            handle.flush()
            synced = None
            if syncs is None:
                _fsync_staged(handle)
            else:
                synced = syncs.submit(_fsync_staged, handle)
        except BaseException as e:
            handle.close()
            os.unlink(path)
            if isinstance(e, OSError) and is_disk_full(e):
                raise DiskFull("evidence_not_added") from e
            raise
        return _Staged(object_id, path, handle, full, bound_by, synced)

    def _commit(self, staged: list[_Staged], op: str = "add", **fields) -> None:
        """Rename the staged objects into place and journal them in one entry: all or none;
        then remove the object the entry `replaces`, if any."""
        with self._locked():
            self._recover()
            self._unsettle()
            placed: list[Path] = []
            try:
                for st in staged:
                    final = self.objects_dir / st.object_id
                    os.rename(st.path, final)
                    placed.append(final)
                fsync_dir(self.objects_dir)
                self._journal(op, signed=op != "add", **fields,
                              objects=[objects.record(st.object_id, st.bound_by)
                                       for st in staged])
            except OSError as e:
                for final in placed:
                    final.unlink(missing_ok=True)
                with contextlib.suppress(OSError):
                    fsync_dir(self.objects_dir)
                if is_disk_full(e):
                    raise DiskFull("evidence_not_added") from e
                raise
            if "replaces" in fields:
                (self.objects_dir / fields["replaces"]).unlink(missing_ok=True)
                fsync_dir(self.objects_dir)

    # -- journal, lock and recovery -------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with exclusive(self.root / "lock"):
            marker = settled.read(self.root)
            if marker is not None and not settled.holds(marker, self.journal, self.objects_dir):
                marker = None
            self._marker, self._settled, self._marker_stale = marker, marker is not None, False
            try:
                # Only the lock holder appends, so the head read now stays true until unlock.
                # The marker names it without a listing of the journal.
                self._head = (marker.seq, marker.digest) if marker else self.journal.head()
                yield
                if self._settled and self._head[0] and (
                        self._marker_stale or marker is None
                        or self._head != (marker.seq, marker.digest)):
                    try:
                        settled.write(self.root, *self._head, self.objects_dir)
                    except OSError as e:  # only a hint: the next writer recovers in full
                        log.warning("the vault's settled marker was not written: %s", e)
            finally:
                self._head, self._marker, self._settled = None, None, False

    def _unsettle(self) -> None:
        """Before changing objects/ (holding the lock): a process killed from now on leaves
        no marker vouching that nothing is unfinished."""
        if not self._marker_stale:
            settled.clear(self.root)
            self._marker_stale = True

    @contextlib.contextmanager
    def unchanging(self) -> Iterator[None]:
        """No process changes objects/ or journal/ while the block runs (a backup reads them)."""
        with self._locked():
            yield

    def _journal(self, op: str, *, signed: bool = False, **fields) -> Entry:
        """Append to the journal; only while holding the lock."""
        signer = self._require_keys().ed25519 if signed else None
        entry = self.journal.append(op, signer=signer, after=self._head, **fields)
        self._head = (entry.seq, entry.digest)
        with self._replay_lock:  # our own entry: no need to read the journal again for it
            if self._replay.seq == entry.seq - 1:
                self._replay.apply(entry)
        return entry

    def _state(self) -> _Replay:
        """Live objects per the journal; reads only the entries added since the last call."""
        with self._replay_lock:
            head, entries = self.journal.since(self._replay.seq)
            if head < self._replay.seq:  # the journal shrank: start over (verify reports it)
                self._replay = _Replay()
                entries = self.journal.since(0)[1]
            for entry in entries:
                self._replay.apply(entry)
            return self._replay

    def _resume(self, position: index.JournalPosition | None) -> None:
        """Start the replay where the listing index left it, if the journal still holds that
        very entry (else the journal is read from its start)."""
        if position is None or self.journal.digest(position.seq) != position.digest:
            return
        with self._replay_lock:
            if self._replay.seq < position.seq:
                self._replay = _Replay.resumed(position)

    def _recover(self, full: bool = False) -> list[str]:
        """Finish what killed processes left (holding the lock). Returns what was done.

        Only staging files are looked at while the settled marker holds, unless `full`."""
        done = []
        now = time.time()
        with contextlib.suppress(FileNotFoundError):  # a vault made before staging/
            for name in os.listdir(self.staging_dir):
                _drop_if_stale(self.staging_dir / name, now)
        if self._settled and not full:
            return done
        self._unsettle()
        for leftover in self.journal.temp_leftovers():
            leftover.unlink(missing_ok=True)
        state = self._state()
        sound: list[bool] = []

        def journal_sound() -> bool:
            """Whether the journal passes its checks, asked only before acting on it: a
            damaged or forged entry must not make recovery delete or adopt a file."""
            if not sound:
                sound.append(not self.journal.audit(self.signing_public_key).problems)
                if not sound[0]:
                    log.warning("vault recovery skipped: the journal fails its checks (run "
                                "`iprdesk vault verify`)")
            return sound[0]

        for name in sorted(os.listdir(self.objects_dir)):
            path = self.objects_dir / name
            if name.startswith(STAGE_PREFIX):
                _drop_if_stale(path, now)
                continue
            if name.startswith(".") or name in state.live:
                continue
            if not journal_sound():
                break
            if name in state.deleted:
                path.unlink()
                done.append(ReportLine("vault.verify.finished_delete", {"id": name}))
                continue
            try:
                with open(path, "rb") as f:
                    header = objects.Header.parse(f.read(objects.HEADER_LEN))
            except Damaged:
                continue  # not ours to adopt; verify reports it
            if header.object_id == name:
                self._journal("add", objects=[objects.record(name, objects.file_binding(path))],
                              recovered=True)
                done.append(ReportLine("vault.verify.recorded_add", {"id": name}))
        if done:
            fsync_dir(self.objects_dir)
            for line in done:
                log.warning("vault recovery: %s", line)
        # Settled unless the journal failed its checks: then every writer recovers in full.
        self._settled = not sound or sound[0]
        return done

    # -- reading (unlocked) ---------------------------------------------------------------

    def ids(self) -> list[str]:
        return sorted(self._state().live)

    def count(self) -> int:
        return len(self._state().live)

    def resolve(self, id_or_prefix: str) -> str:
        """The full id for an id or a unique prefix of at least 4 characters."""
        wanted = (id_or_prefix or "").strip().lower()
        if wanted in self._replay.live:  # known without re-reading the journal
            return wanted
        live = self._state().live
        if wanted in live:
            return wanted
        matches = [i for i in live if len(wanted) >= 4 and i.startswith(wanted)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise BadInput(key="error.vault.ambiguous_id", params={"id_or_prefix": id_or_prefix})
        raise NotFound(key="vault.error.no_such_evidence", params={"id": id_or_prefix})

    def _reader(self, object_id: str) -> objects.Reader:
        keys = self._require_keys()
        path = self.objects_dir / object_id
        try:
            reader = objects.Reader(path, keys.x25519)
        except FileNotFoundError:
            if object_id not in self._state().live:  # deleted meanwhile by another process
                raise NotFound(key="vault.error.no_such_evidence",
                               params={"id": object_id}) from None
            raise VaultDamaged(Message("error.vault.object_missing",
                                       {"object_id": object_id})) from None
        except Damaged as e:
            raise VaultDamaged(Message("error.vault.object_damaged",
                                       {"object_id": object_id, "e": e.why})) from e
        if reader.header.object_id != object_id:
            reader.close()
            raise VaultDamaged(Message("error.vault.object_swapped",
                                       {"object_id": object_id, "other": reader.header.object_id}))
        return reader

    def _meta(self, object_id: str, bound_by: str | None = None) -> dict:
        """An object's decrypted metadata: known while the journal records the same object
        file (`bound_by`, its binding, looked up when not given), else read from the object."""
        self._require_keys()
        if bound_by is None:
            bound_by = self._state().live.get(object_id, "")
        cached = self._items.get(object_id)
        if cached and bound_by and cached[0] == bound_by:
            return cached[1]
        with self._reader(object_id) as reader:
            meta = reader.meta
        self._items[object_id] = (bound_by, meta)
        self._unsealed += 1
        return meta

    def item(self, id_or_prefix: str) -> Item:
        object_id = self.resolve(id_or_prefix)
        return Item.from_dict(object_id, self._meta(object_id))

    def list(self, case: str | None = None, kind: str | None = None, *,
             row: Callable[[str, dict], Any] = Item.from_dict) -> list:
        """Decrypted metadata of every readable object, oldest capture first (see _selected):
        an Item each, or what `row` makes of its id and metadata (read-only): a listing that
        prints a few fields of 10,000 items makes just those."""
        with _collector_paused():
            return [row(object_id, meta) for object_id, meta in self._selected(case, kind)]

    def newest(self, count: int, case: str | None = None,
               kind: str | None = None) -> tuple[list[Item], int]:
        """The last `count` items `list` would give, and how many it would give: a view of
        the latest captures needs no Item for each of 10,000."""
        with _collector_paused():
            selected = self._selected(case, kind)
        return ([Item.from_dict(object_id, meta) for object_id, meta in selected[-count:]],
                len(selected))

    def _selected(self, case: str | None, kind: str | None) -> list[tuple[str, dict]]:
        """(id, decrypted metadata) of every readable object of `case` and `kind` (None: any),
        oldest capture first.

        Taken from the listing index (index.py) where it holds the very object file the
        journal records; the others are read from their objects and the index rewritten.
        A damaged object is left out (and logged) rather than hiding all the others;
        `verify` names it; `unreadable` lists the ids left out by the last call.
        """
        keys = self._require_keys()
        key = index.index_key(keys.x25519)
        saved_at = None
        if not self._index_read:
            saved = index.load(self.root / index.NAME, key)
            self._items = {**saved.items, **self._items}  # what was read since stays
            self._resume(saved.journal)
            saved_at = saved.journal.seq if saved.journal else 0
            self._index_read = True
        unsealed = self._unsealed
        state = self._state()
        live = state.live
        present = set(os.listdir(self.objects_dir))
        chosen = []  # (order, id, metadata): an Item is made only for what is returned
        self.unreadable = []
        for object_id, bound_by in live.items():
            cached = self._items.get(object_id)
            try:
                if object_id not in present:
                    raise VaultDamaged(Message("error.vault.object_missing",
                                               {"object_id": object_id}))
                # _meta's cache check inline: this loop runs for each of 10,000 items.
                meta = cached[1] if cached and bound_by and cached[0] == bound_by \
                    else self._meta(object_id, bound_by)
            except VaultDamaged as e:
                log.warning("skipping a damaged object: %s", e.message)
                self.unreadable.append(object_id)
                continue
            if (case is None or meta.get("case") == case) and (
                    kind is None or meta.get("kind") == kind):
                chosen.append(((meta.get("captured_at"), meta.get("added_at"), object_id),
                               object_id, meta))
        gone = self._items.keys() - live.keys()
        if self._unsealed != unsealed or gone or saved_at == 0:
            for object_id in gone:
                del self._items[object_id]
            with self._replay_lock:
                position = state.position()
            try:
                index.save(self.root / index.NAME, key, index.Index(self._items, position))
            except OSError as e:  # only a cache: the next listing reads the objects again
                log.warning("the vault's listing index was not written: %s", e.strerror or e)
        self.unreadable.sort()
        chosen.sort(key=lambda c: c[0])
        return [(object_id, meta) for _, object_id, meta in chosen]

    def chunks(self, id_or_prefix: str) -> Iterator[bytes]:
        """The original bytes, authenticated chunk by chunk; VaultDamaged on tampering."""
        object_id = self.resolve(id_or_prefix)
        with self._reader(object_id) as reader:
            digest = hashlib.sha256()
            try:
                for chunk in reader.chunks():
                    digest.update(chunk)
                    yield chunk
            except Damaged as e:
                raise VaultDamaged(Message("error.vault.object_damaged",
                                           {"object_id": object_id, "e": e.why})) from e
            if digest.hexdigest() != reader.meta.get("sha256"):
                raise VaultDamaged(Message("error.vault.object_sha_mismatch",
                                           {"object_id": object_id}))

    def read(self, id_or_prefix: str) -> bytes:
        return b"".join(self.chunks(id_or_prefix))

    # -- relabelling ----------------------------------------------------------------------

    def relabel(self, id_or_prefix: str, changes: dict) -> Item:
        """Change what is recorded about one object: case, complaint, products, note, kind.

        The content is re-sealed under a new id, and one signed journal entry records the new
        object as replacing the old; the SHA-256 and the times taken at capture are kept.
        """
        self._require_keys()
        unknown = sorted(set(changes) - RELABEL_FIELDS)
        if unknown:
            raise BadInput(key="error.vault.cannot_relabel",
                           params={"unknown": list(unknown), "fields": sorted(RELABEL_FIELDS)})
        old_id = self.resolve(id_or_prefix)
        with self._reader(old_id) as reader:
            kept = {k: v for k, v in reader.meta.items() if k not in ("size", "added_at")}
            meta = normalise({**kept, **changes})
            try:
                staged = self._stage(_ChunkReader(reader.chunks()), meta,
                                     added_at=reader.meta.get("added_at"))
            except Damaged as e:
                raise VaultDamaged(Message("error.vault.object_damaged",
                                           {"object_id": old_id, "e": e.why})) from e
        try:
            self._commit([staged], op="relabel", replaces=old_id)
        finally:
            staged.handle.close()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(staged.path)
        self._items.pop(old_id, None)
        return Item.from_dict(staged.object_id, staged.meta)

    # -- deleting -------------------------------------------------------------------------

    def delete(self, id_or_prefix: str) -> str:
        """Remove one object (needs the vault unlocked); the journal keeps the record."""
        self._require_keys()
        object_id = self.resolve(id_or_prefix)
        with self._locked():
            self._unsettle()
            with disk_full_means("nothing_deleted"):
                self._journal("delete", signed=True, object=object_id)
            (self.objects_dir / object_id).unlink(missing_ok=True)
            fsync_dir(self.objects_dir)
        self._items.pop(object_id, None)
        return object_id

    def record_export(self, object_ids: list[str], bundle_sha256: str) -> None:
        """Journal an export; which objects and which bundle only the passphrase reads."""
        sealed = seal_fields(self.public_key, {"objects": sorted(object_ids),
                                               "bundle_sha256": bundle_sha256})
        with self._locked():
            self._journal("export", signed=True, sealed=sealed)

    def sealed_fields(self, entry: Entry) -> dict:
        """What an entry sealed (an export: objects, bundle_sha256); VaultDamaged if it does not
        open."""
        try:
            return open_fields(self._require_keys().x25519, entry.fields.get("sealed"))
        except Damaged as e:
            raise VaultDamaged(Message("error.vault.journal_sealed_fields",
                                       {"seq": entry.seq, "e": e.why})) from e

    # -- verifying ------------------------------------------------------------------------

    def verify(self, deep: bool | None = None) -> VerifyReport:
        """Check the journal's chain and signatures and every object against it.

        `deep` (default: whenever unlocked) also decrypts every object and compares it with
        the SHA-256 taken at capture.
        """
        deep = self.unlocked if deep is None else deep
        if deep:
            self._require_keys()
        with self._locked():
            recovered = self._recover(full=True)
        audit = self.journal.audit(self.signing_public_key)
        report = VerifyReport(objects=0, journal_entries=len(audit.entries), deep=deep,
                              problems=audit.problems, recovered=recovered,
                              signed_through=audit.signed_through, notes=audit.notes)
        first = audit.entries[0] if audit.entries else None
        if first is None or first.seq == 1 and 1 not in audit.rejected and (
                first.op != "init" or first.fields.get("keys") != _keys_digest(self.header)):
            report.problems.append(ReportLine("vault.verify.not_from_creation"))
        state = _Replay()
        for entry in audit.entries:
            if entry.seq in audit.rejected:  # what a damaged or forged entry says is void
                continue
            if again := state.again(entry):
                report.problems.append(ReportLine(
                    "vault.verify.added_again", {"seq": entry.seq, "op": entry.op, "ids": again}))
                continue
            state.apply(entry)
        report.objects = len(state.live)
        if deep:
            for entry in audit.entries:
                if "sealed" in entry.fields and entry.seq not in audit.rejected:
                    try:
                        self.sealed_fields(entry)
                    except VaultDamaged as e:
                        report.problems.append(ReportLine(e.what.key, e.what.params))
        present = {n for n in os.listdir(self.objects_dir) if not n.startswith(".")}
        unaccounted: list[tuple[str, str]] = []
        for object_id, bound_by in sorted(state.live.items()):
            if object_id not in present:
                unaccounted.append((object_id, ReportLine("vault.verify.object_missing",
                                                          {"id": object_id})))
                continue
            report.problems.extend(self._check_object(object_id, bound_by, deep))
        unaccounted.extend((name, ReportLine("vault.verify.unexpected_file", {"name": name}))
                           for name in sorted(present - set(state.live)))
        for object_id, line in unaccounted:
            # A damaged entry that names the object may be what added, deleted or relabelled
            # it: the object is then not known to be wrong, only unchecked.
            seq = audit.damaged_entry_naming(object_id)
            if seq is None:
                report.problems.append(line)
            else:
                report.notes.append(i18n.Message("vault.verify.unchecked_object",
                                                 {"id": object_id, "seq": seq}))
        return report

    def _check_object(self, object_id: str, bound_by: str, deep: bool) -> list[ReportLine]:
        path = self.objects_dir / object_id
        try:
            with open(path, "rb") as f:
                header = objects.Header.parse(f.read(objects.HEADER_LEN))
        except Damaged:
            return [ReportLine("vault.verify.object_header", {"id": object_id})]
        if header.object_id != object_id:
            return [ReportLine("vault.verify.object_swapped",
                               {"id": object_id, "other": header.object_id})]
        problems = []
        if not objects.bound(path, bound_by):
            problems.append(ReportLine("vault.verify.object_altered", {"id": object_id}))
        if deep:
            try:
                with self._reader(object_id) as reader:
                    reader.check_content()
            except VaultDamaged as e:
                problems.append(ReportLine("vault.verify.object_problem",
                                           {"id": object_id, "what": e.what}))
            except Damaged as e:
                problems.append(ReportLine("vault.verify.object_decryption",
                                           {"id": object_id, "e": e.why}))
        return problems


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a listing runs. A listing makes objects
    for every item and keeps most (the index's metadata), and makes no reference cycles, so
    the collector's passes over the growing heap find nothing: at 100,000 items they were
    ~1,000 passes and 0.85 s of a first listing's 2.8 s of CPU. Another thread's listing
    finding it paused leaves it to the first to resume."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextlib.contextmanager
def _readable(source: Source) -> Iterator[BinaryIO]:
    if isinstance(source, bytes | bytearray | memoryview):
        yield io.BytesIO(source)
    elif isinstance(source, str | os.PathLike):
        try:
            f = open(source, "rb")  # noqa: SIM115 - closed below
        except (FileNotFoundError, IsADirectoryError, PermissionError) as e:
            raise BadInput(key="error.vault.cannot_read",
                           params={"source": source, "strerror": e.strerror}) from e
        with f:
            yield f
    else:
        yield source


class _ChunkReader(io.RawIOBase):
    """A binary file over an iterator of chunks, so decrypted content streams without a
    plaintext copy on disk or whole in memory."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            self._pending = next(self._chunks, None)
            if self._pending is None:
                self._pending = b""
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _drop_if_stale(path: Path, now: float) -> None:
    """Remove a staging file whose writer is gone."""
    with contextlib.suppress(FileNotFoundError):
        if now - path.stat().st_mtime > STALE_STAGE_SECONDS and _unlocked_file(path):
            path.unlink()


def _unlocked_file(path: Path) -> bool:
    """True when no process holds the flock on `path` (its writer is gone)."""
    with open(path, "rb") as f:
        if not lock(f, blocking=False):
            return False
        unlock(f)
        return True
