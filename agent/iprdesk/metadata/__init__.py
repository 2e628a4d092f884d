"""Lossless metadata stripping (DESIGN section 4): the core library, no HTTP, no CLI.

    cleaned = strip_image(data, "IMG_2041.jpg")
    cleaned.pieces     # the cleaned file as pieces to write in order (Spans of `data`)
    cleaned.data       # the same joined into bytes
    cleaned.write_to(f, source_fd)  # into a file, the Spans copied by the kernel from the
                                    # input file where it can (metadata/output.py)
    cleaned.report     # Report: what was removed, in English and Chinese

`inspect_image` reports the same without producing output. Anything that is not a sound
image raises BadImage, whose message names the file and the problem, in the reader's language
(`e.text(lang)`).
"""

from dataclasses import dataclass
from pathlib import PurePath

from iprdesk.errors import BadInput
from iprdesk.metadata import output
from iprdesk.metadata.base import ImageProblem, Pieces, Span, damaged
from iprdesk.metadata.registry import handler_for, is_image
from iprdesk.metadata.report import Report
from iprdesk.text.i18n import Message

__all__ = ["BadImage", "Cleaned", "Report", "inspect_image", "is_image", "output_name",
           "strip_image"]


class BadImage(BadInput):
    """A file that cannot be cleaned: "<file>: <the problem>"; `code` says why (truncated,
    not_an_image...)."""

    status = 422

    def __init__(self, file, problem: ImageProblem):
        super().__init__(key="metadata.problem_line",
                         params={"file": str(file), "problem": problem.message},
                         code=problem.code)


@dataclass
class Cleaned:
    pieces: Pieces
    report: Report
    mime: str
    source: bytes  # the input the pieces' Spans refer to (bytes or a memory map)

    @property
    def data(self) -> bytes:
        return output.joined(self.pieces, self.source)

    @property
    def size(self) -> int:
        return sum(map(len, self.pieces))

    def views(self):
        """The cleaned file's parts in order, as views (no copy of the image data)."""
        return output.views(self.pieces, self.source)

    def write_to(self, f, source_fd: int | None = None) -> None:
        """Write the cleaned file into the open file `f`; `source_fd` is the input file open
        for reading, if the input came from one."""
        f.flush()
        output.write(f.fileno(), self.pieces, self.source, source_fd)


def output_name(name: str, extension: str | None) -> str:
    """The cleaned file's name: the same, or with a new extension after a conversion."""
    return str(PurePath(name).with_suffix(extension)) if extension else name


def _rewrite(data: bytes, name: str, action: str, heic_to_jpeg: bool):
    try:
        handler = handler_for(data)
        if not handler.lossless_strip and not heic_to_jpeg and action == "strip":
            raise ImageProblem(f"{handler.format}_needs_conversion", Message(
                "metadata.problem.needs_conversion", {"format": handler.format.upper()}))
        return handler, handler.rewrite(data)
    except ImageProblem as e:
        raise BadImage(name, e) from None
    except RecursionError:  # pathological nesting in a metadata block
        raise BadImage(name, damaged(Message("metadata.detail.too_deep"))) from None


def _report(name, action, handler, rewrite, data, output: Pieces | None) -> Report:
    return Report(
        file=name, action=action, format=handler.format, findings=rewrite.findings,
        bytes_before=len(data), bytes_after=None if output is None else sum(map(len, output)),
        output_file=output_name(name, handler.output_extension),
        output_format=handler.output_format or handler.format,
        picture=rewrite.picture,
    )


def strip_image(data: bytes, name: str, *, heic_to_jpeg: bool = False) -> Cleaned:
    """Clean one image held in memory (bytes, or a read-only memory map that must stay open
    while the result is used). `name` is only used in messages and reports."""
    handler, rewrite = _rewrite(data, name, "strip", heic_to_jpeg)
    # Nothing found means nothing to change: hand back the very bytes we were given.
    clean = rewrite.findings.empty() and not handler.output_format
    output = [Span(0, len(data))] if clean else rewrite.output
    report = _report(name, "strip", handler, rewrite, data, output)
    return Cleaned(output, report, handler.output_mime or handler.mime, data)


def inspect_image(data: bytes, name: str) -> Report:
    """What strip_image would remove, without changing anything."""
    handler, rewrite = _rewrite(data, name, "inspect", heic_to_jpeg=True)
    return _report(name, "inspect", handler, rewrite, data, None)
