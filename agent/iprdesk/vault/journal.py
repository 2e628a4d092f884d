"""The vault's append-only, hash-chained journal of adds, exports and deletes.

One entry per file (`journal/0000000001.json`, ...), each written with temp file, fsync and
rename, never changed afterwards. Every entry holds the SHA-256 of the previous entry's bytes,
so an edited, removed or reordered entry breaks the chain at a place `verify` can name.
Entries say what happened to which object ids (an add lists every object of one batch with a
digest of its file, which `vault verify` checks without the passphrase); names, cases and URLs
live only in the encrypted objects.

Format 3, what `append` writes (one line of canonical JSON: `encode_entry`):

    v     3
    seq   the entry's number (also its file name); op, at (UTC, to the second), the op's fields
    prev  SHA-256 (hex) of the previous entry's bytes; GENESIS before the first
    sum   SHA-256 (hex) of encode_entry(the entry without `sum` and `sig`): a damaged entry is
          told apart from its intact neighbours (a flipped bit in `prev` would otherwise look
          like an edit of the entry before)
    sealed  (exports) fields only the passphrase opens, which an export's objects and bundle
          SHA-256 are: hex of an ephemeral X25519 key (32 bytes), a fresh key sealed to the
          vault's X25519 key with it (48) and AES-256-GCM of the fields' JSON, padded with
          spaces to a multiple of 256 bytes, under that key's metadata subkey: the construction
          of an object's key and metadata (crypto.py), SEALED_CONTEXT as associated data
    sig   (every op but an add: they need the passphrase) the hex Ed25519 signature of
          ENTRY_CONTEXT + encode_entry(the entry without `sig`), `prev` included, so neither
          the entry nor, through the chain, anything before it changes without the key

    journal/HEAD  {"v": 2, "seq": N, "digest": SHA-256 of entry N's bytes, "sig": hex Ed25519
          of HEAD_CONTEXT + encode_entry({"v", "seq", "digest"})}, rewritten after every signed
          entry: it pins the last signed entry, so editing it or removing entries up to it is
          named. Entries after it can only be adds (unsigned by design: capturing needs no
          passphrase) chained to it, or a signed entry whose HEAD update was cut short.

The labels keep a journal signature from passing for a bundle's (bundle.SIGNATURE_CONTEXT) or
for each other; each ends at its first line break, so none is a prefix of another.

Format 1 (iprdesk before format 2): no `v` and no `sum`; deletes, relabels, exports and passphrase
changes signed `prev` alone (its 64 hex digits, no label), which left the entry itself and the
last entries unprotected. Such entries still verify under those rules, and once a format 2 (or
3) entry follows them every later one must be too; the first signed format 2 or 3 entry (the agent
signs a checkpoint at every unlock and lock) covers them through the chain.

Format 3 (December 2026) is format 2 with one change: the objects an add or a relabel records
bind their file by `blake3` (BLAKE3-256 of the object file, hex), where format 2 wrote
`sha256`. Both are 256-bit cryptographic digests of every byte of the file; BLAKE3 costs a
third of SHA-256 (SHA-NI) per byte, and an add already spends a SHA-256 pass on the content's
digest, the evidence's identity. An iprdesk that knows only format 2 names each format 3 entry
as damaged (unknown format) instead of misreading it. Nothing is migrated: entries are never
rewritten (the chain and the signatures hold them), so an object a format 2 entry bound by its
SHA-256 stays bound by it and verifies so; re-binding old objects by BLAKE3 would take new
entries recording them again, which `verify` treats as tampering (`added_again`). Within one
journal, entries of both formats follow each other in any order; HEAD stays as it is ("v": 2).

Writers hold the vault lock; readers need no lock because entries only ever appear whole.
"""

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature

from iprdesk.atomic import atomic_write_bytes
from iprdesk.text import i18n
from iprdesk.text.i18n import Message, ReportLine
from iprdesk.timeutil import now_iso
from iprdesk.vault import crypto
from iprdesk.vault.objects import ID_LEN, META_PAD

