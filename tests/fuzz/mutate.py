"""Seeded mutations of a well-formed file, the way a corrupt camera file or a hostile one is.

`mutant(seeds, rng)` picks a seed and applies one to three mutations. Besides blind ones (bit
flips, interesting bytes, inserts, deletions, truncation) two know the containers iprdesk reads:
a corrupted length field and a duplicated structure (JPEG marker segment, PNG chunk, RIFF chunk,
ISO BMFF box, GIF block, zip entry), found by `structures`. Everything depends on `rng` alone, so a
(seed, index) pair names one mutant for ever.
"""

import random
import struct
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Structure:
    """A length-prefixed structure: bytes [start, end), its length field at `length_at`
    (`length_size` bytes, struct byte order `order`) holding `end - start - length_base`."""

    start: int
    end: int
    length_at: int
    length_size: int
    order: str = ">"
    length_base: int = 0


def _jpeg(data: bytes) -> list[Structure]:
    found, pos, n = [], 2, len(data)
    while pos + 4 <= n and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xD9 or 0xD0 <= marker <= 0xD8 or marker in (0x01, 0xFF):
            pos += 2 if marker != 0xFF else 1
            continue
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        end = pos + 2 + length
        if length < 2 or end > n:
            break
        if marker == 0xDA:  # the scan's entropy-coded data belongs to it
            while end + 1 < n and not (data[end] == 0xFF and data[end + 1] not in
                                       (0x00, *range(0xD0, 0xD8))):
                end += 1
        found.append(Structure(pos, end, pos + 2, 2, ">", 2))
        pos = end
    return found


def _png(data: bytes) -> list[Structure]:
    found, pos, n = [], 8, len(data)
    while pos + 12 <= n:
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        end = pos + 12 + length
        if end > n:
            break
        found.append(Structure(pos, end, pos, 4, ">", 12))
        pos = end
    return found


def _riff(data: bytes) -> list[Structure]:
    found, pos, n = [Structure(0, len(data), 4, 4, "<", 8)], 12, len(data)
    while pos + 8 <= n:
        length = struct.unpack("<I", data[pos + 4:pos + 8])[0]
        end = pos + 8 + length + (length & 1)
        if end > n:
            break
        found.append(Structure(pos, end, pos + 4, 4, "<", 8 + (length & 1)))
        pos = end
    return found


def _zip(data: bytes) -> list[Structure]:
    """A zip's local file headers (with their data), central directory entries and end
    record, by the length fields readers trust: compressed size, name length, comment."""
    found, pos, n = [], 0, len(data)
    while pos + 30 <= n and data[pos:pos + 4] == b"PK\x03\x04":
        size = struct.unpack("<I", data[pos + 18:pos + 22])[0]
        name, extra = struct.unpack("<HH", data[pos + 26:pos + 30])
        end = pos + 30 + name + extra + size
        found.append(Structure(pos, end, pos + 18, 4, "<", 30 + name + extra))
        pos = end
    while pos + 46 <= n and data[pos:pos + 4] == b"PK\x01\x02":
        name, extra, comment = struct.unpack("<HHH", data[pos + 28:pos + 34])
        end = pos + 46 + name + extra + comment
        found.append(Structure(pos, end, pos + 28, 2, "<", 46 + extra + comment))
        pos = end
    if pos + 22 <= n and data[pos:pos + 4] == b"PK\x05\x06":
        comment = struct.unpack("<H", data[pos + 20:pos + 22])[0]
        found.append(Structure(pos, pos + 22 + comment, pos + 20, 2, "<", 22))
    return found


# Boxes whose payload is more boxes, and how many bytes precede the first child.
_BMFF_CONTAINERS = {b"meta": 4, b"iprp": 0, b"ipco": 0, b"dinf": 0, b"iref": 4, b"moov": 0,
                    b"trak": 0, b"mdia": 0, b"minf": 0, b"stbl": 0, b"grpl": 0}


def _bmff(data: bytes, pos: int = 0, stop: int | None = None, depth: int = 0) -> list[Structure]:
    found, stop = [], len(data) if stop is None else stop
    while pos + 8 <= stop and depth < 6:
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if length < 8 or pos + length > stop:
            break
        found.append(Structure(pos, pos + length, pos, 4, ">", 0))
        skip = _BMFF_CONTAINERS.get(kind)
        if kind == b"iinf" and pos + 12 <= stop:  # full box, then an entry count of 2 or 4
            skip = 4 + (2 if data[pos + 8] == 0 else 4)
        if skip is not None:
            found += _bmff(data, pos + 8 + skip, pos + length, depth + 1)
        pos += length
    return found


def _gif_sub_blocks(data: bytes, pos: int) -> int:
    """Where the sub-blocks starting at `pos` end (after their zero terminator)."""
    while pos < len(data) and data[pos]:
        pos += data[pos] + 1
    return pos + 1


