"""The listing index, `<vault>/index`: every object's metadata and what the journal meant up to
one of its entries, in one sealed file, so that listing 10,000 pieces of evidence opens one
file instead of unsealing 10,000 objects and reading 10,000 journal entries.

Format 2 (MAGIC):

    "iprdidx2"     magic (8 bytes)
    nonce          12 random bytes
    ciphertext     AES-256-GCM of the JSON below, the magic as associated data, under a key
                   derived from the vault's X25519 private key (HKDF-SHA256, info _INFO)

    {"items":   {object id: [object file binding, metadata]},
     "journal": {"seq": N, "digest": SHA-256 of journal entry N's bytes,
                 "live": {object id: object file binding}, "deleted": [object id, ...]}}

`journal` is the journal's replay (store._Replay) after entry N: a reader whose journal still
holds that very entry N reads only the entries after it. "journal" may be null.

Format 1 ("iprdidx1", iprdesk before format 2): the `items` map alone; read, and rewritten as
format 2 at the next change.

Only the passphrase holder reads or writes it (an add needs only the public key, so it
leaves the index alone). It is a cache, never a source of truth: an item counts only while
the journal records that very object file (its binding) as live, and the replay only while
entry N is the journal's entry N (the journal only grows, so an older index replays more);
anything else, and an index that is missing, damaged, or sealed under another vault's key, is
read from the journal and the objects themselves and the index rewritten (atomically).
"""

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from iprdesk.atomic import atomic_write_bytes
from iprdesk.vault import crypto

log = logging.getLogger("iprdesk.vault")

NAME = "index"
MAGIC = b"iprdidx2"
MAGIC_V1 = b"iprdidx1"
_INFO = b"iprdesk-vault/v1/index"

# object id -> (its object file's binding (objects.binding), its metadata as the object holds it)
Entries = dict[str, tuple[str, dict]]


@dataclass
class JournalPosition:
    """The journal's replay after entry `seq`, whose bytes hash to `digest`."""
    seq: int
    digest: str
    live: dict[str, str]
    deleted: set[str] = field(default_factory=set)

    def to_json(self) -> dict:
        return {"seq": self.seq, "digest": self.digest, "live": self.live,
                "deleted": sorted(self.deleted)}

    @classmethod
    def from_json(cls, raw) -> "JournalPosition | None":
        if not isinstance(raw, dict):
            return None
        seq, digest, live, deleted = (raw.get(k) for k in ("seq", "digest", "live", "deleted"))
        if not (type(seq) is int and seq > 0 and isinstance(digest, str)
                and isinstance(live, dict) and isinstance(deleted, list)
                and all(isinstance(v, str) for v in live.values())
                and all(isinstance(d, str) for d in deleted)):
            return None
        return cls(seq, digest, live, set(deleted))


@dataclass
class Index:
    items: Entries = field(default_factory=dict)
    journal: JournalPosition | None = None


def index_key(x25519_private) -> bytes:
    return crypto.derive_key(crypto.raw_private(x25519_private), _INFO)


def load(path: Path, key: bytes) -> Index:
    """The index at `path`; an empty one when it is missing or does not open."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Index()
    nonce_end = len(MAGIC) + crypto.NONCE_LEN
    magic = data[:len(MAGIC)]
    try:
        if magic not in (MAGIC, MAGIC_V1):
            raise ValueError("not an index")
        raw = json.loads(AESGCM(key).decrypt(data[len(MAGIC):nonce_end], data[nonce_end:],
                                             magic))
        if magic == MAGIC_V1:
            raw = {"items": raw, "journal": None}
        items = {object_id: (file_sha, meta) for object_id, (file_sha, meta)
                 in raw["items"].items() if isinstance(file_sha, str) and isinstance(meta, dict)}
        return Index(items, JournalPosition.from_json(raw.get("journal")))
    except (InvalidTag, ValueError, TypeError, AttributeError, KeyError):
        log.warning("the vault's listing index does not open; it is rebuilt from the objects")
        return Index()


def save(path: Path, key: bytes, saved: Index) -> None:
    plain = json.dumps({"items": saved.items,
                        "journal": saved.journal.to_json() if saved.journal else None},
                       ensure_ascii=False, separators=(",", ":")).encode()
    nonce = os.urandom(crypto.NONCE_LEN)
    atomic_write_bytes(path, MAGIC + nonce + AESGCM(key).encrypt(nonce, plain, MAGIC))
