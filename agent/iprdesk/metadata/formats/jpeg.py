"""JPEG: walk the marker segments, copy the decoding structures, drop the rest.

Kept verbatim: frame headers (SOFn), Huffman/quantisation/arithmetic tables, restart
intervals, every scan with its entropy-coded data, the ICC profile (APP2 ICC_PROFILE,
all chunks), Adobe APP14 (it decides the colour transform) and the JFIF header without its
thumbnail. Dropped: EXIF, XMP and extended XMP, IPTC/Photoshop, comments, FlashPix, MPF and
every other APPn, and every byte after the primary image's EOI (MPF secondary images,
vendor trailers). The entropy-coded data is never touched, so the pixels cannot change.
"""

import re
import struct

from iprdesk.metadata.base import (
    FormatHandler,
    Picture,
    Pieces,
    Rewrite,
    Span,
    check_pixels,
    damaged,
    truncated,
)
from iprdesk.metadata.decoders.exif import (
    EXIF_HEADER,
    is_minimal,
    minimal_exif,
    orientation_of,
    read_exif,
)
from iprdesk.metadata.decoders.icc import check_profile, damaged_profile
from iprdesk.metadata.decoders.iptc import read_photoshop
from iprdesk.metadata.decoders.xmp import read_xmp
from iprdesk.metadata.findings import Findings
from iprdesk.text.i18n import Message

SOI, EOI, SOS, COM, APP0 = 0xD8, 0xD9, 0xDA, 0xFE, 0xE0
# Markers with no length field.
_STANDALONE = frozenset([0x01, *range(0xD0, 0xD8)])
# Structures a decoder needs: SOFn/DHT/JPG/DAC (C0-CF), DQT, DNL, DRI, DHP, EXP (DB-DF),
# SOS, and the JPEG extension range (F0-FD, e.g. JPEG-LS) which carries no metadata.
_DECODING = frozenset([*range(0xC0, 0xD0), *range(0xDA, 0xE0), *range(0xF0, 0xFE)])
_SOF_WITH_SIZE = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# End of an entropy-coded segment: 0xFF followed by anything but a stuffed zero or a RSTn.
_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7]")

XMP_ID = b"http://ns.adobe.com/xap/1.0/\x00"
XMP_EXTENSION_ID = b"http://ns.adobe.com/xmp/extension/\x00"
ICC_ID = b"ICC_PROFILE\x00"
PHOTOSHOP_ID = b"Photoshop 3.0\x00"


def _app_name(marker: int, payload: bytes) -> str:
    ident = payload[:16].split(b"\x00", 1)[0]
    printable = ident.decode("ascii", "replace") if ident.isascii() and ident else ""
    return f"APP{marker - APP0}" + (f" ({printable.strip()})" if printable.strip() else "")


def _jfif_without_thumbnail(payload: bytes, findings: Findings) -> bytes:
    # JFIF: id(5) version(2) units(1) density(4) thumbnail w,h (2) then 3*w*h RGB bytes.
    if len(payload) >= 14 and (payload[12] or payload[13]):
        findings.thumbnail_bytes += len(payload) - 14
        findings.block("JFIF thumbnail", len(payload) - 14)
        return payload[:12] + b"\x00\x00"
    return payload[:14]


def _icc_profile(chunks: list[bytes]) -> bytes:
    """The profile split over APP2 segments, each with its number (from 1) and the count;
    as libjpeg, a missing, repeated or extra part makes the whole profile unusable."""
    count = len(chunks)
    numbers = sorted(chunk[0] for chunk in chunks if len(chunk) >= 2)
    if numbers != list(range(1, count + 1)) or any(chunk[1] != count for chunk in chunks):
        raise damaged_profile(Message("metadata.detail.icc_parts", {"count": count}))
    return b"".join(chunk[2:] for chunk in sorted(chunks, key=lambda c: c[0]))


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


