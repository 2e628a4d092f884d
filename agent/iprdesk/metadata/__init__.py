"""Lossless metadata stripping (DESIGN section 4): the core library, no HTTP, no CLI.

    cleaned = strip_image(data, "IMG_2041.jpg")
    cleaned.pieces     # the cleaned file as pieces to write in order (views into `data`)
    cleaned.data       # the same joined into bytes
    cleaned.report     # Report: what was removed, in English and Chinese

`inspect_image` reports the same without producing output. Anything that is not a sound
image raises BadImage, whose message names the file and the problem.
"""

from dataclasses import dataclass
from pathlib import PurePath

from iprdesk.errors import BadInput
from iprdesk.metadata.base import ImageProblem, Pieces
from iprdesk.metadata.formats.heic import HeicHandler
from iprdesk.metadata.registry import handler_for, is_image
from iprdesk.metadata.report import Report

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

    @property
    def data(self) -> bytes:
        return b"".join(self.pieces)


def output_name(name: str, extension: str | None) -> str:
    """The cleaned file's name: the same, or with a new extension after a conversion."""
    return str(PurePath(name).with_suffix(extension)) if extension else name


def _rewrite(data: bytes, name: str, action: str, heic_to_jpeg: bool):
    try:
        handler = handler_for(data)
        if isinstance(handler, HeicHandler) and not heic_to_jpeg and action == "strip":
            raise ImageProblem(
                "heic_needs_conversion",
                "it is a HEIC photo, which the Joom Panel does not accept; convert it to a "
                "clean JPEG with --heic-to-jpeg")
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
    output = [data] if clean else rewrite.output
    report = _report(name, "strip", handler, rewrite, data, output)
    return Cleaned(output, report, handler.output_mime or handler.mime)


def inspect_image(data: bytes, name: str) -> Report:
    """What strip_image would remove, without changing anything."""
    handler, rewrite = _rewrite(data, name, "inspect", heic_to_jpeg=True)
    return _report(name, "inspect", handler, rewrite, data, None)


# What each problem code means, for users reading Chinese (the English message carries the
# details; the extension localises by `code` the same way).
_PROBLEMS_ZH = {
    "empty_file": "文件是空的（0 字节）",
    "not_an_image": "不是 iprdesk 能处理的图片（JPEG、PNG、WebP、GIF 或 HEIC）",
    "unsupported_format": "这种图片格式不受支持；Joom 后台只接受 JPEG、PNG 和 WebP",
    "unsupported": "图片使用了无法安全复制的结构",
    "truncated": "文件不完整（被截断），请从相机或手机重新复制",
    "damaged": "文件已损坏",
    "damaged_colour_profile": "图片内嵌的颜色配置文件（ICC）已损坏；请重新导出图片"
                              "（或转换为 sRGB）后再试",
    "too_many_pixels": "图片声明的像素数量过大（可能是解压炸弹或文件头损坏）",
    "heic_needs_conversion": "这是 HEIC 照片，Joom 后台不接受；请使用 --heic-to-jpeg "
                             "转换为干净的 JPEG",
    "unreadable": "无法读取文件",
    "too_large": "文件太大，超出 iprdesk 能处理的照片大小",
    "exists": "输出文件已存在或与原文件相同，未覆盖",
    "unwritable": "无法写入清理后的文件",
}


def problem_text(error: BadInput, file: str, lang: str) -> str:
    """The error for one file in the given UI language ("en" or "zh_CN")."""
    if lang == "zh_CN" and error.code in _PROBLEMS_ZH:
        return f"{file}：{_PROBLEMS_ZH[error.code]}"
    return error.message
