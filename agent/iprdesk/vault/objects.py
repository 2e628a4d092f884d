"""One object file: a sealed piece of evidence with its encrypted metadata.

    header   magic "iprdobj2" | object id (16 ASCII hex) | ephemeral X25519 key (32)
             | sealed file key (48)                                           = 104 bytes
    content  STREAM chunks (crypto.py), header as associated data, of
             content | padding: n zero bytes | n, 8 bytes big-endian
             where the three together are padme(len(content) + 8) bytes long (crypto.padme)
    metadata AES-256-GCM(meta key, JSON padded to 256 bytes, header as associated data)
    trailer  length of the metadata ciphertext, 4 bytes big-endian

The id inside the header is authenticated, so a file renamed or swapped for another object's
is caught; so is the magic, so a format-2 object cannot be passed off as format 1. Metadata
comes last because the SHA-256 of the content is only known once it has streamed through;
its padding hides the exact length of names and notes.

An add reads its input once: each block is sealed and both digests updated with it (`write`),
the content's SHA-256 (in the metadata: the evidence's identity, cited in bundles and letters)
and the object file's digest that the journal binds it by (`binding`), which `vault verify`
checks every byte of without the passphrase (a digest of less, such as of the chunks' tags,
would leave bit rot inside a chunk to the deep check alone). Since journal format 3 that digest
is BLAKE3-256 (about 0.025 s of CPU per 100 MB here, against 0.076 s for SHA-256 with SHA-NI;
age's whole encryption of the same costs about 0.10 s); objects journaled before stay bound by
their SHA-256 (journal.py). Both digests run in a second thread, beside the reads, the
encryption and the writes, so on two cores an add takes about one pass.

The content's padding hides its exact size: the file's size tells the content's only to
within the Padmé step (up to 3 % of it from 64 KiB on). The padding's length n is inside the
encrypted stream, so it is authenticated with the rest; it ends the final chunk (which Padmé
lengths guarantee: from 64 KiB on they are multiples of 2 KiB, and below that the final chunk
is the only one), so a reader opens that chunk first (STREAM allows it) to learn where the
content ends, then streams the content and authenticates the padding after it. A reader
accepts any authenticated n, not only Padmé's.

Format 1 (magic "iprdobj1", written until December 2026) is the same without the padding:
the STREAM plaintext is the content alone. Objects of both formats open; new ones are 2.
"""

import hashlib
import json
import math
import os
import struct
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

import blake3

from iprdesk.atomic import write_pieces
from iprdesk.text.i18n import Message
from iprdesk.vault import crypto
from iprdesk.vault.crypto import Damaged

MAGIC = b"iprdobj2"
VERSIONS = {b"iprdobj1": 1, MAGIC: 2}  # every magic a reader opens, and its format
ID_LEN = 16
HEADER_LEN = len(MAGIC) + ID_LEN + 32 + crypto.SEALED_KEY_LEN
TRAILER = struct.Struct(">I")
META_PAD = 256
MAX_META = 1024 * 1024
PAD_COUNT = struct.Struct(">Q")  # format 2: the padding's length, ending the content stream


@dataclass
class Header:
    raw: bytes
    version: int
    object_id: str
    ephemeral: bytes
    sealed_key: bytes

    @classmethod
    def parse(cls, raw: bytes) -> "Header":
        start = len(MAGIC)
        version = VERSIONS.get(raw[:start])
        if len(raw) != HEADER_LEN or version is None:
            raise Damaged(Message("vault.damaged.bad_header"))
        try:
            object_id = raw[start:start + ID_LEN].decode("ascii")
        except UnicodeDecodeError as e:
            raise Damaged(Message("vault.damaged.bad_id")) from e
        return cls(raw, version, object_id, raw[start + ID_LEN:start + ID_LEN + 32],
                   raw[start + ID_LEN + 32:])

    @property
    def sealing_ad(self) -> bytes:
        """What the sealed file key authenticates: the magic and the id."""
        return self.raw[:len(MAGIC) + ID_LEN]


