"""Is an old image URL still public? One verdict per URL, with the evidence to prove it.

Verdicts (DESIGN section 4):
- `dead`: 404 or 410 (401/403 too: the public cannot see it), after following redirects.
- `live`: 2xx serving the reference picture (same or near-duplicate), or any image when no
  reference is given.
- `placeholder`: 2xx serving something else: a default image, an HTML "not found" page.
- `stale-cache`: the plain URL serves the picture but a cache-busted request does not: an edge
  cache still holds it. The cache headers say when it should expire; check again then.
  The cache-busted request is made only when the plain answer says a cache gave it (`Age`
  above 0, which RFC 9111 requires of a cached answer, or a cache status saying hit, stale...:
  `cache_signs`); an answer with neither came from the origin, which is what the cache-busted
  request would reach, so it is `live` on one request. `CheckResult.cache` says which it was.
- `unknown`: timeouts, refused connections, 5xx or 429 after retries, other statuses.

How: GET (HEAD lies on many CDNs) with a byte cap, redirects followed one by one and recorded,
retries with exponential backoff that honour `Retry-After`, a concurrency limit per host
(CDNs throttle a client that opens hundreds of connections: `per_host` workers a host, each
sending its next request as soon as it has read an answer) and overall, and the proxy from
HTTP(S)_PROXY / NO_PROXY, looked up once per host. No credentials of the user's (~/.netrc) are
sent, nor a cookie an answer set: what the public sees is checked. Joom CDN URLs expand into
every size variant and host listed in shared/joomcdn.json: one upload is public under all of
them. The variants of one image share the checker's connections (one pool per host, kept
alive) and stop early: the URL given is checked first, then its variants, and once one of them
serves the picture (`live`, or `stale-cache` once its cache-busted request is made: still
public either way) the image is still public whatever the rest say, so the variants not
started yet are not fetched (`unknown`, reason `variant_live` naming that URL). Gone is never
certain early: any variant left may still serve the picture, so a gone image has every variant
fetched.

The core knows nothing of the CLI or the agent's routes; both call `check_urls`.
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
import hashlib
import re
import secrets
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timedelta
from functools import cache

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from yarl import URL

from iprdesk import __version__
from iprdesk.errors import BadInput
from iprdesk.images import similar, thumbnails
from iprdesk.text import i18n, shared_data
from iprdesk.timeutil import iso, iso_ms, utc_now_ms

# The verdict names live in shared/verdicts.json, which the extension reads too.
_VERDICTS = shared_data.load("verdicts.json")
VERDICTS = tuple(_VERDICTS["verdicts"])
# Verdicts that mean the old picture can still be seen: the CLI exits 1 on any of them.
STILL_PUBLIC = frozenset(_VERDICTS["still_public"])
# Verdicts that mean it is not served any more.
GONE = frozenset(_VERDICTS["gone"])
DEAD_STATUSES = frozenset({401, 403, 404, 410})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Headers kept as evidence: they explain caching, redirects and throttling.
EVIDENCE_HEADERS = ("age", "cache-control", "x-cache", "cf-cache-status", "x-cache-status",
                    "cache-status", "expires", "date", "last-modified", "etag", "content-type",
                    "content-length", "retry-after", "location", "server", "via")
CACHE_BUSTER = "iprdesk-nocache"
# Headers by which a cache names what it did (RFC 9211's Cache-Status; CloudFront's, Fastly's,
# Varnish's, Akamai's X-Cache; Cloudflare's; nginx's). Not X-Served-By or Via: those name the
# nodes passed through, hit or miss.
CACHE_STATUS_HEADERS = ("cache-status", "x-cache", "cf-cache-status", "x-cache-status")
# A status saying the answer is a cache's copy: HIT, TCP_MEM_HIT, "Hit from cloudfront",
# STALE, UPDATING, REVALIDATED (MISS, EXPIRED, BYPASS, DYNAMIC: fetched from the origin).
_CACHE_COPY = re.compile(r"hit|stale|updating|revalidated", re.IGNORECASE)
USER_AGENT = f"iprdesk/{__version__} (image takedown check)"
MAX_REDIRECTS = 10
# After an edit Joom re-moderates the listing for about 96 hours; old images may stay up.
DEFAULT_RECHECK = timedelta(hours=1)

def reason(code: str, **params) -> dict:
    """Why a URL got its verdict: a code and the text in both languages (shared/messages)."""
    return {"code": code, **i18n.both(f"urlcheck.{code}", **params)}


@dataclass
class Options:
    timeout: float = 20.0  # seconds per attempt
    retries: int = 2  # extra attempts after the first, for network errors, 5xx and 429
    backoff: float = 0.5  # first retry delay in seconds, doubled each time
    max_retry_after: float = 60.0  # a longer Retry-After gives up with `unknown`
    max_bytes: int = 16 * 1024 * 1024
    per_host: int = 10  # CDN edges take this easily; linkchecker uses 10 threads
    total: int = 64
    cache_bust: bool = True
    variants: bool = True
    stop_early: bool = True  # a live variant settles its image: the rest are not fetched
    # Every hop (the URL and each redirect) on Joom's image CDN (`JoomCdn.off_cdn`), else not
    # fetched: for URLs that data gave, the Merchant API's catalogue.
    cdn_only: bool = False
    # The served picture's fingerprint in the result (`image`) when no reference is given:
    # the watch list adopts it as its reference, a record keeps it. Without, the body is only
    # decoded, as small as it decodes (~0.3 ms, not ~25 ms a picture, in the thread pool the
    # event loop waits on): the same verdict.
    fingerprints: bool = True


@dataclass
class Hop:
    url: str
    status: int
    location: str


@dataclass
class Fetch:
    """One URL fetched, redirects followed: what came back, or why nothing did."""

    url: str
    final_url: str
    status: int | None = None
    redirects: list[Hop] = field(default_factory=list)
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    truncated: bool = False
    attempts: int = 0
    error: dict | None = None  # a reason() when no final response was had


@dataclass
class CheckResult:
    url: str
    verdict: str
    reason: dict
    status: int | None
    final_url: str
    redirects: list[dict]
    headers: dict
    body_sha256: str | None
    body_bytes: int
    checked_at: str
    elapsed_ms: int
    attempts: int
    recheck_after: str | None = None
    variant_of: str | None = None
    match: dict | None = None
    # Of a picture served: who answered, a reason() (`origin_answered`: no cache said it did,
    # no cache-busted request; `cache_answered`: one did, the cache-busted request tells).
    cache: dict | None = None
    cache_busted: dict | None = None
    # The served picture's fingerprint (similar.Fingerprint); None unless a reference or
    # `Options.fingerprints` asked for it.
    image: dict | None = None
    # When asked (`Checker.check`), the served picture's thumbnail (base64 JPEG,
    # images.thumbnails): the complained picture, kept beside its fingerprint. Not in the JSON.
    thumbnail: str | None = None

    def to_json(self) -> dict:
        # Field by field, not `asdict`: its deep copy of every value (the fingerprint's dozens
        # of parts) took ~0.3 ms a result, after the last answer of a batch. The values are
        # the result's own: to be serialised, not changed.
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "thumbnail"}


@dataclass(frozen=True)
class JoomCdn:
    """The Joom CDN's URL scheme, from shared/joomcdn.json."""

    hosts: tuple[str, ...]
    pattern: re.Pattern
    sizes: tuple[str, ...]

    @classmethod
    @cache
    def load(cls) -> JoomCdn:
        data = shared_data.load("joomcdn.json")
        return cls(tuple(data["hosts"]), re.compile(data["path_pattern"]), tuple(data["sizes"]))

    def upload_id(self, url: str) -> str | None:
        """The 40-hex id of the upload behind a Joom CDN image URL, else None."""
        u = URL(url)
        m = self.pattern.match(u.path) if u.host in self.hosts else None
        return m["id"] if m else None

    def off_cdn(self, url: str) -> i18n.Message | None:
        """Why `url` is not an image address on Joom's CDN (https, one of `hosts`, the https
        port, no user name or password), else None. An address that data gives (the Merchant
        API's answers) must never make the agent fetch anything else: another host, an IP
        address, localhost or a private range (SSRF). Names the host, never the whole URL."""
        try:
            u = URL(url)
        except ValueError:
            return i18n.Message("urlcheck.off_cdn.not_a_url")
        if u.scheme != "https":
            return i18n.Message("urlcheck.off_cdn.not_https", {"scheme": u.scheme or "-"})
        if u.raw_user is not None or u.raw_password is not None:
            return i18n.Message("urlcheck.off_cdn.userinfo")
        if u.host not in self.hosts:
            return i18n.Message("urlcheck.off_cdn.host",
                                {"host": (u.host or "-")[:100], "hosts": list(self.hosts)})
        if u.explicit_port not in (None, 443):
            return i18n.Message("urlcheck.off_cdn.port", {"port": u.explicit_port})
        return None

    def variants(self, url: str) -> list[str]:
        """Every other public URL of the same upload (other sizes and hosts), or []."""
        u = URL(url)
        m = self.pattern.match(u.path) if u.host in self.hosts else None
        if not m:
            return []
        out = []
        for host in self.hosts:
            for size in self.sizes:
                path = f"{m['prefix']}{m['id']}_{size}.{m['ext']}"
                candidate = str(u.with_host(host).with_path(path).with_query(None))
                if candidate != url and candidate not in out:
                    out.append(candidate)
        return out


