"""Which handler cleans a file: chosen by its content (magic bytes), never by its name."""

from iprdesk.metadata.base import FormatHandler, ImageProblem
from iprdesk.metadata.formats.gif import GifHandler
from iprdesk.metadata.formats.heic import HeicHandler
from iprdesk.metadata.formats.jpeg import JpegHandler
from iprdesk.metadata.formats.png import PngHandler
from iprdesk.metadata.formats.webp import WebpHandler

HANDLERS: list[type[FormatHandler]] = [JpegHandler, PngHandler, WebpHandler, GifHandler,
                                       HeicHandler]
SNIFF_BYTES = 32

# Images we recognise but do not clean, so the message can say what the file is.
_OTHER_IMAGES = [
    (lambda h: h[:4] in (b"II*\x00", b"MM\x00*"), "a TIFF (or camera RAW) image"),
    (lambda h: h[:2] == b"BM", "a BMP image"),
    (lambda h: h[4:8] == b"ftyp" and h[8:12] in (b"avif", b"avis"), "an AVIF image"),
    (lambda h: h[:2] == b"\xff\x0a" or h[4:12] == b"JXL \r\n\x87\n", "a JPEG XL image"),
    (lambda h: h[:4] == b"8BPS", "a Photoshop document"),
    (lambda h: h[:4] == b"\x00\x00\x01\x00", "an icon file"),
]


def handler_for(data: bytes) -> FormatHandler:
    """The handler for `data`, or ImageProblem saying what the file is instead."""
    head = data[:SNIFF_BYTES]
    if not data:
        raise ImageProblem("empty_file", "the file is empty (0 bytes)")
    for handler in HANDLERS:
        if handler.sniff(head):
            return handler()
    for looks_like, what in _OTHER_IMAGES:
        if looks_like(head):
            raise ImageProblem("unsupported_format",
                               f"it is {what}; iprdesk cleans JPEG, PNG, WebP, GIF and HEIC "
                               "(the Panel takes JPEG, PNG and WebP)")
    raise ImageProblem("not_an_image",
                       "it is not an image iprdesk knows (JPEG, PNG, WebP, GIF or HEIC)")


def is_image(head: bytes) -> bool:
    """True when the first bytes look like a format iprdesk cleans (for the folder watcher)."""
    return any(handler.sniff(head[:SNIFF_BYTES]) for handler in HANDLERS)
