"""Backing up a data directory into one file, and restoring it, for a reinstall or a new
computer.

A backup is a zip:

    iprdesk-backup.json   {"format": "iprdesk-backup", "version": 1, "created_at": ISO,
                           "iprdesk_version": V, "vault": {"x25519": hex, "ed25519": hex}
                           or null, "files": [{"path", "size", "sha256"}, ...]}
    data/<path>           each file listed, as it is in the data directory

It holds the settings (`config.json`, the seller's details included), the cases, the URL
watches, the page map additions taught on this computer, the images' provenance records and
the evidence vault exactly as it
is on disk: still encrypted, so the backup needs the vault passphrase to be of any use.
Left out: what belongs to this computer only (paired tokens, logs, locks, the
wrong-passphrase count, the native messaging launcher) and the audit's fingerprint cache,
which the next audit remakes.

`restore` checks the whole file before writing anything: the manifest's shape, every path
against the few a backup can hold (nothing else, so nothing lands outside the data
directory), every member's size and SHA-256 while inflating it (a zip bomb costs at most the
size its manifest declares), and the vault's keys. It refuses to replace anything the backup
does not have (a different vault, evidence or cases added since) unless told to
(`force`); even then what it replaces is moved aside into `restore-previous-<time>/`, never
deleted. Everything is unpacked beside the data first and then renamed into place part by
part; a failure during those renames puts back what was there.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from iprdesk import __version__
from iprdesk.atomic import atomic_writer, fsync_dir
from iprdesk.errors import Conflict, IprdeskError, disk_full_means
from iprdesk.text.i18n import Message
from iprdesk.timeutil import now_iso
from iprdesk.vault import Vault
from iprdesk.zipread import TooLarge, Unreadable, inflated

FORMAT = "iprdesk-backup"
VERSION = 1
MANIFEST = "iprdesk-backup.json"
DATA = "data/"

# Every path a backup may hold, relative to the data directory. Nothing else is written on
# restore, so a path cannot climb out of the data directory or land anywhere unexpected.
_NAME = r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}"
_BACKED_UP = re.compile(
    r"config\.json|url-watch\.json|pagemap-local\.json|cases/c-[0-9a-f]{4,64}\.json"
    r"|provenance/records\.json"
    rf"|vault/vault\.json|vault/journal/{_NAME}|vault/objects/{_NAME}")
# The top-level parts a restore replaces as a whole.
PARTS = ("config.json", "url-watch.json", "pagemap-local.json", "cases", "provenance", "vault")
# In the vault folder but of this computer only (held lock, backoff count, the settled marker
# naming a folder's modification time) or half-written.
VAULT_LOCAL = frozenset({"lock", "unlock-failures.json", "settled"})

MAX_MANIFEST_BYTES = 64 << 20
MAX_FILES = 1_000_000
MAX_TOTAL_BYTES = 1 << 40  # a sanity bound; the disk's free space is checked too
_SHA256 = re.compile(r"[0-9a-f]{64}")


class NotABackup(IprdeskError):
    code = "not_a_backup"
    status = 400

    def __init__(self, problem: Message):
        """`problem`: what is wrong with the file, a message of its own."""
        super().__init__(key="backup.not_a_backup", params={"problem": problem})


@dataclass(frozen=True)
class Entry:
    path: str
    size: int
    sha256: str


@dataclass
class Summary:
    path: str
    files: int
    bytes: int
    sha256: str
    vault: bool

    def to_json(self) -> dict:
        return {"path": self.path, "files": self.files, "bytes": self.bytes,
                "sha256": self.sha256, "vault": self.vault}


@dataclass
class Restored:
    files: int
    vault: bool
    previous: str | None  # where the replaced data was moved, if anything was replaced
    replaced: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"files": self.files, "vault": self.vault, "previous": self.previous,
                "replaced": self.replaced}


# -- making a backup ---------------------------------------------------------------------------

def backed_up_files(home: Path) -> list[str]:
    """The data directory's files a backup holds, as sorted relative POSIX paths."""
    found = []
    for part in PARTS:
        path = home / part
        if path.is_file():
            found.append(part)
        elif path.is_dir():
            # The journal before the objects: an entry read refers to an object already there.
            for sub in sorted(path.rglob("*"), key=lambda p: "journal" not in p.parts):
                relative = sub.relative_to(home).as_posix()
                if sub.is_file() and sub.name not in VAULT_LOCAL \
                        and _BACKED_UP.fullmatch(relative):
                    found.append(relative)
    return sorted(found)


def _vault_keys(header: bytes) -> dict:
    parsed = json.loads(header)
    return {"x25519": parsed["x25519"], "ed25519": parsed["ed25519"]}


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def make_backup(home: Path, out: Path) -> Summary:
    """Write the backup of `home` to `out` (atomically). The vault is read while no process
    changes it, so its journal and objects agree."""
    has_vault = Vault.exists(home)
    with disk_full_means("backup_not_written"):
        if has_vault:
            with Vault.open(home).unchanging():
                return _write_backup(home, out)
        return _write_backup(home, out)


