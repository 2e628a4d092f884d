"""The small interface every format handler implements, and what a rewrite produces.

A handler takes the whole file (bytes, or a read-only memory map of it) and rewrites it at the
byte level: structures on the format's allow-list are copied verbatim (so the pixels cannot
change), everything else is dropped and described in a Findings object. Handlers never
decode pixels.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from iprdesk.metadata.findings import Findings
from iprdesk.text.i18n import Message

# Larger than any camera (a 100 MP medium-format frame) yet far below what a decompression
# bomb claims; checked from the header before anything is decoded or converted.
MAX_PIXELS = 250_000_000


class ImageProblem(Exception):
    """Why a file cannot be cleaned, in words a seller understands (the file name is added
    by the caller): `message`, a Message of shared/messages (`metadata.problem.*`, its details
    `metadata.detail.*`), shown in the reader's language. `code` is the stable machine code
    the CLI's JSON and the agent answer with.
    """

    def __init__(self, code: str, message: Message):
        super().__init__(message.text("en"))
        self.code = code
        self.message = message


def truncated(where: Message) -> ImageProblem:
    return ImageProblem("truncated", Message("metadata.problem.truncated", {"where": where}))


def damaged(what: Message) -> ImageProblem:
    return ImageProblem("damaged", Message("metadata.problem.damaged", {"what": what}))


# All frames of an animation together (a long sticker animation stays well inside).
MAX_ANIMATION_PIXELS = 4 * MAX_PIXELS


def check_pixels(width: int, height: int, frames: int = 1) -> None:
    if width * height > MAX_PIXELS:
        raise ImageProblem("too_many_pixels", Message(
            "metadata.problem.too_many_pixels",
            {"width": width, "height": height, "limit": MAX_PIXELS // 1_000_000}))
    if width * height * frames > MAX_ANIMATION_PIXELS:
        raise ImageProblem("too_many_pixels", Message(
            "metadata.problem.too_many_pixels_animation",
            {"frames": frames, "width": width, "height": height,
             "limit": MAX_ANIMATION_PIXELS // 1_000_000}))


@dataclass(frozen=True, slots=True)
class Span:
    """Bytes `start:stop` of the input, kept verbatim. A range of the input rather than a
    slice of it, so that the writer can have the kernel copy it from the input file without
    the bytes passing through Python (`metadata/output.py`)."""

    start: int
    stop: int

    def __len__(self) -> int:
        return self.stop - self.start


# The cleaned file as pieces to write one after another: new bytes (rewritten headers) and
# Spans of the input (image data): a 6 MB photo is never copied inside the process.
Pieces = list[bytes | Span]


@dataclass
class Picture:
    """The image itself, as the handler found it and kept it (reported beside the findings)."""

    width: int
    height: int
    frames: int = 1
    icc_kept: bool = False
    # EXIF orientation (2..8) carried over as a minimal EXIF block; 1 when upright.
    orientation: int = 1
    # True when a conversion turned the pixels upright instead (HEIC).
    orientation_applied: bool = False


@dataclass
class Rewrite:
    """A handler's result: the cleaned file, the picture, and what it found on the way."""

    output: Pieces
    findings: Findings
    picture: Picture


class FormatHandler(ABC):
    """One image format: how to recognise it and how to rewrite it without its metadata."""

    format: ClassVar[str]  # short name used in reports and JSON: "jpeg", "png", ...
    mime: ClassVar[str]
    # What the cleaned file is: the same format, except for handlers that convert.
    output_format: ClassVar[str | None] = None
    output_mime: ClassVar[str | None] = None
    output_extension: ClassVar[str | None] = None
    # False for a handler whose cleaned file is re-encoded (HEIC to JPEG): it strips only when
    # the caller asks for the conversion, else the file is refused with `<format>_needs_conversion`.
    lossless_strip: ClassVar[bool] = True

    @staticmethod
    @abstractmethod
    def sniff(head: bytes) -> bool:
        """True when the first bytes (at least 32) carry this format's signature."""

    @abstractmethod
    def rewrite(self, data: bytes) -> Rewrite:
        """Clean `data`; raise ImageProblem for anything that is not a sound image.

        `data` may be a memory map: index, slice, `find` and regular expressions only. What
        is kept verbatim goes into the output as a Span of `data`, never as a copy or a view.
        """
