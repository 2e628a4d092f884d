"""Audit by provenance of the seller's stores' Merchant API catalogue: every product image
(main, extra and variant images, as `iprdesk catalog sync` lists them) without a provenance
record, or whose record's licence fails the check, with the store and product it is on.

Each image is fetched from its URL through the URL checker's client (urls/check.py: a byte
cap, redirects followed one by one and each on Joom's image CDN, retries honouring
Retry-After, a limit per host), once
however many products show it, and matched against the provenance records by the SHA-256 of
its bytes (audit.judge), as a catalogue folder's files are. Nothing fetched is kept.

With more than one store, the images of one store that are near-duplicates of another's
(images/similar.py: the same picture resized, cropped, mirrored, recoloured) are flagged with
both stores and products: the same designer's work reused across the seller's stores, which a
complaint against one store will find on the other. Their fingerprints come from, and go to,
the data directory's fingerprint cache that `iprdesk audit` keeps (images/fingerprint_cache.py,
by content SHA-256): a second audit decodes only the images that changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from iprdesk.errors import BadInput, NotFound
from iprdesk.images import similar
from iprdesk.images.fingerprint_cache import FingerprintCache
from iprdesk.merchant import api as merchantapi
from iprdesk.merchant.stores import StoreTokens
from iprdesk.provenance.audit import Audited, Job, judge
from iprdesk.urls import check as urlcheck
from iprdesk.vault import Vault

# Joom's product images are JPEGs of a few megabytes; a bigger answer is not a product image.
MAX_IMAGE_BYTES = 32 * 1024 * 1024
FETCHING = 8  # images fetched at once (the checker limits each host further)


@dataclass(frozen=True)
class Listed:
    """One image of a product of a store."""
    store: str
    product: str
    name: str
    url: str


def store_names(values) -> list[str] | None:
    """The stores a request names: None (all of them) or a list of names."""
    if values is None:
        return None
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise BadInput(key="merchant.store.bad_list")
    return values


def stores_to_audit(home: Path, api_url: str, names: list[str] | None = None,
                    **client) -> dict[str, merchantapi.MerchantApi]:
    """A Merchant API client for each kept store (merchant/stores.py), or those `names`."""
    tokens = StoreTokens(home).tokens()
    wanted = names or list(tokens)
    if not wanted:
        raise BadInput(key="merchant.store.none")
    missing = [n for n in wanted if n not in tokens]
    if missing:
        raise NotFound(key="merchant.store.unknown", params={"name": missing[0]})
    return {n: merchantapi.MerchantApi(tokens[n], api_url or merchantapi.DEFAULT_API, **client)
            for n in wanted}


async def list_images(stores: dict[str, merchantapi.MerchantApi]) -> list[Listed]:
    """Every image of every product of each store, in the Merchant API's order."""
    listed = []
    for store, api in stores.items():
        for product in await api.products():
            listed += [Listed(store, product.id, product.name, url) for url in product.images]
    return listed


async def _fetch_all(urls: list[str], on_fetched, options: urlcheck.Options) -> None:
    """Fetch each URL (at most FETCHING at once), calling on_fetched(url, body or None)."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)

    async def worker(checker: urlcheck.Checker):
        while not queue.empty():
            url = queue.get_nowait()
            got = await checker.fetch(url)
            ok = got.status == 200 and not got.truncated and got.body
            on_fetched(url, got.body if ok else None)

    async with urlcheck.Checker(options) as checker:
        await asyncio.gather(*(worker(checker) for _ in range(min(FETCHING, len(urls)))))


@dataclass(frozen=True)
class CrossStore:
    """An image of one store that is a near-duplicate (or the same) of another store's."""
    verdict: str  # similar.Comparison's: same or near-duplicate
    mirrored: bool
    first: Audited
    second: Audited

    def to_dict(self) -> dict:
        keys = ("store", "product", "name", "url", "image")
        return {"verdict": self.verdict, "mirrored": self.mirrored,
                "images": [{k: getattr(a, k) for k in keys} for a in (self.first, self.second)]}


def across_stores(found: list[Audited],
                  fingerprints: dict[str, similar.Fingerprint]) -> list[CrossStore]:
    """Each pair of images of two different stores that look alike (`fingerprints` by URL),
    one entry per pair of store products."""
    images = [a for a in found if a.url in fingerprints]
    pairs, seen = [], set()
    for i, a in enumerate(images):
        for b in images[i + 1:]:
            key = (a.store, a.product, b.store, b.product)
            if a.store == b.store or key in seen:
                continue
            c = similar.compare(fingerprints[a.url], fingerprints[b.url])
            if c.verdict != "different":
                seen.add(key)
                pairs.append(CrossStore(c.verdict, c.mirrored, a, b))
    return pairs


async def audit_listed(listed: list[Listed], verdict_of, *, on_done=lambda: None,
                       options: urlcheck.Options | None = None,
                       cache: FingerprintCache | None = None,
                       ) -> tuple[list[Audited], list[CrossStore]]:
    """Each listed image's verdict (an image that could not be fetched whole is
    `unreadable`), and with more than one store the images alike across stores (their
    fingerprints through `cache`, opened in this thread). on_done is called once per listed
    image, as its URL is judged."""
    options = options or urlcheck.Options(max_bytes=MAX_IMAGE_BYTES, cache_bust=False,
                                          variants=False, cdn_only=True)
    by_url: dict[str, list[Listed]] = {}
    for item in listed:
        by_url.setdefault(item.url, []).append(item)
    several_stores = len({item.store for item in listed}) > 1
    found: dict[Listed, Audited] = {}
    fingerprints: dict[str, similar.Fingerprint] = {}

    def fetched(url: str, body: bytes | None) -> None:
        sha = hashlib.sha256(body).hexdigest() if body is not None else None
        verdict, origin = verdict_of(sha) if sha else ("unreadable", None)
        if sha and several_stores:
            with contextlib.suppress(BadInput):  # not a picture it can decode: not compared
                fingerprints[url] = similar.fingerprint_bytes(body, url, cache)
        for item in by_url[url]:
            found[item] = Audited(None, verdict, sha, origin, store=item.store,
                                  product=item.product, name=item.name, url=item.url)
            on_done()

    await _fetch_all(list(by_url), fetched, options)
    audited = [found[item] for item in listed]
    return audited, across_stores(audited, fingerprints)


def audit_stores(home: Path, job: Job, *, stores: dict[str, merchantapi.MerchantApi],
                 vault: Vault | None, seller: dict, today: date,
                 options: urlcheck.Options | None = None) -> list[Audited]:
    """The work of a Job over the stores' catalogues (blocking: run in a thread)."""
    async def work() -> list[Audited]:
        listed = await list_images(stores)
        job.listed(len(listed))
        verdict_of = judge(home, vault=vault, seller=seller, today=today)
        with FingerprintCache.in_home(home) as cache:
            found, job.alike = await audit_listed(listed, verdict_of, on_done=job.one_more,
                                                  options=options, cache=cache)
        return found
    return asyncio.run(work())
