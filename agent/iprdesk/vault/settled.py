"""`<vault>/settled`: the journal entry up to which the vault is known to be settled, so that a
writer in a fresh process (`iprdesk vault add`, a capture) neither reads the whole journal nor
lists every object to finish what a killed process left (store.Vault._recover).

Format 1, one line of JSON:

    {"v": 1, "seq": N, "digest": SHA-256 of journal entry N's bytes,
     "objects_mtime_ns": the modification time of objects/ when it was written}

It says: every object in objects/ is journaled by entry N at the latest, every object the
journal up to N deletes or replaces is gone, and nothing was changed since. Settled means
what a full recovery leaves: there may be files recovery does not touch (damaged, or not
objects), which `verify` names.

- A writer holding the vault lock removes it, and makes the removal durable, before its first
  change to objects/; and writes it again, when it leaves the lock without an error, if it
  found the vault settled (this file held, or its full recovery ran on a sound journal).
  A process killed in between leaves no file, so the next writer recovers in full.
- A writer believes it only while entry N's bytes still hash to `digest`, there is no entry
  N+1 (journaled by a writer killed before it wrote the file again: a signed entry), and
  objects/ still has that modification time (changed by an older iprdesk that does not know
  this file). Else, and when it is missing or unreadable, the writer recovers in full.
- It is only a hint, written without fsync (a lost or torn one means a full recovery) and
  left out of backups. `verify` always recovers in full.
"""

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from iprdesk.atomic import fsync_dir
from iprdesk.vault.journal import Journal

NAME = "settled"
FORMAT = 1


@dataclass(frozen=True)
class Settled:
    seq: int
    digest: str
    objects_mtime_ns: int


def read(root: Path) -> Settled | None:
    """The marker in the vault folder `root`; None when missing or unreadable."""
    try:
        raw = json.loads((root / NAME).read_bytes())
        seq, digest, mtime = raw["seq"], raw["digest"], raw["objects_mtime_ns"]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if raw.get("v") != FORMAT or type(seq) is not int or seq < 1 or type(mtime) is not int \
            or not isinstance(digest, str):
        return None
    return Settled(seq, digest, mtime)


def holds(marker: Settled, journal: Journal, objects_dir: Path) -> bool:
    """Whether the vault is still as the marker says (see above): three small reads."""
    try:
        if os.stat(objects_dir).st_mtime_ns != marker.objects_mtime_ns:
            return False
        raw = journal.path(marker.seq).read_bytes()
    except OSError:
        return False
    return hashlib.sha256(raw).hexdigest() == marker.digest \
        and not journal.path(marker.seq + 1).exists()


def write(root: Path, seq: int, digest: str, objects_dir: Path) -> None:
    """Record the vault as settled at entry `seq` (holding the vault lock)."""
    value = {"v": FORMAT, "seq": seq, "digest": digest,
             "objects_mtime_ns": os.stat(objects_dir).st_mtime_ns}
    temp = root / f".{NAME}.tmp"  # one name: only the lock holder writes it
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # owner-only, as all
    with os.fdopen(fd, "wb") as f:
        f.write(json.dumps(value).encode())
    os.replace(temp, root / NAME)


def clear(root: Path) -> None:
    """Remove the marker, durably, before objects/ changes (holding the vault lock)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(root / NAME)
        fsync_dir(root)
