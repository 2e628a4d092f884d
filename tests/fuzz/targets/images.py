"""The image readers: one target per format handler (inspect, strip, and for HEIC the
conversion to JPEG), and `assess`, the decoder behind compare, audit and the Panel badges.

A cleaned file must inspect clean (nothing left that iprdesk itself would remove), and a
byte-level rewrite must decode to the very same frames, shown in the same orientation, as
its input did with Pillow (when Pillow could decode the input at all).
"""

import functools
import io
import warnings

from PIL import Image, ImageOps

from iprdesk.images import similar
from iprdesk.metadata import BadImage, inspect_image, strip_image
from tests import image_fixtures as fx
from tests.fuzz import Defect, Target, register

# Damaged input makes Pillow warn (corrupt EXIF, malformed MPO, bombs); the outcome is judged.
warnings.simplefilter("ignore")

NAME = "fuzz-input"
# The pixel oracle decodes input and output with Pillow: only pictures this small (the seeds
# are 64 x 48; a mutant may claim more).
ORACLE_PIXELS = 1 << 20


def _jpeg(**kw) -> bytes:
    out = io.BytesIO()
    fx.gradient(kw.pop("size", (64, 48))).convert(kw.pop("mode", "RGB")).save(
        out, "JPEG", **kw)
    return out.getvalue()


@functools.cache
def jpeg_seeds() -> list[bytes]:
    return [
        fx.photo_jpeg(),  # everything a phone and an editor write, and an MPF second image
        fx.photo_jpeg(orientation=6, everything=False),
        _jpeg(progressive=True, exif=fx.exif_bytes(orientation=8, thumbnail=False)),
        _jpeg(mode="L", restart_marker_blocks=4, comment=b"grey"),
        # Two EXIF blocks: browsers apply only the first one's orientation (none here).
        fx.jpeg_with_exifs(fx.exif_bytes(thumbnail=False),
                           fx.exif_bytes(orientation=6, gps=None, thumbnail=False)),
    ]


@functools.cache
def png_seeds() -> list[bytes]:
    palette = io.BytesIO()
    fx.gradient().convert("P").save(palette, "PNG", transparency=3)
    apng = io.BytesIO()
    frames = [fx.gradient(), fx.gradient().rotate(180)]
    frames[0].save(apng, "PNG", save_all=True, append_images=frames[1:], duration=50)
    return [fx.photo_png(), fx.photo_png(orientation=6, mode="RGB", trailing=b""),
            palette.getvalue(), apng.getvalue()]


@functools.cache
def webp_seeds() -> list[bytes]:
    return [fx.webp(), fx.webp(lossless=True, orientation=3), fx.webp(animated=True)]


@functools.cache
def gif_seeds() -> list[bytes]:
    still = io.BytesIO()
    fx.gradient().convert("P").save(still, "GIF", comment=b"made by Zhao Lei")
    return [fx.animated_gif(), still.getvalue()]


@functools.cache
def heic_seeds() -> list[bytes]:
    return [fx.heic(), fx.heic(orientation=None)]


_TOO_BIG = object()


def _decoded(data: bytes):
    """(frames, orientation shown) as Pillow decodes `data`; None when it cannot, _TOO_BIG
    when the picture is beyond what the oracle decodes."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.width * im.height * getattr(im, "n_frames", 1) > ORACLE_PIXELS:
                return _TOO_BIG
            orientation = im.getexif().get(0x0112, 1)
        shown = orientation if orientation in range(2, 9) else 1
        return fx.frames(data), shown
    except Exception:  # noqa: BLE001 - an input Pillow cannot read has no pixels to compare
        return None


def _cleaned(data: bytes) -> bytes:
    """Strip `data` (raising BadImage as the product does); a Defect if the result is not
    clean by iprdesk's own inspection."""
    out = strip_image(data, NAME, heic_to_jpeg=True).data
    try:
        after = inspect_image(out, "cleaned")
    except BadImage as e:
        raise Defect(f"the cleaned file is refused: {e.message}") from None
    if not after.findings.empty():
        raise Defect(f"metadata left after strip: {after.findings.blocks}")
    return out


def check_lossless(data: bytes) -> bytes:
    """Inspect and strip; the cleaned file must show the same pixels the same way up."""
    inspect_image(data, NAME)
    out = _cleaned(data)
    before = _decoded(data)
    if before is None or before is _TOO_BIG:
        return out
    after = _decoded(out)
    if after is None:
        raise Defect("Pillow decodes the input but not the cleaned file")
    if after[0] != before[0]:
        raise Defect("the cleaned file's pixels differ from the input's")
    if after[1] != before[1]:
        raise Defect(f"the input is shown with orientation {before[1]}, the cleaned file "
                     f"with {after[1]}")
    return out


def check_conversion(data: bytes) -> bytes:
    """HEIC: inspect, convert; the JPEG must decode, upright, with no orientation left."""
    inspect_image(data, NAME)
    out = _cleaned(data)
    try:
        with Image.open(io.BytesIO(out)) as im:
            im.load()
            if ImageOps.exif_transpose(im).size != im.size:
                raise Defect("the converted JPEG still carries a rotation")
    except (OSError, SyntaxError, ValueError) as e:
        raise Defect(f"the converted JPEG does not decode: {e}") from None
    return out


def fingerprint(data: bytes) -> None:
    similar.fingerprint_bytes(data, NAME)


def _assessed_seeds() -> list[bytes]:
    return [*jpeg_seeds(), *png_seeds(), *webp_seeds(), *gif_seeds(), *heic_seeds()]


register(Target("jpeg", jpeg_seeds, check_lossless))
register(Target("png", png_seeds, check_lossless))
register(Target("webp", webp_seeds, check_lossless))
register(Target("gif", gif_seeds, check_lossless))
register(Target("heic", heic_seeds, check_conversion))
register(Target("assess", _assessed_seeds, fingerprint))
