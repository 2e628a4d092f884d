"""PNG (and APNG): copy the chunks a decoder needs, drop text, EXIF, times and the rest.

Kept: IHDR, PLTE, IDAT, IEND, transparency, colour (iCCP, sRGB, gAMA, cHRM, cICP, mDCv,
cLLi, sBIT), bKGD, hIST, pHYs, sPLT and the APNG animation chunks. Dropped: tEXt, zTXt,
iTXt, eXIf, tIME, every other ancillary chunk, and every byte after IEND. Chunk CRCs are
checked: a damaged file is refused rather than passed on.
"""

import struct
import zlib

from iprdesk.metadata.base import (
    FormatHandler,
    ImageProblem,
    Picture,
    Pieces,
    Rewrite,
    Span,
    check_pixels,
    damaged,
    truncated,
)
from iprdesk.metadata.decoders.exif import is_minimal, minimal_exif, orientation_of, read_exif
from iprdesk.metadata.decoders.iptc import read_iptc_records, read_photoshop
from iprdesk.metadata.decoders.xmp import read_xmp
from iprdesk.metadata.findings import Findings
from iprdesk.text.i18n import Message

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_KEEP = frozenset(
    b"IHDR PLTE IDAT IEND tRNS cHRM gAMA iCCP sBIT sRGB cICP mDCv cLLi bKGD hIST pHYs sPLT "
    b"acTL fcTL fdAT".split()
)
_TEXT = frozenset([b"tEXt", b"zTXt", b"iTXt"])
# Compressed text is inflated only to be described: at most this much per file, so a file
# of many zTXt bombs costs no more than one (the chunks are dropped either way).
MAX_TEXT_INFLATE = 8 * 1024 * 1024

# PNG text keywords (spec and common writers) -> how a report groups them.
_KEYWORDS = {
    "author": ("people", "artist"), "artist": ("people", "artist"),
    "copyright": ("people", "copyright"), "creation time": ("times", None),
    "date:create": ("times", None), "date:modify": ("times", None),
    "date:timestamp": ("times", None), "software": ("software", None),
    "source": ("device", "model"), "location": ("places", None),
}


class _InflateBudget:
    def __init__(self):
        self.left = MAX_TEXT_INFLATE

    def inflate(self, data: bytes) -> bytes:
        if self.left <= 0:
            return b""
        try:
            out = zlib.decompressobj().decompress(data, self.left)
        except zlib.error:
            return b""
        self.left -= len(out)
        return out


def _text_chunk(kind: bytes, body: bytes, budget: _InflateBudget) -> tuple[str, bytes]:
    keyword, _, rest = body.partition(b"\x00")
    if kind == b"zTXt":
        rest = budget.inflate(rest[1:])
    elif kind == b"iTXt":
        compressed = rest[:1] == b"\x01"
        _lang, _, rest = rest[2:].partition(b"\x00")
        _translated, _, rest = rest.partition(b"\x00")
        if compressed:
            rest = budget.inflate(rest)
    return keyword.decode("latin-1"), rest


def _raw_profile(text: bytes) -> bytes:
    """ImageMagick's "Raw profile type X": "\\nname\\n  length\\nhex digits..."."""
    lines = text.strip().split(b"\n", 2)
    try:
        return bytes.fromhex(lines[2].decode("ascii").replace("\n", "").replace(" ", ""))
    except (IndexError, ValueError, UnicodeDecodeError):
        return b""


def _read_text(findings: Findings, kind: bytes, body: bytes, budget: _InflateBudget) -> int:
    """Describe a text chunk; return the orientation it carries (1 if none)."""
    keyword, value = _text_chunk(kind, body, budget)
    key = keyword.lower()
    findings.block(f"{kind.decode()} {keyword}"[:60], len(body))
    if key == "xml:com.adobe.xmp":
        read_xmp(findings, value, label="XMP")
    elif key in ("raw profile type exif", "raw profile type app1"):
        blob = _raw_profile(value)
        if blob.startswith(b"Exif"):
            read_exif(findings, blob)
            return orientation_of(blob)
    elif key == "raw profile type iptc":
        blob = _raw_profile(value)
        if blob.startswith(b"8BIM"):
            read_photoshop(findings, blob)
        else:
            read_iptc_records(findings, blob)
    elif key == "raw profile type xmp":
        read_xmp(findings, _raw_profile(value))
    elif key in _KEYWORDS:
        findings.record(*_KEYWORDS[key], value)
    else:
        findings.add("comments", f"{keyword}: {value.decode('utf-8', 'replace')}")
    return 1


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


class PngHandler(FormatHandler):
    format = "png"
    mime = "image/png"

    @staticmethod
    def sniff(head: bytes) -> bool:
        return head.startswith(SIGNATURE)

    def rewrite(self, data: bytes) -> Rewrite:
        findings = Findings()
        out: Pieces = [SIGNATURE]
        orientation, width, height, frames, icc = 1, 0, 0, 1, False
        n, pos, view = len(data), len(SIGNATURE), memoryview(data)
        budget = _InflateBudget()
        while True:
            if pos + 12 > n:
                raise truncated(Message("metadata.detail.before_png_end"))
            length, kind = struct.unpack(">I4s", data[pos:pos + 8])
            end = pos + 12 + length
            if end > n:
                raise truncated(Message("metadata.detail.chunk_past_end",
                                        {"chunk": kind.decode("latin-1"), "pos": pos}))
            if not kind.isalpha():
                raise damaged(Message("metadata.detail.chunk_name", {"pos": pos}))
            # Kept chunks (image data) stay views; metadata is read from a copy.
            keep = kind in _KEEP
            body = view[pos + 8:end - 4] if keep else data[pos + 8:end - 4]
            if zlib.crc32(view[pos + 4:end - 4]) != struct.unpack(">I", data[end - 4:end])[0]:
                raise damaged(Message("metadata.detail.chunk_checksum",
                                      {"chunk": kind.decode(), "pos": pos}))
            if pos == len(SIGNATURE):
                if kind != b"IHDR" or length < 13:
                    raise damaged(Message("metadata.detail.no_ihdr"))
                width, height = struct.unpack(">II", body[:8])
                check_pixels(width, height)
            if keep:
                out.append(Span(pos, end))
                icc = icc or kind == b"iCCP"
                if kind == b"acTL" and length >= 8:
                    frames = max(1, struct.unpack(">I", body[:4])[0])
                    check_pixels(width, height, frames)
            elif kind in _TEXT:
                text_orientation = _read_text(findings, kind, body, budget)
                orientation = orientation if orientation != 1 else text_orientation
            elif kind == b"eXIf":
                if orientation == 1:
                    orientation = orientation_of(body)
                if not is_minimal(body):
                    read_exif(findings, body)
            elif kind == b"tIME":
                findings.block("tIME", length)
                if length == 7:
                    y, mo, d, h, mi, s = struct.unpack(">HBBBBB", body)
                    findings.add("times", f"{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} (modified)")
            elif kind[0] & 0x20:  # ancillary: safe to drop
                findings.block(kind.decode(), length)
            else:
                raise ImageProblem("unsupported", Message("metadata.problem.unsupported",
                                                          {"chunk": kind.decode()}))
            pos = end
            if kind == b"IEND":
                break
        if pos < n:
            findings.trailing_bytes = n - pos
            findings.block("data after the end of the image", n - pos)
        if orientation != 1:
            out.insert(2, _chunk(b"eXIf", minimal_exif(orientation)))
        return Rewrite(out, findings, Picture(width, height, frames, icc, orientation))
