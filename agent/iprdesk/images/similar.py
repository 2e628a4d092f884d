"""Is a new image a near-duplicate of a complained one?

Each image gets a `Fingerprint`: 64-bit perceptual hashes computed on a small grayscale copy,
each in the plain and the horizontally mirrored orientation.

- pHash (DCT): signs of the low-frequency 8x8 block of a 32x32 DCT against its median.
  Robust to resizing, re-compression and brightness/contrast. Taken of the whole picture and
  of its middle 90 %, so a copy cropped by a few percent still lines up.
- dHash (gradient): which of two horizontally adjacent pixels is brighter, on a 9x8 copy.
  Robust to the same; it is thrown by different edits than pHash (a caption band moves pHash
  more), so the verdict looks at the sum of both distances (see `THRESHOLDS`).

- edge pHash: the pHash of where the colours change (the strongest of the three channels'
  gradients). Brightness hashes follow the grey picture, which a recoloured copy (the hue
  turned to sell "another colour", a tint, a negative) changes wholesale while its edges stay
  where they were. It is strict on its own (`THRESHOLDS`): it alone catches a recolouring.
- value pHash and dHash: the same two hashes of each pixel's brightest channel (the value of
  HSV). Turning the hue changes which channel is brightest, not how bright: a copy "in
  another colour" keeps its value where its grey picture turns lighter here and darker
  there. Its distance stands in for the grey picture's (`Comparison.hue_free`) only where
  the middles agree by it as well (`_cores_agree`), so a shared backdrop gains no new match.

A copy is often cut, mirrored, recoloured and captioned at once. Parts of the reference (a
crop, a corner) are hashed, the new picture's padding is trimmed, and both are hashed without
a caption band at the top and at the bottom (`banded`): a captioned, recoloured crop then
agrees with the reference part it was cut from by its edges. A shop's banner (a plain band
with its text, up to nearly a third of the picture, along any side) is found and cut off the
new picture (`banners`), and the reference's parts are hashed without the same share along
each side (`sided`): both lose the same rows, whatever the banner hid.

A copy set into a bigger scene is held by the new picture's middle parts (cut all round)
against the reference whole; a copy turned on its side or upside down by the whole picture's
hashes turned (`turns`: resampling each axis apart, the turned picture's grids are the grids
turned, so they cost next to nothing), held to a far stricter rule than an upright copy
(`THRESHOLDS["turn"]`): product shapes look alike upside down. A copy turned a few degrees
inside its frame is held, by its whole and its middle parts, to the reference turned by a
ladder of small angles and cut clear of the corners the turn uncovers (`tilts`).

Mirroring a picture is the cheapest way to dodge a naive duplicate check, so both hashes are
also taken of the mirror image. For pHash that costs nothing: mirroring negates the DCT
coefficients of odd horizontal frequency, so the mirrored hash comes from the same DCT.

Speed and memory: a 12-megapixel JPEG is decoded at 1/8 scale with Pillow's draft mode
(libjpeg does the reduction while decoding), and batches are spread over all cores. Other
decoders give the full picture, which is turned grey and reduced a band of rows at a time;
`MAX_PIXELS` refuses, before decoding, a file whose pixels would not fit in memory (a 657 KB
PNG can claim 13000 x 13000).

The thresholds below were measured with `bench/similar.py` on generated edits (resize,
re-compression, mirror, 5 % crop, brightness +-25 %, contrast, a text caption) and unrelated
images; rerun it after changing anything here.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import re
import struct
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import numpy as np
from PIL import (  # noqa: F401 - the decoders' modules, imported to register them in Image.OPEN
    BmpImagePlugin,
    GifImagePlugin,
    Image,
    JpegImagePlugin,
    PngImagePlugin,
    TiffImagePlugin,
    WebPImagePlugin,
)

from iprdesk.errors import BadInput
from iprdesk.images.fingerprint_cache import FingerprintCache
from iprdesk.metadata.formats.heic import HeicHandler
from iprdesk.workers import ended_on_interrupt, ignore_interrupts, interrupts_noted, wait_for_result

# Formats a catalogue folder holds; anything else in the folder is skipped by `audit`.
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff",
                            ".heic", ".heif"})

_DCT_SIZE = 32
_HASH_SIDE = 8
# Draft-mode target: the smallest JPEG scale still at least this big keeps enough detail for a
# 32x32 resample (1/8 scale for a 12-megapixel photo).
_DRAFT_SIDE = 128
# The colour picture's size when its edges are taken (bench: unrelated pictures stay further
# apart at 96 than at 64 or at the picture's own size).
_EDGE_SIDE = 96

# The most pixels each decoder is given: decoding costs memory in proportion to the pixels,
# differently per decoder (WebP and HEIC hold the picture three or four times over), and a
# small file can claim any size. Measured with `bench/similar.py --memory`: the worst file
# each accepts (4 channels, one strip...) peaks at 255 MB or less in a process of its own. A
# JPEG is decoded at 1/8 scale; a progressive one (or one in several scans) makes libjpeg keep
# every coefficient.
MAX_PIXELS = {"JPEG": 200_000_000, "progressive JPEG": 24_000_000, "PNG": 40_000_000,
              "GIF": 40_000_000, "BMP": 40_000_000, "TIFF": 24_000_000, "WebP": 13_000_000,
              "HEIC": 25_000_000}
# Pillow opens a JPEG that carries more pictures (MPO, from phones) as "MPO", which this module
# always decoded at full size: up to what a full decode fits in (4 bytes a pixel, 12 with a
# progressive one's coefficients) it still is, so its fingerprint stays exactly as it was.
_MPO_FULL_DECODE = {"JPEG": 40_000_000, "progressive JPEG": 16_000_000}
# Pillow's decoders compare/audit use (Pillow's name: ours), tried on a file's first bytes.
_PILLOW_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF", "BMP": "BMP",
                   "TIFF": "TIFF"}
# In a JPEG's entropy-coded data 0xFF is followed by 0 or a restart marker: these are real.
_SCAN_OR_END = re.compile(rb"\xff[\xd9\xda]")
# Rows are turned grey a band of about this many pixels at a time.
_BAND_PIXELS = 1 << 20

# Hamming distances out of 64 bits, measured by bench/similar.py (120 generated photos, 9 edits
# each, 7,140 unrelated pairs): edits reach pHash+dHash 28 at worst (a caption band over the
# bottom eighth), unrelated pairs start at 28 (0.1 % below 31). "same": re-encoded or resized,
# not mirrored. "near-duplicate": the sum of both distances, which tolerates one hash being
# thrown by a local edit while the other still agrees; or the edge pHash alone, which a turned
# hue moves by 8 at most while unrelated pictures start at 12; or both a little further
# ("together"): a turned hue that also moved the brightness hashes (27 and 10 seen), a wide
# caption band (25 and 14), where the unrelated pairs closest in both of 11,175 were at 27
# and 20, 42 and 16 (tests/test_similar.py).

#
# "part": a part of the reference (a crop, `_REGIONS`) or either picture without its plain
# border (padding, `_trim_box`) or without a caption band (`_BAND`, `banded`) is tried as
# well. With 17 parts against 2 of the new picture, and 19 without a band against 4, each pair
# is a chance for an unrelated one to pass, so a part counts by the edges alone as strictly
# as a whole picture (a recoloured part: 8) and otherwise only when both rules agree. Over the
# 3,540 ordered pairs of tests/test_similar.py's 60 unrelated pictures, no part came closer
# than edge 12 or pHash+dHash 25 (none passed); of 40 pictures each given each stack of edits
# of bench/imagegen.STACKS (cut, mirrored, recoloured and captioned at once), 9 of 360 were
# missed (at edge 10 alone: 4 missed, with too thin a margin over 12).
#
# "banner": a copy without its banner against a reference part without the same share
# (`sided`): its edges alone count only at 6 (at 8, 4 of 360 pairs of products of one
# category shot alike matched, tests/test_similar_banners.py), and a close pHash+dHash alone
# (a grey copy, whose edges moved) at 12, or a near-exact pHash with the dHash at most 20:
# a grey crop's pHash was 0 to 2 from the reference's where the grey dHash of a smooth
# backdrop was thrown by 13 to 20; the hard negatives' banner pairs start at pHash 4
# (bench/similar.py, seeds 0 and 1000, 96,208 pairs).
#
# "core-differs": a match by the whole picture's pHash+dHash (not by its edges alone) or by a
# part of `_REGIONS` is withdrawn when the middles (`Fingerprint.core`) are at least this far
# apart by both, however aligned: two products on one backdrop. Over the 1,344 ordered pairs
# of bench/similar.py's hard negatives (24 categories of 8), the pairs matched by the whole
# picture had middles from 20 and 16 apart; copies' middles from 0 and up to 24 by edges (a
# grey copy, which is therefore not held to them). 78 matched before, 23 after (seed 0).
#
# "turn": a copy turned a quarter, a half or three quarters (`turns`) counts only where both
# rules agree, each far stricter than a whole picture's: turned copies came within
# pHash+dHash 6 and edge 8 of the reference, where products of one category (shapes alike
# upside down or on their side, on one backdrop) came from pHash+dHash 15 (their edges then
# 22 apart) and unrelated pictures from 24 (bench/similar.py, seeds 0 and 1000). Held to the
# whole picture's rules instead, turned products of one category matched: hard negatives
# 23->34 and 21->26, and one unrelated pair at seed 1000.
#
# "tilt": a copy turned a few degrees (`_TILTS`) counts only where both rules agree: copies
# turned 3 to 10 degrees came within pHash+dHash 15 and edge 14 but for a tail (to 21 and
# 18); products of one category from pHash+dHash 17 (their edges then over 16) and from edge
# 8 (pHash+dHash then over 20), unrelated pictures from 28 and 12 (bench/similar.py, seeds
# 0, 1000 and 2000).
#
# "hue-free": the value's pHash+dHash (`_value_map`) stands in for the grey picture's, in
# every rule above, only where the middles are at most this far apart by it. Copies' middles
# (however aligned) were 1 to 20 apart at the median by edit, with a tail past 40 (a middle
# of plain backdrop and grain); products of one category shot alike from 32, unrelated
# pictures from 35 (30 pictures, 12 categories, seeds from 5000, apart from the bench's).
THRESHOLDS = {
    "same": {"phash": 2, "dhash": 8},
    "near-duplicate": {"phash+dhash": 24, "edge": 8,
                       "together": {"phash+dhash": 32, "edge": 14}},
    "part": {"edge": 8, "together": {"phash+dhash": 24, "edge": 14}},
    "banner": {"edge": 6, "phash+dhash": 12, "together": {"phash+dhash": 24, "edge": 14},
               "phash": {"phash": 2, "dhash": 20}},
    "core-differs": {"phash+dhash": 20, "edge": 16},
    "hue-free": {"middles": 24},
    "turn": {"phash+dhash": 10, "edge": 12},
    "tilt": {"phash+dhash": 18, "edge": 14},
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
# Fingerprints stored before the edge hashes came lack them: they compare without.
_EDGE_FIELDS = ("edge", "edge_mirror", "edge_center", "edge_center_mirror")
# The share cut from each side for the centre hash (the typical "small crop").
_CENTER_MARGIN = 0.05
# Parts of a reference a copy may have been cut to, as (left, top, right, bottom) shares cut:
# 10 to 20 % all round, 10 or 20 % off one side, 15 % off two sides at a corner; then
# deeper (version 6): 25 % all round, 35 % off one side, 25 % off two sides at a corner.
# Parts version 7 adds between and past the cuts of version 6 (`_REGIONS`): a copy lines up
# with a part only within a few percent of its size (bench/similar.py at version 6: the 25 %
# part held a cut of 22 % all round and mostly of 27 %, not 29 %; the parts off a side held
# 25 % and 35 %, not 30 % or 40 %), so the cuts go on in steps of about that much: 29 and 33 %
# all round, 28, 42 and 49 % off each side, 32 % off two sides at each corner. The bench
# measures copies cut between and beyond these (`bench/imagegen.HELD_OUT_EDITS`).
_LADDER = (*((m,) * 4 for m in (0.29, 0.33)),
           *(cut for m in (0.28, 0.42, 0.49)
             for cut in ((m, 0, 0, 0), (0, 0, m, 0), (0, m, 0, 0), (0, 0, 0, m))),
           *((0.32 * a, 0.32 * b, 0.32 * (1 - a), 0.32 * (1 - b)) for a in (0, 1) for b in (0, 1)))
_REGIONS = (
    *((m, m, m, m) for m in (0.10, 0.15, 0.20)),
    *(cut for m in (0.10, 0.20)
      for cut in ((m, 0, 0, 0), (0, 0, m, 0), (0, m, 0, 0), (0, 0, 0, m))),
    *((0.15 * a, 0.15 * b, 0.15 * (1 - a), 0.15 * (1 - b)) for a in (0, 1) for b in (0, 1)),
    # deeper: a quarter all round, 35 % off one side, a quarter off two sides at a corner
    (0.25,) * 4, *((0.35 * a, 0.35 * b, 0.35 * c, 0.35 * d)
                   for a, b, c, d in ((1, 0, 0, 0), (0, 0, 1, 0), (0, 1, 0, 0), (0, 0, 0, 1))),
    *((0.25 * a, 0.25 * b, 0.25 * (1 - a), 0.25 * (1 - b)) for a in (0, 1) for b in (0, 1)),
    *_LADDER,  # (version 7)
)
# The first parts of `_REGIONS`, cut all round: also where a copy set into a scene (a bigger
# picture around it) may hold the reference whole.
_ROUND = 3
# A caption band a copy may carry across its top or bottom (a shop's banner, "NEW ARRIVAL"):
# parts without this share of the height are hashed, at the top and at the bottom, of the
# whole picture and of each part of `_REGIONS`.
_BAND = 0.15
# The parts hashed without a caption band besides the whole: `_REGIONS` up to the deeper
# cuts (two bands each would cost CPU for a copy both cut deep and captioned) and the middle
# 90 % (a caption is often laid on a copy cut by a few percent).
_BANDED_REGIONS = ((_CENTER_MARGIN,) * 4, *_REGIONS[:15])
# A shop's banner over a copy (a plain band with its text, along any side, up to nearly a
# third of the picture) is found (`_banners`) and cut off with the smallest of these shares
# that holds it (and `_BANNER_MARGIN` more, its border's edge); the reference's parts of
# `_SIDED_REGIONS` are hashed without each share along each side of `_SIDES`, so both sides
# of a comparison lose the same rows (`sided`).
_SIDES = ("top", "bottom", "left", "right")
_BANNER_CUTS = (0.15, 0.22, 0.30, 0.36)
_BANNER_MARGIN = 0.02
# A banner is at least this deep, and its rows mostly (`_BANNER_ROW`) of one colour within
# `_BANNER_TOLERANCE` (of 255) of its edge row's, most of them (`_BANNER_ROWS`): its text
# spoils a row here and there.
_BANNER_LEAST = 0.04
_BANNER_TOLERANCE = 24
_BANNER_ROW = 0.5
_BANNER_ROWS = 0.8
# The parts of a reference a bannered copy is compared with: the whole, the middle 90 %,
# 10 and 15 % cut all round, 15 % off two sides at a corner (`_REGIONS`).
_SIDED_REGIONS = ((0.0,) * 4, (_CENTER_MARGIN,) * 4, *_REGIONS[:2], *_REGIONS[11:15])
# The maps those parts are taken from (they are squeezed to 32x32 anyway).
_SIDED_SIDE = 48
# A border whose pixels all stay this close to the corner's colour (of 255) is padding.
_BORDER_TOLERANCE = 6
# Trimming that keeps more than this share of the area found no padding worth a hash.
_TRIM_KEEPS_AT_MOST = 0.90
# The share cut from each side for the `core` hashes: the middle 40 %, where a product shot
# puts the product, clear of a caption or a banner of up to 30 %.
_CORE = 0.30
# A picture whose channels differ by at most this much (of 255) in most of its pixels has no
# colour (a grey picture saved as JPEG keeps a little chroma noise; a caption may be red).
_GREY = 4


@dataclass(frozen=True)
class BannerCut:
    """A picture without the banner found along one side: `_SIDES[side]`, the share
    `_BANNER_CUTS[cut]` cut off; its hashes as is and mirrored."""
    side: int
    cut: int
    plain: PartHashes
    mirrored: PartHashes

    def to_json(self) -> list:
        return [self.side, self.cut, self.plain.to_json(), self.mirrored.to_json()]

    @classmethod
    def from_json(cls, raw: list) -> BannerCut:
        side, cut, plain, mirrored = raw
        if side not in range(len(_SIDES)) or cut not in range(len(_BANNER_CUTS)):
            raise ValueError(f"not a banner: {raw!r}")
        return cls(side, cut, PartHashes.from_json(plain), PartHashes.from_json(mirrored))


@dataclass(frozen=True)
class PartHashes:
    """pHash, dHash and edge pHash of part of a picture (a crop, or the picture without its
    padding), and the pHash and dHash of its value (`_value_map`; None before version 5)."""
    phash: int
    dhash: int
    edge: int
    vphash: int | None = None
    vdhash: int | None = None

    def to_json(self) -> str:
        value = "" if self.vphash is None else f"{self.vphash:016x}{self.vdhash:016x}"
        return f"{self.phash:016x}{self.dhash:016x}{self.edge:016x}{value}"

    @classmethod
    def from_json(cls, raw: str) -> PartHashes:
        if not isinstance(raw, str) or len(raw) not in (48, 80):
            raise ValueError(f"not a part's hashes: {raw!r}")
        return cls(*(int(raw[i:i + 16], 16) for i in range(0, len(raw), 16)))


# What `fingerprint_image` computes, as the fingerprint cache knows it: bump it with any change
# to a hash, a part or a size, or a cached fingerprint of the old kind is compared as if new
# (tests/test_fingerprint_cache.py pins one picture's fingerprint per version). Stored
# fingerprints keep the version they were computed at (none: 1, before the `banded` parts);
# an older one still compares, by the parts it has.
FINGERPRINT_VERSION = 7


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
    # pHash of the edges, of the whole and the middle 90 %, plain and mirrored.
    edge: int | None = None
    edge_mirror: int | None = None
    edge_center: int | None = None
    edge_center_mirror: int | None = None
    # The parts of `_REGIONS`, in that order (for a reference a copy may be cut from), and the
    # picture without its padding, plain and mirrored (None when it has none). Fingerprints
    # stored before these came lack them: they compare as whole pictures.
    regions: tuple[PartHashes, ...] = ()
    trimmed: tuple[PartHashes, PartHashes] | None = None
    # Without a caption band (`_BAND`): the whole picture without its top, then without its
    # bottom, plain then mirrored (4), then each part of `_REGIONS` without its top and without
    # its bottom. Empty in fingerprints of a version before 2.
    banded: tuple[PartHashes, ...] = ()
    # Each part of `_SIDED_REGIONS` without each share of `_BANNER_CUTS` along each side of
    # `_SIDES` (side, then cut, then part): what a copy without its banner is held to.
    sided: tuple[PartHashes, ...] = ()
    # The picture without each banner it shows. Both empty before version 3.
    banners: tuple[BannerCut, ...] = ()
    # The middles (`_core_box`) of the whole picture and of its middle 90 %, each plain then
    # mirrored, then of each part of `_REGIONS`: where a product shot puts the product
    # (`_cores_differ`). Empty before version 4.
    core: tuple[PartHashes, ...] = ()
    # Whether the picture has no colour (`_GREY`): a grey copy of a colour picture has lost
    # its colour edges, so its middle is not held to the reference's by them.
    grey: bool = False
    # The value's pHash of the whole, its mirror, of the middle 90 % and its mirror, then its
    # dHash and the mirror's (`_value_map`: a turned hue leaves it as it was). Empty before
    # version 5, as the parts' own.
    values: tuple[int, ...] = ()
    # The whole picture turned by each of `_TURNS` (a quarter, a half, three quarters, each
    # as is then mirrored): a copy turned on its side is held to the reference's whole by
    # these. Empty before version 6.
    turns: tuple[PartHashes, ...] = ()
    # The middle (`_core_box`) of the picture without its padding, plain and mirrored: what
    # its value's hashes are held to (`_cores_agree`). None without padding or before version 6.
    trimmed_core: tuple[PartHashes, PartHashes] | None = None
    # The picture turned by each of `_TILTS` and cut clear of the corners that uncovers: a
    # copy turned a few degrees is held to these. Empty before version 7.
    tilts: tuple[PartHashes, ...] = ()
    version: int = FINGERPRINT_VERSION

    def to_json(self) -> dict:
        # Field by field, not `asdict`: that deep-copies every part only for them to be
        # dropped here (~1 ms a fingerprint, in the URL checker's event loop).
        d = {f.name: getattr(self, f.name) for f in fields(self)
             if f.name not in ("regions", "trimmed", "banded", "sided", "banners", "core",
                               "values", "turns", "trimmed_core", "tilts")}
        for key in _HASH_FIELDS:
            d[key] = f"{d[key]:016x}"
        for key in _EDGE_FIELDS:
            if d[key] is None:
                del d[key]
            else:
                d[key] = f"{d[key]:016x}"
        if self.regions:
            d["regions"] = [part.to_json() for part in self.regions]
        if self.trimmed:
            d["trimmed"] = [part.to_json() for part in self.trimmed]
        if self.banded:
            d["banded"] = [part.to_json() for part in self.banded]
        if self.sided:
            d["sided"] = [part.to_json() for part in self.sided]
        if self.banners:
            d["banners"] = [banner.to_json() for banner in self.banners]
        if self.core:
            d["core"] = [part.to_json() for part in self.core]
        if self.values:
            d["values"] = [f"{h:016x}" for h in self.values]
        if self.turns:
            d["turns"] = [part.to_json() for part in self.turns]
        if self.trimmed_core:
            d["trimmed_core"] = [part.to_json() for part in self.trimmed_core]
        if self.tilts:
            d["tilts"] = [part.to_json() for part in self.tilts]
        return d

    @classmethod
    def from_json(cls, d: dict) -> Fingerprint:
        try:
            edges = {k: int(d[k], 16) for k in _EDGE_FIELDS if d.get(k) is not None}
            regions = tuple(PartHashes.from_json(r) for r in d.get("regions") or ())
            banded = tuple(PartHashes.from_json(r) for r in d.get("banded") or ())
            sided = tuple(PartHashes.from_json(r) for r in d.get("sided") or ())
            if sided and len(sided) != _SIDED_PARTS:
                raise ValueError(f"{len(sided)} sided parts, not {_SIDED_PARTS}")
            banners = tuple(BannerCut.from_json(b) for b in d.get("banners") or ())
            core = tuple(PartHashes.from_json(r) for r in d.get("core") or ())
            # (one for each part: fewer before version 6's and 7's further cuts)
            if core and len(core) != 4 + len(regions):
                raise ValueError(f"{len(core)} middles, not {4 + len(regions)}")
            values = tuple(int(h, 16) for h in d.get("values") or ())
            if values and len(values) != len(_HASH_FIELDS):
                raise ValueError(f"{len(values)} value hashes, not {len(_HASH_FIELDS)}")
            turns = tuple(PartHashes.from_json(r) for r in d.get("turns") or ())
            if turns and len(turns) != len(_TURNS):
                raise ValueError(f"{len(turns)} turns, not {len(_TURNS)}")
            tilts = tuple(PartHashes.from_json(r) for r in d.get("tilts") or ())
            if tilts and len(tilts) != len(_TILTS):
                raise ValueError(f"{len(tilts)} tilts, not {len(_TILTS)}")
            trimmed, trimmed_core = d.get("trimmed"), d.get("trimmed_core")
            if trimmed is not None:
                plain, mirrored = trimmed
                trimmed = (PartHashes.from_json(plain), PartHashes.from_json(mirrored))
            if trimmed_core is not None:
                plain, mirrored = trimmed_core
                trimmed_core = (PartHashes.from_json(plain), PartHashes.from_json(mirrored))
            return cls(sha256=str(d["sha256"]), width=int(d["width"]), height=int(d["height"]),
                       **{k: int(d[k], 16) for k in _HASH_FIELDS}, **edges, regions=regions,
                       trimmed=trimmed, banded=banded, sided=sided, banners=banners,
                       core=core, grey=bool(d.get("grey", False)), values=values,
                       turns=turns, trimmed_core=trimmed_core, tilts=tilts,
                       version=int(d.get("version", 1)))
        except (KeyError, TypeError, ValueError) as e:
            raise BadInput(key="error.similar.bad_fingerprint", params={"e": e}) from e


def _small(image: Image.Image, factor: int) -> tuple[Image.Image, Image.Image]:
    """`image` in grayscale and in colour, reduced `factor` times, a band of rows at a time: a
    big picture is never held a second time, nor in RGBA. Each band ends on a multiple of
    `factor`, so the result is the same as reducing the whole picture."""
    # Product shots are often cut out on transparency; compare them as shown on white.
    on_white = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    width, height = image.size
    rows = factor * max(1, _BAND_PIXELS // (width * factor))
    small = (-(-width // factor), -(-height // factor))
    gray, colour = Image.new("L", small), Image.new("RGB", small)
    for top in range(0, height, rows):
        band = image.crop((0, top, width, min(height, top + rows)))
        if on_white:
            band = band.convert("RGBA")
            band = Image.alpha_composite(Image.new("RGBA", band.size, (255, 255, 255, 255)),
                                         band)
        for target, mode in ((gray, "L"), (colour, "RGB")):
            converted = band.convert(mode)
            target.paste(converted.reduce(factor) if factor > 1 else converted,
                         (0, top // factor))
    return gray, colour


def _edges(colour: Image.Image) -> Image.Image:
    """Where the colours change: per pixel the strongest of the three channels' gradients."""
    rgb = np.asarray(colour, dtype=np.float32)
    if min(rgb.shape[:2]) < 2:
        return Image.new("F", (1, 1))
    grad = np.abs(np.diff(rgb, axis=1))[:-1] + np.abs(np.diff(rgb, axis=0))[:, :-1]
    return Image.fromarray(np.ascontiguousarray(grad.max(axis=2)), "F")


