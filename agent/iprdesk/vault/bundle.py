"""Appeal bundles: the evidence of a case as a signed zip anyone can check.

    screenshot/20260301-083000_complaint-99812.png   the decrypted files, a folder per kind
    manifest.json        per file: sha256, size, kind, captured-at, source URL, case, ...
    manifest.json.sig    Ed25519 signature of manifest.json by the vault's signing key
    SHA256SUMS           `sha256sum -c` compatible, for reviewers without iprdesk
    report.html          timeline, screenshot thumbnails, file list; opens offline

`verify_bundle` needs no vault and no passphrase: it checks the signature, every hash and that
nothing was added or removed, and names what was altered.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import io
import json
import re
import struct
import unicodedata
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from iprdesk.atomic import atomic_writer
from iprdesk.errors import BadInput
from iprdesk.vault import crypto
from iprdesk.vault.errors import NotABundle
from iprdesk.vault.meta import Item, utc_now
from iprdesk.vault.store import Vault

FORMAT = "iprdesk-appeal-bundle"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"
SUMS = "SHA256SUMS"
REPORT = "report.html"
THUMBNAIL_PX = 480
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


@dataclass
class BundleReport:
    files: int = 0
    case: str | None = None
    fingerprint: str | None = None
    problems: list[str] = field(default_factory=list)
    # What a zip tool changed when the bundle was unpacked and packed again (folder entries,
    # how names are stored, a folder around everything): harmless when every file is intact.
    repacked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {"ok": self.ok, "files": self.files, "case": self.case,
                "fingerprint": self.fingerprint, "problems": self.problems,
                "repacked": self.repacked}


def fingerprint(public_key: bytes) -> str:
    """A short, comparable name for a signing key: `SHA256:` and 16 hex digits in groups."""
    digest = hashlib.sha256(public_key).hexdigest()[:16]
    return "SHA256:" + ":".join(digest[i:i + 4] for i in range(0, 16, 4))


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
    """A small PNG data: URI of a screenshot, or None if it is not a picture Pillow reads."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=80)
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


def export_bundle(vault: Vault, out: Path | str, *, case: str | None = None,
                  ids: list[str] | None = None) -> ExportSummary:
    """Write the evidence of `case` (or the given ids) to a signed zip at `out`."""
    out = Path(out)
    items = [vault.item(i) for i in ids] if ids else vault.list(case=case)
    if not items:
        where = f"case {case}" if case else "the vault"
        raise BadInput(f"There is no evidence for {where} to export. / 没有可导出的证据。")
    if not out.parent.is_dir():
        raise BadInput(f"The folder {out.parent} does not exist")
    public = crypto.raw_public(vault.signing_public_key)
    entries, thumbnails, used = [], {}, set()
    with atomic_writer(out, mode=0o600) as f, zipfile.ZipFile(f, "w") as zf:
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
            keep = item.kind == "screenshot"
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
        report = _report_html(case, entries, thumbnails, fingerprint(public)).encode()
        zf.writestr(_info(REPORT), report)
        manifest = {
            "format": FORMAT, "version": 1, "case": case, "created_at": utc_now(),
            "signing_key": {"algorithm": "ed25519", "public_key": public.hex(),
                            "fingerprint": fingerprint(public)},
            "files": entries,
            "report": {"path": REPORT, "sha256": hashlib.sha256(report).hexdigest()},
        }
        manifest_bytes = json.dumps(manifest, indent=2, ensure_ascii=False).encode() + b"\n"
        zf.writestr(_info(MANIFEST), manifest_bytes)
        zf.writestr(_info(SIGNATURE), base64.b64encode(vault.sign(manifest_bytes)) + b"\n")
        sums = [(e["sha256"], e["path"]) for e in entries]
        sums += [(manifest["report"]["sha256"], REPORT),
                 (hashlib.sha256(manifest_bytes).hexdigest(), MANIFEST)]
        zf.writestr(_info(SUMS), "".join(f"{h}  {p}\n" for h, p in sums))
    with open(out, "rb") as f:
        bundle_sha = hashlib.file_digest(f, "sha256").hexdigest()
    vault.record_export([i.id for i in items], bundle_sha)
    return ExportSummary(out, len(entries), bundle_sha, fingerprint(public))


