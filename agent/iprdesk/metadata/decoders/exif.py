"""EXIF: read what it reveals, and build the minimal EXIF that keeps only the orientation.

The TIFF structure is walked here, reading just the tags a report names, with the tolerance
of Pillow's reader, which this walker replaced: the same values for the same bytes (a
differential test holds it to that), without Pillow's import and decoding of every tag on
the stripping path. An EXIF block it cannot read is still removed and reported, just
without details.
"""

import re
import struct
import sys

from iprdesk.metadata.findings import Findings

ORIENTATION = 0x0112
EXIF_HEADER = b"Exif\x00\x00"

# IFD0 and Exif IFD tags, by what they reveal.
_PEOPLE = {0x013B: "artist", 0x8298: "copyright", 0xA430: "owner", 0x9C9D: "artist"}
_DEVICE = {0x010F: "make", 0x0110: "model", 0xA431: "serial", 0xA434: "lens",
           0xA435: "lens_serial"}
_LENS_MAKE = 0xA433
_TIMES = (0x0132, 0x9003, 0x9004)
_TAKEN, _TAKEN_OFFSET = 0x9003, 0x9011  # DateTimeOriginal, OffsetTimeOriginal
_EXIF_TIME = re.compile(r"(\d{4}):(\d{2}):(\d{2}) (\d{2}:\d{2}:\d{2})")
_OFFSET = re.compile(r"[+-]\d{2}:\d{2}")
_SOFTWARE = (0x0131, 0x013C)  # Software, HostComputer
_COMMENTS = (0x010E, 0x9286, 0x9C9C, 0x9C9F)  # description, user comment, XP comment/subject
_MAKER_NOTE = 0x927C
_EXIF_IFD, _GPS_IFD, _THUMBNAIL_LENGTH = 0x8769, 0x8825, 0x0202
READ_TAGS = frozenset([*_PEOPLE, *_DEVICE, _LENS_MAKE, *_TIMES, _TAKEN_OFFSET, *_SOFTWARE,
                   *_COMMENTS, _MAKER_NOTE])
READ_GPS_TAGS = range(1, 7)  # latitude and longitude with their references, altitude and its

# -- the TIFF walker ----------------------------------------------------------------------
# TIFF field types: bytes per value, and the struct code of the numeric ones (BYTE, ASCII and
# UNDEFINED are bytes or text; RATIONAL and SRATIONAL pairs). Other types are skipped.
_UNIT = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4,
         16: 8}
_NUMBER = {3: "H", 4: "L", 6: "b", 8: "h", 9: "l", 11: "f", 12: "d", 13: "L", 16: "Q"}
_BYTES, _ASCII, _RATIONAL, _SRATIONAL = 1, 2, 5, 10
# Tags the TIFF/EXIF specification defines as one value, per IFD: a field holding several
# gives its first (as Pillow does); any other field of one value is that value, of several
# a tuple.
_ONE_VALUE_IFD0 = frozenset([0x010E, 0x010F, 0x0110, ORIENTATION, 0x0131, 0x0132, 0x013B,
                             0x013C, 0x8298, _EXIF_IFD, _GPS_IFD, _THUMBNAIL_LENGTH])
_ONE_VALUE_EXIF = frozenset()
_ONE_VALUE_GPS = frozenset([5, 6])  # GPSAltitudeRef, GPSAltitude
# Headers a reader accepts: "II*\0" and "MM\0*", and the two byte orders written wrongly.
# A BigTIFF header ("II+\0") is unreadable in EXIF ("MM\0+" is taken as classic TIFF).
_HEADERS = (b"MM\x00\x2a", b"II\x2a\x00", b"MM\x2a\x00", b"II\x00\x2a", b"MM\x00\x2b")


class Unreadable(Exception):
    """A block no detail can be read from (it is removed all the same)."""


class Rational:
    """A TIFF rational as EXIF readers give it: a number, and NaN when the denominator is 0
    (cameras write 0/0 for "unknown")."""

    __slots__ = ("numerator", "denominator")

    def __init__(self, numerator: int, denominator: int):
        if denominator < 0:
            numerator, denominator = -numerator, -denominator
        self.numerator, self.denominator = numerator, denominator

    def __float__(self) -> float:
        return self.numerator / self.denominator if self.denominator else float("nan")

    def __int__(self) -> int:
        if not self.denominator:
            raise ValueError("cannot convert NaN to integer")
        n, d = self.numerator, self.denominator
        return n // d if n >= 0 else -(-n // d)

    def __bool__(self) -> bool:
        return bool(self.numerator) or not self.denominator

    def __eq__(self, other) -> bool:
        if not self.denominator:
            return False
        if isinstance(other, Rational):
            return other.denominator != 0 and (self.numerator * other.denominator
                                               == other.numerator * self.denominator)
        if isinstance(other, float):
            return float(self) == other
        if isinstance(other, int):
            return self.numerator == other * self.denominator
        return False

    __hash__ = None

    def __repr__(self) -> str:
        return str(float(self))