def _whole_and_center(image: Image.Image, resample) -> tuple[np.ndarray, np.ndarray]:
    """`image` and its middle 90 % at 32x32, for pHash."""
    w, h = image.size
    dx, dy = round(w * _CENTER_MARGIN), round(h * _CENTER_MARGIN)
    size = (_DCT_SIZE, _DCT_SIZE)
    return (np.asarray(image.resize(size, resample), dtype=np.float64),
            np.asarray(image.resize(size, resample, box=(dx, dy, w - dx, h - dy)),
                       dtype=np.float64))


def _packed(bits: np.ndarray) -> np.ndarray:
    """Each row of 64 bits as one integer, the first bit highest (as `_bits_to_int`)."""
    return np.packbits(bits.reshape(len(bits), 64), axis=1).view(">u8").ravel()


def _phashes(grids: np.ndarray) -> np.ndarray:
    """The plain pHash of each 32x32 grid of `grids` (as `_phash_pair`), in one go."""
    low = (_DCT @ grids @ _DCT.T)[:, :_HASH_SIDE, :_HASH_SIDE].reshape(len(grids), -1)
    return _packed(low > np.median(low[:, 1:], axis=1)[:, None])


def _parts(gray: Image.Image, colour: Image.Image | None,
           boxes: Iterable[tuple[tuple[float, float, float, float], bool]],
           edges: Image.Image | None = None) -> tuple[PartHashes, ...]:
    """The hashes of each (box, mirrored) of the drafted picture, as `fingerprint_image` takes
    the whole's; `edges`, the whole's edge map at _EDGE_SIDE, spares taking each part's own
    (`colour` is then unused). Hashed all at once: per part, numpy's calls cost more than
    their sums."""
    size = (_DCT_SIZE, _DCT_SIZE)
    grays, steps, edge_grids = [], [], []
    for box, mirrored in boxes:
        part_edges, edge_box = edges, None
        if edges is None:
            part_edges = _edges(colour.crop(box).resize((_EDGE_SIDE, _EDGE_SIDE),
                                                        Image.Resampling.BOX))
        else:
            sx, sy = edges.width / gray.width, edges.height / gray.height
            edge_box = (box[0] * sx, box[1] * sy, box[2] * sx, box[3] * sy)
        grids = (gray.resize(size, Image.Resampling.BILINEAR, box=box),
                 gray.resize((_HASH_SIDE + 1, _HASH_SIDE), Image.Resampling.BILINEAR, box=box),
                 part_edges.resize(size, Image.Resampling.BOX, box=edge_box))
        if mirrored:
            grids = [i.transpose(Image.Transpose.FLIP_LEFT_RIGHT) for i in grids]
        for target, grid, dtype in zip((grays, steps, edge_grids), grids,
                                       (np.float64, np.int16, np.float64), strict=True):
            target.append(np.asarray(grid, dtype=dtype))
    if not grays:
        return ()
    steps = np.stack(steps)
    return tuple(PartHashes(int(p), int(d), int(e)) for p, d, e in zip(
        _phashes(np.stack(grays)), _packed(steps[:, :, 1:] > steps[:, :, :-1]),
        _phashes(np.stack(edge_grids)), strict=True))


