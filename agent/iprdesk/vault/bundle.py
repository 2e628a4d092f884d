"""Appeal bundles: the evidence of a case as a signed zip anyone can check.

Format version 2, what export writes:

    screenshot/20260301-083000_complaint-99812.png   the decrypted files, a folder per kind
    report.html       timeline, screenshot thumbnails, file list, the key's fingerprint; offline
    manifest.json     per file: sha256, size, kind, captured-at, source URL, case, ...; the key
    signing-key.pem   the vault's Ed25519 public key (SubjectPublicKeyInfo PEM, for openssl)
    SHA256SUMS        `sha256sum -c` lines for every member above
    SHA256SUMS.sig    the raw 64-byte Ed25519 signature of SIGNATURE_CONTEXT + SHA256SUMS

One signature over SHA256SUMS covers everything, since the sums name every file, the report,
the manifest and the key: a reviewer with only coreutils and openssl checks a whole bundle (the
README's "Checking a bundle without iprdesk", tested). SIGNATURE_CONTEXT is prepended so that
no bundle signature can pass for any other signature made with the vault's key (the journal
signs under labels of its own; every label ends at its first line break, so none is a prefix
of another).

A valid signature proves only that the holder of *some* key made the bundle: anyone can make a
bundle of invented evidence with a fresh key. It proves the seller made it when the key's
fingerprint is one the verifier trusts (`verify_bundle(trusted_fingerprint=...)`, the
`--fingerprint` the seller published, or the vault's own). `fingerprint`: "SHA256:" and the
first 128 bits of SHA-256 of the raw 32-byte public key, in eight groups of four hex digits.

Version 1 (iprdesk 0.1.0 before this format) signed manifest.json itself, with no context label
(manifest.json.sig, base64; no signing-key.pem, SHA256SUMS unsigned). verify still accepts it
and says it is the older format: the only unlabelled messages a vault key ever signed are those
manifests and the old journal's previous-entry hashes (64 hex digits or "None", never a JSON
object), so an unlabelled signature over a manifest can only have come from an export.

`verify_bundle` needs no vault and no passphrase: it checks the signature, every hash and that
nothing was added or removed, and names what was altered.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import json
import re
import struct
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from iprdesk.atomic import atomic_writer
from iprdesk.errors import BadInput, disk_full_means
from iprdesk.images.thumbnails import data_uri, thumbnail
from iprdesk.text import i18n
from iprdesk.text.i18n import Message, ReportLine
from iprdesk.timeutil import now_iso, shown, utc_now
from iprdesk.vault import crypto
from iprdesk.vault.errors import NotABundle
from iprdesk.vault.meta import KIND_LABELS, Item, split_superseded
from iprdesk.vault.store import Vault
from iprdesk.zipread import TooLarge, Unreadable, inflated

FORMAT = "iprdesk-appeal-bundle"
VERSION = 2
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
SIGNATURE = "SHA256SUMS.sig"
PUBLIC_KEY = "signing-key.pem"
REPORT = "report.html"
# The domain-separation label of a bundle signature: what is signed is this, then SHA256SUMS.
SIGNATURE_CONTEXT = b"iprdesk appeal bundle v2: SHA256SUMS\n"
V1_SIGNATURE = "manifest.json.sig"  # version 1: base64 of a signature of manifest.json alone
METADATA = {1: (MANIFEST, V1_SIGNATURE, SUMS), 2: (MANIFEST, SIGNATURE, SUMS, PUBLIC_KEY)}
THUMBNAIL_PX = 480
# Evidence shown as a thumbnail in the report: screenshots, and product photos (the new images).
THUMBNAIL_KINDS = ("screenshot", "photo")
# Already-compressed formats are stored as they are; the rest is deflated.
STORED_TYPES = ("image/", "video/", "application/pdf", "application/zip")
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp",
              "application/pdf": ".pdf", "application/x-mimearchive": ".mhtml",
              "application/json": ".json", "text/html": ".html", "text/plain": ".txt",
              "message/rfc822": ".eml"}


@dataclass
class ExportSummary:
    path: Path
    files: int
    sha256: str
    fingerprint: str
    superseded: list[str] = field(default_factory=list)  # evidence ids left out


@dataclass
class BundleReport:
    files: int = 0
    case: str | None = None
    fingerprint: str | None = None  # of the key the bundle says signed it
    # None: no trusted key to compare with, so who signed it is not known.
    trusted: bool | None = None
    version: int = VERSION
    problems: list[ReportLine] = field(default_factory=list)
    # What a zip tool changed when the bundle was unpacked and packed again (folder entries,
    # how names are stored, a folder around everything): harmless when every file is intact.
    repacked: list[ReportLine] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every file intact and the signature valid for the key the bundle names."""
        return not self.problems

    @property
    def verified(self) -> bool:
        """ok, and signed by a trusted key: only then is the bundle the seller's."""
        return self.ok and self.trusted is True

    def to_dict(self, lang: str = "en") -> dict:
        return {"ok": self.ok, "verified": self.verified, "files": self.files,
                "case": self.case, "fingerprint": self.fingerprint, "trusted": self.trusted,
                "version": self.version, "problems": [p.text(lang) for p in self.problems],
                "repacked": [r.text(lang) for r in self.repacked]}