def parse_url(raw: str) -> str:
    """A checked http(s) URL, or BadInput naming what is wrong with it."""
    raw = raw.strip()
    try:
        u = URL(raw)
    except ValueError as e:
        raise BadInput(key="error.urlcheck.not_a_url",
                       params={"raw": raw, "e": e}, code="bad_url") from e
    if u.scheme not in ("http", "https") or not u.host:
        raise BadInput(key="error.urlcheck.not_http", params={"raw": raw}, code="bad_url")
    return str(u)


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now or time.time()))


def freshness_left(headers: dict) -> float | None:
    """Seconds an edge cache may keep serving a copy: s-maxage/max-age minus Age."""
    directives = {}
    for part in headers.get("cache-control", "").split(","):
        name, _, value = part.strip().partition("=")
        directives[name.lower()] = value.strip('"')
    for name in ("s-maxage", "max-age"):
        if directives.get(name, "").isdigit():
            age = headers.get("age", "0")
            return max(0.0, float(directives[name]) - (float(age) if age.isdigit() else 0.0))
    return None


def cache_signs(headers: dict) -> list[str]:
    """What in an answer's headers says a cache gave it ("age: 3000", "x-cache: HIT"); [] when
    nothing does: the origin answered. An `Age` that is not a number counts (a cache wrote it)."""
    signs = []
    age = headers.get("age")
    if age is not None and age.strip() != "0":
        signs.append(f"age: {age[:40]}")
    signs += [f"{name}: {headers[name][:60]}" for name in CACHE_STATUS_HEADERS
              if _CACHE_COPY.search(headers.get(name, ""))]
    return signs


