"""How a cleaned file reaches the disk (metadata/output.py): the image data copied by the
kernel from the input file, or written from memory where the system cannot; either way the
very bytes the in-memory path produces, with the pixels of the original."""

import errno
import io
import os

import numpy as np
import pytest
from PIL import Image, PngImagePlugin

from iprdesk.metadata import output, strip_image
from iprdesk.metadata.base import Span
from iprdesk.metadata.files import stage_clean
from tests import image_fixtures as fx

kernel_copy = pytest.mark.skipif(not output.KERNEL_COPIES,
                                 reason="the system has no kernel copy (copy_file_range, sendfile)")


def noisy(fmt: str) -> bytes:
    """A picture of noise (its image data far longer than the kernel copy's threshold) with
    metadata of the format's usual kinds."""
    pixels = np.random.default_rng(7).integers(0, 256, (300, 400, 3), dtype=np.uint8)
    image, out = Image.fromarray(pixels), io.BytesIO()
    if fmt == "jpeg":
        image.save(out, "JPEG", quality=95, exif=fx.exif_bytes(), comment=b"warehouse 3")
    elif fmt == "png":
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", "Li Na")
        image.save(out, "PNG", pnginfo=info, exif=fx.exif_bytes())
    elif fmt == "webp":
        image.save(out, "WEBP", quality=95, exif=fx.exif_bytes())
    else:
        image.convert("P").save(out, "GIF", comment=b"warehouse 3")
    return out.getvalue()


FORMATS = ["jpeg", "png", "webp", "gif"]


def staged(tmp_path, data: bytes, name: str) -> bytes:
    """Clean `data` as `iprdesk strip` does with a file on disk; the staged output's bytes."""
    src = tmp_path / "in" / name
    src.parent.mkdir(exist_ok=True)
    src.write_bytes(data)
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    _, _, temp = stage_clean(src, out)
    written = temp.read_bytes()
    temp.unlink()
    return written


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.tobytes()


@kernel_copy
@pytest.mark.parametrize("fmt", FORMATS)
def test_image_data_is_copied_by_the_kernel(tmp_path, monkeypatch, fmt):
    data = noisy(fmt)
    copied = []

    def counting(copy):
        def call(src, dst, offset, count):
            done = copy(src, dst, offset, count)
            copied.append(done)
            return done
        return call

    monkeypatch.setattr(output, "KERNEL_COPIES", tuple(map(counting, output.KERNEL_COPIES)))
    written = staged(tmp_path, data, f"a.{fmt}")
    assert written == strip_image(data, f"a.{fmt}").data
    # Nearly all of the file is image data, none of which went through Python.
    assert sum(copied) > 0.9 * len(written)
    assert pixels(written) == pixels(data)


def refusing(code):
    def call(src, dst, offset, count):
        raise OSError(code, os.strerror(code))
    return call


def copying_at_most(limit):
    """A kernel copy that copies `limit` bytes, then refuses (as another filesystem might)."""
    done = []

    def call(src, dst, offset, count):
        if sum(done) >= limit:
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))
        n = os.pwrite(dst, os.pread(src, min(count, limit - sum(done)), offset),
                      os.lseek(dst, 0, os.SEEK_CUR))
        os.lseek(dst, n, os.SEEK_CUR)
        done.append(n)
        return n
    return call


@fx.needs_exiftool
@pytest.mark.parametrize("copies", [
    pytest.param((), id="no-kernel-copy"),  # Windows, or the input held in memory
    pytest.param((refusing(errno.EXDEV), refusing(errno.EINVAL)), id="both-refuse"),
    pytest.param((refusing(errno.ENOSYS), copying_at_most(100_000)), id="second-then-refuses"),
])
def test_where_the_kernel_cannot_copy_the_output_is_the_same(tmp_path, monkeypatch, copies):
    monkeypatch.setattr(output, "KERNEL_COPIES", copies)
    for fmt in FORMATS:
        data = noisy(fmt)
        written = staged(tmp_path, data, f"b.{fmt}")
        assert written == strip_image(data, f"b.{fmt}").data, fmt
        assert pixels(written) == pixels(data), fmt
        assert fx.leftover_metadata(written) == {}, fmt


@kernel_copy
def test_a_failing_kernel_copy_is_an_error_not_a_fallback(tmp_path, monkeypatch):
    """Only "not here" answers fall back; a full disk must stop the write."""
    monkeypatch.setattr(output, "KERNEL_COPIES", (refusing(errno.ENOSPC),))
    with pytest.raises(Exception, match="cannot write") as raised:
        staged(tmp_path, noisy("jpeg"), "c.jpg")
    assert raised.value.code == "unwritable"
    assert list((tmp_path / "out").iterdir()) == []  # no temp file left behind


def test_pieces_are_written_in_order_with_spans_joined(tmp_path):
    source = bytes(range(256)) * 1024  # 256 KiB
    pieces = [b"head", Span(0, 10), Span(10, 200_000), b"mid", Span(5, 6), Span(200_000, 262_144)]
    expected = b"".join(source[p.start:p.stop] if isinstance(p, Span) else p for p in pieces)
    src = tmp_path / "src"
    src.write_bytes(source)
    for source_fd in (True, False):
        dest = tmp_path / "dest"
        with open(src, "rb") as f, open(dest, "wb") as out:
            output.write(out.fileno(), pieces, source, f.fileno() if source_fd else None)
        assert dest.read_bytes() == expected
    assert output.joined(pieces, source) == expected
    assert output.joined([Span(0, len(source))], source) is source