log = logging.getLogger("iprdesk.vault")

GENESIS = "0" * 64
NAME_DIGITS = 10
FORMAT = 3  # what append writes
FORMATS = (2, 3)  # those whose signatures cover their own entry (format 1's did not)
HEAD_FORMAT = 2  # the HEAD record's, unchanged by format 3
HEAD = "HEAD"
ENTRY_CONTEXT = b"iprdesk vault journal v2: entry\n"
HEAD_CONTEXT = b"iprdesk vault journal v2: head\n"
SEALED_CONTEXT = b"iprdesk vault journal v2: sealed fields\n"
UNSIGNED_OPS = frozenset({"add"})  # formats 2 and 3: every other op is written with the passphrase
FORMAT1_SIGNED_OPS = frozenset({"delete", "relabel", "export", "passwd"})


@dataclass
class Entry:
    seq: int
    op: str
    fields: dict
    digest: str  # SHA-256 of this entry's bytes: the next entry's `prev`
    version: int = FORMAT
    damage: str | None = None  # why the entry is not as written, as far as it alone can tell
    signed: bool = False  # carries a signature that verifies (audit with a public key only)
    raw: bytes = field(default=b"", repr=False)


def encode_entry(value: dict) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _version(body: dict) -> int:
    """An entry's format: 1 without `v`; an unknown `v` counts as the newest (and is damage)."""
    if "v" not in body:
        return 1
    return body["v"] if body["v"] in FORMATS and type(body["v"]) is int else FORMAT


def _checksum(body: dict) -> str:
    return hashlib.sha256(encode_entry({k: v for k, v in body.items()
                                        if k not in ("sum", "sig")})).hexdigest()


def _signed_message(body: dict) -> bytes:
    return ENTRY_CONTEXT + encode_entry({k: v for k, v in body.items() if k != "sig"})


def _head_message(head: dict) -> bytes:
    return HEAD_CONTEXT + encode_entry({k: head[k] for k in ("v", "seq", "digest")})


def _verifies(public_key, sig, message: bytes) -> bool:
    try:
        raw = bytes.fromhex(sig)
        if raw.hex() != sig:  # only the lowercase hex written: a flipped case bit is damage
            return False
        public_key.verify(raw, message)
    except (TypeError, ValueError, InvalidSignature):
        return False
    return True


def seal_fields(recipient, fields: dict) -> str:
    """The `sealed` value of `fields` (see above): only the vault's private key opens it."""
    key = os.urandom(crypto.KEY_LEN)
    ephemeral, sealed_key = crypto.seal(recipient, key, SEALED_CONTEXT)
    plain = encode_entry(fields)
    plain += b" " * (-len(plain) % META_PAD)
    return (ephemeral + sealed_key
            + crypto.seal_meta(crypto.subkeys(key)[1], plain, SEALED_CONTEXT)).hex()


def open_fields(private_key, sealed) -> dict:
    """The fields in a `sealed` value; crypto.Damaged when they do not open."""
    try:
        raw = bytes.fromhex(sealed)
    except (TypeError, ValueError) as e:
        raise crypto.Damaged(Message("vault.damaged.sealed_hex")) from e
    at = 32 + crypto.SEALED_KEY_LEN
    key = crypto.unseal(private_key, raw[:32], raw[32:at], SEALED_CONTEXT)
    try:
        fields = json.loads(crypto.open_meta(crypto.subkeys(key)[1], raw[at:], SEALED_CONTEXT))
    except ValueError as e:
        raise crypto.Damaged(Message("vault.damaged.sealed_unreadable")) from e
    if not isinstance(fields, dict):
        raise crypto.Damaged(Message("vault.damaged.sealed_unreadable"))
    return fields


