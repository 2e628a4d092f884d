"""A local image CDN reproducing every behaviour the dead-URL check must classify.

Each path is one behaviour (see PATHS); the server also acts as an HTTP proxy for
img.joomcdn.net, so the Joom size-variant expansion and HTTP_PROXY support are exercised
with the real host names, and `https_tunnels` puts it behind Joom's https addresses.
Request counts and peak concurrency are recorded for assertions.
"""

import asyncio
import contextlib
import re
import ssl
import time
from collections import Counter
from pathlib import Path

import aiohttp.connector
from aiohttp import web
from bench.imagegen import EDITS, jpeg, product_photo

from iprdesk.urls.check import JoomCdn
from tests.helpers import self_signed

OLD = product_photo(42, (640, 480))
OLD_JPEG = jpeg(OLD, 90)
RECOMPRESSED_JPEG = jpeg(EDITS["jpeg-q40"](OLD), 40)
DEFAULT_JPEG = jpeg(product_photo(999, (320, 320)), 80)  # the CDN's "image removed" picture
SOFT_404 = b"<!doctype html><title>Not found</title><h1>Image not found</h1>"
JOOM_ID = "0123456789abcdef0123456789abcdef01234567"
JOOM_UPLOAD = re.compile(r"(?:.*/)?[0-9a-f]{40}_[^/]+")
# Sizes of the upload still served by the mock Joom CDN; every other size answers 404.
JOOM_LIVE_SIZES = {"original", "75_100"}
# `cached/<name>.jpg`: the old picture with these headers (the cache headers of real CDNs),
# and whether the origin still has it (else it answers 404 to a cache-busted request).
CACHE_ANSWERS = {
    "age": ({"Age": "120"}, False),  # RFC 9111: a cache's answer carries Age
    "bad-age": ({"Age": "soon"}, False),
    "cloudfront-hit": ({"X-Cache": "Hit from cloudfront", "Age": "0"}, False),
    "akamai-hit": ({"X-Cache": "TCP_MEM_HIT from a23-1-2-3 (AkamaiGHost/10.0)"}, False),
    "cloudflare-hit": ({"CF-Cache-Status": "HIT"}, False),
    "nginx-stale": ({"X-Cache-Status": "STALE"}, False),
    "cache-status-hit": ({"Cache-Status": "ExampleCDN; hit; ttl=300"}, False),
    "hit-origin-has-it": ({"Age": "30", "X-Cache": "HIT"}, True),
    # A cache that went to the origin for it: the origin's answer passed on.
    "miss": ({"X-Cache": "MISS", "Age": "0", "CF-Cache-Status": "EXPIRED",
              "X-Cache-Status": "BYPASS", "Cache-Status": "ExampleCDN; fwd=miss",
              "X-Served-By": "cache-fra-etou8220057-FRA", "Via": "1.1 varnish"}, True),
}


