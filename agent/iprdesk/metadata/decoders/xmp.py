"""XMP: read what an XMP packet reveals (Adobe, phones and DAM tools write it).

XMP is RDF/XML, but a property may be an attribute (`tiff:Model="X"`), an element
(`<tiff:Model>X</tiff:Model>`) or a list (`<dc:creator><rdf:Seq><rdf:li>X`). A small scanner
over those three shapes reads what we report without running an XML parser over hostile
input; the packet is removed whole either way.
"""

import re

from iprdesk.metadata.findings import Findings

# property local name -> (group, key)
_PROPERTIES = {
    "Make": ("device", "make"), "Model": ("device", "model"),
    "SerialNumber": ("device", "serial"), "BodySerialNumber": ("device", "serial"),
    "CameraSerialNumber": ("device", "serial"), "Lens": ("device", "lens"),
    "LensModel": ("device", "lens"), "LensSerialNumber": ("device", "lens_serial"),
    "creator": ("people", "creator"), "Artist": ("people", "artist"),
    "rights": ("people", "copyright"), "Copyright": ("people", "copyright"),
    "Owner": ("people", "owner"), "OwnerName": ("people", "owner"),
    "CameraOwnerName": ("people", "owner"), "Credit": ("people", "credit"),
    "CaptionWriter": ("people", "writer"), "AuthorsPosition": ("people", "creator"),
    "CreateDate": ("times", None), "DateCreated": ("times", None), "ModifyDate": ("times", None),
    "DateTimeOriginal": ("times", None), "DateTimeDigitized": ("times", None),
    "CreatorTool": ("software", None), "Software": ("software", None),
    "description": ("comments", None), "title": ("comments", None),
    "UserComment": ("comments", None), "Headline": ("comments", None),
    "City": ("places", None), "State": ("places", None), "Country": ("places", None),
    "Location": ("places", None), "Sublocation": ("places", None),
    "GPSLatitude": ("gps", "lat"), "GPSLongitude": ("gps", "lon"),
    "GPSAltitude": ("gps", "alt"),
}
_NAMES = "|".join(sorted(_PROPERTIES))
# Every pattern is linear in the packet's size: bounded repeats, no lazy scan to a closing
# tag (a hostile packet of unclosed tags would otherwise cost quadratic time).
_ATTRIBUTE = re.compile(rf"\b[\w.-]{{1,64}}:({_NAMES})\s*=\s*"
                        r"""(?:"([^"<]{0,4000})"|'([^'<]{0,4000})')""")
_TAG = re.compile(rf"<(/?)[\w.-]{{1,64}}:({_NAMES})(?:\s[^<>]{{0,4000}})?>")
_LIST_ITEM = re.compile(r"<rdf:li(?:\s[^<>]{0,4000})?>([^<]*)<")
_HISTORY = re.compile(r":History[\s>/]")
# Details are read from this much of a packet; the whole packet is removed regardless.
MAX_XMP_SCAN = 1024 * 1024
# XMP GPS: "31,13.8N" (degrees, decimal minutes) or "31,13,48N".
_XMP_COORD = re.compile(r"^\s*(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?(?:,(\d+(?:\.\d+)?))?\s*([NSEW])")
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&amp;": "&"}


def _unescape(text: str) -> str:
    for entity, char in _ENTITIES.items():
        text = text.replace(entity, char)
    return text


def _coordinate(text: str) -> float | None:
    m = _XMP_COORD.match(text)
    if not m:
        return None
    degrees, minutes, seconds, ref = m.groups()
    value = float(degrees) + float(minutes or 0) / 60 + float(seconds or 0) / 3600
    return -value if ref in "SW" else value


def _values(raw: str) -> list[str]:
    items = _LIST_ITEM.findall(raw) or ([] if "<" in raw else [raw])
    return [v for v in (_unescape(item).strip() for item in items) if v]


def _properties(text: str) -> list[tuple[str, str]]:
    """(property, raw value) for attributes and for elements, the latter paired with their
    closing tag in one pass."""
    found = [(m.group(1), m.group(2) if m.group(2) is not None else m.group(3))
             for m in _ATTRIBUTE.finditer(text)]
    opened: dict[str, int] = {}
    for m in _TAG.finditer(text):
        closing, name = m.group(1), m.group(2)
        if not closing:
            opened[name] = m.end()
        elif name in opened:
            found.append((name, text[opened.pop(name):m.start()]))
    return found


def read_xmp(findings: Findings, packet: bytes, *, label: str = "XMP") -> None:
    findings.block(label, len(packet))
    text = packet[:MAX_XMP_SCAN].decode("utf-8", "replace")
    gps: dict[str, str] = {}
    for name, raw in _properties(text):
        group, key = _PROPERTIES[name]
        for value in _values(raw):
            if group == "gps":
                gps.setdefault(key, value)
            else:
                findings.record(group, key, value)
    if "lat" in gps and "lon" in gps:
        lat, lon = _coordinate(gps["lat"]), _coordinate(gps["lon"])
        if lat is not None and lon is not None:
            findings.set_gps(lat, lon)
    if _HISTORY.search(text):
        findings.edit_history = True
