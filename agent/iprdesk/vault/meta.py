"""What the vault records about each piece of evidence, and the rules for it.

Callers pass a plain dict; `normalise` checks it field by field and names the field that is
wrong. The vault itself adds `sha256` and `size` (taken from the bytes as they arrive, before
anything else touches them) and `added_at`.
"""

import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from iprdesk.errors import BadInput
from iprdesk.text import shared_data
from iprdesk.timeutil import now_iso

# The kinds of evidence, from shared/evidence_kinds.json (the extension reads the same list).
_KINDS = shared_data.load("evidence_kinds.json")["kinds"]
KINDS = tuple(kind["id"] for kind in _KINDS)
# Each kind's name for people, {lang: text}.
KIND_LABELS = {kind["id"]: kind["label"] for kind in _KINDS}
# Kinds of which only the newest in a case counts (a corrected bank slip replaces the old).
NEWER_SUPERSEDES = frozenset(kind["id"] for kind in _KINDS if kind["newer_supersedes"])

# Longest accepted value per text field: generous for real use, bounded against abuse.
TEXT_FIELDS = {
    "case": 200,
    "complaint_id": 200,
    "source_url": 8192,
    "page_title": 2000,
    "user_agent": 1000,
    "original_name": 500,
    "note": 10000,
    "content_type": 200,
}
MAX_PRODUCT_IDS = 1000
SHA256_RE = re.compile(r"[0-9a-f]{64}")


@dataclass
class Item:
    """One piece of evidence as listed: its id and its decrypted metadata."""

    id: str
    kind: str
    sha256: str
    size: int
    captured_at: str
    added_at: str
    case: str | None = None
    complaint_id: str | None = None
    product_ids: list[str] = field(default_factory=list)
    source_url: str | None = None
    page_title: str | None = None
    user_agent: str | None = None
    original_name: str | None = None
    note: str | None = None
    content_type: str | None = None
    # An original sealed before cleaning: the SHA-256 of the clean copy made from it.
    clean_sha256: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, object_id: str, raw: dict) -> "Item":
        if raw.keys() <= _ITEM_FIELDS:  # as the vault writes it: no copy to leave keys out
            return cls(object_id, **raw)
        return cls(object_id, **{k: v for k, v in raw.items() if k in _ITEM_FIELDS})


_ITEM_FIELDS = frozenset(Item.__dataclass_fields__) - {"id"}  # what metadata an Item takes


def split_superseded(items: list[Item]) -> tuple[list[Item], list[Item]]:
    """(the items that count, the older ones a newer item of the same kind and case replaced),
    each in the given order. Newer is the later capture."""
    newest: dict[tuple, Item] = {}
    for item in items:
        if item.kind in NEWER_SUPERSEDES:
            key = (item.case, item.kind)
            if key not in newest or (item.captured_at, item.added_at) >= (
                    newest[key].captured_at, newest[key].added_at):
                newest[key] = item
    kept = {id(item) for item in newest.values()}
    current = [i for i in items if i.kind not in NEWER_SUPERSEDES or id(i) in kept]
    return current, [i for i in items if i.kind in NEWER_SUPERSEDES and id(i) not in kept]


def _utc(value, name: str) -> str:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    raise BadInput(key="error.evidence.time_with_zone",
                   params={"name": name, "example": "2026-03-01T08:30:00Z"})


def normalise(meta: dict) -> dict:
    """A checked copy of `meta` with defaults filled in; BadInput names the bad field."""
    if not isinstance(meta, dict):
        raise BadInput(key="error.evidence.meta_not_object")
    known = {"kind", "captured_at", "product_ids", "sha256", "clean_sha256", *TEXT_FIELDS}
    unknown = sorted(set(meta) - known)
    if unknown:
        raise BadInput(key="error.evidence.unknown_fields",
                       params={"unknown": list(unknown), "known": sorted(known)})
    out: dict = {}
    kind = meta.get("kind") or "other"
    if kind not in KINDS:
        raise BadInput(key="error.evidence.bad_kind",
                       params={"kinds": list(KINDS), "kind": str(kind)[:40]})
    out["kind"] = kind
    for name, limit in TEXT_FIELDS.items():
        value = meta.get(name)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise BadInput(key="error.evidence.not_text", params={"name": name})
        if len(value) > limit:
            raise BadInput(key="error.evidence.too_long", params={"name": name, "limit": limit})
        out[name] = value
    ids = meta.get("product_ids") or []
    if isinstance(ids, str):
        ids = [ids]
    if not isinstance(ids, list) or not all(isinstance(i, str) and 0 < len(i) <= 200
                                            for i in ids):
        raise BadInput(key="error.evidence.product_ids_shape")
    if len(ids) > MAX_PRODUCT_IDS:
        raise BadInput(key="error.evidence.too_many_products",
                       params={"max_products": MAX_PRODUCT_IDS})
    out["product_ids"] = list(dict.fromkeys(ids))
    out["captured_at"] = _utc(meta["captured_at"], "captured_at") if meta.get("captured_at") \
        else now_iso()
    # The hash taken at capture, and an original's clean copy's (sealed before cleaning).
    for name in ("sha256", "clean_sha256"):
        claimed = meta.get(name)
        if claimed is not None:
            if not isinstance(claimed, str) or not SHA256_RE.fullmatch(claimed.lower()):
                raise BadInput(key="error.evidence.bad_sha256", params={"name": name})
            out[name] = claimed.lower()
    return out
