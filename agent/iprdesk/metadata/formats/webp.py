"""WebP (lossy, lossless, with alpha, animated): drop the EXIF and XMP chunks.

A WebP file is a RIFF container. Kept: VP8X (with its EXIF/XMP flags cleared), ICCP, ANIM,
ANMF frames, ALPH, VP8 and VP8L. Dropped: EXIF, XMP, unknown chunks and bytes after the
RIFF end. The RIFF size is recomputed; the image chunks are copied verbatim, their padding
byte too: a demuxer hands a chunk to the decoder padded, so a bitstream one byte longer than
its chunk says (damaged, yet shown) reads that byte.
"""

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
from iprdesk.metadata.decoders.icc import check_profile
from iprdesk.metadata.decoders.xmp import read_xmp
from iprdesk.metadata.findings import Findings
from iprdesk.text.i18n import Message

_KEEP = frozenset([b"VP8X", b"ICCP", b"ANIM", b"ANMF", b"ALPH", b"VP8 ", b"VP8L"])
_FLAG_EXIF, _FLAG_XMP, _FLAG_ANIMATION = 0x08, 0x04, 0x02  # VP8X flag bits
# The smallest RIFF payload with an image: "WEBP" and one chunk header.
_MIN_RIFF_SIZE = 4 + 8


def _chunk(kind: bytes, body: bytes | Span, pad: bytes = b"\x00") -> Pieces:
    return [kind + struct.pack("<I", len(body)), body, *([pad] if len(body) & 1 else [])]


def _bitstream_size(kind: bytes, body: bytes) -> tuple[int, int]:
    if kind == b"VP8 " and len(body) >= 10 and body[3:6] == b"\x9d\x01\x2a":
        w, h = struct.unpack("<HH", body[6:10])
        return w & 0x3FFF, h & 0x3FFF
    if kind == b"VP8L" and len(body) >= 5 and body[0] == 0x2F:
        bits = int.from_bytes(body[1:5], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    raise damaged(Message("metadata.detail.bitstream_header", {"kind": kind.decode().strip()}))


class WebpHandler(FormatHandler):
    format = "webp"
    mime = "image/webp"

    @staticmethod
    def sniff(head: bytes) -> bool:
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"

    def rewrite(self, data: bytes) -> Rewrite:
        findings = Findings()
        if len(data) < 20:
            raise truncated(Message("metadata.detail.inside_webp_header"))
        riff_size = struct.unpack("<I", data[4:8])[0]
        riff_end = 8 + riff_size
        if riff_end > len(data):
            raise truncated(Message("metadata.detail.riff_longer"))
        if riff_size < _MIN_RIFF_SIZE:
            # Decoders refuse it; what follows is not part of the image.
            raise damaged(Message("metadata.detail.riff_too_small", {"size": riff_size}))
        # (kind, payload, padding byte as found) of each chunk kept.
        chunks: list[tuple[bytes, bytes | Span, bytes]] = []
        orientation, width, height, frames, icc, vp8x_flags = 1, 0, 0, 0, False, None
        bitstreams = 0  # top-level VP8 / VP8L chunks
        first_exif = True  # a demuxer (libwebp's, Pillow's) reads the first EXIF chunk only
        pos, view = 12, memoryview(data)
        while pos < riff_end:
            if pos + 8 > riff_end:
                raise truncated(Message("metadata.detail.chunk_header_cut", {"pos": pos}))
            kind, size = struct.unpack("<4sI", data[pos:pos + 8])
            end = pos + 8 + size
            if end > riff_end:
                raise truncated(Message("metadata.detail.chunk_past_end",
                                        {"chunk": kind.decode("latin-1"), "pos": pos}))
            # Image chunks are kept as views; metadata is read from a copy.
            body = view[pos + 8:end] if kind in _KEEP else data[pos + 8:end]
            if pos == 12:
                if kind == b"VP8X" and size >= 10:
                    vp8x_flags = body[0]
                    width = int.from_bytes(body[4:7], "little") + 1
                    height = int.from_bytes(body[7:10], "little") + 1
                elif kind in (b"VP8 ", b"VP8L"):
                    width, height = _bitstream_size(kind, body)
                else:
                    raise damaged(Message("metadata.detail.no_webp_start"))
                check_pixels(width, height)
            if kind in _KEEP:
                # VP8X is rewritten below; the others are copied as they are.
                chunks.append((kind, bytes(body) if kind == b"VP8X" else Span(pos + 8, end),
                               bytes(view[end:end + (size & 1)]) or b"\x00"))
                if kind == b"ICCP":
                    check_profile(bytes(body))
                    icc = True
                bitstreams += kind in (b"VP8 ", b"VP8L")
                if kind == b"ANMF":
                    frames += 1
                    check_pixels(width, height, frames)
            elif kind == b"EXIF":
                if first_exif:
                    orientation, first_exif = orientation_of(body), False
                if not is_minimal(body):
                    read_exif(findings, body[len(EXIF_HEADER):] if body.startswith(EXIF_HEADER)
                              else body)
            elif kind == b"XMP ":
                read_xmp(findings, body)
            else:
                findings.block(f"{kind.decode('latin-1').strip()} chunk", size)
            pos = end + (size & 1)

        if vp8x_flags is not None and vp8x_flags & _FLAG_ANIMATION and not frames:
            raise damaged(Message("metadata.detail.no_frames"))
        if not frames and not bitstreams:
            raise damaged(Message("metadata.detail.no_webp_data"))
        if vp8x_flags is not None:
            flags = vp8x_flags & ~(_FLAG_EXIF | _FLAG_XMP)
            if orientation != 1:
                flags |= _FLAG_EXIF
                chunks.append((b"EXIF", minimal_exif(orientation), b"\x00"))
            _, vp8x, pad = chunks[0]
            chunks[0] = (b"VP8X", bytes([flags]) + vp8x[1:], pad)
        body = [b"WEBP", *(piece for chunk in chunks for piece in _chunk(*chunk))]
        if len(data) > riff_end:
            findings.trailing_bytes = len(data) - riff_end
            findings.block("data after the end of the image", len(data) - riff_end)
        riff_size = sum(len(piece) for piece in body)
        picture = Picture(width, height, max(frames, 1), icc,
                          orientation if vp8x_flags is not None else 1)
        return Rewrite([b"RIFF" + struct.pack("<I", riff_size), *body], findings, picture)
