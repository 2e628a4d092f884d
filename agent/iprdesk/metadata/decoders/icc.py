"""ICC colour profiles: kept verbatim, because they decide the colours, but only intact.

A damaged profile (its size, signature or tag table wrong, a tag's records pointing outside
it) is refused, naming the profile: dropping it could change the colours a buyer sees, and
keeping it leaves a broken file that colour engines ignore and readers (ExifTool) warn about.
The checks are structural, as a reader walks the profile; the colour data is not judged.
"""

import struct

from iprdesk.metadata.base import ImageProblem
from iprdesk.text.i18n import Message

_HEADER = 128
_TAG_ENTRY = 12
# No profile has anywhere near this many tags (ExifTool's limit too).
_MAX_TAGS = 255
# Tags whose data is one structure, and the type it must be.
_TYPED_TAGS = {b"chrm": b"chrm", b"clrt": b"clrt", b"meas": b"meas", b"view": b"view",
               b"meta": b"dict"}


def damaged_profile(why: Message) -> ImageProblem:
    return ImageProblem("damaged_colour_profile",
                        Message("metadata.problem.damaged_colour_profile", {"why": why}))


def _u32(data: bytes, at: int) -> int:
    return struct.unpack(">I", data[at:at + 4])[0]


def _check_mluc(tag: bytes, name: str) -> None:
    # multiLocalizedUnicodeType: count, record size, then (language, length, offset) records.
    if len(tag) < 16:
        raise damaged_profile(Message("metadata.detail.icc_tag_cut", {"tag": name}))
    count, size = _u32(tag, 8), _u32(tag, 12)
    if count and (size < 12 or 16 + count * size > len(tag)):
        raise damaged_profile(Message("metadata.detail.icc_records_past", {"tag": name}))
    for i in range(count):
        record = 16 + i * size
        length, offset = _u32(tag, record + 4), _u32(tag, record + 8)
        if offset + length > len(tag):
            raise damaged_profile(Message("metadata.detail.icc_text_past", {"tag": name}))


def _check_dict(tag: bytes, name: str) -> None:
    # dictType: count, record size, then (name offset, length, value offset, length)...
    if len(tag) < 16:
        raise damaged_profile(Message("metadata.detail.icc_tag_cut", {"tag": name}))
    count, size = _u32(tag, 8), _u32(tag, 12)
    if size < 16 or 16 + count * size > len(tag):
        raise damaged_profile(Message("metadata.detail.icc_records_past", {"tag": name}))
    first = 16 + count * size
    for i in range(count):
        record = 16 + i * size
        for at in (record, record + 8):
            offset, length = _u32(tag, at), _u32(tag, at + 4)
            if offset and (offset < first or offset + length > len(tag)):
                raise damaged_profile(Message("metadata.detail.icc_entry_outside",
                                                      {"tag": name}))


def check_profile(profile: bytes) -> None:
    """Raise ImageProblem (damaged_colour_profile) unless `profile` is a sound ICC profile."""
    if len(profile) < _HEADER + 4:
        raise damaged_profile(Message("metadata.detail.icc_short", {"size": len(profile)}))
    if _u32(profile, 0) != len(profile):
        raise damaged_profile(Message("metadata.detail.icc_size",
                                              {"said": _u32(profile, 0), "size": len(profile)}))
    if profile[36:40] != b"acsp":
        raise damaged_profile(Message("metadata.detail.icc_signature"))
    count = _u32(profile, _HEADER)
    if not 1 <= count <= _MAX_TAGS or _HEADER + 4 + count * _TAG_ENTRY > len(profile):
        raise damaged_profile(Message("metadata.detail.icc_tag_count", {"count": count}))
    for i in range(count):
        entry = _HEADER + 4 + i * _TAG_ENTRY
        signature, offset, size = struct.unpack(">4sII", profile[entry:entry + _TAG_ENTRY])
        name = signature.decode("latin-1").strip() or "unnamed"
        if offset + size > len(profile):
            raise damaged_profile(Message("metadata.detail.icc_tag_past_end", {"tag": name}))
        tag = profile[offset:offset + size]
        kind = tag[:4]
        if signature in _TYPED_TAGS and kind != _TYPED_TAGS[signature]:
            raise damaged_profile(Message("metadata.detail.icc_tag_type", {"tag": name}))
        if kind == b"mluc":
            _check_mluc(tag, name)
        elif kind == b"dict":
            _check_dict(tag, name)
