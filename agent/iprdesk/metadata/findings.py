"""What a file reveals about its owner, grouped the way a seller thinks about it.

Handlers feed raw metadata blocks in (EXIF, XMP, IPTC, comments, text chunks...); the
decoders in exif.py, xmp.py and iptc.py fill these groups. Values are de-duplicated, so a
camera model found in EXIF and again in XMP is reported once.
"""

from dataclasses import dataclass, field

# Roles of people named in a file, in the order a report lists them.
PEOPLE_ROLES = ("artist", "creator", "owner", "copyright", "credit", "writer")
# Device fields, in report order.
DEVICE_FIELDS = ("make", "model", "serial", "lens", "lens_serial")

TEXT_GROUPS = ("places", "times", "software", "comments")

MAX_TEXT = 200  # a comment longer than this is shortened in reports
# Reports stay small (the agent sends them in a header) however many blocks a file holds.
MAX_ITEMS = 12
MAX_BLOCKS = 40
OTHER_BLOCKS = "other blocks"


def _clean_text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = " ".join(str(value).replace("\x00", " ").split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


@dataclass
class Findings:
    gps: dict | None = None  # {"lat": float, "lon": float, "alt": float | None}
    gps_other: bool = False  # GPS tags without usable coordinates (times, directions)
    places: list[str] = field(default_factory=list)
    device: dict[str, str] = field(default_factory=dict)
    people: list[tuple[str, str]] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    # When the photo was taken, as the camera wrote it (EXIF DateTimeOriginal, ISO form, with
    # OffsetTimeOriginal when there is one): the proof of authorship a counter-notice cites.
    captured: str | None = None
    software: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    maker_notes_bytes: int = 0
    thumbnail_bytes: int = 0
    thumbnail: bool = False  # also when its size is unknown (HEIC)
    trailing_bytes: int = 0
    edit_history: bool = False
    # Every block removed, by its technical name, with its size: [("EXIF", 12345), ...].
    blocks: list[tuple[str, int]] = field(default_factory=list)

    def block(self, name: str, size: int) -> None:
        if len(self.blocks) < MAX_BLOCKS - 1:
            self.blocks.append((name, size))
        elif self.blocks[-1][0] == OTHER_BLOCKS:
            self.blocks[-1] = (OTHER_BLOCKS, self.blocks[-1][1] + size)
        else:
            self.blocks.append((OTHER_BLOCKS, size))

    def set_gps(self, lat: float, lon: float, alt: float | None = None) -> None:
        if self.gps is None and -90 <= lat <= 90 and -180 <= lon <= 180 and (lat or lon):
            self.gps = {"lat": round(lat, 6), "lon": round(lon, 6),
                        "alt": None if alt is None else round(alt, 1)}

    def add_device(self, key: str, value) -> None:
        text = _clean_text(value)
        if text and key not in self.device:
            self.device[key] = text

    def add_person(self, role: str, value) -> None:
        text = _clean_text(value)
        if text and (role, text) not in self.people and len(self.people) < MAX_ITEMS:
            self.people.append((role, text))

    def add(self, group: str, value) -> None:
        """Add to one of the plain lists: places, times, software or comments."""
        assert group in TEXT_GROUPS
        items, text = getattr(self, group), _clean_text(value)
        if text and text not in items and len(items) < MAX_ITEMS:
            items.append(text)

    def record(self, group: str, key: str, value) -> None:
        """Add a value the way a decoder's table names it: ("people", role), ("device",
        field), or one of the plain lists (key unused)."""
        if group == "people":
            self.add_person(key, value)
        elif group == "device":
            self.add_device(key, value)
        else:
            self.add(group, value)

    def personal(self) -> bool:
        """True when anything beyond technical blocks was found."""
        return bool(self.gps or self.gps_other or self.places or self.device or self.people
                    or self.times or self.software or self.comments or self.maker_notes_bytes
                    or self.thumbnail or self.thumbnail_bytes or self.trailing_bytes
                    or self.edit_history)

    def empty(self) -> bool:
        return not (self.personal() or self.blocks)
