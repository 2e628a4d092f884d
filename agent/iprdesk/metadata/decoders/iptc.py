"""IPTC-IIM inside Photoshop's image resources (JPEG APP13): names, places, captions."""

import struct

from iprdesk.metadata.findings import Findings

# (record 2 dataset) -> (group, key)
_DATASETS = {
    80: ("people", "artist"), 85: ("people", "creator"), 116: ("people", "copyright"),
    110: ("people", "credit"), 122: ("people", "writer"), 115: ("people", "credit"),
    55: ("times", None), 62: ("times", None),
    90: ("places", None), 92: ("places", None), 95: ("places", None), 101: ("places", None),
    120: ("comments", None), 105: ("comments", None), 5: ("comments", None),
    65: ("software", None),
}
_IPTC_RESOURCE = 0x0404


def photoshop_resources(payload: bytes):
    """Yield (resource id, data) from a Photoshop image resource block ("8BIM" records)."""
    pos = 0
    while pos + 12 <= len(payload) and payload[pos:pos + 4] == b"8BIM":
        rid = struct.unpack(">H", payload[pos + 4:pos + 6])[0]
        name_len = payload[pos + 6]
        pos += 6 + (name_len + 2 if name_len % 2 == 0 else name_len + 1)
        if pos + 4 > len(payload):
            return
        size = struct.unpack(">I", payload[pos:pos + 4])[0]
        pos += 4
        yield rid, payload[pos:pos + size]
        pos += size + (size & 1)


def read_iptc_records(findings: Findings, data: bytes) -> None:
    pos = 0
    while pos + 5 <= len(data) and data[pos] == 0x1C:
        record, dataset = data[pos + 1], data[pos + 2]
        size = struct.unpack(">H", data[pos + 3:pos + 5])[0]
        if size & 0x8000:  # extended length: never used for the text fields we read
            return
        value = data[pos + 5:pos + 5 + size]
        pos += 5 + size
        if record != 2 or dataset not in _DATASETS:
            continue
        group, key = _DATASETS[dataset]
        findings.record(group, key, value.decode("utf-8", "replace"))


def read_photoshop(findings: Findings, payload: bytes, *, label: str = "IPTC/Photoshop") -> None:
    """Describe a Photoshop APP13 payload (after the "Photoshop 3.0\\0" id)."""
    findings.block(label, len(payload))
    for rid, data in photoshop_resources(payload):
        if rid == _IPTC_RESOURCE:
            read_iptc_records(findings, data)
