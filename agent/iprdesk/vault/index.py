"""The listing index, `<vault>/index`: every object's metadata in one sealed file, so that
listing 10,000 pieces of evidence opens one file instead of unsealing 10,000.

    "iprdidx1"     magic (8 bytes)
    nonce          12 random bytes
    ciphertext     AES-256-GCM of the JSON {object id: [object file SHA-256, metadata]},
                   the magic as associated data, under a key derived from the vault's X25519
                   private key (HKDF-SHA256, info "iprdesk-vault/v1/index")

Only the passphrase holder reads or writes it (an add needs only the public key, so it
leaves the index alone). It is a cache, never a source of truth: an entry counts only while
the journal records that very object file (its SHA-256) as live; anything else, and an index
that is missing, damaged, or sealed under another vault's key, is read from the objects
themselves and the index rewritten (atomically). Vaults made before it simply get one at
their first listing; nothing else in the format changed.
"""

import json
import logging
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from iprdesk.atomic import atomic_write_bytes
from iprdesk.vault import crypto

log = logging.getLogger("iprdesk.vault")

NAME = "index"
MAGIC = b"iprdidx1"
_INFO = b"iprdesk-vault/v1/index"

# object id -> (SHA-256 of its object file, its metadata as the object holds it)
Entries = dict[str, tuple[str, dict]]


def index_key(x25519_private) -> bytes:
    return crypto.derive_key(crypto.raw_private(x25519_private), _INFO)


def load(path: Path, key: bytes) -> Entries:
    """The entries of the index at `path`; none when it is missing or does not open."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    nonce_end = len(MAGIC) + crypto.NONCE_LEN
    try:
        if not data.startswith(MAGIC):
            raise ValueError("not an index")
        raw = json.loads(AESGCM(key).decrypt(data[len(MAGIC):nonce_end], data[nonce_end:],
                                             MAGIC))
        return {object_id: (file_sha, meta) for object_id, (file_sha, meta) in raw.items()
                if isinstance(file_sha, str) and isinstance(meta, dict)}
    except (InvalidTag, ValueError, TypeError, AttributeError):
        log.warning("the vault's listing index does not open; it is rebuilt from the objects")
        return {}


def save(path: Path, key: bytes, entries: Entries) -> None:
    plain = json.dumps(entries, ensure_ascii=False, separators=(",", ":")).encode()
    nonce = os.urandom(crypto.NONCE_LEN)
    atomic_write_bytes(path, MAGIC + nonce + AESGCM(key).encrypt(nonce, plain, MAGIC))
