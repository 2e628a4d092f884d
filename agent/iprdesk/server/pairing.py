"""Extension tokens: browser sessions and (opt-in, for scripts) pairing codes.

A browser session token is minted by the native host for each native messaging connection
(`new_session`) and is valid only while that host holds the agent (server/services.py
`Holds`); the agent drops it when the connection ends, and every session at start-up.
Opt-in pairing: `iprdesk pair` writes a short one-time code; a client sends it to
`POST /v1/pair` and gets a long-lived token back.
Everything lives in `auth.json` in the data directory, only as SHA-256 hashes: the file never
holds a usable secret. Hosts, the CLI and the agent all edit the file, so every
read-modify-write holds an exclusive lock on `auth.lock`.
"""

import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from iprdesk.atomic import atomic_write_json
from iprdesk.errors import IprdeskError, NotFound, disk_full_means
from iprdesk.locking import exclusive
from iprdesk.text.i18n import Message

CODE_TTL_SECONDS = 10 * 60
CODE_TRIES = 5
# No 0/O, 1/I/L, so a code read aloud or off a terminal is typed right the first time.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


class PairingFailed(IprdeskError):
    code = "pairing_failed"
    status = 403


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


@dataclass
class TokenInfo:
    id: str
    label: str
    created: float
    session: bool = False  # a browser session's, valid only while its native host holds it


class AuthStore:
    def __init__(self, home: Path):
        self.path = home / "auth.json"
        self._lock_path = home / "auth.lock"
        self._cache: tuple[int, dict] | None = None

    def _locked(self):
        return exclusive(self._lock_path)

    def _read(self) -> dict:
        try:
            stamp = os.stat(self.path).st_mtime_ns
        except FileNotFoundError:
            return {"pending": None, "tokens": []}
        if self._cache and self._cache[0] == stamp:
            return self._cache[1]
        state = json.loads(self.path.read_text(encoding="utf-8"))
        self._cache = (stamp, state)
        return state

    def _write(self, state: dict, undone: str) -> None:
        """Save `state`; on a full disk auth.json stays as it was and `undone` says what."""
        try:
            with disk_full_means(undone):
                atomic_write_json(self.path, state)
        finally:
            self._cache = None

    def new_code(self, now: float | None = None) -> tuple[str, float]:
        """A fresh one-time code (replacing any pending one) and its expiry time."""
        now = time.time() if now is None else now
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        expires = now + CODE_TTL_SECONDS
        with self._locked():
            state = self._read()
            state["pending"] = {"hash": _digest(code), "expires": expires, "tries": CODE_TRIES}
            self._write(state, "code_not_made")
        return f"{code[:4]}-{code[4:]}", expires

    def redeem(self, code: str, label: str = "extension", now: float | None = None) -> str:
        """Trade a valid pairing code for a new token; each wrong try uses one of five."""
        now = time.time() if now is None else now
        with self._locked():
            state = self._read()
            pending = state.get("pending")
            if not pending or pending["expires"] < now or pending["tries"] <= 0:
                if pending:
                    state["pending"] = None
                    self._write(state, "expired_code_kept")
                raise PairingFailed(
                    key="error.pairing.no_code"
                )
            if not hmac.compare_digest(_digest(normalise_code(code)), pending["hash"]):
                pending["tries"] -= 1
                left = pending["tries"]
                if left <= 0:
                    state["pending"] = None
                self._write(state, "wrong_try_not_counted")
                hint = (Message("error.pairing.tries_left", {"count": left}) if left > 0
                        else Message("error.pairing.run_pair_again"))
                raise PairingFailed(key="error.pairing.wrong_code", params={"hint": hint})
            token = secrets.token_urlsafe(32)
            state["pending"] = None
            state["tokens"].append(
                {"id": secrets.token_hex(4), "hash": _digest(token), "label": label,
                 "created": now}
            )
            self._write(state, "not_paired")
        return token

    def new_session(self, label: str = "browser session",
                    now: float | None = None) -> tuple[str, str]:
        """A fresh browser session credential: (its id, the token)."""
        now = time.time() if now is None else now
        token, token_id = secrets.token_urlsafe(32), f"s-{secrets.token_hex(6)}"
        with self._locked():
            state = self._read()
            state["tokens"].append({"id": token_id, "hash": _digest(token), "label": label,
                                    "created": now, "session": True})
            self._write(state, "no browser session was opened")
        return token_id, token

    def verify(self, token: str) -> TokenInfo | None:
        """The token's entry if it is known; every stored hash is compared in constant time."""
        digest = _digest(token)
        found = None
        for entry in self._read()["tokens"]:
            if hmac.compare_digest(digest, entry["hash"]):
                found = _info(entry)
        return found

    def tokens(self) -> list[TokenInfo]:
        """The long-lived tokens given out by pairing (not browser sessions)."""
        return [_info(e) for e in self._read()["tokens"] if not e.get("session")]

    def revoke(self, token_id: str, missing_ok: bool = False) -> None:
        with self._locked():
            state = self._read()
            kept = [e for e in state["tokens"] if e["id"] != token_id]
            if len(kept) == len(state["tokens"]):
                if missing_ok:
                    return
                raise NotFound(key="error.pairing.no_token", params={"token_id": token_id})
            state["tokens"] = kept
            self._write(state, "token_not_revoked")

    def drop_sessions(self) -> None:
        """Forget every browser session (an agent starting: no host holds it yet)."""
        with self._locked():
            state = self._read()
            kept = [e for e in state["tokens"] if not e.get("session")]
            if len(kept) != len(state["tokens"]):
                state["tokens"] = kept
                self._write(state, "old browser sessions were not cleared")

    def paired(self) -> bool:
        return bool(self.tokens())


def _info(entry: dict) -> TokenInfo:
    return TokenInfo(entry["id"], entry["label"], entry["created"], bool(entry.get("session")))
