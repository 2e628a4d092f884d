"""Audit by provenance: every image of a catalogue folder without a provenance record, or
whose record's licence fails the licence check, so a seller can show for each image where it
came from and why they may use it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from iprdesk.provenance import evidence
from iprdesk.provenance.records import ProvenanceStore, image_sha256
from iprdesk.vault import Vault

# What the audit says of one image; the first two make the audit fail.
VERDICTS = ("no_record", "licence_fail", "licence_unknown", "licence_locked", "recorded",
            "unreadable")
FAILING = frozenset({"no_record", "licence_fail"})


@dataclass
class Audited:
    path: Path
    verdict: str
    image: str | None = None  # its SHA-256
    origin: str | None = None

    def to_dict(self) -> dict:
        return {"path": str(self.path), "verdict": self.verdict, "image": self.image,
                "origin": self.origin}


def audit(home: Path, paths: list[Path], *, vault: Vault | None, seller: dict, today: date,
          on_done: Callable[[], None] = lambda: None) -> list[Audited]:
    """Each image's verdict. A record's licence is checked when the vault is unlocked (each
    licence once); locked, it is `licence_locked`, never taken as good."""
    lookup = ProvenanceStore(home).lookup()
    checked: dict[str, str] = {}
    found = []
    for path in paths:
        try:
            sha = image_sha256(path)
        except OSError:
            found.append(Audited(path, "unreadable"))
            on_done()
            continue
        record = lookup(sha)
        licences = record.documents.get("licence") if record else None
        if record is None:
            verdict = "no_record"
        elif not licences:
            verdict = "recorded"
        elif vault is None or not vault.unlocked:
            verdict = "licence_locked"
        else:
            item = licences[-1].item
            if item not in checked:
                status = evidence.licence_check(vault, record, seller, today).status
                checked[item] = {"pass": "recorded", "fail": "licence_fail"}.get(
                    status, "licence_unknown")
            verdict = checked[item]
        found.append(Audited(path, verdict, sha, record.origin if record else None))
        on_done()
    return found