def fingerprint(public_key: bytes) -> str:
    """The name of a signing key a seller publishes: `SHA256:` and the first 128 bits of the
    SHA-256 of the raw public key, as eight groups of four hex digits."""
    digest = hashlib.sha256(public_key).hexdigest()[:32]
    return "SHA256:" + ":".join(digest[i:i + 4] for i in range(0, 32, 4))


def vault_fingerprint(vault: Vault) -> str:
    """The fingerprint of the key a vault signs its bundles with (no passphrase needed)."""
    return fingerprint(crypto.raw_public(vault.signing_public_key))


def parse_fingerprint(text: str) -> str:
    """A fingerprint as a person may type or paste it (any case, with or without `SHA256:`,
    colons or spaces), in the form `fingerprint` gives; ValueError if it is not one."""
    digits = re.sub(r"[\s:-]", "", text.strip().removeprefix("SHA256:").removeprefix("sha256:"))
    if not re.fullmatch(r"[0-9a-fA-F]{32}", digits):
        raise ValueError("a key fingerprint is SHA256: and 32 hex digits (128 bits), as "
                         "`iprdesk vault info` shows it")
    digits = digits.lower()
    return "SHA256:" + ":".join(digits[i:i + 4] for i in range(0, 32, 4))


def _safe_name(name: str) -> str:
    name = re.sub(r"[\x00-\x1f/\\:*?\"<>|]+", "_", name).strip(" ._")
    return name[:120] or "file"


def _file_name(item: Item) -> str:
    stamp = item.captured_at.replace("-", "").replace(":", "").replace("T", "-").rstrip("Z")
    if item.original_name:
        base = _safe_name(Path(item.original_name).name)
    else:
        base = item.id + EXTENSIONS.get((item.content_type or "").split(";")[0], ".bin")
    return f"{stamp}_{base}"


def _thumbnail(data: bytes) -> str | None:
    """A small JPEG data: URI of a picture, or None if it is not a picture iprdesk reads."""
    try:
        return data_uri(thumbnail(data, side=THUMBNAIL_PX))
    except BadInput:
        return None


