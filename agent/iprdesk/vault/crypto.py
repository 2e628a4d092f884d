"""The vault's cryptography, in one place so it can be reviewed in one sitting.

- Passphrase to key: Argon2id with stored parameters, calibrated to about half a second and
  never below RFC 9106's second recommended option (t=3, m=64 MiB, p=4).
- Sealing: each object gets a random 256-bit file key, sealed to the vault's X25519 public
  key with a fresh ephemeral key pair and HKDF-SHA256 (the construction of age's X25519
  recipient), so adding never needs the passphrase.
- Content: STREAM (Hoang, Reyhanitabar, Rogaway and Vizar, 2015) as age uses it: AES-256-GCM
  over 64 KiB chunks, nonce = 11-byte big-endian chunk counter || final-chunk flag, the object
  header as associated data. Dropping, reordering or truncating chunks fails authentication.
- Listing index: AES-256-GCM under a key derived from the X25519 private key (index.py).
- Padding: object format 2 pads content to a Padmé length (padme() below; objects.py says
  where the padding and its length go).
"""

import contextlib
import itertools
import math
import mmap
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from iprdesk.text.i18n import Message

KEY_LEN = 32
TAG_LEN = 16
NONCE_LEN = 12
CHUNK = 64 * 1024
BLOCK = 64 * CHUNK  # what stream_encrypt reads at a time
SEALED_KEY_LEN = KEY_LEN + TAG_LEN
KDF_TARGET_SECONDS = 0.5
ZERO_NONCE = bytes(NONCE_LEN)  # only ever used with single-use keys


class Damaged(Exception):
    """Authentication failed: the bytes are not what was written. `why`, a Message
    (`vault.damaged.*`), says where, in the reader's language."""

    def __init__(self, why: Message):
        super().__init__(why.text("en"))
        self.why = why


@dataclass(frozen=True)
class KdfParams:
    salt: bytes
    iterations: int
    memory_kib: int
    lanes: int

    # RFC 9106 section 4, second recommended option: the floor for every vault.
    FLOOR = {"salt": 16, "iterations": 3, "memory_kib": 64 * 1024, "lanes": 4}
    # No vault is ever made beyond these (calibration raises only the iterations, and stops at
    # the ceiling), so a vault.json asking for more was edited: honouring it would hang every
    # unlock (2^32-1 iterations) or run out of memory. 256 iterations of 64 MiB take about
    # 20 s on a slow machine (70 ms each); 1 GiB is 16 times the memory any vault uses.
    CEILING = {"salt": 64, "iterations": 256, "memory_kib": 1024 * 1024, "lanes": 64}

    @classmethod
    def floor(cls) -> "KdfParams":
        numbers = {k: v for k, v in cls.FLOOR.items() if k != "salt"}
        return cls(salt=os.urandom(cls.FLOOR["salt"]), **numbers)

    @classmethod
    def calibrated(cls, target_seconds: float = KDF_TARGET_SECONDS,
                   clock=time.perf_counter) -> "KdfParams":
        """The floor's memory and lanes, with iterations raised until a derive takes ~target."""
        probe = cls.floor()
        started = clock()
        probe.derive(b"calibration")
        per_iteration = (clock() - started) / probe.iterations
        iterations = max(probe.iterations, math.ceil(target_seconds / per_iteration))
        return cls(salt=os.urandom(cls.FLOOR["salt"]),
                   iterations=min(iterations, cls.CEILING["iterations"]),
                   memory_kib=probe.memory_kib, lanes=probe.lanes)

    def bounds_problem(self) -> str | None:
        """What lies outside [FLOOR, CEILING], in words naming the parameter; None if nothing."""
        for name, low in self.FLOOR.items():
            value = len(self.salt) if name == "salt" else getattr(self, name)
            what = f"{name} {'length ' if name == 'salt' else ''}{value}"
            if value < low:
                return f"{what} is below the safe minimum {low}"
            if value > self.CEILING[name]:
                return f"{what} is above the maximum {self.CEILING[name]}"
        return None

    def derive(self, passphrase: bytes) -> bytes:
        return Argon2id(salt=self.salt, length=KEY_LEN, iterations=self.iterations,
                        lanes=self.lanes, memory_cost=self.memory_kib).derive(passphrase)

    def with_new_salt(self) -> "KdfParams":
        return KdfParams(os.urandom(16), self.iterations, self.memory_kib, self.lanes)

    def to_json(self) -> dict:
        return {"name": "argon2id", **asdict(self), "salt": self.salt.hex()}

    @classmethod
    def from_json(cls, raw: dict) -> "KdfParams":
        """Raises TypeError/ValueError for anything but hex text and whole numbers."""
        numbers = {name: raw[name] for name in ("iterations", "memory_kib", "lanes")}
        if raw.get("name") != "argon2id" or not isinstance(raw["salt"], str) or any(
                type(value) is not int for value in numbers.values()):
            raise TypeError("not argon2id with a hex salt and whole numbers")
        return cls(salt=bytes.fromhex(raw["salt"]), **numbers)


