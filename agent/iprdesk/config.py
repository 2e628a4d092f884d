"""The agent's settings, kept as `config.json` in the data directory.

Missing keys take their defaults, so an old config keeps working after an upgrade. Only keys
known here are accepted: a typo is an error, not a silently ignored setting.
"""

import json
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from iprdesk.atomic import atomic_write_json
from iprdesk.errors import BadInput

DEFAULT_PORT = 17321
# The name, company and store sign the letters; the address and phone a counter-notice must give.
SELLER_FIELDS = ("name", "company", "store", "address", "phone")
MAX_SELLER_FIELD = 200
# A telephone number as people write it: digits with +, spaces, dashes, dots, brackets, "ext".
PHONE = re.compile(r"\+?[0-9(][0-9 ()./-]{4,30}(?: ?(?:ext\.?|x) ?[0-9]{1,6})?", re.IGNORECASE)


@dataclass
class Config:
    port: int = DEFAULT_PORT
    # Extension ids allowed besides the one pinned by the manifest key (Edge, a store build).
    extra_extension_ids: list[str] = field(default_factory=list)
    # Folders the agent watches and cleans: [{"in": DIR, "out": DIR, "heic_to_jpeg": false}].
    watch: list[dict] = field(default_factory=list)
    # The agent locks the evidence vault again after this long without a vault request.
    vault_idle_lock_seconds: int = 600
    # Heavy requests (strip, assess, capture, export, preflight, drafts, licence checks) that
    # may wait for a free core; beyond them the agent answers 503 busy, so memory stays
    # bounded under any load.
    work_queue_depth: int = 8
    # Who signs the drafted letters (drafts.py); empty until the seller sets them, and a
    # letter without a name holds a gap for it instead of a made-up signature.
    seller_name: str = ""
    seller_company: str = ""
    seller_store: str = ""
    seller_address: str = ""
    seller_phone: str = ""
    # The upload guard and the watched folders seal each photo's original (its camera, capture
    # time: the proof it is the seller's own) into the vault before cleaning it.
    seal_originals: bool = True
    # The Joom Merchant API the catalogue audit reads, "" for Joom's own (merchant/api.py);
    # the stores' tokens are kept apart (merchant/stores.py).
    merchant_api_url: str = ""

    @classmethod
    def load(cls, home: Path) -> "Config":
        path = home / "config.json"
        if not path.exists():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise BadInput(key="error.config.not_json", params={"path": path, "e": e}) from e
        if not isinstance(raw, dict):
            raise BadInput(key="error.config.not_object", params={"path": path})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise BadInput(key="error.config.unknown_settings",
                           params={"path": path, "unknown": list(unknown)})
        return cls(**raw)

    def seller(self) -> dict:
        return {key: getattr(self, f"seller_{key}") for key in SELLER_FIELDS}

    def set_seller(self, **values) -> None:
        """Set the seller's details; None leaves one as it is, "" clears it."""
        for key, value in values.items():
            if key not in SELLER_FIELDS:
                raise BadInput(key="error.config.unknown_seller_field",
                               params={"key": key, "fields": list(SELLER_FIELDS)})
            if value is None:
                continue
            if not isinstance(value, str) or len(value) > MAX_SELLER_FIELD or "\n" in value:
                raise BadInput(key="error.config.seller_field_too_long",
                               params={"key": key, "max_chars": MAX_SELLER_FIELD})
            if key == "phone" and value.strip() and not PHONE.fullmatch(value.strip()):
                raise BadInput(key="error.config.seller_phone", params={"phone": value.strip()})
            setattr(self, f"seller_{key}", value.strip())

    def save(self, home: Path) -> None:
        atomic_write_json(home / "config.json", asdict(self))


def watch_entries(entries: list[dict]) -> list[tuple[Path, Path, bool]]:
    """config.json `watch` checked, without loading the watcher: (in, out, heic_to_jpeg) of
    each entry; BadInput naming the entry that is wrong."""
    checked = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not entry.get("in") or not entry.get("out"):
            raise BadInput(key="error.watch.entry_folders", params={"number": number})
        unknown = set(entry) - {"in", "out", "heic_to_jpeg"}
        if unknown:
            raise BadInput(key="error.watch.entry_unknown",
                           params={"number": number, "unknown": sorted(map(str, unknown))})
        src = Path(entry["in"]).expanduser()
        if not src.is_dir():
            raise BadInput(key="error.watch.entry_not_folder",
                           params={"number": number, "path": str(src)})
        checked.append((src, Path(entry["out"]).expanduser(), bool(entry.get("heic_to_jpeg"))))
    return checked