def export_bundle(vault: Vault, out: Path | str, *, case: str | None = None,
                  ids: list[str] | None = None, include_superseded: bool = False,
                  also: list[str] = (),
                  summary: Callable[[list[tuple[str, str]]], str] | None = None,
                  lang: str = "en", zone=None, complaint: str | None = None) -> ExportSummary:
    """Write the evidence of `case` (or the given ids) to a signed zip at `out`. Documents a
    newer one of the same kind replaced (a corrected bank slip) are left out of a case's
    bundle and named in its report, unless `include_superseded`. `also`: more vault items
    the bundle carries beside the case's (the originals and licences behind its images'
    provenance). `summary`, given the thumbnails of the product photos ((file, data: URI)
    pairs), returns the case summary section that heads the report, in `lang`
    (casework.bundle_report); the report's times are in `zone`, the reader's (default: the
    machine's); its title names the case by its `complaint` ID, what the seller and Joom know
    it by (default: the case id)."""
    out = Path(out)
    items = [vault.item(i) for i in ids] if ids else vault.list(case=case)
    superseded: list[Item] = []
    if not ids and not include_superseded:
        items, superseded = split_superseded(items)
    listed = {item.id for item in items}
    items += [vault.item(i) for i in dict.fromkeys(also) if i not in listed]
    if not items:
        raise BadInput(key="vault.error.nothing_to_export_case", params={"case": case}) if case \
            else BadInput(key="vault.error.nothing_to_export")
    if not out.parent.is_dir():
        raise BadInput(key="error.bundle.no_folder", params={"folder": out.parent})
    public = crypto.raw_public(vault.signing_public_key)
    entries, thumbnails, used = [], {}, set()
    with (disk_full_means("bundle_not_made"), atomic_writer(out, mode=0o600) as f,
          zipfile.ZipFile(f, "w") as zf):
        for item in items:
            path = f"{item.kind}/{_file_name(item)}"
            stem, dot, ext = path.rpartition(".")
            n = 1
            while path in used:
                n += 1
                path = f"{stem}-{n}.{ext}" if dot else f"{ext}-{n}"
            used.add(path)
            stored = (item.content_type or "").startswith(STORED_TYPES)
            info = zipfile.ZipInfo(path, _zip_time(item.captured_at))
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            keep = item.kind in THUMBNAIL_KINDS
            kept = []
            with zf.open(info, "w") as member:
                for chunk in vault.chunks(item.id):  # authenticated and hash-checked
                    member.write(chunk)
                    if keep:
                        kept.append(chunk)
            if keep:
                thumb = _thumbnail(b"".join(kept))
                if thumb:
                    thumbnails[path] = thumb
            entries.append({
                "path": path, "sha256": item.sha256, "size": item.size, "kind": item.kind,
                "captured_at": item.captured_at, "source_url": item.source_url,
                "case": item.case, "complaint_id": item.complaint_id,
                "product_ids": item.product_ids, "page_title": item.page_title,
                "original_name": item.original_name, "note": item.note,
                "evidence_id": item.id,
            })
        left_out = [{"evidence_id": i.id, "kind": i.kind, "original_name": i.original_name,
                     "captured_at": i.captured_at, "sha256": i.sha256} for i in superseded]
        photos = [(e["path"], thumbnails[e["path"]]) for e in entries
                   if e["kind"] == "photo" and e["path"] in thumbnails]
        report = _report_html(case, entries, thumbnails, fingerprint(public), left_out,
                              summary(photos) if summary else "", lang, zone,
                              complaint).encode()
        zf.writestr(_info(REPORT), report)
        manifest = {
            "format": FORMAT, "version": VERSION, "case": case, "created_at": now_iso(),
            "signing_key": {"algorithm": "ed25519", "public_key": public.hex(),
                            "fingerprint": fingerprint(public)},
            "files": entries,
            # Not in the bundle: older documents a newer one of the same kind replaced.
            "superseded": left_out,
            "report": {"path": REPORT, "sha256": hashlib.sha256(report).hexdigest(),
                       "size": len(report)},
        }
        manifest_bytes = json.dumps(manifest, indent=2, ensure_ascii=False).encode() + b"\n"
        zf.writestr(_info(MANIFEST), manifest_bytes)
        pem = _pem(public)
        zf.writestr(_info(PUBLIC_KEY), pem)
        sums = [(e["sha256"], e["path"]) for e in entries]
        sums += [(manifest["report"]["sha256"], REPORT),
                 (hashlib.sha256(manifest_bytes).hexdigest(), MANIFEST),
                 (hashlib.sha256(pem).hexdigest(), PUBLIC_KEY)]
        sums_bytes = "".join(f"{h}  {p}\n" for h, p in sums).encode()
        zf.writestr(_info(SUMS), sums_bytes)
        zf.writestr(_info(SIGNATURE), vault.sign(SIGNATURE_CONTEXT + sums_bytes))
    with open(out, "rb") as f:
        bundle_sha = hashlib.file_digest(f, "sha256").hexdigest()
    vault.record_export([i.id for i in items], bundle_sha)
    return ExportSummary(out, len(entries), bundle_sha, fingerprint(public),
                         [i.id for i in superseded])


