"""ICC colour profiles: kept verbatim, because they decide the colours, but only intact.

A damaged profile (its size, signature or tag table wrong, a tag's records pointing outside
it) is refused, naming the profile: dropping it could change the colours a buyer sees, and
keeping it leaves a broken file that colour engines ignore and readers (ExifTool) warn about.
The checks are structural, as a reader walks the profile; the colour data is not judged.
"""

import struct

from iprdesk.metadata.base import ImageProblem

_HEADER = 128
_TAG_ENTRY = 12
# No profile has anywhere near this many tags (ExifTool's limit too).
_MAX_TAGS = 255
# Tags whose data is one structure, and the type it must be.
_TYPED_TAGS = {b"chrm": b"chrm", b"clrt": b"clrt", b"meas": b"meas", b"view": b"view",
               b"meta": b"dict"}


def damaged_profile(why: str) -> ImageProblem:
    return ImageProblem("damaged_colour_profile",
                        f"its colour profile (ICC) is damaged ({why}); export the photo again, "
                        "or convert it to sRGB, and try once more")


def _u32(data: bytes, at: int) -> int:
    return struct.unpack(">I", data[at:at + 4])[0]


def _check_mluc(tag: bytes, name: str) -> None:
    # multiLocalizedUnicodeType: count, record size, then (language, length, offset) records.
    if len(tag) < 16:
        raise damaged_profile(f"its {name} tag is cut off")
    count, size = _u32(tag, 8), _u32(tag, 12)
    if count and (size < 12 or 16 + count * size > len(tag)):
        raise damaged_profile(f"its {name} tag's records run past the tag")
    for i in range(count):
        record = 16 + i * size
        length, offset = _u32(tag, record + 4), _u32(tag, record + 8)
        if offset + length > len(tag):
            raise damaged_profile(f"a text of its {name} tag runs past the tag")


def _check_dict(tag: bytes, name: str) -> None:
    # dictType: count, record size, then (name offset, length, value offset, length)...
    if len(tag) < 16:
        raise damaged_profile(f"its {name} tag is cut off")
    count, size = _u32(tag, 8), _u32(tag, 12)
    if size < 16 or 16 + count * size > len(tag):
        raise damaged_profile(f"its {name} tag's records run past the tag")
    first = 16 + count * size
    for i in range(count):
        record = 16 + i * size
        for at in (record, record + 8):
            offset, length = _u32(tag, at), _u32(tag, at + 4)
            if offset and (offset < first or offset + length > len(tag)):
                raise damaged_profile(f"an entry of its {name} tag points outside the tag")


def check_profile(profile: bytes) -> None:
    """Raise ImageProblem (damaged_colour_profile) unless `profile` is a sound ICC profile."""
    if len(profile) < _HEADER + 4:
        raise damaged_profile(f"{len(profile)} bytes, shorter than a profile header")
    if _u32(profile, 0) != len(profile):
        raise damaged_profile(f"it says {_u32(profile, 0)} bytes but has {len(profile)}")
    if profile[36:40] != b"acsp":
        raise damaged_profile("its signature is missing")
    count = _u32(profile, _HEADER)
    if not 1 <= count <= _MAX_TAGS or _HEADER + 4 + count * _TAG_ENTRY > len(profile):
        raise damaged_profile(f"its tag table claims {count} tags")
    for i in range(count):
        entry = _HEADER + 4 + i * _TAG_ENTRY
        signature, offset, size = struct.unpack(">4sII", profile[entry:entry + _TAG_ENTRY])
        name = signature.decode("latin-1").strip() or "unnamed"
        if offset + size > len(profile):
            raise damaged_profile(f"its {name} tag runs past the end of the profile")
        tag = profile[offset:offset + size]
        kind = tag[:4]
        if signature in _TYPED_TAGS and kind != _TYPED_TAGS[signature]:
            raise damaged_profile(f"its {name} tag has the wrong type")
        if kind == b"mluc":
            _check_mluc(tag, name)
        elif kind == b"dict":
            _check_dict(tag, name)
