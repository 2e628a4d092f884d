"""The store's live catalogue from the Joom Merchant API (v3), with every image URL.

`products/multi` lists 500 products a page and links the next page in `paging.next`; it is
rate limited (50 requests a minute), so the client waits when the rate-limit headers say the
budget is spent and honours `Retry-After` on 429. Each product's images are `mainImage`,
`extraImages[]` and `variants[].mainImage`; an image is a URL, or an object holding URLs.

Image URLs must be on Joom's image CDN (urls/check.py `JoomCdn.off_cdn`, the hosts of
shared/joomcdn.json): the agent fetches them, so an answer naming another address is refused.

The OAuth2 bearer token is read from a file, sent only to the API's own origin (a `next`
link elsewhere is refused) and never appears in a message, a log line or the stored catalogue.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import aiohttp
from yarl import URL

from iprdesk import __version__
from iprdesk.atomic import atomic_write_json
from iprdesk.errors import BadInput, IprdeskError
from iprdesk.timeutil import now_iso
from iprdesk.urls import check as urlcheck

DEFAULT_API = "https://api-merchant.joom.com/api/v3"
PAGE_SIZE = 500
MAX_PAGES = 1000  # 500,000 products: far beyond any store, a guard against a paging loop
MAX_WAIT = 120.0  # the longest rate-limit pause accepted before giving up
RETRIES = 3


class MerchantApiError(IprdeskError):
    code = "merchant_api"
    status = 502


@dataclass
class Product:
    id: str
    name: str
    images: list[str] = field(default_factory=list)


def read_token(path: str | Path) -> str:
    path = Path(path)
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as e:
        raise BadInput(key="error.merchant.token_unreadable",
                       params={"path": path, "why": getattr(e, "strerror", e)}) from e
    if not token or any(c.isspace() for c in token):
        raise BadInput(key="error.merchant.token_shape", params={"path": path})
    return token


def _image_urls(value) -> list[str]:
    """Every URL (a string naming a scheme) inside one image field (a string, an object, or a
    list of them)."""
    if isinstance(value, str):
        return [value] if "://" in value else []
    if isinstance(value, list):
        return [u for item in value for u in _image_urls(item)]
    if isinstance(value, dict):
        return [u for item in value.values() for u in _image_urls(item)]
    return []


def product_from_json(raw: dict) -> Product:
    """A product of the API's answer; an image URL off Joom's image CDN refuses the answer
    (the agent fetches these URLs: data must not make it fetch anything else)."""
    product = str(raw.get("id", ""))
    images = _image_urls(raw.get("mainImage")) + _image_urls(raw.get("extraImages"))
    for variant in raw.get("variants") or []:
        if isinstance(variant, dict):
            images += _image_urls(variant.get("mainImage"))
    cdn = urlcheck.JoomCdn.load()
    for url in images:
        if problem := cdn.off_cdn(url):
            raise MerchantApiError(key="error.merchant.image_off_cdn",
                                   params={"product": product[:80], "problem": problem})
    return Product(id=product, name=str(raw.get("name", "")),
                   images=list(dict.fromkeys(images)))


def _items(body) -> list[dict]:
    data = body.get("data") if isinstance(body, dict) else None
    if isinstance(data, dict):
        data = data.get("items")
    if not isinstance(data, list):
        raise MerchantApiError(key="error.merchant.unexpected_format")
    return [item for item in data if isinstance(item, dict)]


def _rate_limit_wait(headers) -> float:
    """Seconds until the rate-limit budget refills, when the headers say it is spent."""
    if headers.get("X-RateLimit-Remaining", "").strip() != "0":
        return 0.0
    reset = headers.get("X-RateLimit-Reset", "").strip()
    try:
        value = float(reset)
    except ValueError:
        return 60.0  # spent, no reset given: the window is a minute
    return max(0.0, value - time.time()) if value > 1e9 else value  # epoch or seconds


class MerchantApi:
    def __init__(self, token: str, base: str = DEFAULT_API, *, timeout: float = 30.0,
                 sleep: Callable[[float], object] = asyncio.sleep):
        self._token = token
        self.base = URL(base.rstrip("/"))
        if self.base.scheme not in ("https", "http") or not self.base.host:
            raise BadInput(key="error.merchant.bad_address", params={"base": base})
        self.timeout = timeout
        self.sleep = sleep
        self.requests = 0

    def _same_origin(self, url: URL) -> bool:
        return (url.scheme, url.host, url.port) == (self.base.scheme, self.base.host,
                                                    self.base.port)

    async def _get(self, session: aiohttp.ClientSession, url: URL) -> dict:
        for attempt in range(RETRIES + 1):
            self.requests += 1
            try:
                async with session.get(url, headers={
                        "Authorization": f"Bearer {self._token}"}) as r:
                    if r.status == 401:
                        raise MerchantApiError(key="error.merchant.token_refused",
                                               code="merchant_api_unauthorized", status=401)
                    if r.status == 429 or r.status >= 500:
                        wait = urlcheck.retry_after_seconds(r.headers.get("Retry-After"))
                        wait = wait if wait is not None else 2.0 ** attempt
                        if attempt == RETRIES or wait > MAX_WAIT:
                            raise MerchantApiError(key="error.merchant.keeps_failing",
                                                   params={"status": r.status,
                                                           "times": RETRIES + 1})
                        await self.sleep(wait)
                        continue
                    if r.status != 200:
                        raise MerchantApiError(key="error.merchant.http_error",
                                               params={"status": r.status, "path": url.path})
                    try:
                        body = await r.json(content_type=None)
                    except ValueError as e:
                        raise MerchantApiError(key="error.merchant.invalid_json") from e
                    pause = _rate_limit_wait(r.headers)
                    if pause > MAX_WAIT:
                        raise MerchantApiError(key="error.merchant.rate_limited",
                                               params={"pause": pause})
                    if pause:
                        await self.sleep(pause)
                    return body
            except (aiohttp.ClientError, TimeoutError) as e:
                if attempt == RETRIES:
                    raise MerchantApiError(key="error.merchant.unreachable",
                                           params={"host": self.base.host,
                                                   "why": type(e).__name__}) from None
                await self.sleep(2.0 ** attempt)
        raise AssertionError("unreachable")

    async def products(self, on_page: Callable[[int], None] | None = None) -> list[Product]:
        """Every product of the store, following `paging.next`."""
        url = (self.base / "products" / "multi").with_query({"limit": str(PAGE_SIZE)})
        products: list[Product] = []
        async with aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout), trust_env=True,
                headers={"User-Agent": f"iprdesk/{__version__}"}) as session:
            for _ in range(MAX_PAGES):
                body = await self._get(session, url)
                products += [product_from_json(p) for p in _items(body)]
                if on_page:
                    on_page(len(products))
                following = (body.get("paging") or {}).get("next")
                if not following:
                    return products
                url = self._next_url(url, str(following))
        raise MerchantApiError(key="error.merchant.too_many_pages", params={"max_pages": MAX_PAGES})

    def _next_url(self, current: URL, following: str) -> URL:
        if following.startswith(("http://", "https://", "/")):
            target = current.join(URL(following))
            if not self._same_origin(target):
                # The token must never travel to another host.
                raise MerchantApiError(key="error.merchant.foreign_next_page",
                                       params={"host": target.host})
            return target
        return current.update_query({"pageToken": following})


def save_products(path: str | Path, products: list[Product]) -> None:
    atomic_write_json(Path(path), {"synced_at": now_iso(),
                                   "products": [asdict(p) for p in products]})


def image_urls(products: list[Product]) -> list[str]:
    return list(dict.fromkeys(u for p in products for u in p.images))
