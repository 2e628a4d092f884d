"""A case's pictures for the seller's eyes and the comparisons (issue 13): the complained
images, whether an old URL served them (kept by the watch list, `urls.watch`) or the seller
dropped them as files (kept here), and the copies of them the upload check caught (kept here),
each with its fingerprint and a small thumbnail (`images.thumbnails`). Readable while the
vault is locked: the upload check runs then too. The new images are the case's product photos
in the vault; their thumbnails are made from it when it is unlocked (`page_images`).
A complained picture an old URL served before thumbnails were kept gets its thumbnail late:
from the vault's copy of those very bytes when the case page asks while the vault is
unlocked, else from the URL's next check while it still serves the picture.

Stored in `case-images.json` in the data directory; writers hold `case-images.lock`.
A caught copy is "held" when the upload guard stopped it, "uploaded" when the seller uploaded
it anyway, "removed" once they say they took it off the product.

A removal is checked, not taken on the seller's word, where it can be (`check_removed`): the
seller's browser reads the case's product pages as the Panel shows them now (the extension's
product-page reader) and hands over the images each shows; the agent fetches every one and
compares it with the copy. One still like the copy refuses the removal, naming its URL. None
like it: the copy is removed, `removal` "checked". When that cannot be known (a page the
Panel did not show or that never answered, an image that could not be fetched, a case
without products), the copy is removed on the seller's word: `removal` "stated", with the
`removal_problem`, and the preflight's images.replaced stays unknown for it, so no letter
says the images were replaced. Removals recorded before this check read as stated.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import secrets
from collections.abc import Collection, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from iprdesk.atomic import atomic_write_json, read_case_file
from iprdesk.errors import BadInput, Conflict, NotFound
from iprdesk.images import similar, thumbnails
from iprdesk.locking import exclusive
from iprdesk.timeutil import iso, utc_now
from iprdesk.urls import check as urlcheck
from iprdesk.urls import watch as urlwatch

MAX_NAME = 200
MAX_PAGE_IMAGES = 100  # the images of a case's product pages a removal check fetches
# Why a removal could not be checked: a product page the Panel did not show (signed out,
# another store's product), one not seen to finish loading that showed no image yet, or that
# showed images but maybe not all, one that never answered, an image not fetched, no product.
REMOVAL_PROBLEMS = ("not_shown", "unconfirmed", "incomplete", "unreadable", "unfetched",
                    "no_pages")
MAX_PER_CASE = 200  # of each list; the oldest held copies go first
CAUGHT_STATES = ("held", "uploaded", "removed")


@dataclass
class Picture:
    id: str
    name: str
    sha256: str
    added_at: str
    fingerprint: dict
    thumbnail: str | None  # base64 JPEG
    # Caught copies only: the complained image it is like ("URL" or file name), the state.
    like: str | None = None
    state: str | None = None
    uploaded_at: str | None = None
    removed_at: str | None = None
    # How the removal is known: "checked" or "stated" (with why it could not be checked).
    removal: str | None = None
    removal_problem: str | None = None

    def to_json(self) -> dict:
        d = asdict(self)
        del d["fingerprint"]
        d["thumbnail"] = _uri(self.thumbnail)
        return d


def _uri(thumbnail: str | None) -> str | None:
    return "data:image/jpeg;base64," + thumbnail if thumbnail else None


def _name(name: str) -> str:
    return " ".join(str(name or "").split())[:MAX_NAME] or "image"


def _picture(data: bytes, name: str, now: datetime) -> Picture:
    """Fingerprint and thumbnail of `data`; BadInput when it is no picture."""
    name = _name(name)
    fingerprint = similar.fingerprint_bytes(data, name)
    return Picture(id=secrets.token_hex(6), name=name, sha256=fingerprint.sha256,
                   added_at=iso(now), fingerprint=fingerprint.to_json(),
                   thumbnail=base64.b64encode(thumbnails.thumbnail(data, name)).decode("ascii"))


class CaseImages:
    def __init__(self, home: Path):
        self.path = home / "case-images.json"
        self.lock_path = home / "case-images.lock"
        self.home = home

    def _read(self) -> dict:
        return read_case_file(self.path, damaged="error.case_images.damaged",
                               not_ours="error.case_images.not_ours", code="case_images_damaged")

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict]:
        with exclusive(self.lock_path):
            state = self._read()
            yield state
            atomic_write_json(self.path, state)

    def _list(self, case: str, role: str) -> list[Picture]:
        entries = self._read()["cases"].get(case, {}).get(role, [])
        return [Picture(**entry) for entry in entries]

    def complained(self, case: str) -> list[Picture]:
        """The complained images the seller dropped as files for `case`."""
        return self._list(case, "complained")

    def caught(self, case: str) -> list[Picture]:
        return self._list(case, "caught")

    def add_complained(self, case: str, data: bytes, name: str,
                       now: datetime | None = None) -> Picture:
        """Keep a complained image dropped as a file (its fingerprint and thumbnail); the same
        picture dropped again is the one kept before."""
        return self._keep_complained(case, _picture(data, name, now or utc_now()))

    def keep_served(self, case: str, url: str, fingerprint: dict, thumbnail: str | None,
                    now: datetime | None = None) -> Picture:
        """Keep the complained picture an old URL served (its fingerprint and thumbnail as the
        watch list held them), named by the URL, when the seller stops watching that URL but
        wants new uploads still compared with it; the same picture kept before is that one."""
        picture = Picture(id=secrets.token_hex(6), name=_name(url), sha256=fingerprint["sha256"],
                          added_at=iso(now or utc_now()), fingerprint=fingerprint,
                          thumbnail=thumbnail)
        return self._keep_complained(case, picture)

    def _keep_complained(self, case: str, picture: Picture) -> Picture:
        """`picture` among the case's complained ones, or the one of the same bytes kept before."""
        with self._locked() as state:
            kept = state["cases"].setdefault(case, {}).setdefault("complained", [])
            same = next((p for p in kept if p["sha256"] == picture.sha256), None)
            if same:
                return Picture(**same)
            if len(kept) >= MAX_PER_CASE:
                raise BadInput(key="error.case_images.too_many",
                               params={"max_images": MAX_PER_CASE})
            kept.append(asdict(picture))
        return picture

    def add_caught(self, case: str, data: bytes, name: str, like: str,
                   now: datetime | None = None) -> Picture:
        """Keep a copy the upload check stopped ("held"), with what it is like."""
        picture = _picture(data, name, now or utc_now())
        picture.like, picture.state = like, "held"
        with self._locked() as state:
            kept = state["cases"].setdefault(case, {}).setdefault("caught", [])
            kept.append(asdict(picture))
            while len(kept) > MAX_PER_CASE:
                held = next((i for i, p in enumerate(kept) if p["state"] == "held"), 0)
                del kept[held]
        return picture

    @staticmethod
    def _entry(kept: list[dict], caught_id: str, allowed: tuple[str, ...]) -> dict:
        entry = next((p for p in kept if p["id"] == caught_id), None)
        if entry is None:
            raise NotFound(key="error.case_images.no_such_copy",
                           params={"id": str(caught_id)[:40]})
        if entry["state"] not in allowed:
            raise Conflict(key="error.case_images.copy_state",
                           params={"name": entry["name"]}, code="copy_state")
        return entry

    def _move(self, case: str, caught_id: str, to: str, now: datetime | None,
              **facts) -> Picture:
        # A removal on the seller's word may be checked later, or found wrong.
        allowed = {"uploaded": ("held", "uploaded", "removed"),
                   "removed": ("uploaded", "removed")}[to]
        with self._locked() as state:
            entry = self._entry(state["cases"].get(case, {}).get("caught", []), caught_id,
                                allowed)
            entry["state"] = to
            entry[f"{to}_at"] = iso(now or utc_now())
            entry.update(facts)
            return Picture(**entry)

    def removable_copy(self, case: str, caught_id: str) -> Picture:
        """The copy a removal check is about: uploaded anyway, or removed on the seller's word
        (checked again). NotFound; Conflict when held or removed as checked."""
        entry = self._entry(self._read()["cases"].get(case, {}).get("caught", []), caught_id,
                            ("uploaded", "removed"))
        if entry.get("removal") == "checked":
            raise Conflict(key="error.case_images.copy_state",
                           params={"name": entry["name"]}, code="copy_state")
        return Picture(**entry)

    def uploaded_anyway(self, case: str, caught_id: str, now: datetime | None = None) -> Picture:
        return self._move(case, caught_id, "uploaded", now)

    def still_shown(self, copy: Picture, case: str) -> Picture:
        """A copy removed on the seller's word that a check found on the product after all."""
        return self._move(case, copy.id, "uploaded", None, uploaded_at=copy.uploaded_at,
                          removed_at=None, removal=None, removal_problem=None)

    def removed(self, case: str, caught_id: str, problem: str | None,
                now: datetime | None = None) -> Picture:
        """Removed: "checked" when `problem` is None, else on the seller's word."""
        return self._move(case, caught_id, "removed", now,
                          removal="stated" if problem else "checked", removal_problem=problem)