@dataclass
class _Image:
    """The URLs of one image checked together: the first variant found live, once one is."""

    live: str | None = None


@dataclass
class _Job:
    """One hop to fetch, queued for its host's workers."""

    url: str
    headers: dict
    result: Fetch
    skip: Callable[[], bool] | None  # true when it is no longer needed: not sent
    done: asyncio.Future  # whether a final response came back; None when skipped


@dataclass
class _Lane:
    """One host's queue of hops, and its requests under way (at most `per_host`)."""

    jobs: deque[_Job] = field(default_factory=deque)
    busy: int = 0


def cache_busted(url: str) -> str:
    return str(URL(url).update_query({CACHE_BUSTER: secrets.token_hex(8)}))


class Checker:
    """Checks URLs over one HTTP session; use as `async with Checker(...) as c`."""

    def __init__(self, options: Options | None = None,
                 reference: similar.Fingerprint | None = None,
                 cdn: JoomCdn | None = None):
        self.options = options or Options()
        self.reference = reference
        self.cdn = cdn or JoomCdn.load()
        self._lanes: dict[str, _Lane] = {}
        self._workers: set[asyncio.Task] = set()
        self._proxies: dict[tuple[str, str | None], tuple] = {}
        self._total = asyncio.Semaphore(self.options.total)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Checker:
        o = self.options
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=o.total, limit_per_host=o.per_host),
            timeout=aiohttp.ClientTimeout(total=o.timeout),
            headers={"User-Agent": USER_AGENT, "Accept": "image/*,*/*;q=0.5"},
            # Not trust_env: at every request it looks up the proxy, and reads ~/.netrc, in a
            # thread, two trips through the thread pool before each request goes (`_proxy`).
            trust_env=False,
            # No cookies kept from one answer for the next request: a visitor who follows a
            # URL has none, and no jar is searched before each request.
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=True,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        for task in self._workers:  # left only when a check was abandoned
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        await self._session.close()

    async def _hop(self, url: str, headers: dict, result: Fetch,
                   skip: Callable[[], bool] | None = None) -> bool | None:
        """`_get_with_retries` for one hop, at most `per_host` at once to a host, in turn;
        None when `skip` said it was not needed by the time its turn came."""
        lane = self._lanes.setdefault(URL(url).host or "", _Lane())
        if lane.busy < self.options.per_host:
            # A request free to go is sent now, by this check: a worker started for it would
            # send it a loop turn later, behind every other check started in this turn
            # (2,000 of them: ~0.1 s).
            if skip and skip():
                return None
            lane.busy += 1
            try:
                async with self._total:
                    return await self._get_with_retries(url, headers, result)
            finally:
                if lane.jobs:  # others waiting: a worker takes them, on this request's slot
                    task = asyncio.create_task(self._work(lane))
                    self._workers.add(task)
                    task.add_done_callback(self._workers.discard)
                else:
                    lane.busy -= 1
        job = _Job(url, headers, result, skip, asyncio.get_running_loop().create_future())
        lane.jobs.append(job)
        return await job.done

    async def _work(self, lane: _Lane) -> None:
        """Take the host's hops in turn until none is left. A worker, not a semaphore: the
        next request goes in the same turn of the loop as the answer before it is read; a
        semaphore's waiter would send it a turn later, after every other answer of the turn
        (ten answered at once, the tenth's next request waited on the nine)."""
        try:
            while lane.jobs:
                job = lane.jobs.popleft()
                if job.done.cancelled():  # its check was abandoned
                    continue
                if job.skip and job.skip():
                    job.done.set_result(None)
                    continue
                try:
                    async with self._total:
                        done = await self._get_with_retries(job.url, job.headers, job.result)
                except asyncio.CancelledError:
                    job.done.cancel()
                    raise
                except Exception as e:  # noqa: BLE001 - the check that asked raises it
                    if not job.done.done():
                        job.done.set_exception(e)
                else:
                    if not job.done.done():
                        job.done.set_result(done)
        finally:
            lane.busy -= 1

    def _proxy(self, url: str) -> tuple[URL | None, dict | None]:
        """The proxy HTTP(S)_PROXY and NO_PROXY give for the URL's scheme and host, as
        aiohttp's trust_env finds it, and the headers with its credentials; once per scheme
        and host."""
        u = URL(url)
        key = (u.scheme, u.host)
        if key not in self._proxies:
            try:
                proxy, auth = get_env_proxy_for_url(u)
                self._proxies[key] = (proxy, auth and {"Proxy-Authorization": auth.encode()})
            except LookupError:  # none for this scheme, or NO_PROXY names the host
                self._proxies[key] = (None, None)
        return self._proxies[key]

    async def fetch(self, url: str, *, no_cache: bool = False,
                    settled: _Image | None = None) -> Fetch | None:
        """GET with redirects followed one at a time, each hop recorded. None when `settled`
        (the image this URL shows) was found live before the request could start."""
        result = Fetch(url=url, final_url=url)
        current = url
        headers = {"Cache-Control": "no-cache", "Pragma": "no-cache"} if no_cache else {}
        for _ in range(MAX_REDIRECTS + 1):
            result.final_url = current
            # Before its first request only: one made is evidence, followed to its end.
            unstarted = settled is not None and not result.attempts
            if unstarted and settled.live:
                return None
            if self.options.cdn_only and (problem := self.cdn.off_cdn(current)):
                result.error = reason("off_cdn", problem=problem)
                return result
            # Settled while this one waited for its turn: not sent.
            done = await self._hop(current, headers, result,
                                   skip=(lambda: settled.live) if unstarted else None)
            if done is None:
                return None
            if not done:
                return result
            if result.status not in (301, 302, 303, 307, 308):
                return result
            location = result.headers.get("location", "")
            try:
                target = URL(current).join(URL(location)) if location else None
            except ValueError:
                target = None
            if target is None or target.scheme not in ("http", "https"):
                result.error = reason("bad_redirect", location=location[:200] or "(none)")
                return result
            result.redirects.append(Hop(current, result.status, str(target)))
            current = str(target)
        result.error = reason("redirect_loop", max=MAX_REDIRECTS)
        return result

    async def _get_with_retries(self, url: str, headers: dict, result: Fetch) -> bool:
        """One hop; fills `result` and says whether a final response came back."""
        o = self.options
        for attempt in range(o.retries + 1):
            result.attempts += 1
            wait = 0.0  # a Retry-After asked for, else the backoff
            try:
                proxy, proxy_headers = self._proxy(url)
                async with self._session.get(url, headers=headers, allow_redirects=False,
                                             proxy=proxy, proxy_headers=proxy_headers) as r:
                    result.status = r.status
                    result.headers = {k: r.headers[k] for k in EVIDENCE_HEADERS if k in r.headers}
                    result.error = None
                    if r.status in RETRY_STATUSES:
                        result.error = reason("http_retry", status=r.status,
                                              attempts=result.attempts)
                        asked = retry_after_seconds(r.headers.get("retry-after"))
                        if asked is not None:
                            if asked > o.max_retry_after:
                                return False  # not worth the wait: `unknown`, check later
                            wait = asked
                    else:
                        result.body, result.truncated = await _read_capped(r, o.max_bytes)
                        return True
            except TimeoutError:
                result.status = None
                result.error = reason("timeout", timeout=f"{o.timeout:g}",
                                      attempts=result.attempts)
            except aiohttp.ClientError as e:
                result.status = None
                result.error = reason("network", error=_describe_network_error(e),
                                      attempts=result.attempts)
            if attempt < o.retries:
                # Exponential backoff with jitter, so parallel checks do not retry in lockstep
                # (worked out only for a retry: most requests need none).
                backoff = o.backoff * 2 ** attempt * (0.75 + secrets.randbelow(500) / 1000)
                await asyncio.sleep(max(wait, backoff))
        return False

    async def check(self, url: str, variant_of: str | None = None,
                    reference: similar.Fingerprint | None = None,
                    thumbnail: bool = False,
                    image_of: _Image | None = None) -> CheckResult:
        """One URL; `reference` overrides the checker's reference picture for it. With
        `thumbnail`, the served picture's thumbnail comes with the result when there is no
        reference or the URL still serves it (only the watch list keeps one: a batch of
        checks makes none). With `image_of`, it is not
        fetched once another URL of that image was found live, and a live verdict settles
        the image."""
        reference = reference or self.reference
        started = time.monotonic()
        checked_at = utc_now_ms()  # to the millisecond: two checks a second apart are ordered
        plain = await self.fetch(url, settled=image_of if self.options.stop_early else None)
        if plain is None:
            return CheckResult(
                url=url, verdict="unknown", reason=reason("variant_live", url=image_of.live),
                status=None, final_url=url, redirects=[], headers={}, body_sha256=None,
                body_bytes=0, checked_at=iso_ms(checked_at),
                elapsed_ms=round((time.monotonic() - started) * 1000), attempts=0,
                variant_of=variant_of)
        verdict, why, match, image = await self._classify(plain, reference)
        if verdict == "live" and image_of and not image_of.live:
            image_of.live = url  # still public (live or in a cache): the image is settled
        thumb = None
        if image is not None and thumbnail and (reference is None or verdict == "live"):
            thumb = await asyncio.get_running_loop().run_in_executor(None, _thumbnail, plain.body)
        busted_info = cache = None
        if verdict == "live" and self.options.cache_bust:
            signs = cache_signs(plain.headers)
            # No cache says it answered: the origin did, which is all a cache-busted request
            # could reach, so none is made.
            cache = (reason("cache_answered", signs=", ".join(signs)) if signs
                     else reason("origin_answered"))
            busted_info = await self._past_cache(url, plain, reference) if signs else None
            if busted_info and busted_info["verdict"] in GONE:
                verdict = "stale-cache"
                why = reason("edge_cache", busted=busted_info["status"])
        return CheckResult(
            url=url, verdict=verdict, reason=why, status=plain.status,
            final_url=plain.final_url, redirects=[asdict(h) for h in plain.redirects],
            headers=plain.headers,
            body_sha256=hashlib.sha256(plain.body).hexdigest() if plain.status else None,
            body_bytes=len(plain.body), checked_at=iso_ms(checked_at),
            elapsed_ms=round((time.monotonic() - started) * 1000), attempts=plain.attempts,
            recheck_after=_recheck_after(verdict, plain, checked_at), variant_of=variant_of,
            match=match, cache=cache, cache_busted=busted_info,
            image=image and image.to_json(), thumbnail=thumb,
        )

    async def _past_cache(self, url: str, plain: Fetch,
                          reference: similar.Fingerprint | None) -> dict:
        """The status and verdict of `url` asked for with the caches bypassed, after `plain`
        served the picture (`live`)."""
        busted = await self.fetch(cache_busted(url), no_cache=True)
        if (busted.error is None and busted.status == plain.status and not busted.truncated
                and busted.body == plain.body):
            b_verdict = "live"  # the same bytes: the same picture, not decoded again
        else:
            b_verdict, *_ = await self._classify(busted, reference)
        return {"url": busted.url, "status": busted.status, "verdict": b_verdict,
                "headers": busted.headers}

    async def _classify(self, f: Fetch, reference: similar.Fingerprint | None,
                        ) -> tuple[str, dict, dict | None, similar.Fingerprint | None]:
        """(verdict, reason, comparison with the reference, fingerprint of the served image:
        None when neither a reference nor `Options.fingerprints` asks for it)"""
        if f.error is not None:
            return "unknown", f.error, None, None
        if f.status in DEAD_STATUSES:
            return "dead", reason("http_dead", status=f.status), None, None
        if not 200 <= f.status < 300:
            return "unknown", reason("http_other", status=f.status), None, None
        if f.truncated:
            return "unknown", reason("too_large", cap=self.options.max_bytes), None, None
        make = _fingerprint if reference is not None or self.options.fingerprints else _decodes
        try:
            fp = await asyncio.get_running_loop().run_in_executor(None, make, f.body, f.final_url)
        except BadInput as e:
            if e.code == "too_many_pixels":  # a picture, but not one to decode here
                return "unknown", reason("image_too_big"), None, None
            kind = f.headers.get("content-type", "unknown content").split(";")[0]
            return "placeholder", reason("serves_non_image", content_type=kind), None, None
        if reference is None:
            return "live", reason("serves_image"), None, fp
        c = similar.compare(reference, fp)
        summary = f"{c.verdict}, pHash {c.phash}, dHash {c.dhash}"
        if c.verdict == "different":
            return "placeholder", reason("serves_other_image", match=summary), c.to_json(), fp
        return "live", reason("serves_reference", match=summary), c.to_json(), fp

    async def check_many(self, urls: Iterable[str],
                         on_result: Callable[[CheckResult], None] | None = None,
                         ) -> list[CheckResult]:
        """Every URL (and its CDN variants), in input order, variants after their URL; the
        variants once the URL is checked, and not fetched once the image is found live."""
        images: list[tuple[str, list[str]]] = []
        seen = set()
        for url in urls:
            if url in seen:
                continue
            variants = [v for v in (self.cdn.variants(url) if self.options.variants else [])
                        if v not in seen]
            seen.update([url, *variants])
            images.append((url, variants))

        async def one(url: str, parent: str | None, image: _Image) -> CheckResult:
            result = await self.check(url, parent, image_of=image)
            if on_result:
                on_result(result)
            return result

        async def image_urls(url: str, variants: list[str]) -> list[CheckResult]:
            image = _Image()
            first = await one(url, None, image)
            return [first, *await asyncio.gather(*(one(v, url, image) for v in variants))]

        checked = await asyncio.gather(*(image_urls(u, vs) for u, vs in images))
        return [r for results in checked for r in results]

    async def fetch_reference(self, url: str) -> similar.Fingerprint:
        f = await self.fetch(url)
        if f.error or f.status is None or not 200 <= f.status < 300:
            detail = f.error["en"] if f.error else f"HTTP {f.status}"
            raise BadInput(key="error.urlcheck.reference_unavailable",
                           params={"url": url, "detail": detail},
                           code="bad_reference")
        return similar.fingerprint_bytes(f.body, url)