class MockCdn:
    def __init__(self):
        self.hits: Counter = Counter()
        self.request_times: dict[str, list[float]] = {}
        self.in_flight = 0
        self.peak_in_flight = 0
        self.seen_user_agents: set[str] = set()
        self.seen_authorization: list[str] = []
        self.seen_cookies: list[str] = []
        # The client ends of the connections requests came over (host, port).
        self.connections: set[tuple] = set()
        # Hanging requests wait on this; the fixture sets it so the server stops promptly.
        self.release = asyncio.Event()
        # What /swap.jpg serves (a test may change it, e.g. to the CDN's default picture).
        self.swap_body: bytes | None = OLD_JPEG
        # Joom CDN hosts whose every answer hangs (until `release`): a slow edge.
        self.joom_held: set[str] = set()
        self.app = web.Application()
        self.app.router.add_route("GET", "/{name:.*}", self.handle)

    def image(self, data: bytes, **headers) -> web.Response:
        return web.Response(body=data, content_type="image/jpeg", headers=headers)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        key = f"{request.host}/{name}"
        self.hits[key] += 1
        self.connections.add(request.transport.get_extra_info("peername"))
        self.request_times.setdefault(key, []).append(time.monotonic())
        self.seen_user_agents.add(request.headers.get("User-Agent", ""))
        if "Authorization" in request.headers:
            self.seen_authorization.append(request.headers["Authorization"])
        if "Cookie" in request.headers:
            self.seen_cookies.append(request.headers["Cookie"])
        if request.host == "img.joomcdn.net" or request.host == "img-edg.joomcdn.net":
            if request.host in self.joom_held:
                await self.release.wait()
            if JOOM_UPLOAD.fullmatch(name):
                return self.joom(name)
            # any other path: the behaviour it names, under Joom's own host
        busted = "iprdesk-nocache" in request.query
        match name:
            case "gone-404":
                return web.Response(status=404, text="Not Found")
            case "gone-cookie":  # as a CDN's bot management sets one on a visitor
                return web.Response(status=404, headers={"Set-Cookie": "visitor=1; Path=/"})
            case "gone-410":
                return web.Response(status=410, text="Gone")
            case "forbidden":
                return web.Response(status=403, text="AccessDenied")
            case "old.jpg":
                return self.image(OLD_JPEG)
            case "swap.jpg":
                if self.swap_body is None:
                    return web.Response(status=404)
                return self.image(self.swap_body)
            case "old-recompressed.jpg":
                return self.image(RECOMPRESSED_JPEG)
            case "placeholder.jpg" | "default.jpg":
                return self.image(DEFAULT_JPEG)
            case "soft-404.jpg":
                return web.Response(body=SOFT_404, content_type="text/html")
            case "to-default.jpg":
                raise web.HTTPFound("/default.jpg")
            case "to-404.jpg":
                raise web.HTTPMovedPermanently("/hop/gone")
            case "hop/gone":
                raise web.HTTPFound(f"http://{request.host}/gone-404")
            case "stale.jpg":
                if busted:
                    return web.Response(status=404, text="Not Found")
                return self.image(OLD_JPEG, **{"Age": "3000", "X-Cache": "HIT",
                                               "Cache-Control": "public, max-age=3600",
                                               "CF-Cache-Status": "HIT"})
            case _ if name.startswith("cached/") and name[7:-4] in CACHE_ANSWERS:
                headers, origin_has_it = CACHE_ANSWERS[name[7:-4]]
                if busted and not origin_has_it:
                    return web.Response(status=404, text="Not Found")
                return self.image(OLD_JPEG, **headers)
            case "flaky":  # 503 once, then the truth: 404
                if self.hits[key] == 1:
                    return web.Response(status=503, text="busy")
                return web.Response(status=404)
            case "always-503":
                return web.Response(status=503, text="busy")
            case "throttled":  # 429 with Retry-After: 1, then 410
                if self.hits[key] == 1:
                    return web.Response(status=429, headers={"Retry-After": "1"})
                return web.Response(status=410)
            case "throttled-long":
                return web.Response(status=429, headers={"Retry-After": "3600"})
            case "hang":
                await self.release.wait()
            case "huge.jpg":
                return self.image(b"\xff\xd8" + b"\0" * (3 * 1024 * 1024))
            case "loop":
                raise web.HTTPFound("/loop")
            case "to-ftp":
                raise web.HTTPFound("ftp://example.com/x.jpg")
            case "to-loopback.jpg":  # off Joom's CDN, to an address that would answer
                raise web.HTTPFound(f"{self.base}/old.jpg")
            case _ if name.startswith("slow/"):
                self.in_flight += 1
                self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
                try:
                    await asyncio.sleep(0.05)
                finally:
                    self.in_flight -= 1
                return web.Response(status=404)
        return web.Response(status=404)

    def joom(self, name: str) -> web.Response:
        stem = name.rsplit("/", 1)[-1].split(".")[0]
        upload, _, size = stem.partition("_")
        if upload == JOOM_ID and size in JOOM_LIVE_SIZES:
            return self.image(OLD_JPEG)
        return web.Response(status=404)


@contextlib.asynccontextmanager
async def https_tunnels(cdn: MockCdn, folder: Path):
    """The mock CDN at Joom's https addresses (https://img.joomcdn.net/...): yields the address
    of a loopback proxy (for HTTPS_PROXY) whose tunnels to the Joom CDN hosts end in TLS with a
    throwaway certificate for their names, then reach the mock CDN. aiohttp's default context
    trusts that certificate meanwhile (it was made when aiohttp was imported, so SSL_CERT_FILE
    cannot say so in-process)."""
    hosts = JoomCdn.load().hosts
    cert, key = folder / "joomcdn-cert.pem", folder / "joomcdn-key.pem"
    self_signed(list(hosts), cert, key)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    cdn_port = int(cdn.base.rsplit(":", 1)[1])

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while chunk := await reader.read(64 * 1024):
                writer.write(chunk)
                await writer.drain()
        except (OSError, ssl.SSLError):
            pass
        finally:
            writer.close()

    async def tunnel(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            method, target, *_ = head.decode("latin-1").split()
            host, _, port = target.rpartition(":")
            if method != "CONNECT" or host not in hosts or port != "443":
                writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
                return
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
            await writer.start_tls(tls)
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", cdn_port)
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        except (OSError, ssl.SSLError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(tunnel, "127.0.0.1", 0)
    trusted = ssl.create_default_context(cafile=str(cert))
    real = aiohttp.connector._SSL_CONTEXT_VERIFIED
    aiohttp.connector._SSL_CONTEXT_VERIFIED = trusted
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        aiohttp.connector._SSL_CONTEXT_VERIFIED = real
        server.close()
