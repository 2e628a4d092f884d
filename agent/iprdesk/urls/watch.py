"""A case's old image URLs, re-checked on a schedule until they are gone for good.

After an edit Joom re-moderates the listing for about 96 hours, and meanwhile the old listing
and its old images stay public (DESIGN section 1). So each watched URL is checked:
- hourly while it is still public or its state is unknown (sooner when an edge cache's copy
  should expire sooner; later only when the host asked for it with Retry-After);
- once more after the moderation window, even if it was already dead: the old version can
  come back while moderation runs;
- and then no more, once it is gone (dead or placeholder) after the window.

The list knows nothing of cases beyond their ids: open cases feed it and the post-moderation
check meets their deadline in `iprdesk.casework.old_urls`.

The complained picture is the first image a watched URL served (or the reference given when
it was added): later checks compare against it, so a CDN swapping in a default image counts
as gone. Every check can be sealed into the vault as evidence (`urlrecord`).

Stored in `url-watch.json` in the data directory; writers hold an exclusive lock on
`url-watch.lock`, so the agent's scheduler and the CLI can both update it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from iprdesk.atomic import atomic_write_json, read_case_file
from iprdesk.errors import BadInput, NotFound
from iprdesk.images import similar
from iprdesk.locking import exclusive
from iprdesk.text import shared_data
from iprdesk.timeutil import iso, parse_time, utc_now
from iprdesk.urls import check as urlcheck
from iprdesk.urls import record as urlrecord

log = logging.getLogger("iprdesk.urlwatch")

def _moderation_hours() -> float:
    rules = shared_data.load("deadlines.json")["deadlines"]
    rule = next(r for r in rules if r["id"] == "moderation_recheck")
    return rule["hours"]


MODERATION_WINDOW = timedelta(hours=_moderation_hours())
RECHECK_INTERVAL = timedelta(hours=1)
MAX_CASE_ID = 200
MAX_URLS_PER_CASE = 5000


@dataclass
class Watched:
    case: str
    url: str
    added_at: str
    moderation_check_at: str
    next_check_at: str | None  # None: finished, the URL is gone after the moderation window
    variant_of: str | None = None
    reference: dict | None = None  # a similar.Fingerprint as JSON
    last: dict | None = None  # verdict, reason, cache, status, checked_at, recheck_after
    checks: int = 0
    evidence_ids: list[str] = field(default_factory=list)
    # The complained picture's thumbnail (base64 JPEG) as first served; not in the JSON: the
    # case's pictures are served by casework.case_images.
    thumbnail: str | None = None

    def to_json(self) -> dict:
        d = asdict(self)
        del d["thumbnail"]
        d["state"] = self.state
        return d

    @property
    def state(self) -> str:
        """What a seller needs to know: pending, the last verdict, or done."""
        if self.next_check_at is None:
            return "done"
        return self.last["verdict"] if self.last else "pending"


def check_case_id(case: str) -> str:
    if not isinstance(case, str) or not case.strip() or len(case) > MAX_CASE_ID:
        raise BadInput(key="error.urlwatch.bad_case",
                       params={"max_chars": MAX_CASE_ID}, code="bad_case")
    return case.strip()


def next_check(w: Watched, result: urlcheck.CheckResult, now: datetime) -> str | None:
    """When to check `w` again after `result`, or None when it is finished."""
    moderation = parse_time(w.moderation_check_at)
    if result.verdict in urlcheck.GONE:
        return w.moderation_check_at if now < moderation else None
    due = now + RECHECK_INTERVAL
    if result.recheck_after:
        asked = parse_time(result.recheck_after)
        # A stale cache may expire sooner; a throttled host may ask for longer.
        due = asked if result.verdict == "unknown" else min(due, asked)
    if now < moderation < due:
        due = moderation
    return iso(due)


class WatchList:
    def __init__(self, home: Path):
        self.path = home / "url-watch.json"
        self.lock_path = home / "url-watch.lock"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict]:
        """The stored state under an exclusive lock; saved if the block ends normally."""
        with exclusive(self.lock_path):
            state = self._read()
            before = json.dumps(state, sort_keys=True)
            yield state
            if json.dumps(state, sort_keys=True) != before:
                atomic_write_json(self.path, state)

    def _read(self) -> dict:
        return read_case_file(self.path, damaged="error.urlwatch.damaged",
                               not_ours="error.urlwatch.not_ours", code="watch_list_damaged")

    def list(self, case: str | None = None) -> list[Watched]:
        cases = self._read()["cases"]
        if case is not None:
            cases = {case: cases.get(case, {})}
        return [Watched(**entry) for c in sorted(cases) for entry in cases[c].values()]

    def add(self, case: str, urls: list[str], reference: similar.Fingerprint | None = None,
            now: datetime | None = None, variants: bool = True) -> list[Watched]:
        """Watch `urls` (and their Joom CDN size variants) for `case`; returns the new ones."""
        case = check_case_id(case)
        family = _family(urls, variants)
        now = now or utc_now()
        added = []
        with self._locked() as state:
            entries = state["cases"].setdefault(case, {})
            _check_room(entries, family)
            for candidate, parent in family:
                if candidate in entries:
                    continue
                w = Watched(case=case, url=candidate, added_at=iso(now),
                            moderation_check_at=iso(now + MODERATION_WINDOW),
                            next_check_at=iso(now), variant_of=parent,
                            reference=reference.to_json() if reference else None)
                entries[candidate] = asdict(w)
                added.append(w)
        return added

    def check_room(self, case: str | None, urls: list[str]) -> None:
        """Raise `too_many_urls` if watching `urls` too would take `case` over the limit, so a
        caller can refuse before it saves anything (a new case has no entries yet)."""
        entries = self._read()["cases"].get(case, {}) if case else {}
        _check_room(entries, _family(urls, True))

    def set_moderation_end(self, case: str, when: datetime) -> None:
        """Move the case's post-moderation check (its images were replaced at `when` - 96 h)."""
        stamp = iso(when)
        with self._locked() as state:
            for entry in state["cases"].get(case, {}).values():
                if entry["moderation_check_at"] == stamp:
                    continue
                entry["moderation_check_at"] = stamp
                if entry["next_check_at"] is None or parse_time(entry["next_check_at"]) > when:
                    entry["next_check_at"] = stamp

    def remove(self, case: str, url: str) -> list[str]:
        """Stop watching `url` for `case`, and its size variants with it (they were added for
        it); returns the URLs no longer watched, `url` first."""
        with self._locked() as state:
            entries = state["cases"].get(case, {})
            if url not in entries:
                raise NotFound(key="error.urlwatch.not_watched", params={"case": case, "url": url},
                               code="not_watched")
            removed = [url] + [u for u, e in entries.items() if e.get("variant_of") == url]
            for u in removed:
                del entries[u]
            if not entries:
                del state["cases"][case]
        return removed

    def due(self, now: datetime, case: str | None = None) -> list[Watched]:
        return [w for w in self.list(case)
                if w.next_check_at is not None and parse_time(w.next_check_at) <= now]

    def keep_thumbnail(self, case: str, url: str, thumbnail: str) -> None:
        """The thumbnail of a complained picture recorded before thumbnails were kept, made
        later from a copy of the very picture (`case_images.page_images`)."""
        with self._locked() as state:
            raw = state["cases"].get(case, {}).get(url)
            if raw is not None and raw.get("reference") and not raw.get("thumbnail"):
                raw["thumbnail"] = thumbnail

    def record(self, outcomes: list[tuple[str, urlcheck.CheckResult, str | None]],
               now: datetime) -> list[Watched]:
        """Store checks' outcomes (case, result, evidence id) and schedule the next ones, in
        one write of the list however many URLs a pass checked."""
        updated = []
        with self._locked() as state:
            for case, result, evidence_id in outcomes:
                raw = state["cases"].get(case, {}).get(result.url)
                if raw is None:
                    raise NotFound(key="error.urlwatch.not_watched",
                                   params={"case": case, "url": result.url})
                w = Watched(**raw)
                w.checks += 1
                if evidence_id:
                    w.evidence_ids.append(evidence_id)
                if w.reference is None and result.verdict == "live" and result.image:
                    w.reference = result.image  # the complained picture, as first seen
                    w.thumbnail = None if w.variant_of else result.thumbnail
                elif w.reference and w.thumbnail is None and not w.variant_of:
                    # Seen before thumbnails were kept: the complained picture served again.
                    w.thumbnail = result.thumbnail
                # A scheduled pass and "check now" can overlap: an outcome seen before the
                # stored one stays evidence, but never replaces the newer verdict.
                if not _older(result, w.last):
                    w.last = {k: getattr(result, k) for k in ("verdict", "reason", "cache",
                                                                "status", "checked_at",
                                                                "recheck_after")}
                    w.next_check_at = next_check(w, result, now)
                state["cases"][case][result.url] = asdict(w)
                updated.append(w)
        return updated