def _gif(data: bytes) -> list[Structure]:
    n, flags = len(data), data[10] if len(data) > 10 else 0
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    found = []
    while pos + 2 < n:
        if data[pos] == 0x21:  # extension: label, then sub-blocks
            end = _gif_sub_blocks(data, pos + 2)
            found.append(Structure(pos, end, pos + 2, 1))
        elif data[pos] == 0x2C:  # image: descriptor, local colour table, LZW size, sub-blocks
            if pos + 10 > n:
                break
            table = 3 << ((data[pos + 9] & 7) + 1) if data[pos + 9] & 0x80 else 0
            first = pos + 10 + table + 1
            end = _gif_sub_blocks(data, first)
            found.append(Structure(pos, end, first, 1))
        else:
            break
        if end > n:
            break
        pos = end
    return found


def structures(data: bytes) -> list[Structure]:
    """The length-prefixed structures of a JPEG, PNG, WebP, GIF, HEIF or zip file (best effort:
    a damaged file yields the ones before the damage)."""
    for looks_like, parse in ((lambda d: d[:2] == b"\xff\xd8", _jpeg),
                              (lambda d: d[:8] == b"\x89PNG\r\n\x1a\n", _png),
                              (lambda d: d[:4] == b"RIFF", _riff),
                              (lambda d: d[4:8] == b"ftyp", _bmff),
                              (lambda d: d[:3] == b"GIF", _gif),
                              (lambda d: d[:4] == b"PK\x03\x04", _zip)):
        if looks_like(data):
            try:
                return [s for s in parse(data) if s.end <= len(data)]
            except (struct.error, IndexError):
                return []
    return []


_INTERESTING_BYTES = (0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE)


def _flip(data: bytearray, rng: random.Random) -> str:
    at = rng.randrange(len(data))
    bit = rng.randrange(8)
    data[at] ^= 1 << bit
    return f"flip@{at}.{bit}"


def _byte(data: bytearray, rng: random.Random) -> str:
    at = rng.randrange(len(data))
    data[at] = rng.choice(_INTERESTING_BYTES)
    return f"byte@{at}={data[at]:#x}"


def _insert(data: bytearray, rng: random.Random) -> str:
    at, size = rng.randrange(len(data) + 1), rng.choice((1, 2, 4, 16, 64))
    fill = rng.choice((lambda: bytes([rng.randrange(256)]) * size, lambda: rng.randbytes(size)))
    data[at:at] = fill()
    return f"insert@{at}+{size}"


def _delete(data: bytearray, rng: random.Random) -> str:
    at = rng.randrange(len(data))
    size = min(rng.choice((1, 2, 4, 16, 256)), len(data) - at)
    del data[at:at + size]
    return f"delete@{at}-{size}"


def _truncate(data: bytearray, rng: random.Random) -> str:
    at = rng.randrange(1, len(data)) if len(data) > 1 else 0
    del data[at:]
    return f"truncate@{at}"


def _length(data: bytearray, rng: random.Random) -> str:
    found = structures(bytes(data))
    if found:
        s = rng.choice(found)
        at, size, order = s.length_at, s.length_size, s.order
        true = s.end - s.start - s.length_base
    else:  # no container known: any 16- or 32-bit big-endian field
        size, order, true = rng.choice((2, 4)), ">", 0
        at = rng.randrange(max(1, len(data) - size))
    top = (1 << (8 * size)) - 1
    value = rng.choice((0, 1, true - 1, true + 1, true * 2, top, top >> 1, top - 1)) & top
    fmt = order + {1: "B", 2: "H", 4: "I"}[size]
    data[at:at + size] = struct.pack(fmt, value)[:len(data) - at]
    return f"length@{at}={value:#x}"


def _duplicate(data: bytearray, rng: random.Random) -> str:
    found = structures(bytes(data))
    if found:
        s = rng.choice(found)
        start, end = s.start, s.end
    else:
        start = rng.randrange(len(data))
        end = min(len(data), start + rng.choice((4, 16, 64)))
    copy = bytes(data[start:end])
    at = rng.choice((end, start, rng.randrange(len(data) + 1)))
    data[at:at] = copy
    return f"duplicate[{start}:{end}]@{at}"


MUTATIONS: dict[str, Callable[[bytearray, random.Random], str]] = {
    "flip": _flip, "byte": _byte, "insert": _insert, "delete": _delete,
    "truncate": _truncate, "length": _length, "duplicate": _duplicate,
}
# How often each is drawn: structure-aware mutations reach the parsers' edge cases sooner.
_WEIGHTS = {"flip": 3, "byte": 2, "insert": 1, "delete": 1, "truncate": 1, "length": 3,
            "duplicate": 2}


def mutant(seeds: list[bytes], rng: random.Random) -> tuple[bytes, str]:
    """A mutated copy of one of `seeds` and a description of what was done to it."""
    which = rng.randrange(len(seeds))
    data = bytearray(seeds[which])
    steps = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        if not data:
            break
        name = rng.choices(list(_WEIGHTS), weights=list(_WEIGHTS.values()))[0]
        steps.append(MUTATIONS[name](data, rng))
    return bytes(data), f"seed {which}: " + ", ".join(steps)