def _pem(public: bytes) -> bytes:
    return Ed25519PublicKey.from_public_bytes(public).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _zip_time(iso: str) -> tuple:
    return (int(iso[0:4]), int(iso[5:7]), int(iso[8:10]), int(iso[11:13]), int(iso[14:16]),
            int(iso[17:19]))


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, _zip_time(now_iso()))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def verify_bundle(path: Path | str, trusted_fingerprint: str | None = None) -> BundleReport:
    """Check a bundle's signature and contents, and whether the key that signed it is the one
    whose fingerprint is `trusted_fingerprint` (see `parse_fingerprint`).

    A bundle that reads but was altered gets a report naming each problem; a file that is not
    an iprdesk bundle at all (no manifest, a manifest of the wrong shape, a member far larger
    than any export writes) raises NotABundle. Nothing is read whole: the small members are
    read up to a cap, the files are hashed as they inflate, up to the size the manifest gives.
    """
    report = BundleReport()
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError) as e:
        # NotImplementedError: a member needs a zip version Python cannot extract.
        raise NotABundle(Message("error.bundle.not_a_zip", {"path": path, "e": e})) from e
    with zf:
        members = _members(zf, report)
        if MANIFEST not in members:
            raise NotABundle(Message("error.bundle.no_manifest", {"manifest": MANIFEST}))
        manifest_bytes = _read_small(zf, members[MANIFEST], MAX_MANIFEST_BYTES)
        manifest = _parse_manifest(manifest_bytes)
        report.case, report.files = manifest.case, len(manifest.files)
        report.version = manifest.version
        report.fingerprint = fingerprint(manifest.public_key)
        if manifest.version == 1:
            _check_v1(zf, members, manifest, manifest_bytes, report)
        else:
            _check_signed_sums(zf, members, manifest, manifest_bytes, report)
        if trusted_fingerprint is not None:
            report.trusted = report.fingerprint == trusted_fingerprint
            if not report.trusted:
                report.problems.append(ReportLine(
                    "bundle.verify.untrusted",
                    {"fingerprint": report.fingerprint, "trusted": trusted_fingerprint}))
        unlisted = {n: i for n, i in members.items() if n not in METADATA[manifest.version]}
        _check_files(zf, unlisted, [*manifest.files, manifest.report], report)
    return report


# Caps on what verify reads of the small members: export writes about 600 bytes of manifest
# and 100 of SHA256SUMS per file, so these allow some 50,000 files; a member inflating beyond
# them (a zip bomb) is refused after reading no more than the cap.
MAX_MANIFEST_BYTES = 32 << 20
MAX_SUMS_BYTES = 8 << 20
MAX_SIGNATURE_BYTES = 1 << 10
MAX_REPORT_BYTES = 256 << 20  # the cap on a report.html whose manifest gives no size
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class _Entry:
    path: str
    sha256: str
    size: int | None  # None: not recorded (the report's entry)


@dataclass(frozen=True)
class _Manifest:
    version: int
    public_key: bytes
    case: str | None
    files: list[_Entry]
    report: _Entry


def _members(zf: zipfile.ZipFile, report: BundleReport) -> dict[str, zipfile.ZipInfo]:
    """The zip's files by the names export gave them.

    Unpacking and packing again with an ordinary zip tool keeps every byte of every file but
    changes the zip around them: Info-ZIP and Windows add an entry per folder, store UTF-8
    names without the flag that says so (or in the Info-ZIP Unicode Path field), macOS
    decomposes accents and adds __MACOSX/ and .DS_Store, and zipping the folder puts
    everything inside one. Each is undone here and noted in `report.repacked`. A name stored
    more than once is a problem (one counted pass: the zip may hold many thousand names).
    """
    named, notes = [], set()
    for info in zf.infolist():
        if not info.filename:
            report.problems.append(ReportLine("bundle.verify.nameless"))
            continue
        if info.is_dir() and info.file_size == 0:
            notes.add(ReportLine("bundle.repacked.folders"))
            continue
        name, how = _exported_name(info)
        if how:
            notes.add(how)
        if _MAC_METADATA.search(name):
            notes.add(ReportLine("bundle.repacked.mac_files"))
            continue
        named.append((name, info))
    if named and MANIFEST not in (n for n, _ in named):
        folder = next((n[:-len(MANIFEST)] for n, _ in named if n.endswith("/" + MANIFEST)), None)
        if folder and all(n.startswith(folder) for n, _ in named):
            named = [(n[len(folder):], i) for n, i in named]
            notes.add(ReportLine("bundle.repacked.folder", {"folder": folder}))
    counts = Counter(n for n, _ in named)
    for name in sorted(n for n, count in counts.items() if count > 1):
        report.problems.append(ReportLine("bundle.verify.twice", {"name": name}))
    report.repacked.extend(sorted(notes))
    return dict(named)


