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
_ATTRIBUTE = re.compile(rf'\b[\w.-]+:({_NAMES})\s*=\s*(["\'])(.*?)\2', re.S)
_ELEMENT = re.compile(rf"<[\w.-]+:({_NAMES})(?:\s[^>]*)?>(.*?)</[\w.-]+:\1\s*>", re.S)
_LIST_ITEM = re.compile(r"<rdf:li(?:\s[^>]*)?>(.*?)</rdf:li\s*>", re.S)
_TAG = re.compile(r"<[^>]+>")
_HISTORY = re.compile(r"<[\w.-]+:History[\s>/]")
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
    items = _LIST_ITEM.findall(raw) or [raw]
    return [v for v in (_unescape(_TAG.sub("", item)).strip() for item in items) if v]


def read_xmp(findings: Findings, packet: bytes, *, label: str = "XMP") -> None:
    findings.block(label, len(packet))
    text = packet.decode("utf-8", "replace")
    gps: dict[str, str] = {}
    matches = [(m.group(1), m.group(3)) for m in _ATTRIBUTE.finditer(text)]
    matches += [(m.group(1), m.group(2)) for m in _ELEMENT.finditer(text)]
    for name, raw in matches:
        group, key = _PROPERTIES[name]
        for value in _values(raw):
            if group == "device":
                findings.add_device(key, value)
            elif group == "people":
                findings.add_person(key, value)
            elif group == "gps":
                gps.setdefault(key, value)
            else:
                findings.add(group, value)
    if "lat" in gps and "lon" in gps:
        lat, lon = _coordinate(gps["lat"]), _coordinate(gps["lon"])
        if lat is not None and lon is not None:
            findings.set_gps(lat, lon)
    if _HISTORY.search(text):
        findings.edit_history = True