def _fingerprint(body: bytes, name: str) -> similar.Fingerprint:
    # `similar` read in the worker: its first use imports numpy and Pillow, which would hold
    # up every request in flight were it read in the event loop.
    return similar.fingerprint_bytes(body, name)


def _decodes(body: bytes, name: str) -> None:
    """BadInput as `_fingerprint` raises it when `body` is not a picture that decodes whole
    (HTML, SVG, a truncated JPEG: every scan is read) or has too many pixels; else None."""
    similar.decoded(body, name, 1).close()  # side 1: a JPEG decoded at its smallest scale


def _thumbnail(body: bytes) -> str | None:
    try:
        return base64.b64encode(thumbnails.thumbnail(body)).decode("ascii")
    except BadInput:
        return None


async def _read_capped(response: aiohttp.ClientResponse, cap: int) -> tuple[bytes, bool]:
    chunks, size = [], 0
    async for chunk in response.content.iter_chunked(64 * 1024):
        size += len(chunk)
        chunks.append(chunk)
        if size > cap:
            return b"".join(chunks)[:cap], True
    return b"".join(chunks), False


def _describe_network_error(e: aiohttp.ClientError) -> str:
    if isinstance(e, aiohttp.ClientConnectorError):
        return e.os_error.strerror or type(e.os_error).__name__
    return str(e)[:200] or type(e).__name__


def _recheck_after(verdict: str, f: Fetch, checked_at: datetime) -> str | None:
    if verdict in GONE:
        return None
    if verdict == "stale-cache":
        left = freshness_left(f.headers)
        delay = timedelta(seconds=left) if left is not None else DEFAULT_RECHECK
        return iso(checked_at + max(delay, timedelta(minutes=1)))
    if verdict == "unknown":
        asked = retry_after_seconds(f.headers.get("retry-after"))
        if asked is not None:
            return iso(checked_at + timedelta(seconds=max(asked, 60)))
    return iso(checked_at + DEFAULT_RECHECK)


async def check_urls(urls: Iterable[str], *, reference: str | bytes | None = None,
                     options: Options | None = None,
                     on_result: Callable[[CheckResult], None] | None = None,
                     ) -> list[CheckResult]:
    """Check URLs; `reference` is image bytes or the URL of the complained image."""
    checker = Checker(options)
    async with checker:
        if isinstance(reference, bytes):
            checker.reference = similar.fingerprint_bytes(reference, "the reference image")
        elif isinstance(reference, str):
            checker.reference = await checker.fetch_reference(parse_url(reference))
        return await checker.check_many(urls, on_result)