def _write_backup(home: Path, out: Path) -> Summary:
    entries, vault = [], None
    with atomic_writer(out) as f, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as zf:
        for relative in backed_up_files(home):
            data = (home / relative).read_bytes()
            if relative == "vault/vault.json":
                vault = _vault_keys(data)
            # Encrypted vault objects do not compress: storing them spares the CPU.
            info = _zip_info(DATA + relative)
            if relative.startswith("vault/objects/"):
                info.compress_type = zipfile.ZIP_STORED
            zf.writestr(info, data)
            entries.append({"path": relative, "size": len(data),
                            "sha256": hashlib.sha256(data).hexdigest()})
        manifest = {"format": FORMAT, "version": VERSION, "created_at": now_iso(),
                    "iprdesk_version": __version__, "vault": vault, "files": entries}
        zf.writestr(_zip_info(MANIFEST), json.dumps(manifest, indent=1).encode())
    return Summary(path=str(out), files=len(entries), bytes=sum(e["size"] for e in entries),
                   sha256=_file_sha256(out), vault=vault is not None)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


# -- checking one ------------------------------------------------------------------------------

@dataclass
class Backup:
    """A backup whose manifest and member list were checked (contents are checked while
    unpacking)."""

    zf: zipfile.ZipFile
    created_at: str
    vault: dict | None
    entries: list[Entry]
    members: dict[str, zipfile.ZipInfo]


def open_backup(path: Path) -> Backup:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise NotABackup(Message("error.backup.not_a_zip", {"e": e})) from e
    try:
        return _checked(zf)
    except BaseException:
        zf.close()
        raise


def _checked(zf: zipfile.ZipFile) -> Backup:
    infos = zf.infolist()
    if len(infos) > MAX_FILES + 1:
        raise NotABackup(Message("error.backup.too_many_files", {"max_files": MAX_FILES}))
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if info.filename in members:
            raise NotABackup(Message("error.backup.member_twice", {"name": info.filename}))
        members[info.filename] = info
    if MANIFEST not in members:
        raise NotABackup(Message("error.backup.no_manifest", {"manifest": MANIFEST}))
    try:
        raw = b"".join(inflated(zf, members.pop(MANIFEST), MAX_MANIFEST_BYTES))
        manifest = json.loads(raw)
    except TooLarge as e:
        raise NotABackup(Message("error.backup.manifest_too_large", {"manifest": MANIFEST})) from e
    except (Unreadable, ValueError, RecursionError) as e:
        raise NotABackup(Message("error.backup.manifest_not_json", {"manifest": MANIFEST})) from e
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise NotABackup(Message("error.backup.manifest_not_ours", {"manifest": MANIFEST}))
    if manifest.get("version") != VERSION:
        raise NotABackup(Message("error.backup.unknown_version",
                                 {"found": manifest.get("version"), "version": VERSION}))
    entries = _entries(manifest.get("files"))
    vault = manifest.get("vault")
    has_vault_header = any(e.path == "vault/vault.json" for e in entries)
    if vault is not None and not (isinstance(vault, dict) and set(vault) == {"x25519", "ed25519"}
                                  and all(isinstance(v, str) for v in vault.values())):
        raise NotABackup(Message("error.backup.vault_keys_shape"))
    if (vault is not None) != has_vault_header or (
            any(e.path.startswith("vault/") for e in entries) and not has_vault_header):
        raise NotABackup(Message("error.backup.vault_incomplete"))
    listed = {DATA + e.path for e in entries}
    extra = sorted(set(members) - listed)
    if extra:
        raise NotABackup(Message("error.backup.not_in_manifest", {"path": extra[0]}))
    missing = sorted(listed - set(members))
    if missing:
        raise NotABackup(Message("error.backup.not_in_zip", {"path": missing[0]}))
    for e in entries:
        info = members[DATA + e.path]
        if info.file_size != e.size:
            raise NotABackup(Message("error.backup.wrong_size", {"path": e.path}))
    created = manifest.get("created_at")
    return Backup(zf=zf, created_at=created if isinstance(created, str) else "",
                  vault=vault, entries=entries, members=members)


def _entries(files) -> list[Entry]:
    if not isinstance(files, list) or len(files) > MAX_FILES:
        raise NotABackup(Message("error.backup.file_list_shape"))
    entries, seen, total = [], set(), 0
    for item in files:
        if not isinstance(item, dict) or set(item) != {"path", "size", "sha256"}:
            raise NotABackup(Message("error.backup.entry_shape"))
        path, size, sha = item["path"], item["size"], item["sha256"]
        if not isinstance(path, str) or not _BACKED_UP.fullmatch(path):
            raise NotABackup(Message("error.backup.foreign_path", {"path": str(path)[:200]}))
        if type(size) is not int or size < 0 or not isinstance(sha, str) \
                or not _SHA256.fullmatch(sha):
            raise NotABackup(Message("error.backup.entry_malformed", {"path": path}))
        if path in seen:
            raise NotABackup(Message("error.backup.listed_twice", {"path": path}))
        seen.add(path)
        total += size
        entries.append(Entry(path, size, sha))
    if total > MAX_TOTAL_BYTES:
        raise NotABackup(Message("error.backup.too_much_data"))
    return entries


