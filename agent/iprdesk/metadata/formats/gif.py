"""GIF (still and animated): drop comments and metadata application extensions.

Kept: header, screen descriptor, colour tables, image descriptors with their LZW data,
graphic control extensions (frame timing, transparency), plain-text extensions, the
NETSCAPE2.0/ANIMEXTS1.0 loop extension and an ICC profile (ICCRGBG1). Dropped: comment
extensions, XMP and every other application extension, unknown extensions, and every byte
after the trailer.
"""

import struct

from iprdesk.metadata.base import (
    FormatHandler,
    Picture,
    Rewrite,
    Span,
    check_pixels,
    damaged,
    truncated,
)
from iprdesk.metadata.decoders.xmp import read_xmp
from iprdesk.metadata.findings import Findings
from iprdesk.text.i18n import Message

_KEEP_APPLICATIONS = (b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012")
_GRAPHIC_CONTROL, _PLAIN_TEXT, _COMMENT, _APPLICATION = 0xF9, 0x01, 0xFE, 0xFF


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    """Position just after the zero-length block that ends a run of data sub-blocks."""
    n = len(data)
    while True:
        if pos >= n:
            raise truncated(Message("metadata.detail.inside_data_block"))
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos


def _sub_block_data(data: bytes, start: int, end: int) -> bytes:
    parts, pos = [], start
    while pos < end and data[pos]:
        parts.append(data[pos + 1:pos + 1 + data[pos]])
        pos += 1 + data[pos]
    return b"".join(parts)


class GifHandler(FormatHandler):
    format = "gif"
    mime = "image/gif"

    @staticmethod
    def sniff(head: bytes) -> bool:
        return head[:6] in (b"GIF87a", b"GIF89a")

    def rewrite(self, data: bytes) -> Rewrite:
        findings = Findings()
        n = len(data)
        if n < 13:
            raise truncated(Message("metadata.detail.inside_gif_header"))
        width, height, flags = struct.unpack("<HHB", data[6:11])
        check_pixels(width, height)
        pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
        out, frames, icc = [Span(0, pos)], 0, False
        while True:
            if pos >= n:
                raise truncated(Message("metadata.detail.before_gif_end"))
            introducer = data[pos]
            if introducer == 0x3B:
                out.append(b"\x3b")
                pos += 1
                break
            if introducer == 0x2C:
                if pos + 10 > n:
                    raise truncated(Message("metadata.detail.inside_image_descriptor"))
                local = data[pos + 9]
                start = pos
                pos += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0) + 1  # + LZW size
                pos = _skip_sub_blocks(data, pos)
                out.append(Span(start, pos))
                frames += 1
                check_pixels(width, height, frames)
            elif introducer == 0x21:
                if pos + 2 > n:
                    raise truncated(Message("metadata.detail.inside_extension"))
                label, start = data[pos + 1], pos
                pos = _skip_sub_blocks(data, pos + 2)
                ident = data[start + 3:start + 14] if label == _APPLICATION else b""
                if label in (_GRAPHIC_CONTROL, _PLAIN_TEXT) or ident in _KEEP_APPLICATIONS:
                    out.append(Span(start, pos))
                    icc = icc or ident == b"ICCRGBG1012"
                elif label == _COMMENT:
                    text = _sub_block_data(data, start + 2, pos)
                    findings.block("comment", len(text))
                    findings.add("comments", text)
                elif ident == b"XMP DataXMP":
                    # XMP's sub-block sizes are its own bytes; read the raw span instead.
                    read_xmp(findings, data[start + 14:pos], label="XMP")
                elif label == _APPLICATION:
                    findings.block(f"application extension {ident.decode('latin-1')}",
                                   pos - start)
                else:
                    findings.block(f"extension 0x{label:02X}", pos - start)
            else:
                raise damaged(Message("metadata.detail.unexpected_byte",
                                      {"byte": f"0x{introducer:02X}", "pos": pos}))
        if frames == 0:
            raise damaged(Message("metadata.detail.no_image"))
        if pos < n:
            findings.trailing_bytes = n - pos
            findings.block("data after the end of the image", n - pos)
        return Rewrite(out, findings, Picture(width, height, frames, icc))