def wrap(key: bytes, secret: bytes, ad: bytes) -> bytes:
    nonce = os.urandom(NONCE_LEN)
    return nonce + AESGCM(key).encrypt(nonce, secret, ad)


def unwrap(key: bytes, wrapped: bytes, ad: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(wrapped[:NONCE_LEN], wrapped[NONCE_LEN:], ad)
    except InvalidTag as e:
        raise Damaged(Message("vault.damaged.key_unwrap")) from e


# The keys' own raw forms, not serialization's: importing that package (its SSH key format)
# was ~10 ms of every vault command's start.
def raw_public(key) -> bytes:
    """The raw public key of a public or private X25519/Ed25519 key."""
    if hasattr(key, "public_key"):
        key = key.public_key()
    return key.public_bytes_raw()


def raw_private(key) -> bytes:
    return key.private_bytes_raw()


def _hkdf(secret: bytes, salt: bytes | None, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_LEN, salt=salt, info=info).derive(secret)


def derive_key(secret: bytes, info: bytes) -> bytes:
    """A key for one purpose (`info`) derived from a secret key (HKDF-SHA256)."""
    return _hkdf(secret, None, info)


def _seal_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return _hkdf(shared, ephemeral + recipient, b"iprdesk-vault/v1/seal")


def seal(recipient: X25519PublicKey, file_key: bytes, ad: bytes) -> tuple[bytes, bytes]:
    """(ephemeral public key, sealed file key): only the vault's private key can open it."""
    ephemeral = X25519PrivateKey.generate()
    eph_pub = raw_public(ephemeral)
    key = _seal_key(ephemeral.exchange(recipient), eph_pub, raw_public(recipient))
    return eph_pub, AESGCM(key).encrypt(ZERO_NONCE, file_key, ad)


def unseal(private: X25519PrivateKey, eph_pub: bytes, sealed: bytes, ad: bytes) -> bytes:
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(eph_pub))
    except ValueError as e:  # a point of small order: the shared secret would be all zeros
        raise Damaged(Message("vault.damaged.sealed_key_ephemeral")) from e
    key = _seal_key(shared, eph_pub, raw_public(private))
    try:
        return AESGCM(key).decrypt(ZERO_NONCE, sealed, ad)
    except InvalidTag as e:
        raise Damaged(Message("vault.damaged.sealed_key")) from e


def subkeys(file_key: bytes) -> tuple[bytes, bytes]:
    """(payload key, metadata key): one file key, two independent uses."""
    return (_hkdf(file_key, None, b"iprdesk-vault/v1/payload"),
            _hkdf(file_key, None, b"iprdesk-vault/v1/meta"))


