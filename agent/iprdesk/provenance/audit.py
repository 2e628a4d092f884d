"""Audit by provenance: every image of a catalogue folder without a provenance record, or
whose record's licence fails the licence check, so a seller can show for each image where it
came from and why they may use it. `Job` is one audit as the desk follows it: how far it has
come (for a progress bar) and, once done, what it found."""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from iprdesk import timeutil
from iprdesk.errors import BadInput, IprdeskError
from iprdesk.images import similar
from iprdesk.provenance import evidence
from iprdesk.provenance.records import ProvenanceStore, image_sha256
from iprdesk.vault import Vault

# What the audit says of one image; the first two make the audit fail.
VERDICTS = ("no_record", "licence_fail", "licence_unknown", "licence_locked", "recorded",
            "unreadable")
FAILING = frozenset({"no_record", "licence_fail"})


@dataclass
class Audited:
    """One image's verdict: a file of a catalogue folder (`path`), or an image of a store's
    Merchant API catalogue (`store`, `product` and its `name`, `url`)."""
    path: Path | None
    verdict: str
    image: str | None = None  # its SHA-256
    origin: str | None = None
    store: str | None = None
    product: str | None = None
    name: str | None = None
    url: str | None = None

    def to_dict(self) -> dict:
        return {"path": None if self.path is None else str(self.path), "verdict": self.verdict,
                "image": self.image, "origin": self.origin, "store": self.store,
                "product": self.product, "name": self.name, "url": self.url}


def judge(home: Path, *, vault: Vault | None, seller: dict,
          today: date) -> Callable[[str], tuple[str, str | None]]:
    """The verdict and origin of an image by its SHA-256, over the records as they are now.
    A record's licence is checked when the vault is unlocked (each licence once); locked, it
    is `licence_locked`, never taken as good."""
    lookup = ProvenanceStore(home).lookup()
    checked: dict[str, str] = {}

    def verdict_of(sha: str) -> tuple[str, str | None]:
        record = lookup(sha)
        licences = record.documents.get("licence") if record else None
        if record is None:
            return "no_record", None
        if not licences:
            return "recorded", record.origin
        if vault is None or not vault.unlocked:
            return "licence_locked", record.origin
        item = licences[-1].item
        if item not in checked:
            status = evidence.licence_check(vault, record, seller, today).status
            checked[item] = {"pass": "recorded", "fail": "licence_fail"}.get(
                status, "licence_unknown")
        return checked[item], record.origin
    return verdict_of


def audit(paths: list[Path], verdict_of: Callable[[str], tuple[str, str | None]],
          *, on_done: Callable[[], None] = lambda: None) -> list[Audited]:
    """Each image file's verdict (verdict_of: `judge`)."""
    found = []
    for path in paths:
        try:
            sha = image_sha256(path)
        except OSError:
            found.append(Audited(path, "unreadable"))
            on_done()
            continue
        verdict, origin = verdict_of(sha)
        found.append(Audited(path, verdict, sha, origin))
        on_done()
    return found


MAX_FOLDERS = 20


class Stopped(Exception):
    """The job was asked to stop (the agent stopping)."""


def folders_of(values) -> list[Path]:
    """The catalogue folders a request names: existing folders, at most MAX_FOLDERS."""
    if not isinstance(values, list) or not values or len(values) > MAX_FOLDERS or not all(
            isinstance(v, str) and v.strip() for v in values):
        raise BadInput(key="provenance.audit.bad_folders", params={"max": MAX_FOLDERS})
    folders = [Path(v.strip()).expanduser() for v in values]
    for folder in folders:
        if not folder.is_dir():
            raise BadInput(key="provenance.audit.not_a_folder", params={"folder": str(folder)})
    return folders


@dataclass
class Job:
    """One audit, of catalogue folders or of the stores' Merchant API catalogue, run in a
    thread: `total` is known once the images are listed, `done` counts those judged so far."""
    folders: list[Path] = field(default_factory=list)
    stores: list[str] = field(default_factory=list)
    started_at: str = field(default_factory=lambda: timeutil.iso(timeutil.utc_now()))
    state: str = "listing"  # listing, checking, done, failed
    total: int | None = None
    done: int = 0
    found: list[Audited] = field(default_factory=list)
    # Images alike across the stores of a catalogue audit (catalogue.CrossStore).
    alike: list = field(default_factory=list)
    finished_at: str | None = None
    error: IprdeskError | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    @property
    def running(self) -> bool:
        return self.state in ("listing", "checking")

    def stop(self) -> None:
        self._stop.set()

    def listed(self, total: int) -> None:
        self.total, self.state = total, "checking"

    def one_more(self) -> None:
        self.done += 1
        if self._stop.is_set():
            raise Stopped

    def run(self, work: Callable[["Job"], list[Audited]]) -> None:
        """The whole audit (blocking): `work` lists the images (`listed`) and judges each
        (`one_more`); what it found, or the error that ended it."""
        try:
            self.found = work(self)
            self.state = "done"
        except Stopped:
            self.state = "failed"
            self.error = IprdeskError(key="provenance.audit.stopped")
        except IprdeskError as e:
            self.state, self.error = "failed", e
        finally:
            self.finished_at = timeutil.iso(timeutil.utc_now())

    def to_dict(self, lang: str) -> dict:
        """The job's progress; once done, its counts per verdict and the images that need the
        seller (every verdict but `recorded`)."""
        counts = dict.fromkeys(VERDICTS, 0)
        for item in self.found:
            counts[item.verdict] += 1
        return {"state": self.state, "folders": [str(f) for f in self.folders],
                "stores": self.stores,
                "total": self.total, "done": self.done, "started_at": self.started_at,
                "finished_at": self.finished_at, "counts": counts,
                "failing": sum(counts[v] for v in FAILING),
                "images": [a.to_dict() for a in self.found if a.verdict != "recorded"],
                "alike_across_stores": [pair.to_dict() for pair in self.alike],
                "error": None if self.error is None else {
                    "code": self.error.code, "message": self.error.text(lang)}}


def audit_folders(home: Path, job: Job, *, vault: Vault | None, seller: dict,
                  today: date) -> list[Audited]:
    """The work of a Job over its catalogue folders."""
    paths = [p for folder in job.folders for p in similar.image_files(folder)]
    job.listed(len(paths))
    return audit(paths, judge(home, vault=vault, seller=seller, today=today),
                 on_done=job.one_more)