class _Padded:
    """`source`, then format 2's padding (n zero bytes and n) once it ends; `size` counts the
    bytes of `source` read so far, which is the content's size once padding has begun."""

    def __init__(self, source: BinaryIO):
        self._source = source
        self.size = 0
        self._zeros: int | None = None  # padding bytes still to give, once the source ended
        self._count = b""

    def readinto(self, buffer) -> int:
        if self._zeros is None:
            count = self._source.readinto(buffer)
            if count:
                self.size += count
                return count
            self._zeros = crypto.padme(self.size + PAD_COUNT.size) - self.size - PAD_COUNT.size
            self._count = PAD_COUNT.pack(self._zeros)
        if self._zeros:
            size = min(len(buffer), self._zeros)
            buffer[:size] = bytes(size)
            self._zeros -= size
            return size
        size = min(len(buffer), len(self._count))
        buffer[:size] = self._count[:size]
        self._count = self._count[size:]
        return size


class _Hashing:
    """Runs digest updates in one worker thread, in the order given.

    hashlib and blake3 release the GIL, so on a multi-core machine the content's SHA-256 and
    the object file's BLAKE3 run beside the reads, the encryption and the writes instead of
    after them: per 100 MB the worker's ~0.1 s of hashing against the main thread's ~0.1 s
    of reading, sealing and writing (bench/NOTES.md). The content's SHA-256 takes a block as
    soon as it is read, not once it is sealed, which keeps the two threads one block closer
    (~5 ms of every 10 MB add). A one-block object is hashed inline: a thread would cost
    more than it saves.
    """

    def __init__(self):
        self._worker: ThreadPoolExecutor | None = None
        self._last: Future | None = None

    def update(self, digest, data, inline: bool) -> Callable[[], object] | None:
        """digest.update(data) after every earlier update; returns what waits until it is
        done (None when it is). `inline`: done here unless the worker is running already."""
        if self._worker is None:
            if inline:
                digest.update(data)
                return None
            self._worker = ThreadPoolExecutor(1, thread_name_prefix="iprdesk-vault-hash")
        self._last = self._worker.submit(digest.update, data)
        return self._last.result

    def finish(self) -> None:
        """Return once every update given is done."""
        if self._last is not None:
            self._last.result()

    def __enter__(self) -> "_Hashing":
        return self

    def __exit__(self, *exc) -> None:
        if self._worker is not None:  # after an error too: no thread outlives the add
            self._worker.shutdown(cancel_futures=True)


def write(out: BinaryIO, recipient, object_id: str, source: BinaryIO, meta: dict,
          written: Callable[[], None] | None = None) -> tuple[dict, str]:
    """Encrypt `source` into `out`; `written` is called after each block of ciphertext.

    Returns `meta` completed with the content's sha256 and size, and the object file's
    binding (what the journal records: `record`).
    """
    file_digest = blake3.blake3()

    def emit(data: bytes) -> None:
        file_digest.update(data)
        out.write(data)

    file_key = os.urandom(crypto.KEY_LEN)
    id_bytes = object_id.encode("ascii")
    assert len(id_bytes) == ID_LEN
    ephemeral, sealed = crypto.seal(recipient, file_key, MAGIC + id_bytes)
    header = MAGIC + id_bytes + ephemeral + sealed
    payload_key, meta_key = crypto.subkeys(file_key)
    emit(header)
    digest = hashlib.sha256()
    padded = _Padded(source)
    hashed = 0

    def fresh(run: memoryview, final: bool):
        # Only content is hashed: of what a read gave, what padded.size grew by is content
        # and the rest, once the source has ended, padding.
        nonlocal hashed
        content = run[:padded.size - hashed]
        hashed += len(content)
        return hashing.update(digest, content, inline=final)

    # The worker is left (its thread done) before the buffers are given back.
    with crypto.stream_buffers() as buffers, _Hashing() as hashing:
        hashed_before = None  # waits until the block of ciphertext before this one is hashed
        for _, cipher in crypto.stream_encrypt(payload_key, header, padded, buffers, fresh):
            hashed_now = hashing.update(file_digest, cipher, inline=True)
            write_pieces(out, [cipher])
            if written is not None:
                written()
            # stream_encrypt seals the next block into the buffer of the one before this.
            if hashed_before is not None:
                hashed_before()
            hashed_before = hashed_now
        hashing.finish()
    meta = {**meta, "sha256": digest.hexdigest(), "size": padded.size}
    plain_meta = json.dumps(meta, ensure_ascii=False, sort_keys=True).encode()
    plain_meta += b" " * (-len(plain_meta) % META_PAD)
    sealed_meta = crypto.seal_meta(meta_key, plain_meta, header)
    emit(sealed_meta + TRAILER.pack(len(sealed_meta)))
    return meta, BLAKE3 + file_digest.hexdigest()


BLAKE3 = "blake3:"  # how `binding` tells a BLAKE3 binding from a SHA-256 one (plain hex)


