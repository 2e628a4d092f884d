"""The bundle verifier (`vault verify-bundle`): whole zips, and manifests inside a sound zip.

`bundle` mutates the zip itself (headers, sizes, names, deflated data); a changed byte in a
member mostly breaks its CRC, so `bundle-manifest` mutates manifest.json alone and puts it,
with a correct CRC, among the other members of the first seed. Either way the verifier must
return a report or raise NotABundle, and must never call a bundle verified that holds bytes
its signer did not export.

The seeds are made by export itself from a stand-in vault with a fixed key and clock (a
real vault's keys are random, and a seed must be the same on every machine), plus the
committed version-1 bundle.
"""

import functools
import hashlib
import io
import json
import tempfile
import zipfile
from pathlib import Path
from unittest import mock

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from iprdesk.cli.common import printable
from iprdesk.vault import bundle
from iprdesk.vault.meta import Item
from tests.fuzz import Defect, Target, register

V1_BUNDLE = Path(__file__).resolve().parents[2] / "bundles" / "v1-appeal.zip"
_KEY = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"iprdesk fuzz bundles").digest())
TRUSTED = bundle.fingerprint(bundle.crypto.raw_public(_KEY))
_NOW = "2026-03-04T09:00:00Z"
# A 1x1 PNG: the report gets a (tiny) thumbnail, as it does for real screenshots.
_PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
                     "53de0000000c4944415408d763f8ffff3f0005fe02fea7d6a4a20000000049454e44ae426082")


class _StandIn:
    """What export_bundle reads of a vault: the items, their bytes, the signing key."""

    signing_public_key = _KEY.public_key()

    def __init__(self, files: list[tuple[dict, bytes]]):
        self._data = {}
        self._items = []
        for n, (meta, data) in enumerate(files):
            item = Item(id=f"{n:032x}", sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                        added_at=meta["captured_at"], **meta)
            self._items.append(item)
            self._data[item.id] = data

    def list(self, case=None):
        return [i for i in self._items if case is None or i.case == case]

    def chunks(self, object_id):
        yield self._data[object_id]

    def sign(self, data: bytes) -> bytes:
        return _KEY.sign(data)

    def record_export(self, ids, bundle_sha256) -> None:
        pass


def _exported(files: list[tuple[dict, bytes]], case: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp, mock.patch.object(bundle, "now_iso",
                                                                 return_value=_NOW):
        out = Path(tmp) / "appeal.zip"
        bundle.export_bundle(_StandIn(files), out, case=case)
        return out.read_bytes()


@functools.cache
def bundle_seeds() -> list[bytes]:
    shot = {"kind": "screenshot", "case": "C-1", "content_type": "image/png",
            "captured_at": "2026-03-01T08:00:00Z", "original_name": "shot.png",
            "source_url": "https://merchant.joom.com/complaints/1", "page_title": "Complaint 1"}
    agreement = {"kind": "agreement", "case": "C-1", "captured_at": "2026-03-02T08:00:00Z",
                 "original_name": "协议.pdf", "content_type": "application/pdf"}
    note = {"kind": "receipt", "case": "C-1", "captured_at": "2026-03-02T09:00:00Z",
            "original_name": "receipt.txt", "content_type": "text/plain"}
    return [
        _exported([(shot, _PNG), (agreement, b"%PDF-1.4 agreement"),
                   (note, b"paid USD 6,500 " * 8)], "C-1"),
        _exported([({**agreement, "case": "C-2"}, b"%PDF-1.4 the only file")], "C-2"),
        V1_BUNDLE.read_bytes(),
    ]


@functools.cache
def _exported_contents() -> frozenset[str]:
    """The SHA-256 of every member of every seed: all a signer ever exported."""
    digests = set()
    for data in bundle_seeds():
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            digests.update(hashlib.sha256(zf.read(i)).hexdigest() for i in zf.infolist())
    return frozenset(digests)


def _check_ok(data: bytes) -> None:
    """A bundle found intact and signed holds only what was exported (folders and Finder
    files aside): no mutant can be signed by the seeds' keys."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if info.is_dir() or bundle._MAC_METADATA.search(info.filename):
                continue
            try:
                digest = hashlib.sha256(zf.read(info)).hexdigest()
            except Exception:  # noqa: BLE001 - unreadable is as wrong as altered here
                digest = None
            if digest not in _exported_contents():
                raise Defect(f"intact and signed, yet {info.filename!r} holds bytes nobody "
                             "exported")


def verify(data: bytes) -> None:
    """What `vault verify-bundle` does with the file: verify, then show the report. No key is
    trusted: the seeds have two signers, and a mutant is judged on its own (see _check_ok)."""
    report = bundle.verify_bundle(io.BytesIO(data))
    json.dumps(report.to_dict())
    for line in [*report.problems, *report.repacked]:
        printable(line)
    if report.ok:
        _check_ok(data)


@functools.cache
def manifest_seeds() -> list[bytes]:
    manifests = []
    for data in bundle_seeds():
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            manifests.append(zf.read(bundle.MANIFEST))
    return manifests


def verify_manifest(manifest: bytes) -> None:
    """`manifest` as manifest.json of the first seed bundle, the other members unchanged."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(bundle_seeds()[0])) as zf, zipfile.ZipFile(out, "w") as new:
        for info in zf.infolist():
            new.writestr(info, manifest if info.filename == bundle.MANIFEST else zf.read(info))
    report = bundle.verify_bundle(io.BytesIO(out.getvalue()), TRUSTED)
    for line in [*report.problems, *report.repacked]:
        printable(line)
    json.dumps(report.to_dict())
    if report.ok and manifest != manifest_seeds()[0]:
        raise Defect("intact and signed with a manifest that is not the one exported")


register(Target("bundle", bundle_seeds, verify))
register(Target("bundle-manifest", manifest_seeds, verify_manifest))
