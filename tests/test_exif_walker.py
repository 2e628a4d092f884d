"""The EXIF walker reads what Pillow's reader (which it replaced on the stripping path) reads:
the same tag values for the same bytes, on real cameras' blocks and on seeded mutants of them,
whose broken offsets, types and counts are where two readers would part."""

import random
import struct
import warnings

from PIL import ExifTags, Image, TiffImagePlugin

from iprdesk.metadata.decoders import exif
from tests import image_fixtures as fx
from tests.conftest import CORPUS

MUTANTS = 1500


def _view(tags: dict, read) -> dict:
    """Tag values in a form both readers share: a rational as its float's text."""
    def plain(value):
        if isinstance(value, tuple):
            return tuple(map(plain, value))
        if isinstance(value, (exif.Rational, TiffImagePlugin.IFDRational)):
            return ("rational", repr(value))
        return (type(value).__name__, value)
    return {tag: plain(tags[tag]) for tag in read if tag in tags}


def pillow_reads(blob: bytes):
    loaded = Image.Exif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loaded.load(blob)
            ifd0 = dict(loaded)
            sub = loaded.get_ifd(ExifTags.IFD.Exif)
            gps = loaded.get_ifd(ExifTags.IFD.GPSInfo)
            ifd1 = loaded.get_ifd(ExifTags.IFD.IFD1)
    except Exception:  # noqa: BLE001 - any failure: the block is unreadable
        return "unreadable"
    return (_view(ifd0, exif.READ_TAGS), _view(sub, exif.READ_TAGS),
            _view(gps, exif.READ_GPS_TAGS), bool(gps), _view(ifd1, [0x0202]))


def walker_reads(blob: bytes):
    try:
        ifd0, sub, gps, any_gps, ifd1 = exif.tags_read(blob)
    except exif.Unreadable:
        return "unreadable"
    return (_view(ifd0, exif.READ_TAGS), _view(sub, exif.READ_TAGS),
            _view(gps, exif.READ_GPS_TAGS), any_gps, _view(ifd1, [0x0202]))


def _blocks(jpeg: bytes) -> list[bytes]:
    found, pos = [], 2
    while pos + 4 <= len(jpeg) and jpeg[pos] == 0xFF and jpeg[pos + 1] not in (0xD9, 0xDA):
        end = pos + 2 + struct.unpack(">H", jpeg[pos + 2:pos + 4])[0]
        if jpeg[pos + 1] == 0xE1 and jpeg[pos + 4:pos + 10] == exif.EXIF_HEADER:
            found.append(jpeg[pos + 10:end])
        pos = end
    return found


def _repeated_tag() -> bytes:
    """IFD0 naming the Make twice and the Orientation twice: the first of each counts."""
    entries = [(0x010F, 2, 4, b"Sony"), (0x010F, 2, 4, b"Fuji"), (0x0112, 3, 1, b"\0\6\0\0"),
               (0x0112, 3, 1, b"\0\3\0\0")]
    ifd = struct.pack(">H", len(entries)) + b"".join(
        struct.pack(">HHI4s", *entry) for entry in entries) + b"\0\0\0\0"
    return b"MM\x00\x2a\x00\x00\x00\x08" + ifd


def _seeds() -> list[bytes]:
    seeds = [fx.exif_bytes(orientation=o) for o in (None, 3, 6)] + [_repeated_tag()]
    seeds.append(fx.exif_bytes(gps=(-33.9, -70.6), thumbnail=False))
    folder = CORPUS / "exiftool-t-images"
    if folder.is_dir():
        for path in sorted(folder.glob("*.jpg")):
            seeds += _blocks(path.read_bytes())
    return seeds


def _mutant(rng: random.Random, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(rng.randint(1, 6)):
        # Mostly near the start, where IFD0's entries and the pointers are.
        at = rng.randrange(max(1, min(len(data), 400) if rng.random() < 0.7 else len(data)))
        kind = rng.random()
        if kind < 0.5:
            data[at:at + 1] = bytes([rng.randrange(256)])
        elif kind < 0.6:  # a field type, known or not
            data[at:at + 1] = bytes([rng.choice([0, 1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 13, 16, 17])])
        elif kind < 0.7:  # a count or an offset
            data[at:at + 4] = rng.choice([b"\0\0\0\1", b"\0\0\0\2", b"\xff" * 4, b"\0" * 4])
        elif kind < 0.85:
            del data[at:at + rng.randint(1, 64)]
        elif kind < 0.95:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        else:
            del data[at:]
    return bytes(data)


def _compare(blob: bytes) -> None:
    assert walker_reads(blob) == pillow_reads(blob), blob.hex()
    # The orientation decides the cleaned file's bytes: Pillow's in every case.
    assert exif.orientation_of(blob) == pillow_orientation_of(blob), blob.hex()


def pillow_orientation_of(blob: bytes) -> int:
    loaded = Image.Exif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loaded.load(blob)
            value = loaded.get(exif.ORIENTATION, 1)
    except Exception:  # noqa: BLE001
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def test_real_blocks_read_as_pillow_reads_them():
    seeds = _seeds()
    for seed in seeds:
        _compare(seed)
        _compare(exif.EXIF_HEADER + seed)  # with the prefix, as JPEG's APP1 and WebP carry it


def test_mutated_blocks_read_as_pillow_reads_them():
    rng = random.Random(2026)
    seeds = _seeds()
    for _ in range(MUTANTS):
        _compare(_mutant(rng, rng.choice(seeds)))


def test_a_repeated_tag_is_read_from_its_first_entry():
    ifd0 = exif.tags_read(_repeated_tag())[0]
    assert ifd0[0x010F] == "Sony" and exif.orientation_of(_repeated_tag()) == 6


def test_rationals_behave_as_exif_readers_give_them():
    assert float(exif.Rational(1, 3)) == 1 / 3 and repr(exif.Rational(6, 4)) == "1.5"
    assert repr(exif.Rational(0, 0)) == "nan" and exif.Rational(0, 0)  # 0/0: unknown, truthy
    assert not exif.Rational(0, 5) and exif.Rational(2, 2) == 1 and exif.Rational(3, -2) == -1.5
    assert int(exif.Rational(-7, 2)) == -3
