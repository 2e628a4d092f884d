"""Fingerprints already taken, kept by the SHA-256 of the file's bytes, so that auditing a
catalogue again decodes only the images that changed; and what comparing each image with the
last set of complained images found, so that auditing it again against them compares only
those (`verdicts`).

One SQLite database in the data directory, `cache/fingerprints.sqlite`, in WAL mode: each
batch of fingerprints is one transaction, so an audit stopped at any moment (Ctrl-C, a kill,
a crash) leaves every batch before it in place and nothing half-written. The key is the
content hash and the fingerprint format's version (`similar.FINGERPRINT_VERSION`), never the
file's name or place: a renamed or copied image is still found, an edited one is not. It
holds no path, and a backup leaves it out (it is remade by the next audit).

A cache is an optimisation, so nothing here stops an audit: a database that is not one (or
turns out damaged while in use) is set aside and started afresh, one that cannot be written
is skipped, an entry that does not read back is a miss (`similar` checks each one).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

CACHE_FILE = Path("cache") / "fingerprints.sqlite"
# A second audit running at the same time waits this long for the other's write.
_BUSY_MS = 5_000
_SCHEMA = ("CREATE TABLE IF NOT EXISTS fingerprints (sha256 TEXT NOT NULL, version INTEGER "
           "NOT NULL, fingerprint TEXT NOT NULL, PRIMARY KEY (sha256, version)) WITHOUT ROWID")
# What comparing an image with one set of complained images found (`similar.audit`), by the
# image's content SHA-256; `against` names the set, the fingerprints' version and the
# comparison's code together, so a result is only ever read back for the very same question.
_VERDICTS_SCHEMA = ("CREATE TABLE IF NOT EXISTS verdicts (against TEXT NOT NULL, sha256 TEXT "
                    "NOT NULL, verdict TEXT NOT NULL, PRIMARY KEY (against, sha256)) "
                    "WITHOUT ROWID")


def cache_file(home: Path) -> Path:
    return home / CACHE_FILE


class FingerprintCache:
    """Stored fingerprints (as their JSON text) by (content SHA-256, format version).

    `problem` is why the cache is not in use (an `sqlite3.Error` or `OSError`), else None;
    every method is then a quiet no-op. A `reader` (a worker process looking fingerprints
    up while the audit's own process writes them) never creates, repairs or writes."""

    def __init__(self, file: Path, *, reader: bool = False):
        self.file = Path(file)
        self.reader = reader
        self.problem: Exception | None = None
        self._db: sqlite3.Connection | None = None
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as e:  # not a database, or damaged: start afresh
            if reader:
                self.problem = e
                return
            log.warning("fingerprint cache %s unreadable (%s): starting a new one", file, e)
            self._discard()
            try:
                self._db = self._open()
            except (sqlite3.Error, OSError) as again:
                self.problem = again
        except (sqlite3.Error, OSError) as e:
            self.problem = e

    @classmethod
    def in_home(cls, home: Path) -> FingerprintCache:
        return cls(cache_file(home))

    def _open(self) -> sqlite3.Connection:
        if not self.reader:
            self.file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        elif not self.file.is_file():
            raise sqlite3.OperationalError("no cache yet")
        db = sqlite3.connect(self.file, timeout=_BUSY_MS / 1000, isolation_level=None)
        try:
            if not self.reader:
                db.execute("PRAGMA journal_mode=WAL")
                # A cache may lose its last batches to a power cut, never its consistency.
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute(_SCHEMA)
                db.execute(_VERDICTS_SCHEMA)
            db.execute("SELECT 1 FROM fingerprints LIMIT 1").fetchall()
        except BaseException:
            db.close()
            raise
        return db

    def _discard(self) -> None:
        """Remove the database file (and its WAL) so that the next open starts empty."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                self.file.with_name(self.file.name + suffix).unlink()

    def _failed(self, e: sqlite3.Error) -> None:
        if isinstance(e, sqlite3.OperationalError) and "locked" in str(e):
            return  # another audit holds the write lock: this batch is skipped, no more
        log.warning("fingerprint cache %s failed (%s): no longer used", self.file, e)
        self.problem = e
        if (not self.reader and isinstance(e, sqlite3.DatabaseError)
                and not isinstance(e, sqlite3.OperationalError)):
            self._discard()  # damaged: the next audit starts a new one
        self.close()

    def get(self, sha256: str, version: int) -> str | None:
        """The fingerprint stored for this content and version, else None."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT fingerprint FROM fingerprints WHERE sha256 = ? AND version = ?",
                (sha256, version)).fetchone()
        except sqlite3.Error as e:
            self._failed(e)
            return None
        return row[0] if row and isinstance(row[0], str) else None

    def put_many(self, version: int, items: Iterable[tuple[str, str]]) -> None:
        """Store (sha256, fingerprint JSON) pairs in one transaction: all of them or none."""
        self._insert("INSERT OR REPLACE INTO fingerprints (sha256, version, fingerprint) "
                     "VALUES (?, ?, ?)", [(sha, version, fp) for sha, fp in items])

    def _insert(self, sql: str, rows: list[tuple]) -> None:
        if self._db is None or not rows:
            return
        try:
            with self._transaction():
                self._db.executemany(sql, rows)
        except sqlite3.Error as e:
            self._failed(e)

    def forget_other_versions(self, version: int) -> None:
        """Drop what an older (or newer) fingerprint format stored: it will not be read."""
        if self._db is None:
            return
        try:
            with self._transaction():
                self._db.execute("DELETE FROM fingerprints WHERE version != ?", (version,))
        except sqlite3.Error as e:
            self._failed(e)

    def verdicts(self, against: str) -> dict[str, str]:
        """Every verdict stored for the comparison `against` names, by content SHA-256; those
        of any other comparison are dropped (a catalogue is audited against the complaints of
        the day: older sets would only grow the file)."""
        if self._db is None:
            return {}
        try:
            with self._transaction():
                self._db.execute("DELETE FROM verdicts WHERE against != ?", (against,))
            rows = self._db.execute("SELECT sha256, verdict FROM verdicts WHERE against = ?",
                                    (against,)).fetchall()
        except sqlite3.Error as e:
            self._failed(e)
            return {}
        return {sha: verdict for sha, verdict in rows
                if isinstance(sha, str) and isinstance(verdict, str)}

    def put_verdicts(self, against: str, items: Iterable[tuple[str, str]]) -> None:
        """Store (sha256, verdict text) pairs for `against` in one transaction."""
        self._insert("INSERT OR REPLACE INTO verdicts (against, sha256, verdict) VALUES (?, ?, ?)",
                     [(against, sha, verdict) for sha, verdict in items])

    @contextlib.contextmanager
    def _transaction(self):
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:  # KeyboardInterrupt included: nothing of the batch is kept
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def __enter__(self) -> FingerprintCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