_MAC_METADATA = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$)")
_UTF8_FLAG = 0x800
_UNICODE_PATH_FIELD = 0x7075  # Info-ZIP: version (1), CRC-32 of the stored name (4), UTF-8 name


def _exported_name(info: zipfile.ZipInfo) -> tuple[str, str | None]:
    """(the member's name as export wrote it, how a zip tool had stored it differently)."""
    name, how = info.filename, None
    if not info.flag_bits & _UTF8_FLAG:
        raw = info.orig_filename.encode("cp437")  # zipfile decoded the stored bytes as cp437
        unicode_path = _unicode_path_field(info.extra, raw)
        if unicode_path is not None:
            name, how = unicode_path, ReportLine("bundle.repacked.unicode_path")
        elif not raw.isascii():
            # Another code page (Windows) does not decode: such a file is found by content.
            with contextlib.suppress(UnicodeDecodeError):
                name, how = raw.decode("utf-8"), ReportLine("bundle.repacked.no_utf8_flag")
    normal = unicodedata.normalize("NFC", name)
    if normal != name:
        name, how = normal, ReportLine("bundle.repacked.decomposed")
    return name, how


def _unicode_path_field(extra: bytes, stored: bytes) -> str | None:
    while len(extra) >= 4:
        kind, size = struct.unpack("<HH", extra[:4])
        body, extra = extra[4:4 + size], extra[4 + size:]
        if kind == _UNICODE_PATH_FIELD and len(body) > 5 and body[0] == 1 and \
                struct.unpack("<I", body[1:5])[0] == zlib.crc32(stored):
            try:
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                return None
    return None


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """A member that is small by nature, read to at most `cap` bytes, whatever its header
    claims."""
    try:
        return b"".join(inflated(zf, info, cap))
    except TooLarge as e:
        raise NotABundle(Message("error.bundle.member_too_large",
                                 {"name": info.filename, "mib": max(cap >> 20, 1)})) from e
    except Unreadable as e:
        raise NotABundle(Message("error.bundle.member_unreadable",
                                 {"name": info.filename, "e": e})) from e


def _parse_manifest(raw: bytes) -> _Manifest:
    """The fields verify relies on, each checked for its type: anything else about the
    manifest's shape is NotABundle, never a TypeError."""
    try:
        manifest = json.loads(raw)
    except (ValueError, RecursionError) as e:  # ValueError: also not UTF-8, or a huge number
        raise NotABundle(Message("error.bundle.manifest_not_json", {"manifest": MANIFEST})) from e
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise NotABundle(Message("error.bundle.manifest_not_ours", {"manifest": MANIFEST}))
    version = manifest.get("version")
    if version not in METADATA or isinstance(version, bool):
        raise NotABundle(Message("error.bundle.manifest_version", {"manifest": MANIFEST}))
    key = manifest.get("signing_key")
    public = key.get("public_key") if isinstance(key, dict) else None
    if not isinstance(public, str) or not re.fullmatch(r"[0-9a-f]{64}", public):
        raise NotABundle(Message("error.bundle.no_public_key", {"manifest": MANIFEST}))
    case = manifest.get("case")
    if case is not None and not isinstance(case, str):
        raise NotABundle(Message("error.bundle.case_not_text", {"manifest": MANIFEST}))
    files = manifest.get("files")
    if not isinstance(files, list):
        raise NotABundle(Message("error.bundle.no_file_list", {"manifest": MANIFEST}))
    entries = [_entry(f, f"file entry {n}", sized=True) for n, f in enumerate(files, 1)]
    report = _entry(manifest.get("report"), "the report entry", sized=version > 1)
    paths = Counter(e.path for e in [*entries, report])
    if any(count > 1 for count in paths.values()) or set(METADATA[version]) & set(paths):
        raise NotABundle(Message("error.bundle.path_twice", {"manifest": MANIFEST}))
    return _Manifest(version, bytes.fromhex(public), case, entries, report)


