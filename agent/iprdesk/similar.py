"""Is a new image a near-duplicate of a complained one?

Each image gets a `Fingerprint`: 64-bit perceptual hashes computed on a small grayscale copy,
each in the plain and the horizontally mirrored orientation.

- pHash (DCT): signs of the low-frequency 8x8 block of a 32x32 DCT against its median.
  Robust to resizing, re-compression and brightness/contrast. Taken of the whole picture and
  of its middle 90 %, so a copy cropped by a few percent still lines up.
- dHash (gradient): which of two horizontally adjacent pixels is brighter, on a 9x8 copy.
  Robust to the same; it is thrown by different edits than pHash (a caption band moves pHash
  more), so the verdict looks at the sum of both distances (see `THRESHOLDS`).

Mirroring a picture is the cheapest way to dodge a naive duplicate check, so both hashes are
also taken of the mirror image. For pHash that costs nothing: mirroring negates the DCT
coefficients of odd horizontal frequency, so the mirrored hash comes from the same DCT.

Speed: a 12-megapixel JPEG is decoded at 1/8 scale with Pillow's draft mode (libjpeg does the
reduction while decoding), and batches are spread over all cores.

The thresholds below were measured with `bench/similar.py` on generated edits (resize,
re-compression, mirror, 5 % crop, brightness +-25 %, contrast, a text caption) and unrelated
images; rerun it after changing anything here.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from iprdesk.errors import BadInput

# Formats a catalogue folder holds; anything else in the folder is skipped by `audit`.
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff",
                            ".heic", ".heif"})

_DCT_SIZE = 32
_HASH_SIDE = 8
# Draft-mode target: the smallest JPEG scale still at least this big keeps enough detail for a
# 32x32 resample (1/8 scale for a 12-megapixel photo).
_DRAFT_SIDE = 128

# Hamming distances out of 64 bits, measured by bench/similar.py (120 generated photos, 9 edits
# each, 7,140 unrelated pairs): edits reach pHash+dHash 28 at worst (a caption band over the
# bottom eighth), unrelated pairs start at 28 (0.1 % below 31). "same": re-encoded or resized,
# not mirrored. "near-duplicate": the sum of both distances, which tolerates one hash being
# thrown by a local edit while the other still agrees.
THRESHOLDS = {
    "same": {"phash": 2, "dhash": 8},
    "near-duplicate": {"phash+dhash": 24},
}


def _dct_matrix(n: int) -> np.ndarray:
    k = np.arange(n)
    m = np.cos(np.pi * (2 * k[None, :] + 1) * k[:, None] / (2 * n))
    m[0] /= np.sqrt(2)
    return m * np.sqrt(2 / n)


_DCT = _dct_matrix(_DCT_SIZE)
# Mirroring left-right negates the coefficients of odd horizontal frequency.
_MIRROR_SIGNS = np.where(np.arange(_HASH_SIDE) % 2 == 1, -1.0, 1.0)[None, :]
_BIT_WEIGHTS = 1 << np.arange(63, -1, -1, dtype=np.uint64)


def _bits_to_int(bits: np.ndarray) -> int:
    return int(np.sum(bits.ravel().astype(np.uint64) * _BIT_WEIGHTS, dtype=np.uint64))


def _phash_pair(gray32: np.ndarray) -> tuple[int, int]:
    low = (_DCT @ gray32 @ _DCT.T)[:_HASH_SIDE, :_HASH_SIDE]

    def signs(block: np.ndarray) -> int:
        # The DC term is the mean brightness; leaving it out of the median keeps the hash
        # indifferent to brightness changes.
        return _bits_to_int(block > np.median(block.ravel()[1:]))

    return signs(low), signs(low * _MIRROR_SIGNS)


def _dhash_pair(gray9x8: np.ndarray) -> tuple[int, int]:
    plain = gray9x8[:, 1:] > gray9x8[:, :-1]
    mirrored = np.fliplr(gray9x8)
    return _bits_to_int(plain), _bits_to_int(mirrored[:, 1:] > mirrored[:, :-1])


_HASH_FIELDS = ("phash", "phash_mirror", "phash_center", "phash_center_mirror", "dhash",
                "dhash_mirror")
# The share cut from each side for the centre hash (the typical "small crop").
_CENTER_MARGIN = 0.05


@dataclass(frozen=True)
class Fingerprint:
    """What a comparison needs from one image (small enough to store by the thousand)."""

    sha256: str
    width: int
    height: int
    phash: int
    phash_mirror: int
    # pHash of the middle 90 %: a copy cropped by a few percent matches this one.
    phash_center: int
    phash_center_mirror: int
    dhash: int
    dhash_mirror: int

    def to_json(self) -> dict:
        d = asdict(self)
        for key in _HASH_FIELDS:
            d[key] = f"{d[key]:016x}"
        return d

    @classmethod
    def from_json(cls, d: dict) -> Fingerprint:
        try:
            return cls(sha256=str(d["sha256"]), width=int(d["width"]), height=int(d["height"]),
                       **{k: int(d[k], 16) for k in _HASH_FIELDS})
        except (KeyError, TypeError, ValueError) as e:
            raise BadInput(f"Not a stored image fingerprint: {e}") from e


def _small_gray(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # Product shots are often cut out on transparency; compare them as shown on white.
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)
    return image.convert("L")


# EXIF orientation -> the transpose that shows the picture upright (as ImageOps does).
_ORIENTATION_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_90,
}


def fingerprint_image(image: Image.Image, sha256: str = "",
                      size: tuple[int, int] | None = None) -> Fingerprint:
    """The fingerprint of an opened image as a buyer sees it.

    `size` is the full size when `image` was drafted to a smaller one.
    """
    width, height = size or image.size
    orientation = image.getexif().get(0x0112, 1)
    gray = _small_gray(image)
    # Shrink cheaply before the exact resamples; the hashes only see 32x32 anyway.
    factor = min(gray.size) // _DRAFT_SIDE
    if factor > 1:
        gray = gray.reduce(factor)
    if orientation in _ORIENTATION_TRANSPOSE:
        gray = gray.transpose(_ORIENTATION_TRANSPOSE[orientation])
        if orientation >= 5:
            width, height = height, width
    gray32 = gray.resize((_DCT_SIZE, _DCT_SIZE), Image.Resampling.BILINEAR)
    gray9x8 = gray.resize((_HASH_SIDE + 1, _HASH_SIDE), Image.Resampling.BILINEAR)
    w, h = gray.size
    dx, dy = round(w * _CENTER_MARGIN), round(h * _CENTER_MARGIN)
    center32 = gray.resize((_DCT_SIZE, _DCT_SIZE), Image.Resampling.BILINEAR,
                           box=(dx, dy, w - dx, h - dy))
    ph, ph_m = _phash_pair(np.asarray(gray32, dtype=np.float64))
    pc, pc_m = _phash_pair(np.asarray(center32, dtype=np.float64))
    dh, dh_m = _dhash_pair(np.asarray(gray9x8, dtype=np.int16))
    return Fingerprint(sha256, width, height, ph, ph_m, pc, pc_m, dh, dh_m)


def fingerprint_bytes(data: bytes, name: str = "image") -> Fingerprint:
    return _fingerprint_stream(io.BytesIO(data), name, hashlib.sha256(data).hexdigest())


def fingerprint_file(path: str | os.PathLike) -> Fingerprint:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise BadInput(f"Cannot read {path}: {e.strerror or e}") from e
    return fingerprint_bytes(data, str(path))


def _fingerprint_stream(stream, name: str, sha256: str) -> Fingerprint:
    try:
        with Image.open(stream) as image:
            size = image.size
            if image.format == "JPEG":
                image.draft("RGB" if image.mode == "RGB" else image.mode,
                            (_DRAFT_SIDE, _DRAFT_SIDE))
            image.load()
            return fingerprint_image(image, sha256, size)
    except (UnidentifiedImageError, Image.DecompressionBombError) as e:
        raise BadInput(f"{name} is not an image iprdesk can read (JPEG, PNG, WebP, GIF, BMP, "
                       "TIFF)", code="not_an_image") from e
    except (OSError, SyntaxError, ValueError) as e:
        raise BadInput(f"{name} is damaged or truncated ({e})", code="not_an_image") from e


def _hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


@dataclass(frozen=True)
class Comparison:
    verdict: str  # "same" | "near-duplicate" | "different"
    phash: int
    dhash: int
    mirrored: bool

    def to_json(self) -> dict:
        return {"verdict": self.verdict, "mirrored": self.mirrored,
                "distances": {"phash": self.phash, "dhash": self.dhash, "bits": 64},
                "thresholds": THRESHOLDS}


def _verdict(phash: int, dhash: int, mirrored: bool) -> str:
    same = THRESHOLDS["same"]
    if not mirrored and phash <= same["phash"] and dhash <= same["dhash"]:
        return "same"
    if phash + dhash <= THRESHOLDS["near-duplicate"]["phash+dhash"]:
        return "near-duplicate"
    return "different"


def _phash_distance(old: Fingerprint, full: int, center: int) -> int:
    """pHash distance allowing either picture to be a slightly cropped copy of the other."""
    return min(_hamming(old.phash, full), _hamming(old.phash_center, full),
               _hamming(old.phash, center))


def compare(old: Fingerprint, new: Fingerprint) -> Comparison:
    """How close `new` is to `old`, trying `new` as is and mirrored."""
    if old.sha256 and old.sha256 == new.sha256:
        return Comparison("same", 0, 0, False)
    plain = (_phash_distance(old, new.phash, new.phash_center), _hamming(old.dhash, new.dhash))
    mirrored = (_phash_distance(old, new.phash_mirror, new.phash_center_mirror),
                _hamming(old.dhash, new.dhash_mirror))
    best, is_mirror = min((plain, False), (mirrored, True), key=lambda x: sum(x[0]))
    return Comparison(_verdict(*best, is_mirror), best[0], best[1], is_mirror)


def closest(candidate: Fingerprint,
            references: Iterable[tuple[str, Fingerprint]]) -> tuple[str, Comparison] | None:
    """The reference closest to `candidate`, with the comparison; None without references."""
    best = None
    for label, ref in references:
        c = compare(ref, candidate)
        if best is None or c.phash + c.dhash < best[1].phash + best[1].dhash:
            best = (label, c)
    return best


def _safe_fingerprint(path: str) -> tuple[str, Fingerprint | None, str | None]:
    try:
        return path, fingerprint_file(path), None
    except BadInput as e:
        return path, None, e.message


def fingerprint_many(paths: list[str | os.PathLike], workers: int | None = None,
                     on_done: Callable[[], None] | None = None,
                     ) -> Iterator[tuple[str, Fingerprint | None, str | None]]:
    """(path, fingerprint, error) for each path, in order, using all cores for big batches.

    An unreadable image yields an error message instead of stopping the batch.
    """
    paths = [str(p) for p in paths]
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(paths) < 8:
        for p in paths:
            result = _safe_fingerprint(p)
            if on_done:
                on_done()
            yield result
        return
    chunk = max(1, min(16, len(paths) // (workers * 4)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(_safe_fingerprint, paths, chunksize=chunk):
            if on_done:
                on_done()
            yield result


def image_files(root: str | os.PathLike) -> list[Path]:
    """Every image below a file or folder, sorted, skipping hidden files and folders."""
    root = Path(root)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise BadInput(f"{root} does not exist")
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(Path(dirpath) / f for f in sorted(filenames)
                     if not f.startswith(".") and Path(f).suffix.lower() in IMAGE_SUFFIXES)
    return found


@dataclass(frozen=True)
class AuditMatch:
    path: str
    complained: str
    comparison: Comparison

    def to_json(self) -> dict:
        return {"path": self.path, "complained": self.complained, **self.comparison.to_json()}


def audit(catalog: list[Path], complained: list[tuple[str, Fingerprint]],
          workers: int | None = None, on_done: Callable[[], None] | None = None,
          ) -> tuple[list[AuditMatch], list[tuple[str, str]]]:
    """Catalogue images that are the same as or near-duplicates of a complained image.

    Returns (matches, unreadable) where unreadable lists (path, reason).
    """
    matches, unreadable = [], []
    for path, fp, error in fingerprint_many(catalog, workers, on_done):
        if fp is None:
            unreadable.append((path, error))
            continue
        found = closest(fp, complained)
        if found and found[1].verdict != "different":
            matches.append(AuditMatch(path, found[0], found[1]))
    return matches, unreadable