def references(home: Path, cases: Collection[str] | None = None,
               ) -> list[tuple[str, str, similar.Fingerprint]]:
    """Every complained picture of `cases` (of every case when None: the product page's
    badges): (case, the URL that served it or the dropped file's name, fingerprint)."""
    out = [(w.case, w.url, similar.Fingerprint.from_json(w.reference))
           for w in urlwatch.WatchList(home).list() if (cases is None or w.case in cases)
           and w.reference and not w.variant_of]
    store = CaseImages(home)
    for case in store._read()["cases"] if cases is None else cases:
        out += [(case, p.name, similar.Fingerprint.from_json(p.fingerprint))
                for p in store.complained(case)]
    return out


def labelled_references(home: Path, cases: Collection[str] | None = None,
                        ) -> list[tuple[str, similar.Fingerprint]]:
    """`references` as a person reads which one matched: "case: URL or file name"."""
    return [(f"{case}: {label}", fp) for case, label, fp in references(home, cases)]


def uploaded_copies(home: Path, case: str) -> list[Picture]:
    """The copies of a complained image the seller uploaded anyway and has not removed."""
    return [p for p in CaseImages(home).caught(case) if p.state == "uploaded"]


def stated_removals(home: Path, case: str) -> list[Picture]:
    """The copies removed on the seller's word only: no check saw the product pages without
    them (`check_removed`)."""
    return [p for p in CaseImages(home).caught(case)
            if p.state == "removed" and p.removal != "checked"]