def _entry(value, what: str, *, sized: bool) -> _Entry:
    if not isinstance(value, dict):
        raise NotABundle(Message("error.bundle.entry_not_object",
                                 {"what": what, "manifest": MANIFEST}))
    path, sha256, size = value.get("path"), value.get("sha256"), value.get("size")
    if not isinstance(path, str) or not path:
        raise NotABundle(Message("error.bundle.entry_no_path",
                                 {"what": what, "manifest": MANIFEST}))
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise NotABundle(Message("error.bundle.entry_no_sha256",
                                 {"what": what, "manifest": MANIFEST}))
    if sized and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
        raise NotABundle(Message("error.bundle.entry_no_size",
                                 {"what": what, "manifest": MANIFEST}))
    return _Entry(path, sha256, size if sized else None)


def _check_signed_sums(zf, members: dict, manifest: _Manifest, manifest_bytes: bytes,
                       report: BundleReport) -> None:
    """Version 2: the signature of SHA256SUMS, then SHA256SUMS against the manifest (whose
    own hash is in it) and the key file against the manifest's key."""
    sums = _read_member(zf, members, SUMS, MAX_SUMS_BYTES, report)
    signature = _read_member(zf, members, SIGNATURE, MAX_SIGNATURE_BYTES, report)
    if sums is not None and signature is not None:
        try:
            Ed25519PublicKey.from_public_bytes(manifest.public_key).verify(
                signature, SIGNATURE_CONTEXT + sums)
        except (InvalidSignature, ValueError):
            report.problems.append(ReportLine("bundle.verify.sums_signature", {"sums": SUMS}))
    pem = _read_member(zf, members, PUBLIC_KEY, MAX_SIGNATURE_BYTES, report)
    if pem is not None and pem != _pem(manifest.public_key):
        report.problems.append(ReportLine("bundle.verify.key_replaced",
                                          {"key": PUBLIC_KEY, "manifest": MANIFEST}))
    if sums is not None:
        hashes = {MANIFEST: manifest_bytes}
        if pem is not None:
            hashes[PUBLIC_KEY] = pem
        report.problems.extend(_check_sums(manifest, hashes, sums))


def _check_v1(zf, members: dict, manifest: _Manifest, manifest_bytes: bytes,
              report: BundleReport) -> None:
    """Version 1: the signature of manifest.json, then SHA256SUMS against the manifest."""
    encoded = _read_member(zf, members, V1_SIGNATURE, MAX_SIGNATURE_BYTES, report)
    if encoded is not None:
        try:
            Ed25519PublicKey.from_public_bytes(manifest.public_key).verify(
                base64.b64decode(encoded), manifest_bytes)
        except (InvalidSignature, ValueError):  # binascii.Error is a ValueError
            report.problems.append(ReportLine("bundle.verify.manifest_signature",
                                              {"manifest": MANIFEST}))
    sums = _read_member(zf, members, SUMS, MAX_SUMS_BYTES, report)
    if sums is not None:
        report.problems.extend(_check_sums(manifest, {MANIFEST: manifest_bytes}, sums))


def _read_member(zf, members: dict, name: str, cap: int, report: BundleReport) -> bytes | None:
    """A small member verify needs, or None with the problem noted."""
    if name not in members:
        report.problems.append(ReportLine(
            "bundle.verify.unsigned" if name in (SIGNATURE, V1_SIGNATURE)
            else "bundle.verify.missing", {"name": name}))
        return None
    try:
        return _read_small(zf, members[name], cap)
    except NotABundle as e:
        report.problems.append(ReportLine("bundle.verify.altered_member", {"why": e.why}))
        return None