def _regions(gray: Image.Image, edges: Image.Image, value: np.ndarray,
             ) -> tuple[PartHashes, ...]:
    w, h = gray.size
    return _valued(_parts(gray, None, (((round(w * left), round(h * top), w - round(w * right),
                                         h - round(h * bottom)), False)
                                       for left, top, right, bottom in _REGIONS), edges),
                   value, [_share_box(cut) for cut in _REGIONS])


def _banded(gray: Image.Image, edges: Image.Image, value: np.ndarray,
            ) -> tuple[PartHashes, ...]:
    """The `banded` hashes. Taken from the picture at the edge map's size (it is squeezed to
    32x32 anyway): 40 parts of the drafted picture would cost as much as decoding it."""
    small = gray.resize(edges.size, Image.Resampling.BOX)
    shares = [(x0, y0 + (y1 - y0) * band_top, x1, y1 - (y1 - y0) * band_bottom)
              for x0, y0, x1, y1 in (_share_box(cut) for cut in ((0, 0, 0, 0),
                                                                 *_BANDED_REGIONS))
              for band_top, band_bottom in ((_BAND, 0), (0, _BAND))]
    boxes = [*((box, mirrored) for mirrored in (False, True) for box in shares[:2]),
             *((box, False) for box in shares[2:])]
    w, h = small.size
    return _valued(_parts(small, None, [((x0 * w, y0 * h, x1 * w, y1 * h), mirrored)
                                        for (x0, y0, x1, y1), mirrored in boxes], edges),
                   value, [_mirror_box(box) if mirrored else box for box, mirrored in boxes])