def _decoded(order: str, kind: int, raw: bytes, one_value: bool):
    if kind in (_BYTES, 7):  # BYTE, UNDEFINED
        return raw
    if kind == _ASCII:
        return (raw[:-1] if raw.endswith(b"\x00") else raw).decode("latin-1")
    if kind in (_RATIONAL, _SRATIONAL):
        pairs = struct.unpack(f"{order}{len(raw) // 4}{'L' if kind == _RATIONAL else 'l'}", raw)
        values = tuple(map(Rational, pairs[::2], pairs[1::2]))
    else:
        values = struct.unpack(f"{order}{len(raw) // _UNIT[kind]}{_NUMBER[kind]}", raw)
    return values[0] if one_value or len(values) == 1 else values


class _Tiff:
    """The IFDs of one EXIF block: IFD0, the Exif and GPS IFDs it points to, IFD1."""

    def __init__(self, blob: bytes):
        data = blob
        for _ in range(2):  # "Exif\0\0" written twice happens; a reader skips both
            if data.startswith(EXIF_HEADER):
                data = data[len(EXIF_HEADER):]
        self.data = data
        self.ifd0, self.next = {}, 0
        if not data:
            return
        head = data[:8]
        if not head.startswith(_HEADERS) or len(head) < 8 or head[2] == 0x2B:
            raise Unreadable
        self.order = ">" if head[:2] == b"MM" else "<"
        first = struct.unpack(self.order + "L", head[4:8])[0]
        self.ifd0, following = self._entries(first)
        # An IFD0 cut short leaves no pointer to IFD1: readers then take IFD0's offset.
        self.next = first if following is None else following

    def _entries(self, offset: int) -> tuple[dict, int | None]:
        """{tag: (type, raw value)} of the IFD at `offset` (the first of a repeated tag, types
        known, values inside the block), and the offset of the next IFD; None when the IFD
        is cut short (the entries read until then count)."""
        data, order, entries = self.data, self.order, {}
        size = len(data)
        if offset + 2 > size:
            return entries, None
        count = struct.unpack_from(order + "H", data, offset)[0]
        pos, out_of_line = offset + 2, 0
        for _ in range(count):
            if pos + 12 > size:
                return entries, None
            tag, kind, n, raw = struct.unpack_from(order + "HHL4s", data, pos)
            pos += 12
            if tag in entries or kind not in _UNIT:
                continue
            length = n * _UNIT[kind]
            if length > 4:
                out_of_line += length
                if out_of_line > size:  # more value bytes than the block holds: skipped
                    continue
                at = struct.unpack(order + "L", raw)[0]
                if at + length > size:
                    return entries, None
                raw = data[at:at + length]
            elif not length:
                continue
            else:
                raw = raw[:length]
            entries[tag] = (kind, raw)
        if pos + 4 > size:
            return entries, None
        return entries, struct.unpack_from(order + "L", data, pos)[0]

    def values(self, entries: dict, tags, one_value: frozenset) -> dict:
        order = self.order if entries else ""
        return {tag: _decoded(order, *entries[tag], tag in one_value)
                for tag in tags if tag in entries}

    def sub_ifd(self, tag: int) -> dict:
        """The entries of the IFD that IFD0's `tag` points to ({} when the pointer is no
        offset: text, a list...)."""
        if tag not in self.ifd0:
            return {}
        offset = _decoded(self.order, *self.ifd0[tag], True)
        if not isinstance(offset, int):
            return {}
        if offset < 0 or offset > sys.maxsize:
            raise Unreadable
        return self._entries(offset)[0]

    def ifd1(self) -> dict:
        return self._entries(self.next)[0] if self.data and self.next else {}


def tags_read(blob: bytes) -> tuple[dict, dict, dict, bool, dict]:
    """The tags a report reads: of IFD0, of the Exif IFD, of the GPS IFD (and whether it has
    any tag at all), of IFD1. Raises Unreadable."""
    tiff = _Tiff(blob)
    gps = tiff.sub_ifd(_GPS_IFD)
    return (tiff.values(tiff.ifd0, READ_TAGS, _ONE_VALUE_IFD0),
            tiff.values(tiff.sub_ifd(_EXIF_IFD), READ_TAGS, _ONE_VALUE_EXIF),
            tiff.values(gps, READ_GPS_TAGS, _ONE_VALUE_GPS), bool(gps),
            tiff.values(tiff.ifd1(), (_THUMBNAIL_LENGTH,), _ONE_VALUE_IFD0))