def seal_meta(meta_key: bytes, plaintext: bytes, ad: bytes) -> bytes:
    return AESGCM(meta_key).encrypt(ZERO_NONCE, plaintext, ad)


def open_meta(meta_key: bytes, ciphertext: bytes, ad: bytes) -> bytes:
    try:
        return AESGCM(meta_key).decrypt(ZERO_NONCE, ciphertext, ad)
    except InvalidTag as e:
        raise Damaged(Message("vault.damaged.metadata_auth")) from e


def _stream_nonce(counter: int, final: bool) -> bytes:
    return counter.to_bytes(NONCE_LEN - 1, "big") + (b"\x01" if final else b"\x00")


def _fill(source: BinaryIO, view: memoryview) -> int:
    """Read into `view` until it is full or the source ends; returns the bytes read."""
    filled = 0
    while filled < len(view):
        count = source.readinto(view[filled:])
        if not count:
            break
        filled += count
    return filled


_SPARE_BUFFERS: list[tuple[memoryview, ...]] = []  # of finished streams, for the next ones
_SPARE_LOCK = threading.Lock()
_SPARE_KEPT = 2  # sets kept: enough for two adds at a time on two cores


@contextlib.contextmanager
def stream_buffers() -> Iterator[tuple[memoryview, ...]]:
    """The buffers stream_encrypt works in: two blocks of plaintext and two of ciphertext,
    used in turn, so that a consumer may hash one block in another thread while the next is
    read and encrypted. Give them back (leave the block) only once nothing reads them.

    They are reused from object to object: fresh memory costs a page fault per 4 KiB
    touched, a tenth of the time of a batch of small files. They are anonymous maps, not
    bytearrays, which would be zeroed up front (16 MiB, about 8 ms, for every new set).
    """
    with _SPARE_LOCK:
        buffers = _SPARE_BUFFERS.pop() if _SPARE_BUFFERS else None
    if buffers is None:
        sealed_block = BLOCK // CHUNK * (CHUNK + TAG_LEN)
        buffers = tuple(memoryview(mmap.mmap(-1, size))
                        for size in (BLOCK, BLOCK, sealed_block, sealed_block))
    try:
        yield buffers
    finally:
        with _SPARE_LOCK:
            if len(_SPARE_BUFFERS) < _SPARE_KEPT:
                _SPARE_BUFFERS.append(buffers)


def stream_encrypt(key: bytes, ad: bytes, source: BinaryIO, buffers: tuple[memoryview, ...],
                   fresh: Callable[[memoryview, bool], Callable[[], object] | None] | None = None,
                   ) -> Iterator[tuple[memoryview, memoryview]]:
    """Yield (plaintext, ciphertext) a block of up to BLOCK bytes of plaintext at a time: the
    ciphertext is the block's sealed chunks end to end, the last one with the final flag.

    A few large reads and writes instead of one per chunk, and no new object per chunk. The
    views point into `buffers` (stream_buffers()), used in turn: a block's views stay valid
    only until the block after next is asked for.

    `fresh(view, final)`, if given, sees each run of plaintext as soon as it is read, in
    order, before it is sealed (`final`: the source has ended), and may return a callable
    that waits until it is done with the view: the buffer is not written again before that
    returns. So a consumer can hash a block in another thread while that very block is
    sealed, rather than one block behind.
    """
    aead = AESGCM(key)
    plains, sealed = buffers[:2], buffers[2:]
    readers: list[Callable[[], object] | None] = [None, None]  # per plaintext buffer
    counter, carried = 0, 0
    for turn in itertools.count():
        block, out = plains[turn % 2], sealed[turn % 2]
        # Its reader was waited for before the carried chunk was copied in (below).
        filled = carried + _fill(source, block[carried:])
        final = filled < BLOCK
        if fresh is not None:  # the carried chunk was new in the block before
            readers[turn % 2] = fresh(block[carried:filled], final)
        # Whether the last chunk of a full block is the final one is only known once the
        # next read comes back empty: it is held back and sealed at the start of the next.
        end = filled if final else filled - CHUNK
        starts = range(0, end, CHUNK) or range(1)  # an empty payload is one empty chunk
        last = len(starts) - 1
        at = 0
        for n, start in enumerate(starts):
            size = min(start + CHUNK, end) - start
            aead.encrypt_into(_stream_nonce(counter + n, final and n == last),
                              block[start:start + size], ad, out[at:at + size + TAG_LEN])
            at += size + TAG_LEN
        yield block[:end], out[:at]
        if final:
            return
        counter += len(starts)
        carried = CHUNK
        following = (turn + 1) % 2
        if readers[following] is not None:
            readers[following]()
            readers[following] = None
        plains[following][:carried] = block[end:filled]