def _check_files(zf, members: dict[str, zipfile.ZipInfo], entries: list[_Entry],
                 report: BundleReport) -> None:
    """Every entry's content, found by its name or else among the members no entry names
    (a file a zip tool stored under another name is still the file): then whatever is
    left over was added."""
    unnamed = []
    for entry in entries:
        info = members.pop(entry.path, None)
        if info is None:
            unnamed.append(entry)
        else:
            report.problems.extend(_check_member(zf, info, entry))
    sizes = {e.size for e in unnamed}
    by_content: dict[str, list[str]] = {}
    for name, info in sorted(members.items()) if unnamed else ():
        if info.file_size in sizes or None in sizes:
            try:
                digest = _digest(zf, info, min(info.file_size, MAX_REPORT_BYTES))
            except Unreadable:
                continue
            by_content.setdefault(digest, []).append(name)
    moved = 0
    for entry in unnamed:
        found = by_content.get(entry.sha256)
        if found:  # the same bytes, so the same size
            members.pop(found.pop())
            moved += 1
        else:
            report.problems.append(ReportLine("bundle.verify.removed", {"name": entry.path}))
    if moved:
        report.repacked.append(ReportLine("bundle.repacked.renamed", {"count": moved}))
    for name in sorted(members):
        report.problems.append(ReportLine("bundle.verify.added", {"name": name}))


def _digest(zf, info: zipfile.ZipInfo, limit: int) -> str | None:
    """The SHA-256 of a member, hashed as it inflates; None once it holds more than `limit`
    bytes."""
    digest = hashlib.sha256()
    try:
        for block in inflated(zf, info, limit):
            digest.update(block)
    except TooLarge:
        return None
    return digest.hexdigest()


def _check_member(zf, info: zipfile.ZipInfo, entry: _Entry) -> list[ReportLine]:
    try:
        digest = _digest(zf, info, entry.size if entry.size is not None else MAX_REPORT_BYTES)
    except Unreadable as e:
        # A changed byte inside a deflated member usually breaks its CRC before the hash.
        return [ReportLine("bundle.verify.unreadable_member", {"name": entry.path, "e": str(e)})]
    if digest is None:
        return [ReportLine("bundle.verify.larger", {"name": entry.path})]
    if digest != entry.sha256:
        return [ReportLine("bundle.verify.sha", {"name": entry.path})]
    if entry.size is not None and info.file_size != entry.size:
        return [ReportLine("bundle.verify.size", {"name": entry.path})]
    return []


def _check_sums(manifest: _Manifest, hashes: dict[str, bytes], sums: bytes) -> list[ReportLine]:
    """SHA256SUMS must list exactly the manifest's files and report with the manifest's hashes,
    and the metadata members in `hashes` (name: their bytes) as they are."""
    try:
        lines = sums.decode().splitlines()
    except UnicodeDecodeError:
        return [ReportLine("bundle.verify.sums_unreadable", {"sums": SUMS})]
    expected = {e.path: e.sha256 for e in [*manifest.files, manifest.report]}
    expected.update({name: hashlib.sha256(data).hexdigest() for name, data in hashes.items()})
    found = dict(reversed(line.split("  ", 1)) for line in lines if "  " in line)
    if manifest.version > 1 and PUBLIC_KEY not in hashes:
        found.pop(PUBLIC_KEY, None)  # the missing key file is named already
    if found.get(MANIFEST) != expected[MANIFEST]:
        return [ReportLine("bundle.verify.sums_manifest", {"sums": SUMS, "manifest": MANIFEST})]
    if found != expected:
        return [ReportLine("bundle.verify.sums_files", {"sums": SUMS})]
    return []


# -- report.html ------------------------------------------------------------------------------

REPORT_CSS = """
body{font:14px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;
margin:2em auto;max-width:1000px;padding:0 1em;color:#1d2330}
h1{font-size:1.5em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ddd}
.muted{color:#667}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #eee;padding:.35em .5em;text-align:left;vertical-align:top}
code{font:12px ui-monospace,monospace;word-break:break-all}
code.cmd{white-space:nowrap;word-break:normal}  /* a command reads as one piece */
.event{display:flex;gap:1em;padding:.8em 0;border-bottom:1px solid #eee}
.event time{min-width:11em;font-variant-numeric:tabular-nums}
.kind{display:inline-block;padding:0 .5em;border-radius:3px;background:#eef;font-size:12px}
img{max-width:480px;border:1px solid #ccc}
@media print{body{margin:0;max-width:none;font-size:10.5pt}a{color:inherit;text-decoration:none}
img{max-width:240px}.event,tr,figure{break-inside:avoid}h2,h3{break-after:avoid}}
"""