class JpegHandler(FormatHandler):
    format = "jpeg"
    mime = "image/jpeg"

    @staticmethod
    def sniff(head: bytes) -> bool:
        return head[:3] == b"\xff\xd8\xff"

    def rewrite(self, data: bytes) -> Rewrite:
        findings = Findings()
        out: Pieces = [b"\xff\xd8"]
        exif_at = None  # where a minimal EXIF goes: right after SOI/JFIF
        orientation, width, height, frames, scans = 1, 0, 0, 0, 0
        icc_chunks: list[bytes] = []  # sequence number, count, part
        # Browsers (and Pillow) take the orientation from the first EXIF block alone.
        first_exif = True
        extended_xmp: dict[bytes, list[tuple[int, bytes]]] = {}
        n, pos = len(data), 2
        while True:
            if pos + 2 > n:
                raise truncated(Message("metadata.detail.before_jpeg_end"))
            stray = data[pos] != 0xFF
            if not stray:
                while pos + 1 < n and data[pos + 1] == 0xFF:  # fill bytes before a marker
                    pos += 1
                if pos + 2 > n:
                    raise truncated(Message("metadata.detail.inside_marker"))
                stray = data[pos + 1] == 0x00  # outside a scan, FF 00 is no marker
            if stray:
                # Stray bytes between segments (some cameras pad with zeros): decoders skip
                # them up to the next marker before the image data, so dropping them changes
                # no pixel. After a scan began, they are image data cut by a segment inside
                # the scan, which a decoder resumes from in ways no rewrite can keep.
                if scans:
                    raise damaged(Message("metadata.detail.scan_cut", {"pos": pos}))
                next_marker = data.find(b"\xff", pos + 1)
                if next_marker < 0:
                    raise truncated(Message("metadata.detail.before_jpeg_end"))
                findings.block("stray bytes between segments", next_marker - pos)
                pos = next_marker
                continue
            marker = data[pos + 1]
            if marker == EOI:
                out.append(b"\xff\xd9")
                pos += 2
                break
            if marker in _STANDALONE:
                out.append(Span(pos, pos + 2))
                pos += 2
                continue
            if marker == SOI:
                raise damaged(Message("metadata.detail.second_start", {"pos": pos}))
            if pos + 4 > n:
                raise truncated(Message("metadata.detail.inside_segment_header"))
            length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
            end = pos + 2 + length
            if length < 2 or end > n:
                raise truncated(Message("metadata.detail.segment_past_end", {"pos": pos}))
            payload = data[pos + 4:end]

            if marker in _DECODING:
                out.append(Span(pos, end))
                if marker in _SOF_WITH_SIZE and len(payload) >= 5:
                    frames += 1
                    if frames == 1:
                        height, width = struct.unpack(">HH", payload[1:5])
                        check_pixels(width, height)
                if marker == SOS:
                    scans += 1
                    scan_end = _SCAN_END.search(data, end)
                    if scan_end is None:
                        raise truncated(Message("metadata.detail.inside_image_data"))
                    out.append(Span(end, scan_end.start()))
                    end = scan_end.start()
            elif marker == APP0 and payload.startswith(b"JFIF\x00"):
                out.append(_segment(APP0, _jfif_without_thumbnail(payload, findings)))
                if exif_at is None:
                    exif_at = len(out)
            elif marker == 0xE2 and payload.startswith(ICC_ID):
                out.append(Span(pos, end))
                icc_chunks.append(payload[len(ICC_ID):])
            elif marker == 0xEE and payload.startswith(b"Adobe"):
                out.append(Span(pos, end))
            elif marker == 0xE1 and payload.startswith(EXIF_HEADER):
                if first_exif:
                    orientation, first_exif = orientation_of(payload), False
                if not is_minimal(payload):
                    read_exif(findings, payload[len(EXIF_HEADER):])
            elif marker == 0xE1 and payload.startswith(XMP_ID):
                read_xmp(findings, payload[len(XMP_ID):])
            elif marker == 0xE1 and payload.startswith(XMP_EXTENSION_ID):
                body = payload[len(XMP_EXTENSION_ID):]
                # GUID (32), full length (4), offset of this part (4), then the part.
                if len(body) >= 40:
                    offset = struct.unpack(">I", body[36:40])[0]
                    extended_xmp.setdefault(body[:32], []).append((offset, body[40:]))
            elif marker == 0xED and payload.startswith(PHOTOSHOP_ID):
                read_photoshop(findings, payload[len(PHOTOSHOP_ID):])
            elif marker == COM:
                findings.block("comment", len(payload))
                findings.add("comments", payload)
            elif marker == 0xE2 and payload.startswith(b"MPF\x00"):
                findings.block("MPF (multi-picture index)", len(payload))
            elif marker == 0xE2 and payload.startswith(b"FPXR\x00"):
                findings.block("FlashPix", len(payload))
            else:
                findings.block(_app_name(marker, payload), len(payload))
            pos = end

        if frames == 0:
            raise damaged(Message("metadata.detail.no_frame"))
        if scans == 0:
            raise damaged(Message("metadata.detail.no_scan"))
        if icc_chunks:
            check_profile(_icc_profile(icc_chunks))
        for parts in extended_xmp.values():
            read_xmp(findings, b"".join(p for _, p in sorted(parts)), label="extended XMP")
        if pos < n:
            findings.trailing_bytes = n - pos
            findings.block("data after the end of the image", n - pos)
        if orientation != 1:
            exif = _segment(0xE1, EXIF_HEADER + minimal_exif(orientation))
            out.insert(exif_at or 1, exif)
        return Rewrite(out, findings, Picture(width, height, 1, bool(icc_chunks), orientation))