def _older(result: urlcheck.CheckResult, last: dict | None) -> bool:
    return bool(last) and parse_time(result.checked_at) < parse_time(last["checked_at"])


def _family(urls: list[str], variants: bool) -> list[tuple[str, str | None]]:
    """Each URL (parent None) followed by its Joom CDN size variants (parent the URL)."""
    checked = [urlcheck.parse_url(u) for u in urls]
    if not checked:
        raise BadInput(key="error.urlwatch.no_urls")
    cdn = urlcheck.JoomCdn.load()
    return [pair for url in checked
            for pair in [(url, None)] + [(v, url) for v in (cdn.variants(url) if variants
                                                             else [])]]


def _check_room(entries: dict, family: list[tuple[str, str | None]]) -> None:
    total = len(entries.keys() | {url for url, _ in family})
    if total > MAX_URLS_PER_CASE:
        raise BadInput(key="error.urlwatch.too_many",
                       params={"max_urls": MAX_URLS_PER_CASE, "total": total}, code="too_many_urls")


async def check_watched(home: Path, watched: list[Watched], *, record: bool = True,
                        options: urlcheck.Options | None = None,
                        now: datetime | None = None) -> list[Watched]:
    """Check these watched URLs now, store the outcomes and (if asked) seal them as evidence.

    Evidence is recorded when the vault exists; a missing vault never blocks the check.
    """
    if not watched:
        return []
    # Variants are watched as entries of their own.
    options = dataclasses.replace(options or urlcheck.Options(), variants=False)
    async with urlcheck.Checker(options) as checker:
        results = await asyncio.gather(*(
            checker.check(w.url, w.variant_of,
                          similar.Fingerprint.from_json(w.reference) if w.reference else None,
                          thumbnail=w.thumbnail is None and not w.variant_of)
            for w in watched))
    # Sealing and writing the list block (vault crypto, fsync): off the event loop.
    return await asyncio.to_thread(_store_outcomes, home, watched, results,
                                   now or utc_now(), record)


def _store_outcomes(home: Path, watched: list[Watched], results, now: datetime,
                    record: bool) -> list[Watched]:
    evidence_ids: list[str | None] = [None] * len(results)
    if record:
        evidence_ids = _seal(home, watched, results) or evidence_ids
    updated = WatchList(home).record(
        [(w.case, r, eid) for w, r, eid in zip(watched, results, evidence_ids, strict=True)],
        now)
    return updated


def _seal(home: Path, watched: list[Watched], results) -> list[str] | None:
    try:
        by_case: dict[str, list[int]] = {}
        for i, w in enumerate(watched):
            by_case.setdefault(w.case, []).append(i)
        ids: list[str | None] = [None] * len(results)
        for case, indexes in by_case.items():
            for i, eid in zip(indexes, urlrecord.record_results(
                    home, case, [results[i] for i in indexes]), strict=True):
                ids[i] = eid
        return ids
    except urlrecord.VaultUnavailable:
        return None