def _zip_time(iso: str) -> tuple:
    return (int(iso[0:4]), int(iso[5:7]), int(iso[8:10]), int(iso[11:13]), int(iso[14:16]),
            int(iso[17:19]))


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, _zip_time(utc_now()))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def verify_bundle(path: Path | str, trusted_key: bytes | None = None) -> BundleReport:
    """Check a bundle's signature and contents; `trusted_key` pins the expected signer.

    A bundle that reads but was altered gets a report naming each problem; a file that is not
    an iprdesk bundle at all (no manifest, a manifest of the wrong shape, a member far larger
    than any export writes) raises NotABundle. Nothing is read whole: the small members are
    read up to a cap, the files are hashed as they inflate, up to the size the manifest gives.
    """
    report = BundleReport()
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError, EOFError) as e:
        raise NotABundle(f"{path} is not a readable zip file ({e})") from e
    with zf:
        members = _members(zf, report)
        if MANIFEST not in members:
            raise NotABundle(f"it has no {MANIFEST}")
        manifest_bytes = _read_small(zf, members[MANIFEST], MAX_MANIFEST_BYTES)
        manifest = _parse_manifest(manifest_bytes)
        report.case, report.files = manifest.case, len(manifest.files)
        report.fingerprint = fingerprint(manifest.public_key)
        _check_signature(zf, members, manifest_bytes, manifest.public_key, report)
        if trusted_key is not None and manifest.public_key != trusted_key:
            report.problems.append(f"signed by key {report.fingerprint}, not by this vault's "
                                   f"key {fingerprint(trusted_key)}")
        unlisted = {n: i for n, i in members.items() if n not in (MANIFEST, SIGNATURE, SUMS)}
        _check_files(zf, unlisted, [*manifest.files, manifest.report], report)
        report.problems.extend(_check_sums(zf, members, manifest, manifest_bytes))
    return report


# Caps on what verify reads of the small members: export writes about 600 bytes of manifest
# and 100 of SHA256SUMS per file, so these allow some 50,000 files; a member inflating beyond
# them (a zip bomb) is refused after reading no more than the cap.
MAX_MANIFEST_BYTES = 32 << 20
MAX_SUMS_BYTES = 8 << 20
MAX_SIGNATURE_BYTES = 1 << 10
MAX_REPORT_BYTES = 256 << 20  # the cap on a report.html whose manifest gives no size
READ_BLOCK = 1 << 20
_SHA256 = re.compile(r"[0-9a-f]{64}")
_UNREADABLE = (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError,
               RuntimeError, ValueError)  # CRC, inflate, truncation, method, encryption


@dataclass(frozen=True)
class _Entry:
    path: str
    sha256: str
    size: int | None  # None: not recorded (the report's entry)


@dataclass(frozen=True)
class _Manifest:
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
        if info.is_dir() and info.file_size == 0:
            notes.add("folder entries were added")
            continue
        name, how = _exported_name(info)
        if how:
            notes.add(how)
        if _MAC_METADATA.search(name):
            notes.add("macOS Finder files (__MACOSX, .DS_Store) were added")
            continue
        named.append((name, info))
    if named and MANIFEST not in (n for n, _ in named):
        folder = next((n[:-len(MANIFEST)] for n, _ in named if n.endswith("/" + MANIFEST)), None)
        if folder and all(n.startswith(folder) for n, _ in named):
            named = [(n[len(folder):], i) for n, i in named]
            notes.add(f"everything was put in a folder ({folder})")
    counts = Counter(n for n, _ in named)
    for name in sorted(n for n, count in counts.items() if count > 1):
        report.problems.append(f"{name} appears twice in the zip (added after export)")
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
            name, how = unicode_path, "names were moved to the Unicode Path field"
        elif not raw.isascii():
            # Another code page (Windows) does not decode: such a file is found by content.
            with contextlib.suppress(UnicodeDecodeError):
                name, how = raw.decode("utf-8"), "names were stored without the UTF-8 flag"
    normal = unicodedata.normalize("NFC", name)
    if normal != name:
        name, how = normal, "accented names were decomposed (as macOS stores them)"
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
    data = bytearray()
    try:
        with zf.open(info) as member:
            while block := member.read(READ_BLOCK):
                data += block
                if len(data) > cap:
                    raise NotABundle(f"{info.filename} is larger than any iprdesk export "
                                     f"writes (over {max(cap >> 20, 1)} MiB)")
    except _UNREADABLE as e:
        raise NotABundle(f"{info.filename} does not read back ({e})") from e
    return bytes(data)


