"""The provenance record of each product image: where it came from, the documents behind it
(vault items: the original, the licence, the contract, the invoice) and their hashes.

Kept in `<home>/provenance/records.json`, keyed by the SHA-256 of the image as listed (the
clean copy), written atomically under `provenance/.lock` (the CLI and the agent both write).
The documents themselves stay in the vault; a record holds only their ids and hashes, so it
says nothing a stolen laptop's owner would mind beyond what images the store sells.
"""

import contextlib
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from pathlib import Path

from iprdesk import timeutil
from iprdesk.atomic import atomic_write_json
from iprdesk.errors import BadInput, IprdeskError, NotFound, disk_full_means
from iprdesk.locking import exclusive

# Where an image came from (shared/messages `provenance.origin.*` names them).
ORIGINS = ("own_photo", "own_design", "stock", "commissioned", "supplier")
# What a document proves, and the vault kind it is filed as when the record seals it.
ROLES = {"original": "original", "licence": "licence", "contract": "contract",
         "invoice": "receipt"}
SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_TEXT = 500
MAX_DOCUMENTS = 50  # per role


def image_sha256(path: Path) -> str:
    """The SHA-256 of an image file, read in blocks (a PSD may be hundreds of megabytes)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def checked_sha256(value) -> str:
    text = str(value or "").strip().lower()
    if not SHA256.fullmatch(text):
        raise BadInput(key="provenance.bad_image", params={"image": str(value)[:80]})
    return text


@dataclass
class Document:
    """A vault item behind the record, with the SHA-256 of its content."""

    item: str
    sha256: str | None = None
    name: str | None = None
    # For an original sealed when the image was cleaned: when, and by what (upload, folder).
    sealed_at: str | None = None
    sealed_by: str | None = None


@dataclass
class Record:
    image: str  # SHA-256 of the image as listed (the clean copy)
    origin: str | None = None
    name: str | None = None
    product: str | None = None
    case: str | None = None
    note: str | None = None
    documents: dict[str, list[Document]] = field(default_factory=dict)
    created_at: str = ""
    updated_at: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict) -> "Record":
        known = {f.name for f in fields(cls)}
        record = cls(**{k: v for k, v in raw.items() if k in known})
        record.documents = {role: [Document(**d) for d in docs]
                            for role, docs in (raw.get("documents") or {}).items()}
        return record


def _text(value, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT or "\n" in value.strip():
        raise BadInput(key="provenance.bad_text", params={"field": what, "max": MAX_TEXT})
    return value.strip() or None


class ProvenanceStore:
    def __init__(self, home: Path):
        self.root = Path(home) / "provenance"
        self.path = self.root / "records.json"

    @contextlib.contextmanager
    def _locked(self):
        self.root.mkdir(exist_ok=True, mode=0o700)
        with exclusive(self.root / ".lock"):
            yield

    def _load(self) -> dict[str, Record]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return {sha: Record.from_dict(r) for sha, r in raw["records"].items()}
        except FileNotFoundError:
            return {}
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise IprdeskError(key="provenance.damaged", params={"path": str(self.path),
                                                                 "problem": str(e)[:120]},
                               code="provenance_damaged", status=500) from e

    def _save(self, records: dict[str, Record]) -> None:
        with disk_full_means("provenance_not_saved"):
            atomic_write_json(self.path, {"version": 1, "records": {
                sha: r.to_dict() for sha, r in sorted(records.items())}})

    def get(self, image: str) -> Record:
        record = self._load().get(checked_sha256(image))
        if record is None:
            raise NotFound(key="provenance.no_record", params={"image": image[:12]})
        return record

    def find(self, image: str) -> Record | None:
        return self._load().get(checked_sha256(image))

    def for_image(self, sha256: str) -> Record | None:
        """The record of the image with this hash: as listed (the clean copy), or its original
        before cleaning (a file not yet uploaded through the guard)."""
        return self.lookup()(checked_sha256(sha256))

    def lookup(self):
        """`for_image` over the records as they are now, read once (an audit of a catalogue)."""
        records = self._load()
        by_original = {d.sha256: r for r in records.values()
                       for d in r.documents.get("original", []) if d.sha256}
        return lambda sha256: records.get(sha256) or by_original.get(sha256)

    def all(self, product: str | None = None, case: str | None = None) -> list[Record]:
        return [r for r in self._load().values()
                if (product is None or r.product == product) and (case is None or r.case == case)]

    def set(self, image: str, *, now: datetime | None = None, documents=None, **changes) -> Record:
        """Create or change the record of `image`. `changes`: origin, name, product, case, note
        (None leaves one as it is, "" clears it); `documents`: {role: [Document]} added to
        those the record has (an item already listed is not listed twice)."""
        image = checked_sha256(image)
        unknown = sorted(set(changes) - {"origin", "name", "product", "case", "note"})
        if unknown:
            raise BadInput(key="provenance.unknown_field", params={"fields": ", ".join(unknown)})
        origin = changes.get("origin")
        if origin not in (None, "") and origin not in ORIGINS:
            raise BadInput(key="provenance.bad_origin",
                           params={"origin": str(origin)[:40], "origins": ", ".join(ORIGINS)})
        checked = {k: _text(v, k) for k, v in changes.items() if v is not None}
        for role, docs in (documents or {}).items():
            if role not in ROLES:
                raise BadInput(key="provenance.bad_role",
                               params={"role": str(role)[:40], "roles": ", ".join(ROLES)})
            if len(docs) > MAX_DOCUMENTS:
                raise BadInput(key="provenance.too_many", params={"max": MAX_DOCUMENTS})
        stamp = timeutil.iso(now or timeutil.utc_now())
        with self._locked():
            records = self._load()
            record = records.get(image) or Record(image=image, created_at=stamp)
            for name, value in checked.items():
                setattr(record, name, value)
            for role, docs in (documents or {}).items():
                listed = record.documents.setdefault(role, [])
                listed += [d for d in docs if d.item not in {x.item for x in listed}]
                if len(listed) > MAX_DOCUMENTS:
                    raise BadInput(key="provenance.too_many", params={"max": MAX_DOCUMENTS})
            record.updated_at = stamp
            records[image] = record
            self._save(records)
        return record
