"""The vault's append-only, hash-chained journal of adds, exports and deletes.

One entry per file (`journal/0000000001.json`, ...), each written with temp file, fsync and
rename, never changed afterwards. Every entry holds the SHA-256 of the previous entry's bytes,
so an edited, removed or reordered entry breaks the chain at a place `verify` can name.
Entries say what happened to which object ids (an add lists every object of one batch with the
SHA-256 of its file), never anything identifying: names, cases and URLs live only in the
encrypted objects.

Writers hold the vault lock; readers need no lock because entries only ever appear whole.
"""

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from iprdesk.atomic import atomic_write_bytes
from iprdesk.vault.meta import utc_now

GENESIS = "0" * 64
NAME_DIGITS = 10


@dataclass
class Entry:
    seq: int
    op: str
    fields: dict
    digest: str  # SHA-256 of this entry's bytes: the next entry's `prev`


def encode_entry(value: dict) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class Journal:
    def __init__(self, folder: Path):
        self.folder = folder

    def _names(self) -> list[str]:
        return sorted(n for n in os.listdir(self.folder)
                      if n.endswith(".json") and not n.startswith("."))

    def head(self) -> tuple[int, str]:
        """(sequence number, digest) of the last entry; (0, GENESIS) when empty."""
        names = self._names()
        if not names:
            return 0, GENESIS
        raw = (self.folder / names[-1]).read_bytes()
        return json.loads(raw)["seq"], hashlib.sha256(raw).hexdigest()

    def entry(self, seq: int) -> dict:
        """The body of entry `seq` alone; OSError or ValueError when absent or unreadable."""
        body = json.loads((self.folder / f"{seq:0{NAME_DIGITS}d}.json").read_bytes())
        if not isinstance(body, dict):
            raise ValueError(f"journal entry {seq} is not an object")
        return body

    def append(self, op: str, signer=None, after: tuple[int, str] | None = None,
               **fields) -> Entry:
        """Add one entry. The caller holds the vault lock.

        With `signer` (the vault's Ed25519 key, only while unlocked) the entry carries a
        signature over the digest of everything before it: a checkpoint that even someone who
        rewrites the whole journal cannot forge. `after` is the head the caller already knows
        (read once per lock), which spares a directory listing per entry.
        """
        seq, prev = after or self.head()
        if signer is not None:
            fields["sig"] = signer.sign(prev.encode()).hex()
        body = {"seq": seq + 1, "op": op, "at": utc_now(), "prev": prev, **fields}
        raw = encode_entry(body)
        atomic_write_bytes(self.folder / f"{seq + 1:0{NAME_DIGITS}d}.json", raw, mode=0o400)
        return Entry(seq + 1, op, body, hashlib.sha256(raw).hexdigest())

    def read(self) -> tuple[list[Entry], list[str]]:
        """Every entry in order and, in plain words, everything wrong with the chain."""
        entries, problems = [], []
        prev, expected = GENESIS, 1
        for name in self._names():
            try:
                seq = int(name.removesuffix(".json"))
                raw = (self.folder / name).read_bytes()
                body = json.loads(raw)
                if not isinstance(body, dict):
                    raise ValueError(name)
            except (ValueError, OSError):
                problems.append(f"journal entry {name} is unreadable (edited or damaged)")
                prev, expected = None, expected + 1
                continue
            if seq != expected:
                problems.append(f"journal entries {expected} to {seq - 1} are missing"
                                if seq > expected + 1 else f"journal entry {expected} is missing")
            elif body.get("seq") != seq:
                problems.append(f"journal entry {seq} was edited (its number does not match)")
            elif prev is not None and body.get("prev") != prev:
                problems.append(f"the journal's hash chain is broken before entry {seq}: entry "
                                f"{seq - 1} was edited or replaced")
            digest = hashlib.sha256(raw).hexdigest()
            entries.append(Entry(seq, body.get("op", "?"), body, digest))
            prev, expected = digest, seq + 1
        return entries, problems

    def temp_leftovers(self) -> list[Path]:
        """Temp files of an interrupted append (only meaningful under the vault lock)."""
        return [self.folder / n for n in os.listdir(self.folder) if n.startswith(".")]
