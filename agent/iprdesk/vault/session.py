"""The agent's hold on the vault: opened once, unlocked on request, locked again when idle.

Only one process-wide Vault object exists in the agent, so an unlock from the popup serves
every later request until `idle_seconds` pass without one. Locking drops the private keys
(Python cannot scrub memory, but nothing keeps a reference to them afterwards).

Every unlock and lock signs a journal checkpoint (`Vault.checkpoint`): captures are unsigned
(they need no passphrase), and a checkpoint closes the time in which someone who can write the
vault folder could change them unnoticed.
"""

import logging
import threading
import time
from pathlib import Path

from iprdesk.errors import IprdeskError
from iprdesk.lazy import lazy_module
from iprdesk.vault.backoff import Clock

# The store (cryptography, Argon2) loads with the first vault use, not with the agent.
store = lazy_module("iprdesk.vault.store")

log = logging.getLogger("iprdesk.vault")


class VaultSession:
    def __init__(self, home: Path, idle_seconds: float, clock: Clock = time.time):
        self.home = home
        self.clock = clock  # wall-clock time for the wrong-passphrase backoff
        self.idle_seconds = idle_seconds
        self._vault: store.Vault | None = None
        self._stamp: tuple | None = None
        self._last_used = 0.0
        self._lock = threading.Lock()

    def vault(self, *, activity: bool = True) -> "store.Vault":
        """The vault (VaultMissing until `iprdesk vault init` has run).

        `activity` restarts the idle clock: reading and exporting do, while status polls and
        captures (which never need the keys) do not keep the vault unlocked.
        """
        with self._lock:
            stamp = self._header_stamp()
            # Reopened when vault.json changes under the agent (`vault passwd`, a new vault):
            # the keys held so far are then stale, so the vault starts locked again.
            if self._vault is None or stamp != self._stamp:
                self._vault = store.Vault.open(self.home, clock=self.clock)
                self._stamp = stamp
            if activity:
                self._last_used = time.monotonic()
            return self._vault

    def _header_stamp(self) -> tuple | None:
        try:
            st = (store.Vault.location(self.home) / "vault.json").stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def create(self, passphrase: str) -> None:
        """A new vault (`Vault.create`: VaultExists if there is one, WeakPassphrase), held
        unlocked as after an unlock."""
        created = store.Vault.create(self.home, passphrase)  # Argon2id: not under the lock
        with self._lock:
            self._vault, self._stamp = created, self._header_stamp()
            self._last_used = time.monotonic()
        log.info("vault created")

    def change_passphrase(self, old: str, new: str) -> None:
        """Re-wrap the keys under `new` (`Vault.passwd`: WrongPassphrase, with its backoff,
        if `old` is wrong). The vault stays unlocked after it, as it would after an unlock."""
        vault = self.vault()
        vault.passwd(old, new)
        with self._lock:
            self._stamp = self._header_stamp()  # our own change: the keys held are current
            self._last_used = time.monotonic()
        log.info("vault passphrase changed")

    def unlock(self, passphrase: str) -> None:
        vault = self.vault()
        vault.unlock(passphrase)
        _checkpoint(vault)
        self._last_used = time.monotonic()  # the idle clock starts once Argon2id is done

    def lock(self) -> None:
        with self._lock:
            if self._vault is not None:
                if self._vault.unlocked:
                    _checkpoint(self._vault)
                self._vault.lock()

    @property
    def unlocked(self) -> bool:
        return self._vault is not None and self._vault.unlocked

    def locks_in(self) -> float | None:
        """Seconds until the idle lock, or None when locked."""
        if not self.unlocked:
            return None
        return max(0.0, self.idle_seconds - (time.monotonic() - self._last_used))

    def lock_if_idle(self) -> bool:
        """Lock when idle long enough; True if it just locked."""
        remaining = self.locks_in()
        if remaining is not None and remaining <= 0:
            self.lock()
            return True
        return False


def _checkpoint(vault: "store.Vault") -> None:
    """A checkpoint that cannot be written (disk full, damaged journal) never stands in the
    way of unlocking or locking; `vault verify` tells what is left unsigned."""
    try:
        vault.checkpoint()
    except (OSError, IprdeskError) as e:
        log.warning("no journal checkpoint signed: %s", e)
