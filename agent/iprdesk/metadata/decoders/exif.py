"""EXIF: read what it reveals, and build the minimal EXIF that keeps only the orientation.

Decoding goes through Pillow's tolerant TIFF reader; an EXIF block it cannot read is still
removed and reported, just without details.
"""

import logging
import re
import struct
import warnings

from PIL import ExifTags, Image

from iprdesk.metadata.findings import Findings

log = logging.getLogger(__name__)
# A broken EXIF block is normal input here (it is removed all the same): Pillow's warning
# about it would only clutter the CLI's and the agent's output.
warnings.filterwarnings("ignore", message="Corrupt EXIF data", category=UserWarning)

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


def orientation_of(blob: bytes) -> int:
    """The Orientation tag (1..8), 1 when absent or unreadable."""
    try:
        exif = Image.Exif()
        exif.load(blob)
        value = exif.get(ORIENTATION, 1)
    except Exception:  # noqa: BLE001 - any broken EXIF just means "no orientation"
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
    exif = Image.Exif()
    try:
        exif.load(blob)
        ifd0 = dict(exif)
        sub = exif.get_ifd(ExifTags.IFD.Exif)
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        ifd1 = exif.get_ifd(ExifTags.IFD.IFD1)
    except Exception as e:  # noqa: BLE001 - malformed EXIF is removed all the same
        log.debug("unreadable EXIF: %s", e)
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
    if gps:
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
    if ifd1.get(0x0202):
        findings.thumbnail_bytes += int(ifd1[0x0202])