def _page_problem(pages) -> str | None:
    """Why `pages` (as the request gave them) cannot show a removal, or None; BadInput when
    they are not what the product-page reader answers."""
    if not isinstance(pages, list) or not all(
            isinstance(p, dict) and isinstance(p.get("images"), list)
            and all(isinstance(u, str) for u in p["images"])
            and p.get("problem") in (None, *REMOVAL_PROBLEMS) for p in pages):
        raise BadInput(key="error.case_images.bad_pages")
    if not pages:
        return "no_pages"
    return next((p["problem"] for p in pages if p.get("problem")), None)


async def check_removed(home: Path, case: str, caught_id: str, pages: list[dict],
                        now: datetime | None = None,
                        options: urlcheck.Options | None = None) -> Picture:
    """Mark a copy uploaded anyway removed, checked against what the case's product pages
    show (`pages`: each {"page", "images": [URL], "problem": None or a REMOVAL_PROBLEMS
    code}, as the seller's browser read them). Conflict `still_shown` when an image there is
    still like the copy; the module docstring says the rest."""
    store = CaseImages(home)
    copy = store.removable_copy(case, caught_id)
    problem = _page_problem(pages)
    urls = list(dict.fromkeys(urlcheck.parse_url(u) for p in pages for u in p["images"]))
    if len(urls) > MAX_PAGE_IMAGES:
        raise BadInput(key="error.case_images.too_many_page_images",
                       params={"max_images": MAX_PAGE_IMAGES})
    if urls:
        options = dataclasses.replace(options or urlcheck.Options(), variants=False,
                                      cache_bust=False)
        reference = similar.Fingerprint.from_json(copy.fingerprint)
        async with urlcheck.Checker(options) as checker:
            results = await asyncio.gather(*(checker.check(u, reference=reference)
                                             for u in urls))
        shown = next((r.url for r in results if r.verdict in urlcheck.STILL_PUBLIC), None)
        if shown:
            if copy.state == "removed":
                await asyncio.to_thread(store.still_shown, copy, case)
            raise Conflict(key="error.case_images.still_shown",
                           params={"name": copy.name, "url": shown}, code="still_shown")
        if problem is None and any(r.verdict not in urlcheck.GONE for r in results):
            problem = "unfetched"
    return await asyncio.to_thread(store.removed, case, caught_id, problem, now)