def orientation_of(blob: bytes) -> int:
    """The Orientation tag (1..8), 1 when absent or unreadable."""
    try:
        tiff = _Tiff(blob)
        value = tiff.values(tiff.ifd0, (ORIENTATION,), _ONE_VALUE_IFD0).get(ORIENTATION, 1)
    except Unreadable:  # any broken EXIF just means "no orientation"
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def minimal_exif(orientation: int) -> bytes:
    """A TIFF structure holding one tag, Orientation (no "Exif" prefix)."""
    entry = struct.pack(">HHIHH", ORIENTATION, 3, 1, orientation, 0)
    return b"MM\x00\x2a" + struct.pack(">IH", 8, 1) + entry + struct.pack(">I", 0)


def is_minimal(blob: bytes) -> bool:
    """True for exactly the block minimal_exif writes (so a cleaned file stays clean)."""
    tiff = blob[len(EXIF_HEADER):] if blob.startswith(EXIF_HEADER) else blob
    return len(tiff) == 26 and tiff == minimal_exif(orientation_of(tiff))


def _text(value) -> str:
    if isinstance(value, bytes):
        # UserComment starts with an 8-byte charset id; XP* tags are UTF-16LE.
        if value[:8] in (b"ASCII\x00\x00\x00", b"UNICODE\x00", b"\x00" * 8):
            codec = "utf-16" if value.startswith(b"UNICODE") else "latin-1"
            value = value[8:].decode(codec, "replace")
        elif len(value) % 2 == 0 and b"\x00" in value[1::2]:
            value = value.decode("utf-16-le", "replace")
        else:
            value = value.decode("utf-8", "replace")
    return str(value).strip("\x00 ")


def _degrees(dms, ref) -> float | None:
    try:
        d, m, s = (float(x) for x in dms)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60 + s / 3600
    return -value if str(ref).upper().startswith(("S", "W")) else value


def _taken(tags: dict) -> str | None:
    """DateTimeOriginal as ISO 8601 ("2024-05-01T10:00:00", "+08:00" added when the camera
    wrote its offset); None when absent or not a time (cameras write "0000:00:00 ..." too)."""
    found = _EXIF_TIME.fullmatch(_text(tags.get(_TAKEN) or ""))
    if not found or found.group(1) == "0000":
        return None
    offset = _text(tags.get(_TAKEN_OFFSET) or "")
    return (f"{found.group(1)}-{found.group(2)}-{found.group(3)}T{found.group(4)}"
            + (offset if _OFFSET.fullmatch(offset) else ""))


def read_exif(findings: Findings, blob: bytes, *, label: str = "EXIF") -> None:
    """Describe an EXIF block (with or without the "Exif" prefix) into `findings`."""
    findings.block(label, len(blob))
    try:
        ifd0, sub, gps, any_gps, ifd1 = tags_read(blob)
    except Unreadable:  # malformed EXIF is removed all the same
        return
    tags = {**ifd0, **sub}
    for tag, role in _PEOPLE.items():
        if tags.get(tag):
            findings.add_person(role, _text(tags[tag]))
    for tag, key in _DEVICE.items():
        if tags.get(tag):
            findings.add_device(key, _text(tags[tag]))
    if tags.get(_LENS_MAKE) and not tags.get(0xA434):
        findings.add_device("lens", _text(tags[_LENS_MAKE]))
    for tag in _TIMES:
        if tags.get(tag):
            findings.add("times", _text(tags[tag]))
    if findings.captured is None:
        findings.captured = _taken(tags)
    for tag in _SOFTWARE:
        if tags.get(tag):
            findings.add("software", _text(tags[tag]))
    for tag in _COMMENTS:
        if tags.get(tag):
            findings.add("comments", _text(tags[tag]))
    if isinstance(tags.get(_MAKER_NOTE), bytes):
        findings.maker_notes_bytes += len(tags[_MAKER_NOTE])
    if any_gps:  # any GPS tag, even one without coordinates
        lat, lon = _degrees(gps.get(2), gps.get(1)), _degrees(gps.get(4), gps.get(3))
        if lat is not None and lon is not None:
            alt = gps.get(6)
            try:
                alt = float(alt) * (-1 if gps.get(5) in (b"\x01", 1) else 1)
            except (TypeError, ValueError, ZeroDivisionError):
                alt = None
            findings.set_gps(lat, lon, alt)
        if findings.gps is None:
            findings.gps_other = True
    if ifd1.get(_THUMBNAIL_LENGTH):
        findings.thumbnail_bytes += int(ifd1[_THUMBNAIL_LENGTH])