def _parse_manifest(raw: bytes) -> _Manifest:
    """The fields verify relies on, each checked for its type: anything else about the
    manifest's shape is NotABundle, never a TypeError."""
    try:
        manifest = json.loads(raw)
    except (ValueError, RecursionError) as e:  # ValueError: also not UTF-8, or a huge number
        raise NotABundle(f"{MANIFEST} is not JSON") from e
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise NotABundle(f"{MANIFEST} is not an iprdesk appeal bundle manifest")
    if manifest.get("version") != 1 or isinstance(manifest.get("version"), bool):
        raise NotABundle(f"{MANIFEST} has a format version this iprdesk does not know "
                         "(a newer iprdesk may read it)")
    key = manifest.get("signing_key")
    public = key.get("public_key") if isinstance(key, dict) else None
    if not isinstance(public, str) or not re.fullmatch(r"[0-9a-f]{64}", public):
        raise NotABundle(f"{MANIFEST} has no Ed25519 public key (signing_key.public_key)")
    case = manifest.get("case")
    if case is not None and not isinstance(case, str):
        raise NotABundle(f"{MANIFEST} has a case that is not text")
    files = manifest.get("files")
    if not isinstance(files, list):
        raise NotABundle(f"{MANIFEST} has no list of files")
    entries = [_entry(f, f"file entry {n}", sized=True) for n, f in enumerate(files, 1)]
    report = _entry(manifest.get("report"), "the report entry", sized=False)
    paths = Counter(e.path for e in [*entries, report])
    if any(count > 1 for count in paths.values()) or {MANIFEST, SIGNATURE, SUMS} & set(paths):
        raise NotABundle(f"{MANIFEST} lists a path twice, or lists one of its own members")
    return _Manifest(bytes.fromhex(public), case, entries, report)


def _entry(value, what: str, *, sized: bool) -> _Entry:
    if not isinstance(value, dict):
        raise NotABundle(f"{what} in {MANIFEST} is not an object")
    path, sha256, size = value.get("path"), value.get("sha256"), value.get("size")
    if not isinstance(path, str) or not path:
        raise NotABundle(f"{what} in {MANIFEST} has no path")
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise NotABundle(f"{what} in {MANIFEST} has no SHA-256")
    if sized and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
        raise NotABundle(f"{what} in {MANIFEST} has no size")
    return _Entry(path, sha256, size if sized else None)


def _check_signature(zf, members: dict, manifest_bytes: bytes, public: bytes,
                     report: BundleReport) -> None:
    if SIGNATURE not in members:
        report.problems.append(f"{SIGNATURE} is missing: the manifest is not signed")
        return
    try:
        signature = base64.b64decode(_read_small(zf, members[SIGNATURE], MAX_SIGNATURE_BYTES))
    except NotABundle as e:
        report.problems.append(f"{e.why}: the manifest's signature is damaged")
        return
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, manifest_bytes)
    except (InvalidSignature, ValueError):  # binascii.Error is a ValueError
        report.problems.append(f"the signature does not match {MANIFEST}: the manifest was "
                               "edited or the signature replaced")


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
            except _Unreadable:
                continue
            by_content.setdefault(digest, []).append(name)
    moved = 0
    for entry in unnamed:
        found = by_content.get(entry.sha256)
        if found:  # the same bytes, so the same size
            members.pop(found.pop())
            moved += 1
        else:
            report.problems.append(f"{entry.path} is missing (removed after export)")
    if moved:
        report.repacked.append(f"{moved} file(s) were stored under other names (found by "
                               "their content)")
    for name in sorted(members):
        report.problems.append(f"{name} is not in the manifest (added after export)")


class _Unreadable(Exception):
    pass


def _digest(zf, info: zipfile.ZipInfo, limit: int) -> str | None:
    """The SHA-256 of a member, hashed as it inflates; None once it holds more than `limit`
    bytes (nothing beyond that is read)."""
    digest, read = hashlib.sha256(), 0
    try:
        with zf.open(info) as member:
            while block := member.read(min(READ_BLOCK, limit + 1 - read)):
                read += len(block)
                if read > limit:
                    return None
                digest.update(block)
    except _UNREADABLE as e:
        raise _Unreadable(str(e)) from e
    return digest.hexdigest()


def _check_member(zf, info: zipfile.ZipInfo, entry: _Entry) -> list[str]:
    try:
        digest = _digest(zf, info, entry.size if entry.size is not None else MAX_REPORT_BYTES)
    except _Unreadable as e:
        # A changed byte inside a deflated member usually breaks its CRC before the hash.
        return [f"{entry.path} was altered (it no longer reads back: {e})"]
    if digest is None:
        return [f"{entry.path} was altered (it is larger than the manifest says)"]
    if digest != entry.sha256:
        return [f"{entry.path} was altered (its SHA-256 differs from the manifest)"]
    if entry.size is not None and info.file_size != entry.size:
        return [f"{entry.path} was altered (its size differs from the manifest)"]
    return []