def _thumbnails_from_vault(home: Path, case: str, watched: dict, vault) -> None:
    """A complained picture recorded before thumbnails were kept gets one from the vault's
    copy of the very bytes its URL served (the same SHA-256), when the case has one; else
    its URL's next check while it still serves the picture makes it (`urls.watch`)."""
    wanted = {w.reference["sha256"]: url for url, w in watched.items()
              if w.reference and not w.thumbnail}
    if not wanted:
        return
    watch = urlwatch.WatchList(home)
    for item in vault.list(case=case):
        url = wanted.pop(item.sha256, None)
        if url is None:
            continue
        try:
            thumb = base64.b64encode(thumbnails.thumbnail(vault.read(item.id))).decode("ascii")
        except BadInput:
            continue
        watch.keep_thumbnail(case, url, thumb)
        watched[url].thumbnail = thumb


def page_images(home: Path, case, vault=None, new: bool = True) -> dict:
    """What the case page shows of the case's pictures: `vault` ("missing", "locked",
    "unlocked"); `new`, the product photos with thumbnails (None while locked, or when not
    asked); `complained`, one per old URL (`served` once it served a picture, its thumbnail
    when one is kept; `state` its watch state) and one per dropped file; `caught`, the
    copies uploaded anyway or removed."""
    from iprdesk.vault import Vault

    state = ("unlocked" if vault is not None and vault.unlocked
             else "locked" if Vault.exists(home) else "missing")
    fresh = None
    if new and state == "unlocked":
        fresh = []
        for item in vault.list(case=case.id, kind="photo"):
            try:
                thumb = thumbnails.data_uri(thumbnails.thumbnail(vault.read(item.id)))
            except BadInput:
                thumb = None
            fresh.append({"id": item.id, "name": item.original_name or item.id,
                          "added_at": item.captured_at, "thumbnail": thumb})
    watched = {w.url: w for w in urlwatch.WatchList(home).list(case.id) if not w.variant_of}
    if state == "unlocked":
        _thumbnails_from_vault(home, case.id, watched, vault)
    complained = [{"source": "url", "url": url, "name": url.rsplit("/", 1)[-1],
                   "state": watched[url].state if url in watched else "pending",
                   "served": bool(url in watched and watched[url].reference),
                   "thumbnail": _uri(watched[url].thumbnail) if url in watched else None}
                  for url in case.old_urls]
    store = CaseImages(home)
    complained += [{"source": "file", **p.to_json()} for p in store.complained(case.id)]
    caught = [p.to_json() for p in store.caught(case.id) if p.state != "held"]
    return {"vault": state, "new": fresh, "complained": complained, "caught": caught}