_SIDED_PARTS = len(_SIDES) * len(_BANNER_CUTS) * len(_SIDED_REGIONS)


def _box_weights(lo: np.ndarray, hi: np.ndarray, n: int, side: int) -> np.ndarray:
    """For each span [lo, hi) of a line of `side` pixels, the n x side weights that average it
    into `n` equal bins (a box resample, as Pillow's BOX)."""
    bounds = lo[:, None] + (hi - lo)[:, None] * np.arange(n + 1) / n
    start, end = bounds[:, :-1, None], bounds[:, 1:, None]
    pixel = np.arange(side)[None, None, :]
    w = np.clip(np.minimum(end, pixel + 1) - np.maximum(start, pixel), 0, None)
    return w / w.sum(axis=2, keepdims=True)


@functools.lru_cache(maxsize=64)
def _box_matrices(boxes: tuple[tuple[float, float, float, float], ...], side: int = _SIDED_SIDE,
                  ) -> tuple[np.ndarray, ...]:
    """For each box (left, top, right, bottom, as shares of a map; a mirrored one has left >
    right): the matrices that take a map of `side` x `side` straight to the low 8x8 of its
    32x32 DCT (rows, columns), and to its 9x8 dHash grid (rows, columns)."""
    b = np.array(boxes) * side
    mirrored = b[:, 0] > b[:, 2]
    b[mirrored, 0], b[mirrored, 2] = b[mirrored, 2], b[mirrored, 0].copy()

    def across(n: int) -> np.ndarray:
        w = _box_weights(b[:, 0], b[:, 2], n, side)
        w[mirrored] = w[mirrored, ::-1]
        return w

    low = _DCT[:_HASH_SIDE]
    return (low @ _box_weights(b[:, 1], b[:, 3], _DCT_SIZE, side), low @ across(_DCT_SIZE),
            _box_weights(b[:, 1], b[:, 3], _HASH_SIDE, side), across(_HASH_SIDE + 1))


def _box_hashes(image: np.ndarray, boxes: tuple[tuple[float, float, float, float], ...],
                ) -> tuple[np.ndarray, np.ndarray]:
    """The pHash and the dHash of each box of a square map (box resamples, as matrix
    products, all at once: Pillow's resize per part would cost more than the rest of a
    fingerprint)."""
    rows, cols, step_rows, step_cols = _box_matrices(boxes, len(image))
    low = ((rows @ image) @ cols.transpose(0, 2, 1)).reshape(len(boxes), -1)
    steps = (step_rows @ image) @ step_cols.transpose(0, 2, 1)
    return (_packed(low > np.median(low[:, 1:], axis=1)[:, None]),
            _packed(steps[:, :, 1:] > steps[:, :, :-1]))


def _box_parts(maps: tuple[np.ndarray, np.ndarray, np.ndarray],
               boxes: tuple[tuple[float, float, float, float], ...]) -> list[PartHashes]:
    """The hashes of each box of the `_sided_maps`."""
    gray, edges, value = maps
    (p, d), (e, _), (vp, vd) = (_box_hashes(m, boxes) for m in (gray, edges, value))
    return [PartHashes(*map(int, hashes)) for hashes in zip(p, d, e, vp, vd, strict=True)]


def _valued(parts: tuple[PartHashes, ...], value: np.ndarray,
            boxes: list[tuple[float, float, float, float]]) -> tuple[PartHashes, ...]:
    """`parts` with the hashes of the same boxes (shares; mirrored: left > right) of the
    `_value_map`."""
    if not parts:
        return parts
    vp, vd = _box_hashes(value, tuple(boxes))
    return tuple(replace(part, vphash=int(p), vdhash=int(d))
                 for part, p, d in zip(parts, vp, vd, strict=True))


def _mirror_box(box: _Box) -> _Box:
    """`box` mirrored, as `_box_matrices` takes it (left > right)."""
    left, top, right, bottom = box
    return right, top, left, bottom


def _without(box: tuple[float, float, float, float], side: int, share: float,
             ) -> tuple[float, float, float, float]:
    """`box` (left, top, right, bottom) without `share` of it along `_SIDES[side]`."""
    left, top, right, bottom = box
    cut = share * ((bottom - top) if side < 2 else (right - left))
    return ((left, top + cut, right, bottom), (left, top, right, bottom - cut),
            (left + cut, top, right, bottom), (left, top, right - cut, bottom))[side]


_SIDED_BOXES = tuple(_without((left, top, 1 - right, 1 - bottom), side, share)
                     for side in range(len(_SIDES)) for share in _BANNER_CUTS
                     for left, top, right, bottom in _SIDED_REGIONS)