def _check_sums(zf, members: dict, manifest: _Manifest, manifest_bytes: bytes) -> list[str]:
    if SUMS not in members:
        return [f"{SUMS} is missing"]
    try:
        lines = _read_small(zf, members[SUMS], MAX_SUMS_BYTES).decode().splitlines()
    except NotABundle as e:
        return [f"{e.why} (altered)"]
    except UnicodeDecodeError:
        return [f"{SUMS} is unreadable (altered)"]
    expected = {e.path: e.sha256 for e in [*manifest.files, manifest.report]}
    expected[MANIFEST] = hashlib.sha256(manifest_bytes).hexdigest()
    found = dict(reversed(line.split("  ", 1)) for line in lines if "  " in line)
    if found != expected:
        return [f"{SUMS} does not match the manifest (edited)"]
    return []


# -- report.html ------------------------------------------------------------------------------

REPORT_CSS = """
body{font:14px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;
margin:2em auto;max-width:1000px;padding:0 1em;color:#1d2330}
h1{font-size:1.5em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ddd}
.muted{color:#667}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #eee;padding:.35em .5em;text-align:left;vertical-align:top}
code{font:12px ui-monospace,monospace;word-break:break-all}
.event{display:flex;gap:1em;padding:.8em 0;border-bottom:1px solid #eee}
.event time{min-width:11em;font-variant-numeric:tabular-nums}
.kind{display:inline-block;padding:0 .5em;border-radius:3px;background:#eef;font-size:12px}
img{max-width:480px;border:1px solid #ccc}
"""

# Offline and inert: no scripts, no network, only inline styles and data: thumbnails.
REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
KIND_LABELS = {"screenshot": "Screenshot / 截图", "page": "Web page / 网页存档",
               "receipt": "Receipt / 收据", "agreement": "Agreement / 协议",
               "payment": "Payment proof / 付款凭证", "email": "E-mail / 邮件",
               "url-check": "URL check / 链接检查", "other": "Other / 其他"}


def _report_html(case: str | None, entries: list[dict], thumbnails: dict, signer: str) -> str:
    e = html.escape
    title = f"Appeal evidence / 申诉证据 — {case}" if case else "Appeal evidence / 申诉证据"
    timeline = []
    for entry in sorted(entries, key=lambda x: x["captured_at"]):
        details = [f'<span class="kind">{e(KIND_LABELS[entry["kind"]])}</span> '
                   f'<a href="{e(entry["path"])}">{e(entry["path"])}</a>']
        for label, key in (("Page / 页面", "page_title"), ("URL / 网址", "source_url"),
                           ("Complaint / 投诉", "complaint_id"), ("Note / 备注", "note")):
            if entry.get(key):
                details.append(f'<div><span class="muted">{label}:</span> {e(entry[key])}</div>')
        if entry.get("product_ids"):
            details.append('<div><span class="muted">Products / 商品:</span> '
                           f'{e(", ".join(entry["product_ids"]))}</div>')
        if entry["path"] in thumbnails:
            details.append(f'<div><img alt="" src="{thumbnails[entry["path"]]}"></div>')
        timeline.append(f'<div class="event"><time>{e(entry["captured_at"])}</time>'
                        f'<div>{"".join(details)}</div></div>')
    rows = "".join(f'<tr><td><a href="{e(x["path"])}">{e(x["path"])}</a></td>'
                   f'<td>{x["size"]:,}</td><td><code>{x["sha256"]}</code></td></tr>'
                   for x in entries)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{REPORT_CSP}">
<title>{e(title)}</title><style>{REPORT_CSS}</style></head><body>
<h1>{e(title)}</h1>
<p class="muted">Exported {e(utc_now())} (UTC) by iprdesk. {len(entries)} files. Signed with key
<code>{e(signer)}</code>; check with <code>iprdesk vault verify-bundle</code> or
<code>sha256sum -c SHA256SUMS</code>.<br>
由 iprdesk 导出，共 {len(entries)} 个文件，已用上述密钥签名；
可用 <code>iprdesk vault verify-bundle</code> 或 <code>sha256sum -c SHA256SUMS</code> 校验。</p>
<h2>Timeline / 时间线</h2>
{"".join(timeline)}
<h2>Files / 文件列表</h2>
<table><tr><th>File / 文件</th><th>Bytes / 字节</th><th>SHA-256</th></tr>{rows}</table>
</body></html>
"""
