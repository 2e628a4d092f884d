"""Which handler cleans a file: chosen by its content (magic bytes), never by its name."""

import importlib
from collections.abc import Iterator

from iprdesk.metadata.base import FormatHandler, ImageProblem
from iprdesk.text.i18n import Message

# Each handler's module under metadata/formats and its class, in the order they are tried;
# a module is imported when a file gets that far (`strip one.jpg` loads the JPEG one alone).
_HANDLERS = [("jpeg", "JpegHandler"), ("png", "PngHandler"), ("webp", "WebpHandler"),
             ("gif", "GifHandler"), ("heic", "HeicHandler")]
SNIFF_BYTES = 32


def _handlers() -> Iterator[type[FormatHandler]]:
    for module, name in _HANDLERS:
        yield getattr(importlib.import_module(f"iprdesk.metadata.formats.{module}"), name)


# Images we recognise but do not clean, so the message can say what the file is
# (`metadata.detail.kind.<name>`).
_OTHER_IMAGES = [
    (lambda h: h[:4] in (b"II*\x00", b"MM\x00*"), "tiff"),
    (lambda h: h[:2] == b"BM", "bmp"),
    (lambda h: h[4:8] == b"ftyp" and h[8:12] in (b"avif", b"avis"), "avif"),
    (lambda h: h[:2] == b"\xff\x0a" or h[4:12] == b"JXL \r\n\x87\n", "jpeg_xl"),
    (lambda h: h[:4] == b"8BPS", "photoshop"),
    (lambda h: h[:4] == b"\x00\x00\x01\x00", "icon"),
]


def handler_for(data: bytes) -> FormatHandler:
    """The handler for `data`, or ImageProblem saying what the file is instead."""
    head = data[:SNIFF_BYTES]
    if not data:
        raise ImageProblem("empty_file", Message("metadata.problem.empty_file"))
    for handler in _handlers():
        if handler.sniff(head):
            return handler()
    for looks_like, what in _OTHER_IMAGES:
        if looks_like(head):
            raise ImageProblem("unsupported_format", Message(
                "metadata.problem.unsupported_format",
                {"what": Message(f"metadata.detail.kind.{what}")}))
    raise ImageProblem("not_an_image", Message("metadata.problem.not_an_image"))


def is_image(head: bytes) -> bool:
    """True when the first bytes look like a format iprdesk cleans (for the folder watcher)."""
    return any(handler.sniff(head[:SNIFF_BYTES]) for handler in _handlers())