def _sided_maps(gray: Image.Image, edges: Image.Image, value: np.ndarray,
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The grey picture, its edge map and its value at `_SIDED_SIDE`, for `_box_parts`."""
    side = (_SIDED_SIDE, _SIDED_SIDE)
    return (np.asarray(gray.resize(side, Image.Resampling.BOX), dtype=np.float64),
            np.asarray(edges.resize(side, Image.Resampling.BOX), dtype=np.float64),
            np.asarray(Image.fromarray(value.astype(np.float32), "F").resize(
                side, Image.Resampling.BOX), dtype=np.float64))


def _sided(maps: tuple[np.ndarray, np.ndarray, np.ndarray]) -> tuple[PartHashes, ...]:
    """The `sided` hashes."""
    return tuple(_box_parts(maps, _SIDED_BOXES))


def _banner_cuts(rgb: np.ndarray) -> list[tuple[int, int]]:
    """(side, cut) of each banner along a side of the picture: rows (or columns) from that
    edge mostly of the edge row's colour, deep enough to be one and within the deepest cut."""
    found = []
    for side, rows in enumerate((rgb, rgb[::-1], rgb.transpose(1, 0, 2),
                                 rgb.transpose(1, 0, 2)[::-1])):
        reach = min(len(rows), int(len(rows) * (_BANNER_CUTS[-1] - _BANNER_MARGIN)) + 2)
        ref = np.median(rows[0], axis=0)
        plain = ((np.abs(rows[:reach] - ref).max(axis=2) <= _BANNER_TOLERANCE).mean(axis=1)
                 >= _BANNER_ROW)
        held = np.cumsum(plain[:reach]) >= _BANNER_ROWS * np.arange(1, reach + 1)
        deep = np.flatnonzero(held & plain[:reach])
        if not plain[0] or not len(deep) or deep[-1] == reach - 1:
            continue  # no band, or one deeper than any cut (a plain backdrop)
        share = (deep[-1] + 1) / len(rows) + _BANNER_MARGIN
        if _BANNER_LEAST + _BANNER_MARGIN <= share <= _BANNER_CUTS[-1]:
            found.append((side, next(i for i, cut in enumerate(_BANNER_CUTS) if cut >= share)))
    return found


def _banners(rgb: np.ndarray, maps: tuple[np.ndarray, np.ndarray, np.ndarray],
             ) -> tuple[BannerCut, ...]:
    """The picture without each banner `_banner_cuts` finds, as is and mirrored."""
    cuts = _banner_cuts(rgb)
    boxes = [_without((0.0, 0.0, 1.0, 1.0), side, _BANNER_CUTS[cut]) for side, cut in cuts]
    boxes += [_mirror_box(box) for box in boxes]
    parts = _box_parts(maps, tuple(boxes)) if boxes else []
    return tuple(BannerCut(side, cut, parts[i], parts[len(cuts) + i])
                 for i, (side, cut) in enumerate(cuts))


def _trim_box(colour: Image.Image) -> tuple[int, int, int, int] | None:
    """The box inside a plain border of the corner's colour (a picture padded onto a bigger
    canvas); None when there is no such border worth trimming."""
    rgb = np.asarray(colour, dtype=np.int16)
    content = np.abs(rgb - rgb[0, 0]).max(axis=2) > _BORDER_TOLERANCE
    rows, cols = np.flatnonzero(content.any(axis=1)), np.flatnonzero(content.any(axis=0))
    if not len(rows) or min(rows[-1] - rows[0], cols[-1] - cols[0]) < _HASH_SIDE:
        return None
    box = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
    if (box[2] - box[0]) * (box[3] - box[1]) > _TRIM_KEEPS_AT_MOST * rgb.shape[0] * rgb.shape[1]:
        return None
    return box


def _cores(gray: Image.Image, edges: Image.Image, value: np.ndarray,
           ) -> tuple[PartHashes, ...]:
    """The `core` hashes, taken as the parts' (at the drafted size: a middle is small)."""
    w, h = gray.size
    boxes = [(_core_box(box), mirrored)
             for box, mirrored in (*((box, mirrored) for box in (_WHOLE, _CENTER_BOX)
                                     for mirrored in (False, True)),
                                   *((_share_box(cut), False) for cut in _REGIONS))]
    return _valued(_parts(gray, None, [((x0 * w, y0 * h, x1 * w, y1 * h), mirrored) for
                                       (x0, y0, x1, y1), mirrored in boxes], edges),
                   value, [_mirror_box(box) if mirrored else box for box, mirrored in boxes])


# (quarter turns anticlockwise, mirrored after) of `Fingerprint.turns`: every way of laying
# the picture down but as it was and its mirror image.
_TURNS = tuple((quarters, mirrored) for quarters in (1, 2, 3) for mirrored in (False, True))


def _turned(gray32: np.ndarray, gray9x8: np.ndarray, gray8x9: np.ndarray, edge32: np.ndarray,
            value: np.ndarray) -> tuple[PartHashes, ...]:
    """The `turns` hashes, from the grids the whole's own come from: resampling each axis
    apart, a turned picture's grid is the grid turned (the dHash's 9x8 of a picture on its
    side is its upright 8x9 turned)."""
    grays, steps, edges = [], [], []
    for quarters, mirrored in _TURNS:
        grids = (np.rot90(gray32, quarters), np.rot90(gray9x8 if quarters == 2 else gray8x9,
                                                      quarters), np.rot90(edge32, quarters))
        if mirrored:
            grids = [np.fliplr(grid) for grid in grids]
        for target, grid in zip((grays, steps, edges), grids, strict=True):
            target.append(grid)
    steps = np.stack(steps)
    vp, vd = zip(*(_box_hashes(np.ascontiguousarray(np.rot90(value, quarters)),
                               (_mirror_box(_WHOLE) if mirrored else _WHOLE,))
                   for quarters, mirrored in _TURNS), strict=True)
    return tuple(PartHashes(*map(int, hashes)) for hashes in zip(
        _phashes(np.stack(grays)), _packed(steps[:, :, 1:] > steps[:, :, :-1]),
        _phashes(np.stack(edges)), np.concatenate(vp), np.concatenate(vd), strict=True))


# Small turns a copy may be given inside its own frame (degrees anticlockwise; the corners
# it uncovers filled with any colour, or cut off): the reference turned by each and cut
# `_TILT_CUT` all round, clear of those corners, is what a copy's whole and middle parts are
# held to (`Fingerprint.tilts`). A copy within about 2 degrees of one of these lines up (the
# whole picture's own hashes hold 2 to 3 degrees); the bench measures 3, 5, 7 and 10.
_TILTS = (-9.0, -4.5, 4.5, 9.0)
_TILT_CUT = 0.12


def _tilts(gray: Image.Image, edges: Image.Image, value: np.ndarray,
           ) -> tuple[PartHashes, ...]:
    """The `tilts` hashes: the drafted picture, its edge map and its value turned by each of
    `_TILTS` (the edge map turned rather than taken anew: the same edges, at a fraction of
    the cost), each cut `_TILT_CUT` all round."""
    w, h = gray.size
    cut = _TILT_CUT
    box = (round(w * cut), round(h * cut), w - round(w * cut), h - round(h * cut))
    value_image = Image.fromarray(value.astype(np.float32), "F")
    parts: list[PartHashes] = []
    for angle in _TILTS:
        turned = value_image.rotate(angle, Image.Resampling.BILINEAR)
        parts += _valued(_parts(gray.rotate(angle, Image.Resampling.BILINEAR), None,
                                [(box, False)], edges.rotate(angle, Image.Resampling.BILINEAR)),
                         np.asarray(turned, dtype=np.float64), [(cut, cut, 1 - cut, 1 - cut)])
    return tuple(parts)


def _value_map(colour: Image.Image) -> np.ndarray:
    """The brightest channel of each pixel (the value of HSV): turning the hue changes which
    channel is brightest, not how bright it is, so this map stays as it was where the grey
    picture (a weighted sum of the channels) turns lighter or darker by colour."""
    return np.asarray(colour, dtype=np.float64).max(axis=2)


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
    # Shrink cheaply before the exact resamples; the hashes only see 32x32 anyway.
    gray, colour = _small(image, max(1, min(image.size) // _DRAFT_SIDE))
    if orientation in _ORIENTATION_TRANSPOSE:
        gray = gray.transpose(_ORIENTATION_TRANSPOSE[orientation])
        colour = colour.transpose(_ORIENTATION_TRANSPOSE[orientation])
        if orientation >= 5:
            width, height = height, width
    gray9x8 = gray.resize((_HASH_SIDE + 1, _HASH_SIDE), Image.Resampling.BILINEAR)
    # (upright, for the dHash of the picture turned on its side)
    gray8x9 = gray.resize((_HASH_SIDE, _HASH_SIDE + 1), Image.Resampling.BILINEAR)
    gray32, center32 = _whole_and_center(gray, Image.Resampling.BILINEAR)
    # Edges are taken at one size whatever the picture's, so that fine texture and noise
    # (which a bigger picture has more of) are averaged away alike; thin as they are, an area
    # average keeps them where a bilinear sample could miss them.
    colour96 = colour.resize((_EDGE_SIDE, _EDGE_SIDE), Image.Resampling.BOX)
    edges = _edges(colour96)
    edge32, edge_center32 = _whole_and_center(edges, Image.Resampling.BOX)
    ph, ph_m = _phash_pair(gray32)
    pc, pc_m = _phash_pair(center32)
    dh, dh_m = _dhash_pair(np.asarray(gray9x8, dtype=np.int16))
    value = _value_map(colour96)
    box = _trim_box(colour)
    trimmed = trimmed_core = None
    if box:
        share = (box[0] / colour.width, box[1] / colour.height, box[2] / colour.width,
                 box[3] / colour.height)
        trimmed = _valued(_parts(gray, colour, ((box, False), (box, True))), value,
                          [share, _mirror_box(share)])
        middle = _core_box(share)
        w, h = gray.size
        trimmed_core = _valued(_parts(gray, None, [(
            (middle[0] * w, middle[1] * h, middle[2] * w, middle[3] * h), mirrored)
            for mirrored in (False, True)], edges), value, [middle, _mirror_box(middle)])
    maps = _sided_maps(gray, edges, value)
    whole_values = _box_hashes(value, (_WHOLE, _mirror_box(_WHOLE), _CENTER_BOX,
                                       _mirror_box(_CENTER_BOX)))
    return Fingerprint(sha256, width, height, ph, ph_m, pc, pc_m, dh, dh_m,
                       *_phash_pair(edge32), *_phash_pair(edge_center32),
                       regions=_regions(gray, edges, value), trimmed=trimmed,
                       banded=_banded(gray, edges, value), sided=_sided(maps),
                       banners=_banners(np.asarray(colour96, dtype=np.int16), maps),
                       core=_cores(gray, edges, value), trimmed_core=trimmed_core,
                       values=(*map(int, whole_values[0]), *map(int, whole_values[1][:2])),
                       turns=_turned(gray32, np.asarray(gray9x8, dtype=np.int16),
                                     np.asarray(gray8x9, dtype=np.int16), edge32, value),
                       tilts=_tilts(gray, edges, value),
                       grey=bool(np.median(np.ptp(np.asarray(colour96, dtype=np.int16), axis=2))
                                 <= _GREY))


def fingerprint_bytes(data: bytes, name: str = "image",
                      cache: FingerprintCache | None = None) -> Fingerprint:
    """The picture's fingerprint; with a `cache` (the one `audit` uses), looked up there by
    the content's SHA-256 before anything is decoded, and a new one added to it."""
    sha256 = hashlib.sha256(data).hexdigest()
    if cache is not None and (stored := _cached(cache, sha256)):
        return stored
    fingerprint = _fingerprint_stream(io.BytesIO(data), name, sha256)
    if cache is not None:
        cache.put_many(FINGERPRINT_VERSION, [(sha256, json.dumps(fingerprint.to_json()))])
    return fingerprint


def fingerprint_file(path: str | os.PathLike) -> Fingerprint:
    return _fingerprint_path(path, None)[0]


def _fingerprint_path(path: str | os.PathLike, cache: FingerprintCache | None,
                      ) -> tuple[Fingerprint, bool]:
    """The file's fingerprint, and whether it came from `cache` (looked up by the content's
    SHA-256 before anything is decoded)."""
    path = Path(path)
    try:
        stream = path.open("rb")
    except OSError as e:
        raise BadInput(key="error.similar.unreadable",
                       params={"path": path, "why": e.strerror or e}) from e
    # Decoded from the open file: a file is never held whole in memory beside its pixels.
    with stream:
        try:
            sha256 = hashlib.file_digest(stream, "sha256").hexdigest()
        except OSError as e:
            raise BadInput(key="error.similar.unreadable",
                           params={"path": path, "why": e.strerror or e}) from e
        if cache is not None and (stored := _cached(cache, sha256)):
            return stored, True
        stream.seek(0)
        return _fingerprint_stream(stream, str(path), sha256), False


def _cached(cache: FingerprintCache, sha256: str) -> Fingerprint | None:
    """The cache's fingerprint of this content; None when absent or not one (a damaged entry
    is read anew)."""
    raw = cache.get(sha256, FINGERPRINT_VERSION)
    if raw is None:
        return None
    try:
        stored = json.loads(raw)
        fingerprint = Fingerprint.from_json(stored) if isinstance(stored, dict) else None
    except (ValueError, BadInput):
        return None
    return fingerprint if fingerprint and fingerprint.sha256 == sha256 else None


def _check_pixels(name: str, kind: str, size: tuple[int, int]) -> None:
    width, height = size
    if width * height > MAX_PIXELS[kind]:
        raise BadInput(key="similar.too_many_pixels", code="too_many_pixels", params={
            "file": name, "width": width, "height": height,
            "megapixels": f"{width * height / 1e6:.1f}", "limit": MAX_PIXELS[kind] // 1_000_000,
            "format": kind})


def _jpeg_has_many_scans(stream) -> bool:
    """Whether libjpeg keeps every coefficient of the picture at once, whatever the draft
    scale: a progressive JPEG, or a sequential one with its components in separate scans.
    True when the segments before the first scan are not laid out plainly (the stricter cap).
    """
    stream.seek(2)
    while True:
        head = stream.read(4)
        if len(head) < 4 or head[0] != 0xFF:
            return True
        if head[1] == 0xFF:  # a fill byte before the marker
            stream.seek(-3, io.SEEK_CUR)
            continue
        stream.seek(int.from_bytes(head[2:], "big") - 2, io.SEEK_CUR)
        if head[1] == 0xDA:
            break
    tail = b""
    while chunk := stream.read(1 << 20):
        found = _SCAN_OR_END.search(tail + chunk)
        if found:
            return found.group() == b"\xff\xda"
        tail = chunk[-1:]
    return False


def _webp_size(head: bytes) -> tuple[int, int] | None:
    """The canvas size in a WebP's first 30 bytes: libwebp allocates the canvas as Pillow
    opens the file, so the size is checked before."""
    chunk = head[12:16]
    if chunk == b"VP8 " and head[23:26] == b"\x9d\x01\x2a" and len(head) >= 30:
        return (int.from_bytes(head[26:28], "little") & 0x3FFF,
                int.from_bytes(head[28:30], "little") & 0x3FFF)
    if chunk == b"VP8X" and len(head) >= 30:
        return (int.from_bytes(head[24:27], "little") + 1,
                int.from_bytes(head[27:30], "little") + 1)
    if chunk == b"VP8L" and head[20:21] == b"\x2f" and len(head) >= 25:
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _gif_size(stream) -> tuple[int, int]:
    """The size Pillow gives a GIF as it opens it: the screen, grown to hold the first frame.
    Pillow checks that against its own limit as it opens (a warning, then an error), so ours
    comes first; the blocks are walked as GifImageFile._seek(0) walks them."""
    def sub_block() -> bytes | None:
        length = stream.read(1)
        return stream.read(length[0]) if length and length[0] else None

    head = stream.read(13)
    width, height = struct.unpack("<HH", head[6:10])
    if head[10] & 0x80:  # the global colour table
        stream.seek(3 << ((head[10] & 7) + 1), io.SEEK_CUR)
    while (kind := stream.read(1)) not in (b"", b";"):
        if kind == b"!":  # an extension: its label, then sub-blocks up to an empty one
            label, block = stream.read(1), sub_block()
            if label == b"\xfe":
                while block:
                    block = sub_block()
                continue
            if label == b"\xff" and block is not None and block.startswith(b"NETSCAPE2.0"):
                sub_block()
            while sub_block():
                pass
        elif kind == b",":  # the first frame: left, top, width, height
            extent = stream.read(8)
            if len(extent) < 8:
                break
            left, top, w, h = struct.unpack("<4H", extent)
            return max(width, left + w), max(height, top + h)
    return width, height


def _decode_heic(stream, name: str) -> tuple[Image.Image, tuple[int, int]]:
    import pillow_heif  # imported on demand: loading libheif costs start-up time

    try:
        heif = pillow_heif.open_heif(stream, convert_hdr_to_8bit=True)
        size = heif.size
        _check_pixels(name, "HEIC", size)
        # libheif applies the container's rotation and mirroring: the picture is upright.
        return heif.to_pillow(), size
    except BadInput:
        raise
    except Exception as e:  # noqa: BLE001 - libheif raises whatever a damaged box makes it
        raise BadInput(key="error.similar.damaged",
                       params={"name": name, "e": e}, code="not_an_image") from e


def _decode(stream, name: str, side: int = _DRAFT_SIDE) -> tuple[Image.Image, tuple[int, int]]:
    """The picture in `stream`, decoded as small as its decoder allows (a JPEG no smaller than
    `side`), and its full size.

    Pillow's decoders are called directly: `Image.open` would warn, or fail with its own
    error, on the sizes `MAX_PIXELS` refuses with ours."""
    head = stream.read(30)
    stream.seek(0)
    if HeicHandler.sniff(head):
        return _decode_heic(stream, name)
    # Pillow's test of the first bytes returns a string when the decoder is not installed.
    found = [fmt for fmt in _PILLOW_FORMATS if Image.OPEN[fmt][1](head) is True]
    if not found:
        raise BadInput(key="error.similar.not_an_image", params={"name": name}, code="not_an_image")
    if found[0] == "WEBP" and (canvas := _webp_size(head)):
        _check_pixels(name, "WebP", canvas)
    elif found[0] == "GIF":
        _check_pixels(name, "GIF", _gif_size(stream))
        stream.seek(0)
    image = Image.OPEN[found[0]][0](stream, name)
    kind, size = _PILLOW_FORMATS[found[0]], image.size
    jpeg = image.format in ("JPEG", "MPO")
    if jpeg and (image.info.get("progressive") or _jpeg_has_many_scans(stream)):
        kind = "progressive JPEG"
    _check_pixels(name, kind, size)
    if jpeg and not (image.format == "MPO" and size[0] * size[1] <= _MPO_FULL_DECODE[kind]):
        image.draft("RGB" if image.mode == "RGB" else image.mode, (side, side))
    image.load()
    return image, size


def decoded(data: bytes, name: str, side: int) -> Image.Image:
    """The picture in `data` upright, decoded no smaller than `side` where its decoder can
    reduce (JPEG), within `MAX_PIXELS`; BadInput (`not_an_image`, `too_many_pixels`) else."""
    from PIL import ImageOps

    try:
        image, _ = _decode(io.BytesIO(data), name, side)
        with image:
            return ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError) as e:
        raise BadInput(key="error.similar.damaged",
                       params={"name": name, "e": e}, code="not_an_image") from e


def _fingerprint_stream(stream, name: str, sha256: str) -> Fingerprint:
    try:
        image, size = _decode(stream, name)
        with image:
            return fingerprint_image(image, sha256, size)
    except (OSError, SyntaxError, ValueError) as e:
        raise BadInput(key="error.similar.damaged",
                       params={"name": name, "e": e}, code="not_an_image") from e


def _hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


_VERDICTS = ("same", "near-duplicate", "different")


@dataclass(frozen=True)
class Comparison:
    verdict: str  # "same" | "near-duplicate" | "different"
    phash: int
    dhash: int
    mirrored: bool
    # The edge pHash distance; None when a fingerprint was stored without edge hashes.
    edge: int | None = None
    # Whether `phash` and `dhash` are the value's (`_value_map`, "hue-free"), not the grey
    # picture's: a turned hue.
    hue_free: bool = False

    def to_json(self) -> dict:
        return {"verdict": self.verdict, "mirrored": self.mirrored,
                "distances": {"phash": self.phash, "dhash": self.dhash, "edge": self.edge,
                              "bits": 64, "of": "value" if self.hue_free else "grey"},
                "thresholds": THRESHOLDS}

    def rank(self) -> tuple[int, int]:
        """Closer comparisons sort first: by verdict, then by distance."""
        return _VERDICTS.index(self.verdict), self.phash + self.dhash


def _verdict(phash: int, dhash: int, edge: int | None, mirrored: bool) -> str:
    same, near = THRESHOLDS["same"], THRESHOLDS["near-duplicate"]
    if not mirrored and phash <= same["phash"] and dhash <= same["dhash"]:
        return "same"
    if phash + dhash <= near["phash+dhash"]:
        return "near-duplicate"
    together = near["together"]
    if edge is not None and (edge <= near["edge"] or (
            edge <= together["edge"] and phash + dhash <= together["phash+dhash"])):
        return "near-duplicate"
    return "different"


def _part_is_near(phash: int, dhash: int, edge: int, rule: str = "part") -> bool:
    """The rule for a part: the edges alone (a recoloured copy), or both rules agreeing."""
    part = THRESHOLDS[rule]
    together = part["together"]
    close = part.get("phash", {"phash": -1})
    return (edge <= part["edge"] or phash + dhash <= part.get("phash+dhash", -1)
            or (phash + dhash <= together["phash+dhash"] and edge <= together["edge"])
            or (phash <= close["phash"] and dhash <= close["dhash"]))


def _crop_distance(old: tuple[int, int], full: int, center: int) -> int:
    """pHash distance allowing either picture to be a slightly cropped copy of the other;
    `old` is the reference's (whole, centre) hash."""
    return min(_hamming(old[0], full), _hamming(old[1], full), _hamming(old[0], center))


def _orientation(old: Fingerprint, new: Fingerprint, mirrored: bool) -> Comparison:
    suffix = "_mirror" if mirrored else ""
    phash = _crop_distance((old.phash, old.phash_center), getattr(new, "phash" + suffix),
                           getattr(new, "phash_center" + suffix))
    dhash = _hamming(old.dhash, getattr(new, "dhash" + suffix))
    edge = None
    if old.edge is not None and new.edge is not None:
        edge = _crop_distance((old.edge, old.edge_center), getattr(new, "edge" + suffix),
                              getattr(new, "edge_center" + suffix))
    hue_free = False
    if old.values and new.values and _cores_agree(old.core[:4:2], new.core[mirrored:4:2]):
        m = int(mirrored)
        vphash = _crop_distance((old.values[0], old.values[2]), new.values[m],
                                new.values[2 + m])
        vdhash = _hamming(old.values[4], new.values[4 + m])
        if vphash + vdhash < phash + dhash:
            phash, dhash, hue_free = vphash, vdhash, True
    verdict = _verdict(phash, dhash, edge, mirrored or hue_free)  # a turned hue is not "same"
    return Comparison(verdict, phash, dhash, mirrored, edge, hue_free)


def _whole(f: Fingerprint, mirrored: bool) -> PartHashes | None:
    """The whole picture's hashes as a part's (with its value's, from version 5)."""
    suffix = "_mirror" if mirrored else ""
    edge = getattr(f, "edge" + suffix)
    if edge is None:
        return None
    values = (f.values[mirrored], f.values[4 + mirrored]) if f.values else ()
    return PartHashes(getattr(f, "phash" + suffix), getattr(f, "dhash" + suffix), edge,
                      *values)


_Box = tuple[float, float, float, float]
# Boxes as shares of the width and height (left, top, right, bottom): the whole picture and
# its middle 90 %.
_WHOLE: _Box = (0.0, 0.0, 1.0, 1.0)
_CENTER_BOX: _Box = (_CENTER_MARGIN, _CENTER_MARGIN, 1 - _CENTER_MARGIN, 1 - _CENTER_MARGIN)


def _core_box(box: _Box) -> _Box:
    """The middle of `box`, without `_CORE` of it along each side."""
    x0, y0, x1, y1 = box
    dx, dy = (x1 - x0) * _CORE, (y1 - y0) * _CORE
    return x0 + dx, y0 + dy, x1 - dx, y1 - dy


def _share_box(cut: tuple[float, float, float, float]) -> _Box:
    """The box left by cutting (left, top, right, bottom) shares off a picture."""
    left, top, right, bottom = cut
    return left, top, 1 - right, 1 - bottom


def _by_parts(old: Fingerprint, new: Fingerprint) -> Iterator[Comparison]:
    """`new` (as is and mirrored, whole and without its padding) against the parts of `old` a
    copy may have been cut to, and against `old` whole and without its padding."""
    olds = [*old.regions, *(old.trimmed[:1] if old.trimmed else ())]
    # The reference's middles a part's match is held to (any of them: the match may have
    # been found by a part cut a little differently from the copy).
    old_cores = [*old.core[:4:2], *old.core[4:]]
    for mirrored in (False, True):
        whole, trimmed = _whole(new, mirrored), new.trimmed and new.trimmed[mirrored]
        # (reference part, new picture, the THRESHOLDS rule it is held to: None for the
        # whole picture's, the new picture's middles the reference's are held to or None)
        # and the middles its value's are held to (see `compare`)
        middle = new.core[mirrored:mirrored + 1]
        pairs = [(part, whole, "part", middle, middle) for part in olds if whole]
        if not mirrored and new.core:  # set into a scene: the new picture's middle parts
            # against the reference whole, their own middles against its
            pairs += [(reference, part, "part", [core], [core])
                      for reference in (_whole(old, False),) if reference
                      for part, core in zip(new.regions[:_ROUND], new.core[4:], strict=False)]
        if trimmed:  # padded: its content against the reference whole (one more pair, the
            # usual rules) and cut
            content = new.trimmed_core[mirrored:mirrored + 1] if new.trimmed_core else ()
            pairs += [(part, trimmed, "part" if i > 0 else None, None, content)
                      for i, part in enumerate([_whole(old, False), *olds]) if part]
        if new.banded and old.banded:  # without a caption band, at the top or the bottom
            for side in (0, 1):
                picture = new.banded[2 * mirrored + side]
                pairs += [(part, picture, "part", None, middle)
                          for part in (old.banded[side], *old.banded[4 + side::2])]
        if old.sided:  # without its banner, against the reference without the same share
            for banner in new.banners:
                # mirrored back, a banner on the left lies along the reference's right
                side = banner.side ^ 1 if mirrored and banner.side >= 2 else banner.side
                start = (side * len(_BANNER_CUTS) + banner.cut) * len(_SIDED_REGIONS)
                picture = banner.mirrored if mirrored else banner.plain
                pairs += [(part, picture, "banner", None, middle)
                          for part in old.sided[start:start + len(_SIDED_REGIONS)]]
        # The value counts only where the middles agree by it (see `compare`).
        by_value: dict[int, bool] = {}
        for part, picture, rule, middles, shown in pairs:
            phash = _hamming(part.phash, picture.phash)
            dhash = _hamming(part.dhash, picture.dhash)
            edge = _hamming(part.edge, picture.edge)
            hue_free = False
            if id(shown) not in by_value:
                by_value[id(shown)] = _cores_agree(old_cores, shown)
            if by_value[id(shown)] and part.vphash is not None and picture.vphash is not None:
                vphash = _hamming(part.vphash, picture.vphash)
                vdhash = _hamming(part.vdhash, picture.vdhash)
                if vphash + vdhash < phash + dhash:
                    phash, dhash, hue_free = vphash, vdhash, True
            if rule:
                near = _part_is_near(phash, dhash, edge, rule)
            else:
                near = _verdict(phash, dhash, edge, True) != "different"  # never "same": padded
            # Alike, but not in the middle: two products on one backdrop (see `compare`).
            if near and middles and not hue_free and old.grey == new.grey and _cores_differ(
                    old_cores, middles):
                near = False
            yield Comparison("near-duplicate" if near else "different", phash, dhash,
                             mirrored, edge, hue_free)


def _cores_differ(olds: list[PartHashes], news: list[PartHashes]) -> bool:
    """Whether the middles of the two pictures are far apart by every hash, however aligned
    (any of `olds` against any of `news`); False when a fingerprint has none (version 3)."""
    if not (olds and news):
        return False
    pairs = [(a, b) for a in olds for b in news]
    far = THRESHOLDS["core-differs"]
    return (min(_hamming(a.phash, b.phash) + _hamming(a.dhash, b.dhash) for a, b in pairs)
            >= far["phash+dhash"] and min(_hamming(a.edge, b.edge) for a, b in pairs)
            >= far["edge"])


def _cores_agree(olds: list[PartHashes], news: list[PartHashes]) -> bool:
    """Whether the middles of the two pictures are close by their value's hashes, however
    aligned; False when a fingerprint has none (before version 5)."""
    pairs = [(a, b) for a in olds for b in news
             if a.vphash is not None and b.vphash is not None]
    return bool(pairs) and min(_hamming(a.vphash, b.vphash) + _hamming(a.vdhash, b.vdhash)
                               for a, b in pairs) <= THRESHOLDS["hue-free"]["middles"]


def compare(old: Fingerprint, new: Fingerprint) -> Comparison:
    """How close `new` is to `old`, trying `new` as is and mirrored, and as a part of `old`
    cut out or padded onto a bigger canvas."""
    if old.sha256 and old.sha256 == new.sha256:
        return Comparison("same", 0, 0, False, 0 if old.edge is not None else None)
    best = min(_orientation(old, new, False), _orientation(old, new, True), key=Comparison.rank)
    if best.verdict == "near-duplicate" and not best.hue_free and not (
            best.edge is not None and best.edge <= THRESHOLDS["near-duplicate"]["edge"]
    ) and old.grey == new.grey and _cores_differ(old.core[:4:2], new.core[best.mirrored:4:2]):
        # Alike by brightness, not by their edges, and unlike in the middle: two products
        # on one backdrop (the whole pictures' hashes are mostly the backdrop's). The parts
        # may still find a copy.
        best = replace(best, verdict="different")
    if best.verdict != "different":
        return best
    part = min(_by_parts(old, new), key=Comparison.rank, default=None)
    if part is not None and part.verdict != "different":
        return part
    tilted = min(_by_tilts(old, new), key=Comparison.rank, default=None)
    if tilted is not None and tilted.verdict != "different":
        return tilted
    turned = min(_by_turns(old, new), key=Comparison.rank, default=None)
    return turned if turned is not None and turned.verdict != "different" else best


def _by_tilts(old: Fingerprint, new: Fingerprint) -> Iterator[Comparison]:
    """`new` whole (as is and mirrored back) and its middle parts cut all round against
    `old` turned a little (`tilts`), both rules agreeing within `THRESHOLDS["tilt"]` (never
    "same": turned)."""
    rule = THRESHOLDS["tilt"]
    news = [(part, False) for part in (_whole(new, False), *new.regions[:_ROUND]) if part]
    if (mirrored := _whole(new, True)) is not None:
        news.append((mirrored, True))
    for tilt in old.tilts:
        for part, flipped in news:
            phash, dhash = _hamming(tilt.phash, part.phash), _hamming(tilt.dhash, part.dhash)
            edge = _hamming(tilt.edge, part.edge)
            near = phash + dhash <= rule["phash+dhash"] and edge <= rule["edge"]
            yield Comparison("near-duplicate" if near else "different", phash, dhash, flipped,
                             edge)


def _by_turns(old: Fingerprint, new: Fingerprint) -> Iterator[Comparison]:
    """`new` turned back from each of `_TURNS` against `old` whole, both rules agreeing
    within `THRESHOLDS["turn"]` (never "same": turned)."""
    whole = _whole(old, False)
    if whole is None:
        return
    turn_rule = THRESHOLDS["turn"]
    for (_quarters, mirrored), turn in zip(_TURNS, new.turns, strict=False):
        phash, dhash = _hamming(whole.phash, turn.phash), _hamming(whole.dhash, turn.dhash)
        edge = _hamming(whole.edge, turn.edge)
        near = phash + dhash <= turn_rule["phash+dhash"] and edge <= turn_rule["edge"]
        yield Comparison("near-duplicate" if near else "different", phash, dhash, mirrored,
                         edge)


def closest(candidate: Fingerprint,
            references: Iterable[tuple[str, Fingerprint]]) -> tuple[str, Comparison] | None:
    """The reference closest to `candidate`, with the comparison; None without references."""
    best = None
    for label, ref in references:
        c = compare(ref, candidate)
        if best is None or c.rank() < best[1].rank():
            best = (label, c)
    return best


# (path, fingerprint or None, why not or None, whether it came from the cache)
_Entry = tuple[str, Fingerprint | None, BadInput | None, bool]


def _fingerprint_entry(path: str, cache: FingerprintCache | None) -> _Entry:
    try:
        fingerprint, from_cache = _fingerprint_path(path, cache)
    except BadInput as e:
        return path, None, e, False
    return path, fingerprint, None, from_cache


# A worker's own connection to the cache, opened at its first task (never across a fork).
_worker_cache: dict[str, FingerprintCache] = {}


def _fingerprint_chunk(paths: list[str], cache_file: str | None) -> list[_Entry]:
    cache = None
    if cache_file:
        cache = _worker_cache.get(cache_file)
        if cache is None:
            cache = _worker_cache[cache_file] = FingerprintCache(Path(cache_file), reader=True)
    return [_fingerprint_entry(path, cache) for path in paths]


# Tasks per worker queued ahead: enough to keep every core busy, few enough that a catalogue
# of any size holds only this many chunks of results at once.
_AHEAD_PER_WORKER = 4
# Paths per task: each costs a round trip to the worker, a cached one little else.
_MAX_CHUNK = 8
# Fingerprints are stored in batches of this many (one transaction each).
_STORE_BATCH = 32


def _entries(paths: list[str], workers: int | None, cache: FingerprintCache | None,
             ) -> Iterator[_Entry]:
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(paths) < 8:
        for path in paths:
            yield _fingerprint_entry(path, cache)
        return
    chunk = max(1, min(_MAX_CHUNK, len(paths) // (workers * _AHEAD_PER_WORKER)))
    cache_file = str(cache.file) if cache is not None and cache.problem is None else None
    pending = deque()
    with interrupts_noted() as interrupts, ended_on_interrupt(
            ProcessPoolExecutor(max_workers=workers, initializer=ignore_interrupts)) as pool:
        # Fed as results come back, not all at once: memory stays flat whatever the count.
        for start in range(0, len(paths), chunk):
            pending.append(pool.submit(_fingerprint_chunk, paths[start:start + chunk],
                                       cache_file))
            if len(pending) >= workers * _AHEAD_PER_WORKER:
                yield from wait_for_result(pending.popleft(), interrupts)
        while pending:
            yield from wait_for_result(pending.popleft(), interrupts)


def _stored_entries(paths: list[str], workers: int | None, cache: FingerprintCache | None,
                    ) -> Iterator[_Entry]:
    """`_entries`, each new fingerprint added to `cache` (in batches, each all or nothing:
    an interrupted run keeps every batch before the interruption)."""
    batch: list[tuple[str, str]] = []
    try:
        for entry in _entries(paths, workers, cache):
            _path, fingerprint, _error, from_cache = entry
            if cache is not None and fingerprint is not None and not from_cache:
                batch.append((fingerprint.sha256, json.dumps(fingerprint.to_json())))
                if len(batch) >= _STORE_BATCH:
                    cache.put_many(FINGERPRINT_VERSION, batch)
                    batch = []
            yield entry
    finally:
        if cache is not None:
            cache.put_many(FINGERPRINT_VERSION, batch)


def fingerprint_many(paths: list[str | os.PathLike], workers: int | None = None,
                     on_done: Callable[[], None] | None = None,
                     cache: FingerprintCache | None = None,
                     ) -> Iterator[tuple[str, Fingerprint | None, BadInput | None]]:
    """(path, fingerprint, error) for each path, in order, using all cores for big batches.

    An unreadable image yields its error (to be said in the reader's language) instead of
    stopping the batch. With a `cache`, a file whose content it knows is not decoded, and
    each new fingerprint is added to it.
    """
    # Closed as soon as this ends, however it ends: the pool never outlives the batch.
    with contextlib.closing(_stored_entries([str(p) for p in paths], workers, cache)) as entries:
        for path, fingerprint, error, _from_cache in entries:
            if on_done:
                on_done()
            yield path, fingerprint, error
def image_files(root: str | os.PathLike) -> list[Path]:
    """Every image below a file or folder, sorted, skipping hidden files and folders."""
    root = Path(root)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise BadInput(key="error.similar.no_folder", params={"root": root})
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


@dataclass
class AuditReport:
    matches: list[AuditMatch]
    unreadable: list[tuple[str, BadInput]]  # (path, why)
    from_cache: int = 0  # images whose fingerprint the cache held: not decoded


def _question(complained: list[tuple[str, Fingerprint]]) -> str | None:
    """Names what an audit asks of each image, for the verdicts the cache keeps: the complained
    images' contents in their order, the fingerprints' version and this module's code, where
    every comparison rule lives (any change to a rule asks anew). None: not to be cached."""
    try:
        code = Path(__file__).read_bytes()
    except OSError:  # no source to name the rules by (a frozen build): nothing is kept
        return None
    if not all(fp.sha256 for _, fp in complained):
        return None
    digest = hashlib.sha256(code)
    digest.update(f"\0{FINGERPRINT_VERSION}".encode())
    for _, fp in complained:
        digest.update(f"\0{fp.sha256}".encode())
    return digest.hexdigest()


def _verdict_text(match: tuple[str, Comparison] | None,
                  complained: list[tuple[str, Fingerprint]]) -> str:
    """A match as the cache keeps it (the complained image by its place in the list: its path
    may change), or "" for none."""
    if match is None:
        return ""
    index = [label for label, _ in complained].index(match[0])
    return json.dumps([index, asdict(match[1])])


def _stored_match(text: str, complained: list[tuple[str, Fingerprint]],
                  ) -> tuple[bool, tuple[str, Comparison] | None]:
    """(whether `text` reads back, the match it holds or None): a damaged entry is a miss."""
    if text == "":
        return True, None
    try:
        index, fields = json.loads(text)
        return True, (complained[index][0], Comparison(**fields))
    except (ValueError, TypeError, IndexError, KeyError):
        return False, None


def audit(catalog: list[Path], complained: list[tuple[str, Fingerprint]],
          workers: int | None = None, on_done: Callable[[], None] | None = None,
          cache: FingerprintCache | None = None) -> AuditReport:
    """Catalogue images that are the same as or near-duplicates of a complained image.

    With a `cache`, what comparing each image found is kept too (by its content and the
    question, `_question`): a second audit against the same complained images compares
    nothing it compared."""
    report = AuditReport([], [])
    question = _question(complained) if cache is not None else None
    known = cache.verdicts(question) if question else {}
    fresh: list[tuple[str, str]] = []
    try:
        with contextlib.closing(_stored_entries([str(p) for p in catalog], workers,
                                                cache)) as entries:
            for path, fp, error, from_cache in entries:
                if on_done:
                    on_done()
                report.from_cache += from_cache
                if fp is None:
                    report.unreadable.append((path, error))
                    continue
                read, match = _stored_match(known.get(fp.sha256, "-"), complained)
                if not read:
                    found = closest(fp, complained)
                    match = found if found and found[1].verdict != "different" else None
                    if question:
                        fresh.append((fp.sha256, _verdict_text(match, complained)))
                    if len(fresh) >= _STORE_BATCH:
                        cache.put_verdicts(question, fresh)
                        fresh = []
                if match:
                    report.matches.append(AuditMatch(path, *match))
    finally:
        if question:
            cache.put_verdicts(question, fresh)
    return report
