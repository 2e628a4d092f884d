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
import hashlib
import html
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from iprdesk.atomic import atomic_writer
from iprdesk.errors import BadInput
from iprdesk.vault import crypto
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

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {"ok": self.ok, "files": self.files, "case": self.case,
                "fingerprint": self.fingerprint, "problems": self.problems}


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
    """Check a bundle's signature and contents; `trusted_key` pins the expected signer."""
    report = BundleReport()
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as e:
        raise BadInput(f"{path} is not a readable zip file ({e}) / 不是有效的证据包") from e
    with zf:
        names = zf.namelist()
        for name in {n for n in names if names.count(n) > 1}:
            report.problems.append(f"{name} appears twice in the zip (added after export)")
        try:
            manifest_bytes = zf.read(MANIFEST)
            manifest = json.loads(manifest_bytes)
            public = bytes.fromhex(manifest["signing_key"]["public_key"])
            files = manifest["files"]
        except KeyError:
            report.problems.append(f"{MANIFEST} is missing or incomplete: this is not an "
                                   "iprdesk appeal bundle, or it was altered")
            return report
        except (ValueError, TypeError, zipfile.BadZipFile):
            report.problems.append(f"{MANIFEST} is unreadable (altered)")
            return report
        report.case, report.files = manifest.get("case"), len(files)
        report.fingerprint = fingerprint(public)
        _check_signature(zf, manifest_bytes, public, report)
        if trusted_key is not None and public != trusted_key:
            report.problems.append(f"signed by key {fingerprint(public)}, not by this vault's "
                                   f"key {fingerprint(trusted_key)}")
        listed = {MANIFEST, SIGNATURE, SUMS}
        for entry in [*files, manifest.get("report") or {}]:
            name = entry.get("path")
            if not isinstance(name, str):
                report.problems.append(f"{MANIFEST} has an entry without a path (altered)")
                continue
            listed.add(name)
            report.problems.extend(_check_member(zf, name, entry))
        for name in sorted(set(names) - listed):
            report.problems.append(f"{name} is not in the manifest (added after export)")
        report.problems.extend(_check_sums(zf, files, manifest, manifest_bytes))
    return report


def _check_signature(zf, manifest_bytes: bytes, public: bytes, report: BundleReport) -> None:
    try:
        signature = base64.b64decode(zf.read(SIGNATURE), validate=False)
        Ed25519PublicKey.from_public_bytes(public).verify(signature, manifest_bytes)
    except KeyError:
        report.problems.append(f"{SIGNATURE} is missing: the manifest is not signed")
    except (InvalidSignature, ValueError):
        report.problems.append(f"the signature does not match {MANIFEST}: the manifest was "
                               "edited or the signature replaced")


def _check_member(zf, name: str, entry: dict) -> list[str]:
    try:
        with zf.open(name) as member:
            digest = hashlib.file_digest(member, "sha256").hexdigest()
    except KeyError:
        return [f"{name} is missing (removed after export)"]
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        # A changed byte inside a deflated member usually breaks its CRC before the hash.
        return [f"{name} was altered (it no longer reads back: {e})"]
    if digest != entry.get("sha256"):
        return [f"{name} was altered (its SHA-256 differs from the manifest)"]
    if "size" in entry and zf.getinfo(name).file_size != entry["size"]:
        return [f"{name} was altered (its size differs from the manifest)"]
    return []


def _check_sums(zf, files: list, manifest: dict, manifest_bytes: bytes) -> list[str]:
    try:
        lines = zf.read(SUMS).decode().splitlines()
    except KeyError:
        return [f"{SUMS} is missing"]
    except (UnicodeDecodeError, zipfile.BadZipFile):
        return [f"{SUMS} is unreadable (altered)"]
    expected = {e["path"]: e["sha256"] for e in files if "path" in e}
    if manifest.get("report"):
        expected[manifest["report"].get("path")] = manifest["report"].get("sha256")
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
