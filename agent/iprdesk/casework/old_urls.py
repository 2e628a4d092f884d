"""A case's old image URLs on the watch list: the flows between cases and watched URLs.

The watch list (`iprdesk.urls.watch`) knows nothing of cases; a case store only adds a case's
old URLs to it (refusing, before it saves, what the list cannot take). Everything else lives
here: open cases feed the list, their moderation window starting at the case's
`images_replaced` event, the first check after the window records the case's
`images_rechecked` event, and a URL the seller removes leaves both the case and the list.
"""

import asyncio
import logging
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from iprdesk.casework import case_images, cases
from iprdesk.errors import BadInput, IprdeskError, NotFound
from iprdesk.timeutil import parse_time, utc_now
from iprdesk.urls import check as urlcheck
from iprdesk.urls import watch as urlwatch

log = logging.getLogger("iprdesk.urlwatch")


def sync_cases(home: Path) -> None:
    """Watch every open case's old URLs, with its moderation window when images were replaced.

    A case that cannot be watched (damaged, over the limit) is logged and skipped: it must not
    stop the checks of every other case.
    """
    watch = urlwatch.WatchList(home)
    watched = {(w.case, w.url) for w in watch.list()}
    store = cases.CaseStore(home)
    for case_id in store.ids():
        try:
            case = store.get(case_id)
            if case.status != "open":
                continue
            new = [u for u in case.old_urls if (case.id, u) not in watched]
            if new:
                watch.add(case.id, new)
            replaced = case.events.get("images_replaced")
            if replaced and case.old_urls:
                watch.set_moderation_end(case.id, parse_time(replaced, "images replaced")
                                         + urlwatch.MODERATION_WINDOW)
        except IprdeskError as e:
            log.warning("case %s: its old URLs are not watched: %s", case_id, e)


class Forgotten(NamedTuple):
    urls: list[str]  # no longer watched, the URL first, then its CDN sizes
    # The complained picture it served: "kept" among the case's references, "forgotten", or
    # None when it never served one.
    picture: str | None


def forget(home: Path, case_id: str, url: str, keep_picture: bool = True) -> Forgotten:
    """Stop watching `url` for the case for good: off the case's old URLs (else the next sync
    would watch it again) and off the watch list with its size variants. The complained
    picture it served (compared with every new upload) would go with it: with `keep_picture`
    it is kept among the case's complained pictures first, named by the URL. NotFound
    (`not_watched`) when the case has the URL in neither."""
    url = urlcheck.parse_url(url)
    watch = urlwatch.WatchList(home)
    watched = next((w for w in watch.list(case_id) if w.url == url), None)
    served = watched if watched and watched.reference else None
    listed = url in cases.CaseStore(home).get(case_id).old_urls
    if not watched and not listed:
        raise NotFound(key="error.urlwatch.not_watched", params={"case": case_id, "url": url},
                       code="not_watched")
    if keep_picture and served:
        case_images.CaseImages(home).keep_served(case_id, url, served.reference,
                                                 served.thumbnail)
    cases.CaseStore(home).remove_url(case_id, url)
    try:
        removed = watch.remove(case_id, url)
    except NotFound:
        removed = [url]  # listed on the case but not watched yet (a sync had not run)
    return Forgotten(removed, None if not served else "kept" if keep_picture else "forgotten")


def _mark_rechecked(home: Path, checked: list[urlwatch.Watched], now: datetime) -> None:
    """A check after the moderation window meets the case's "check again" deadline."""
    store = cases.CaseStore(home)
    for case_id in {w.case for w in checked
                    if now >= parse_time(w.moderation_check_at, "moderation check")}:
        try:
            case = store.get(case_id)
        except (NotFound, BadInput):
            continue  # a watch list entry made by hand, not a case
        if "images_replaced" in case.events and "images_rechecked" not in case.events:
            store.record_event(case_id, "images_rechecked", now=now)


async def check(home: Path, watched: list[urlwatch.Watched], *, record: bool = True,
                options: urlcheck.Options | None = None,
                now: datetime | None = None) -> list[urlwatch.Watched]:
    """Check these watched URLs now (`urlwatch.check_watched`), then record the cases' events."""
    updated = await urlwatch.check_watched(home, watched, record=record, options=options,
                                           now=now)
    if updated:
        await asyncio.to_thread(_mark_rechecked, home, watched, now or utc_now())
    return updated


async def run_due_checks(home: Path, now: datetime | None = None) -> int:
    """One scheduler pass: pick up cases' old URLs, check every due URL; returns the count."""
    await asyncio.to_thread(sync_cases, home)
    due = await asyncio.to_thread(urlwatch.WatchList(home).due, now or utc_now())
    await check(home, due)
    return len(due)