@dataclass
class Audit:
    """What `Journal.audit` found: the entries, and in plain words what is wrong with them."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[ReportLine] = field(default_factory=list)
    notes: list[i18n.Message] = field(default_factory=list)
    signed_through: int = 0  # last entry covered by a signature that verifies
    # Entries whose content must not be believed: damaged, forged or on a broken link.
    rejected: set[int] = field(default_factory=set)
    # The bytes of damaged or replaced entries: what they name may not be what was written.
    _damaged: dict[int, bytes] = field(default_factory=dict)
    _near: dict[int, set[bytes]] | None = None

    @property
    def ends_signed(self) -> bool:
        """The last entry carries a format 2 or 3 signature: it covers the whole journal."""
        return bool(self.entries) and self.entries[-1].signed \
            and self.entries[-1].version in FORMATS

    def _problem(self, seq: int, what: ReportLine | None, raw: bytes | None = None) -> None:
        if what:
            self.problems.append(what)
        self.rejected.add(seq)
        if raw is not None:
            self._damaged[seq] = raw

    def damaged_entry_naming(self, name: str) -> int | None:
        """The damaged entry that holds `name` (an object id), or a copy of it with one byte
        changed, as a flipped bit leaves it; None if none does."""
        if not self._damaged:
            return None
        if self._near is None:  # every text value's first ID_LEN bytes, one byte masked
            self._near = {seq: {raw[i:i + j] + b"?" + raw[i + j + 1:i + ID_LEN]
                                for i in range(1, len(raw) - ID_LEN + 1) if raw[i - 1] == 34
                                for j in range(ID_LEN)}
                          for seq, raw in self._damaged.items()}
        wanted = name.encode(errors="replace")
        for seq, raw in self._damaged.items():
            if wanted in raw or (len(wanted) == ID_LEN and any(
                    wanted[:j] + b"?" + wanted[j + 1:] in self._near[seq]
                    for j in range(ID_LEN))):
                return seq
        return None


class Journal:
    def __init__(self, folder: Path):
        self.folder = folder

    def _names(self) -> list[str]:
        return sorted(n for n in os.listdir(self.folder)
                      if n.endswith(".json") and not n.startswith("."))

    @staticmethod
    def _last(names: list[str]) -> str | None:
        """The last entry's file name among `names` (_names' order)."""
        return next((n for n in reversed(names) if n.removesuffix(".json").isdigit()), None)

    def head(self) -> tuple[int, str]:
        """(sequence number, digest) of the last entry; (0, GENESIS) when empty. Its number is
        its file's: a damaged last entry must not stop the next append (verify names it)."""
        name = self._last(self._names())
        if name is None:
            return 0, GENESIS
        return int(name.removesuffix(".json")), \
            hashlib.sha256((self.folder / name).read_bytes()).hexdigest()

    def since(self, seq: int) -> tuple[int, list[Entry]]:
        """The last entry's number (as `head`'s) and the entries after entry `seq`, checked as
        `audit` checks them: what a reader that has read up to `seq` needs, from one listing
        of the folder (10,000 names in a large vault), not two."""
        names = self._names()
        last = self._last(names)
        last = int(last.removesuffix(".json")) if last else 0
        return last, self.audit(start=seq + 1, names=names).entries if last > seq else []

    def path(self, seq: int) -> Path:
        """Where entry `seq` is (or would be)."""
        return self.folder / f"{seq:0{NAME_DIGITS}d}.json"

    def entry(self, seq: int) -> dict:
        """The body of entry `seq` alone; OSError or ValueError when absent or unreadable."""
        body = json.loads(self.path(seq).read_bytes())
        if not isinstance(body, dict):
            raise ValueError(f"journal entry {seq} is not an object")
        return body

    def digest(self, seq: int) -> str | None:
        """SHA-256 of entry `seq`'s bytes; None when it is absent or unreadable."""
        try:
            return hashlib.sha256(self.path(seq).read_bytes()).hexdigest()
        except OSError:
            return None

    def signed_head(self) -> dict | None:
        """The HEAD record; None when there is none. ValueError when it is unreadable."""
        try:
            head = json.loads((self.folder / HEAD).read_bytes())
        except FileNotFoundError:
            return None
        if not (isinstance(head, dict) and head.get("v") == HEAD_FORMAT
                and type(head.get("seq")) is int and isinstance(head.get("digest"), str)):
            raise ValueError("not a head record")
        return head

    def append(self, op: str, signer=None, after: tuple[int, str] | None = None,
               **fields) -> Entry:
        """Add one entry. The caller holds the vault lock.

        With `signer` (the vault's Ed25519 key, only while unlocked) the entry is signed and
        becomes the HEAD. `after` is the head the caller already knows (read once per lock),
        which spares a directory listing per entry.
        """
        seq, prev = after or self.head()
        body = {**fields, "v": FORMAT, "seq": seq + 1, "op": op, "at": now_iso(), "prev": prev}
        body.pop("sum", None)
        body["sum"] = _checksum(body)
        if signer is not None:
            body["sig"] = signer.sign(_signed_message(body)).hex()
        raw = encode_entry(body)
        atomic_write_bytes(self.path(seq + 1), raw, mode=0o400)
        digest = hashlib.sha256(raw).hexdigest()
        if signer is not None:
            head = {"v": HEAD_FORMAT, "seq": seq + 1, "digest": digest}
            head["sig"] = signer.sign(_head_message(head)).hex()
            try:
                atomic_write_bytes(self.folder / HEAD, encode_entry(head))
            except OSError as e:  # the entry stands; the next signed one moves the HEAD on
                log.warning("the journal's head record was not updated: %s", e)
        return Entry(seq + 1, op, body, digest)

    def read(self) -> tuple[list[Entry], list[ReportLine]]:
        """Every entry in order and, in plain words, what is wrong with the chain (signatures
        are not checked: `audit`)."""
        audit = self.audit()
        return audit.entries, audit.problems

    def audit(self, public_key=None, start: int = 1, *, names: list[str] | None = None) -> Audit:
        """Every entry from `start` on checked on its own, against its neighbours and, given
        the vault's Ed25519 public key, against its signature and the HEAD. `names`: the
        folder's listing (_names), when the caller has it already."""
        out = Audit()
        before: Entry | None = None  # the entry just before, when it was read
        expected, newer_format = start, False
        for name in self._names() if names is None else names:
            if not name.removesuffix(".json").isdigit():
                out.problems.append(ReportLine("vault.verify.not_an_entry", {"name": name}))
                continue
            seq = int(name.removesuffix(".json"))
            if seq < start:
                continue
            if seq != expected:
                out.problems.append(ReportLine(
                    "vault.verify.entry_missing" if seq == expected + 1
                    else "vault.verify.entries_missing", {"first": expected, "last": seq - 1}))
                before = None
            expected = seq + 1
            raw = b""
            try:
                raw = (self.folder / name).read_bytes()
                body = json.loads(raw)
                if not isinstance(body, dict):
                    raise ValueError(name)
            except (ValueError, OSError):
                out._problem(seq, ReportLine("vault.verify.entry_unreadable", {"seq": seq}), raw)
                before = None
                continue
            entry = Entry(seq, str(body.get("op", "?")), body, hashlib.sha256(raw).hexdigest(),
                          version=_version(body), raw=raw)
            entry.damage = self._damage(entry, raw, newer_format)
            newer_format = newer_format or entry.version in FORMATS and entry.damage is None
            out.entries.append(entry)
            if entry.damage is None and public_key is not None:
                self._check_signature(entry, public_key, out)
            if entry.damage is not None:
                out._problem(seq, ReportLine("vault.verify.entry_damaged",
                                             {"seq": seq, "damage": entry.damage}), raw)
            elif before is not None and before.damage is None \
                    and body.get("prev") != before.digest:
                self._broken_link(before, entry, out)
            before = entry
        if public_key is not None:
            self._check_head(public_key, out, expected - 1)
            old = [e.seq for e in out.entries if e.version == 1]
            if old and out.signed_through < old[-1]:
                out.notes.append(i18n.Message("vault.verify.old_journal",
                                              {"first": old[0], "last": old[-1]}))
        return out

    @staticmethod
    def _damage(entry: Entry, raw: bytes, newer_format: bool) -> Message | None:
        body = entry.fields
        if body.get("seq") != entry.seq:
            return Message("vault.verify.damage.renumbered")
        if entry.version == 1:
            if newer_format:
                return Message("vault.verify.damage.old_after_new")
            return None
        if body["v"] not in FORMATS:
            return Message("vault.verify.damage.unknown_format")
        if raw != encode_entry(body) or body.get("sum") != _checksum(body):
            return Message("vault.verify.damage.checksum")
        return None

    @staticmethod
    def _check_signature(entry: Entry, public_key, out: Audit) -> None:
        sig = entry.fields.get("sig")
        if sig is None:
            if (entry.op not in UNSIGNED_OPS if entry.version in FORMATS
                    else entry.op in FORMAT1_SIGNED_OPS):
                out._problem(entry.seq, ReportLine("vault.verify.unsigned",
                                                   {"seq": entry.seq, "op": entry.op}))
            return
        message = (_signed_message(entry.fields) if entry.version in FORMATS
                   else str(entry.fields.get("prev")).encode())
        if _verifies(public_key, sig, message):
            entry.signed = True
            # A format 1 signature covers only what came before its entry.
            out.signed_through = entry.seq - (entry.version == 1)
        else:
            entry.damage = Message("vault.verify.damage.signature")

    @staticmethod
    def _broken_link(before: Entry, entry: Entry, out: Audit) -> None:
        """Entry does not follow `before`, though each is whole on its own."""
        if entry.signed and entry.version in FORMATS:
            out._problem(before.seq, ReportLine("vault.verify.replaced_before_signed",
                                                {"seq": before.seq, "next": entry.seq}),
                         before.raw)
        elif before.signed and before.version in FORMATS:
            out._problem(entry.seq, ReportLine("vault.verify.replaced_after_signed",
                                               {"seq": entry.seq, "before": before.seq}),
                         entry.raw)
        else:
            out._problem(before.seq, ReportLine("vault.verify.chain_broken",
                                                {"first": before.seq, "second": entry.seq}),
                         before.raw)
            out._problem(entry.seq, None, entry.raw)

    def _check_head(self, public_key, out: Audit, last: int) -> None:
        try:
            head = self.signed_head()
        except (ValueError, OSError):
            out.problems.append(ReportLine("vault.verify.head_unreadable"))
            return
        if head is None:
            if any(e.version in FORMATS and "sig" in e.fields for e in out.entries):
                out.problems.append(ReportLine("vault.verify.head_missing"))
            return
        if not _verifies(public_key, head.get("sig"), _head_message(head)):
            out.problems.append(ReportLine("vault.verify.head_signature"))
            return
        seq = head["seq"]
        if seq > last:
            out.problems.append(ReportLine(
                "vault.verify.entry_removed" if seq == last + 1 else "vault.verify.entries_removed",
                {"first": last + 1, "last": seq, "count": seq}))
            return
        entry = next((e for e in out.entries if e.seq == seq), None)
        if entry is None or seq in out.rejected:
            return  # missing or damaged: already named
        if entry.digest != head["digest"]:
            out._problem(seq, ReportLine("vault.verify.head_replaced", {"seq": seq}))
            return
        out.signed_through = max(out.signed_through, seq)

    def temp_leftovers(self) -> list[Path]:
        """Temp files of an interrupted append (only meaningful under the vault lock)."""
        return [self.folder / n for n in os.listdir(self.folder) if n.startswith(".")]