def stream_ciphertext_chunks(length: int) -> list[int]:
    """Sizes of the ciphertext chunks of a payload region of `length` bytes."""
    full = CHUNK + TAG_LEN
    count = max(1, math.ceil(length / full))
    last = length - (count - 1) * full
    if last < TAG_LEN or (last == TAG_LEN and count > 1):
        raise Damaged(Message("vault.damaged.content_length"))
    return [full] * (count - 1) + [last]


def _read_chunk(source: BinaryIO, view: memoryview, counter: int) -> memoryview:
    if _fill(source, view) != len(view):
        raise Damaged(Message("vault.damaged.chunk_short", {"counter": counter}))
    return view


def _open_chunk(aead: AESGCM, ad: bytes, counter: int, final: bool, data) -> bytes:
    try:
        return aead.decrypt(_stream_nonce(counter, final), data, ad)
    except InvalidTag as e:
        raise Damaged(Message("vault.damaged.chunk_auth", {"counter": counter})) from e


def stream_decrypt(key: bytes, ad: bytes, source: BinaryIO, length: int,
                   final: bytes | None = None) -> Iterator[bytes]:
    """The plaintext chunks of a payload region of `length` bytes; `final`, the final chunk
    already opened by stream_decrypt_final, is yielded in its place instead of opened again."""
    aead = AESGCM(key)
    sizes = stream_ciphertext_chunks(length)
    buffer = memoryview(bytearray(CHUNK + TAG_LEN))  # one for every chunk
    for counter, size in enumerate(sizes):
        if counter == len(sizes) - 1 and final is not None:
            yield final
            return
        data = _read_chunk(source, buffer[:size], counter)
        yield _open_chunk(aead, ad, counter, counter == len(sizes) - 1, data)


def stream_decrypt_final(key: bytes, ad: bytes, source: BinaryIO, length: int) -> bytes:
    """The final chunk alone of a payload region of `length` bytes that `source` is at the
    start of (STREAM authenticates each chunk by its position, so it can be opened first)."""
    sizes = stream_ciphertext_chunks(length)
    source.seek(length - sizes[-1], os.SEEK_CUR)
    data = _read_chunk(source, memoryview(bytearray(sizes[-1])), len(sizes) - 1)
    return _open_chunk(AESGCM(key), ad, len(sizes) - 1, True, data)


def stream_plaintext_length(length: int) -> int:
    """Bytes of plaintext in a payload region of `length` bytes."""
    return length - TAG_LEN * len(stream_ciphertext_chunks(length))


def padme(length: int) -> int:
    """Padmé (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and
    Communication with PURBs", PETS 2019): `length` rounded up so that of its bits only the
    top floor(log2 E) + 1 may be set, E = floor(log2 length), leaving O(log log length) bits of
    information about it. It adds under 12.5 % below 256 bytes, under 6.25 % below 64 KiB,
    under 3.2 % from there to 4 GiB; lengths from 64 KiB on are multiples of 2 KiB."""
    if length < 1:
        return length
    exponent = length.bit_length() - 1
    mask = (1 << (exponent - exponent.bit_length())) - 1
    return (length + mask) & ~mask