# Offline and inert: no scripts, no network, only inline styles and data: thumbnails.
REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def _kind_label(kind: str) -> str:
    return " / ".join(KIND_LABELS[kind].values())


def _report_html(case: str | None, entries: list[dict], thumbnails: dict, signer: str,
                 superseded: list[dict], summary: str = "", lang: str = "en",
                 zone=None, complaint: str | None = None) -> str:
    """The bundle's report page, in English and Chinese (i18n.bilingual says why), headed by
    the case `summary` in `lang` when there is one; times local (`zone`) with their zone."""
    e = html.escape

    def words(key: str, **params) -> str:
        return e(i18n.bilingual(f"bundle.html.{key}", **params))

    def paragraph(key: str, **params) -> str:
        """`key` in each language; a parameter may be {language: value}."""
        return "<br>\n".join(i18n.as_html(i18n.text(
            f"bundle.html.{key}", lang,
            **{k: v[lang] if isinstance(v, dict) else v for k, v in params.items()}), "cmd")
            for lang in i18n.LANGUAGES)

    exported = utc_now()
    exported_line = paragraph("exported", count=len(entries),
                              when={lang: shown(exported, lang, zone=zone)
                                    for lang in i18n.LANGUAGES})
    title = words("title") + (f" — {e(complaint or case)}" if case else "")
    timeline = []
    for entry in sorted(entries, key=lambda x: x["captured_at"]):
        details = [f'<span class="kind">{e(_kind_label(entry["kind"]))}</span> '
                   f'<a href="{e(entry["path"])}">{e(entry["path"])}</a>']
        for label, key in (("page", "page_title"), ("url", "source_url"),
                           ("complaint", "complaint_id"), ("note", "note")):
            if entry.get(key):
                details.append(f'<div><span class="muted">{words(label)}:</span> '
                               f'{e(entry[key])}</div>')
        if entry.get("product_ids"):
            details.append(f'<div><span class="muted">{words("products")}:</span> '
                           f'{e(", ".join(entry["product_ids"]))}</div>')
        if entry["path"] in thumbnails:
            details.append(f'<div><img alt="" src="{thumbnails[entry["path"]]}"></div>')
        timeline.append(f'<div class="event"><time datetime="{e(entry["captured_at"])}">'
                        f'{e(shown(entry["captured_at"], lang, zone=zone))}</time>'
                        f'<div>{"".join(details)}</div></div>')
    rows = "".join(f'<tr><td><a href="{e(x["path"])}">{e(x["path"])}</a></td>'
                   f'<td>{x["size"]:,}</td><td><code>{x["sha256"]}</code></td></tr>'
                   for x in entries)
    left_out = ""
    if superseded:
        items = "".join(
            f'<li><span class="kind">{e(_kind_label(x["kind"]))}</span> '
            f'{e(x["original_name"] or x["evidence_id"])} <span class="muted">'
            f'{e(shown(x["captured_at"], lang, zone=zone))} SHA-256 '
            f'<code>{x["sha256"]}</code></span></li>'
            for x in superseded)
        left_out = (f'<h2>{words("superseded")}</h2><p>{paragraph("superseded_about")}</p>'
                    f"<ul>{items}</ul>")
    return f"""<!doctype html>
<html lang="{lang.replace("_", "-")}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{REPORT_CSP}">
<title>{title}</title><style>{REPORT_CSS}</style></head><body>
<h1>{title}</h1>
<p class="muted">{exported_line}</p>
{summary}
<h2>{words("who_signed")}</h2>
<p>{words("signed_by")} <code id="fingerprint">{e(signer)}</code></p>
<p>{paragraph("how_to_check")}</p>
<h2>{words("timeline")}</h2>
{"".join(timeline)}
<h2>{words("files")}</h2>
<table><tr><th>{words("file")}</th><th>{words("bytes")}</th><th>SHA-256</th></tr>{rows}</table>
{left_out}
</body></html>
"""