# -- restoring ---------------------------------------------------------------------------------

def restore(home: Path, source: Path, *, force: bool = False) -> Restored:
    """Restore the backup `source` into `home`. Checks everything first; without `force`,
    refuses (Conflict) to replace anything the backup does not hold."""
    backup = open_backup(source)
    with backup.zf:
        _refuse_losses(home, backup, force)
        total = sum(e.size for e in backup.entries)
        if shutil.disk_usage(home).free < total:
            raise IprdeskError(key="backup.no_room", params={"bytes": total}, code="disk_full",
                               status=507)
        staging = home / f".restore-{secrets.token_hex(6)}"
        staging.mkdir(mode=0o700)
        try:
            with disk_full_means("nothing_restored"):
                _unpack(backup, staging)
            return _swap(home, staging, backup)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _refuse_losses(home: Path, backup: Backup, force: bool) -> None:
    """Conflict naming what restoring would replace that the backup does not hold."""
    if force:
        return
    here = Vault.exists(home)
    if here:
        keys = _vault_keys((Vault.location(home) / "vault.json").read_bytes())
        if backup.vault != keys:
            raise Conflict(key="backup.other_vault", code="other_vault")
    in_backup = {e.path: e for e in backup.entries}
    lost = []
    for relative in backed_up_files(home):
        if relative == "config.json":
            continue  # settings are replaced by the backup's: that is what restoring means
        entry = in_backup.get(relative)
        path = home / relative
        if entry is None or entry.size != path.stat().st_size \
                or entry.sha256 != _file_sha256(path):
            lost.append(relative)
    if lost:
        raise Conflict(key="backup.would_replace",
                       params={"count": len(lost), "example": lost[0]},
                       code="restore_would_replace")


def _unpack(backup: Backup, staging: Path) -> None:
    """Every member into `staging`, hashed as it inflates, read no further than its size."""
    for e in backup.entries:
        target = staging / e.path
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        digest = hashlib.sha256()
        try:
            with open(target, "xb") as f:
                os.chmod(target, 0o600)
                for block in inflated(backup.zf, backup.members[DATA + e.path], e.size):
                    digest.update(block)
                    f.write(block)
                f.flush()
                os.fsync(f.fileno())
        except TooLarge as err:
            raise NotABackup(Message("error.backup.inflates", {"path": e.path})) from err
        except Unreadable as err:
            raise NotABackup(Message("error.backup.member_unreadable",
                                     {"path": e.path, "err": err})) from err
        if digest.hexdigest() != e.sha256:
            raise NotABackup(Message("error.backup.altered", {"path": e.path}))
    header = staging / "vault" / "vault.json"
    if header.is_file():
        try:
            keys = _vault_keys(header.read_bytes())
        except (ValueError, KeyError, TypeError) as err:
            raise NotABackup(Message("error.backup.vault_json_unreadable")) from err
        if keys != backup.vault:
            raise NotABackup(Message("error.backup.vault_json_other_keys"))
    for folder in {p.parent for p in staging.rglob("*") if p.is_file()}:
        fsync_dir(folder)


def _swap(home: Path, staging: Path, backup: Backup) -> Restored:
    """Move each part in place, the one it replaces into restore-previous-<time>/; on any
    failure, put back what was there."""
    previous = home / f"restore-previous-{now_iso().replace(':', '')}-{secrets.token_hex(2)}"
    done: list[tuple[str, bool, bool]] = []  # (part, old one moved aside, new one moved in)
    try:
        for part in PARTS:
            new, old = staging / part, home / part
            moved_aside = old.exists()
            if moved_aside:
                previous.mkdir(exist_ok=True, mode=0o700)
                os.rename(old, previous / part)
            done.append((part, moved_aside, False))
            if new.exists():
                os.rename(new, old)
                done[-1] = (part, moved_aside, True)
        fsync_dir(home)
    except BaseException:
        for part, moved_aside, moved_in in reversed(done):
            if moved_in:
                os.rename(home / part, staging / part)
            if moved_aside:
                os.rename(previous / part, home / part)
        if previous.exists() and not any(previous.iterdir()):
            previous.rmdir()
        raise
    replaced = [part for part, moved_aside, _ in done if moved_aside]
    return Restored(files=len(backup.entries), vault=backup.vault is not None,
                    previous=str(previous) if replaced else None, replaced=replaced)