def binding(record: dict) -> str:
    """What a journal record of an object binds its file by: "blake3:<hex>" (format 3), the
    SHA-256 hex (format 2), "" when it names none."""
    if isinstance(record.get("blake3"), str):
        return BLAKE3 + record["blake3"]
    return record["sha256"] if isinstance(record.get("sha256"), str) else ""


def record(object_id: str, bound_by: str) -> dict:
    """The journal record of an object file bound by `bound_by` (from `write` or
    `file_binding`)."""
    assert bound_by.startswith(BLAKE3)
    return {"id": object_id, "blake3": bound_by.removeprefix(BLAKE3)}


def file_binding(path) -> str:
    """The binding `write` returns, of an object file on disk."""
    with open(path, "rb") as f:
        return BLAKE3 + hashlib.file_digest(f, blake3.blake3).hexdigest()


def bound(path, bound_by: str) -> bool:
    """Whether the file at `path` is the very one a journal record's binding names."""
    if bound_by.startswith(BLAKE3):
        return file_binding(path) == bound_by
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest() == bound_by


class Reader:
    """Opens an object file with the vault's private key; raises Damaged on any tampering."""

    def __init__(self, path, private_key):
        self.path = path
        self._f = open(path, "rb")  # noqa: SIM115 - closed by close() / the context manager
        try:
            self.size = os.fstat(self._f.fileno()).st_size
            self.header = Header.parse(self._f.read(HEADER_LEN))
            file_key = crypto.unseal(private_key, self.header.ephemeral, self.header.sealed_key,
                                     self.header.sealing_ad)
            self._payload_key, meta_key = crypto.subkeys(file_key)
            self.meta, self._payload_len = self._read_meta(meta_key)
        except BaseException:
            self._f.close()
            raise

    def _read_meta(self, meta_key: bytes) -> tuple[dict, int]:
        if self.size < HEADER_LEN + TRAILER.size:
            raise Damaged(Message("vault.damaged.truncated"))
        self._f.seek(self.size - TRAILER.size)
        (meta_len,) = TRAILER.unpack(self._f.read(TRAILER.size))
        payload_len = self.size - HEADER_LEN - TRAILER.size - meta_len
        if meta_len > MAX_META or payload_len < crypto.TAG_LEN:
            raise Damaged(Message("vault.damaged.truncated_end"))
        self._f.seek(self.size - TRAILER.size - meta_len)
        plain = crypto.open_meta(meta_key, self._f.read(meta_len), self.header.raw)
        try:
            meta = json.loads(plain)
        except ValueError as e:
            raise Damaged(Message("vault.damaged.meta_unreadable")) from e
        return meta, payload_len

    def chunks(self) -> Iterator[bytes]:
        """The original bytes, chunk by chunk, each authenticated before it is yielded."""
        final, left = None, math.inf  # format 1: no padding
        if self.header.version >= 2:
            final, left = self._final_and_content_length()
        self._f.seek(HEADER_LEN)
        # Every chunk is opened, the padding's too: all of the stream is authenticated.
        for chunk in crypto.stream_decrypt(self._payload_key, self.header.raw, self._f,
                                           self._payload_len, final):
            if len(chunk) > left:
                chunk = chunk[:left]
            left -= len(chunk)
            if chunk:
                yield chunk

    def _final_and_content_length(self) -> tuple[bytes, int]:
        """Format 2: the final chunk and the content's size, from the padding's length that
        ends the chunk."""
        self._f.seek(HEADER_LEN)
        final = crypto.stream_decrypt_final(self._payload_key, self.header.raw, self._f,
                                            self._payload_len)
        if len(final) < PAD_COUNT.size:
            raise Damaged(Message("vault.damaged.padding_no_length"))
        (padding,) = PAD_COUNT.unpack(final[-PAD_COUNT.size:])
        padded = crypto.stream_plaintext_length(self._payload_len) - PAD_COUNT.size
        if padding > padded:
            raise Damaged(Message("vault.damaged.padding_long"))
        return final, padded - padding

    def check_content(self) -> None:
        """Decrypt everything and compare with the SHA-256 taken at capture."""
        digest, size = hashlib.sha256(), 0
        for chunk in self.chunks():
            digest.update(chunk)
            size += len(chunk)
        if digest.hexdigest() != self.meta.get("sha256") or size != self.meta.get("size"):
            raise Damaged(Message("vault.damaged.sha_mismatch"))

    def close(self) -> None:
        self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
