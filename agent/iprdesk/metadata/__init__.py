"""Lossless metadata stripping (DESIGN section 4): the core library, no HTTP, no CLI.

    cleaned = strip_image(data, "IMG_2041.jpg")
    cleaned.pieces     # the cleaned file as pieces to write in order (Spans of `data`)
    cleaned.data       # the same joined into bytes
    cleaned.write_to(f, source_fd)  # into a file, the Spans copied by the kernel from the
                                    # input file where it can (metadata/output.py)
    cleaned.report     # Report: what was removed, in English and Chinese

`inspect_image` reports the same without producing output. Anything that is not a sound
image raises BadImage, whose message names the file and the problem.
"""

from dataclasses import dataclass
from pathlib import PurePath

from iprdesk.errors import BadInput
from iprdesk.metadata import output
from iprdesk.metadata.base import ImageProblem, Pieces, Span
from iprdesk.metadata.registry import handler_for, is_image
from iprdesk.metadata.report import Report
from iprdesk.text import i18n

__all__ = ["BadImage", "Cleaned", "Report", "inspect_image", "is_image", "output_name",
           "problem_text", "strip_image"]


class BadImage(BadInput):
    """A file that cannot be cleaned; `code` says why (truncated, not_an_image...)."""

    status = 422


@dataclass
class Cleaned:
    pieces: Pieces
    report: Report
    mime: str
    source: bytes  # the input the pieces' Spans refer to (bytes or a memory map)

    @property
    def data(self) -> bytes:
        return output.joined(self.pieces, self.source)

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
            raise ImageProblem(
                f"{handler.format}_needs_conversion",
                f"it is a {handler.format.upper()} photo, which the Joom Panel does not accept; "
                "convert it to a clean JPEG with --heic-to-jpeg")
        return handler, handler.rewrite(data)
    except ImageProblem as e:
        raise BadImage(f"{name}: {e.message}", code=e.code) from None
    except RecursionError as e:  # pathological nesting in a metadata block
        raise BadImage(f"{name}: the file is damaged ({e})", code="damaged") from None


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


def problem_text(error: BadInput, file: str, lang: str) -> str:
    """The error for one file in the given UI language ("en" or "zh_CN"). The English message
    carries the details; other languages say what the problem code means
    (`metadata.problem.<code>` in shared/messages; the extension localises by code too)."""
    key = f"metadata.problem.{error.code}"
    if lang == "en" or not i18n.known(key):
        return error.text(lang)
    return i18n.text("metadata.problem_line", lang, file=file, problem=i18n.text(key, lang))
