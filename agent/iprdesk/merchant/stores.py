"""The seller's Joom stores whose Merchant API catalogue the agent may read: each a name the
seller chose and its OAuth2 access token, kept in `merchant-stores.json` in the data directory
with mode 0600 (the token is a password to the store). A token is written here and sent only to
the Merchant API (merchant/api.py); nothing reads one back out: listings give the names alone.
"""

import json
from pathlib import Path

from iprdesk.atomic import atomic_write_json
from iprdesk.errors import BadInput, NotFound
from iprdesk.locking import exclusive

FILE = "merchant-stores.json"
MAX_STORES = 20
MAX_NAME = 80
MAX_TOKEN = 4096


def _checked_name(name) -> str:
    name = str(name or "").strip()
    if not name or len(name) > MAX_NAME or "\n" in name:
        raise BadInput(key="merchant.store.bad_name", params={"max_chars": MAX_NAME})
    return name


def _checked_token(token) -> str:
    token = token.strip() if isinstance(token, str) else ""
    if not token or len(token) > MAX_TOKEN or any(c.isspace() for c in token):
        raise BadInput(key="merchant.store.bad_token")
    return token


class StoreTokens:
    def __init__(self, home: Path):
        self.path = Path(home) / FILE

    def _load(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return {str(s["name"]): str(s["token"]) for s in raw["stores"]}
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise BadInput(key="merchant.store.damaged", params={"path": self.path}) from e

    def _save(self, stores: dict[str, str]) -> None:
        atomic_write_json(self.path, {"stores": [{"name": n, "token": t}
                                                 for n, t in stores.items()]}, mode=0o600)

    def names(self) -> list[str]:
        return list(self._load())

    def tokens(self) -> dict[str, str]:
        """Each store's name and token, for the Merchant API client only."""
        return self._load()

    def set(self, name, token) -> list[str]:
        """Add a store, or give one a new token; the names now kept."""
        name, token = _checked_name(name), _checked_token(token)
        with exclusive(self.path.with_name(FILE + ".lock")):
            stores = self._load()
            if name not in stores and len(stores) >= MAX_STORES:
                raise BadInput(key="merchant.store.too_many", params={"max": MAX_STORES})
            stores[name] = token
            self._save(stores)
        return list(stores)

    def remove(self, name) -> list[str]:
        name = _checked_name(name)
        with exclusive(self.path.with_name(FILE + ".lock")):
            stores = self._load()
            if stores.pop(name, None) is None:
                raise NotFound(key="merchant.store.unknown", params={"name": name})
            self._save(stores)
        return list(stores)
