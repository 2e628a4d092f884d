"""A mock Joom Merchant Panel, served at its real address through Playwright routing.

The mock is a test fixture, not the product: its markup is realistic but the extension must
not depend on it (it finds pages through shared/pagemap.json). Uploads POSTed by the page's
own JavaScript are recorded so tests can inspect exactly what would have reached Joom.
"""

import json
import re
import ssl
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.helpers import self_signed

PANEL_DIR = Path(__file__).resolve().parent / "panel"
ORIGIN = "https://merchant.joom.com"
CDN_HOSTS = ("https://img.joomcdn.net", "https://img-edg.joomcdn.net")

CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
                 ".png": "image/png", ".jpeg": "image/jpeg", ".jpg": "image/jpeg"}


@dataclass
class Upload:
    name: str
    content_type: str
    body: bytes


@dataclass
class Hold:
    """A request the mock Panel leaves unanswered until the test releases it: a request in
    flight for as long as the test wants. On the loopback server of `served` only (a
    Playwright route handler must not block). A `stream` is answered at once as an event
    stream (`text/event-stream`, an opening comment) and ended when released. A `poll`'s
    requests (a long-poll's) are answered one at a time, each when the test says (`answer`),
    all once released."""
    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)
    stream: bool = False
    poll: bool = False
    turns: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))

    def answer(self) -> None:
        """A poll's request waiting (or the next one to come) answered."""
        self.turns.release()

    def wait_turn(self) -> None:
        while not self.released.is_set() and not self.turns.acquire(timeout=0.1):
            pass


@dataclass
class MockPanel:
    # Path regex -> page file; tests may add their own variants.
    pages: dict = field(default_factory=lambda: {
        r"/ipr/complaints/?": "complaints.html",
        r"/ipr/appeals/?": "appeals.html",
        r"/products/[^/]+/edit": "product-edit.html",
        r"/products/[^/]+/media": "upload-widgets.html",
        r"/products/[^/]+/media/frame": "upload-frame.html",
        r"/account/?": "account.html",
        r"/orders/?": "other.html",
        r"/messages/?": "unmapped.html",
        r"/disputes/claims/?": "claims.html",
    })
    # CDN path -> (status, body, headers); anything else on the CDN is a 404.
    cdn: dict = field(default_factory=dict)
    uploads: list = field(default_factory=list)
    # Path -> Hold: requests to it are answered once the test releases them (`hold`).
    holds: dict = field(default_factory=dict)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def install(self, context) -> None:
        context.route(f"{ORIGIN}/**", self._panel)
        for host in CDN_HOSTS:
            context.route(f"{host}/**", self._cdn)

    def url(self, path: str) -> str:
        return ORIGIN + path

    def hold(self, path: str, stream: bool = False, poll: bool = False) -> Hold:
        """Hold the requests to `path` (on the `served` server, any of its hosts) until the
        Hold is released; `stream`: answered as an event stream meanwhile; `poll`: each
        answered when the test says."""
        return self.holds.setdefault(path, Hold(stream=stream, poll=poll))

    def render(self, name: str) -> str:
        html = (PANEL_DIR / name).read_text(encoding="utf-8")
        html = html.replace("<!--topbar-->", (PANEL_DIR / "topbar.html").read_text())
        stamps = {"received_recent": self.now - timedelta(hours=30),
                  "received_old": self.now - timedelta(hours=50)}
        for key, when in stamps.items():
            html = html.replace(f"{{{{{key}}}}}", when.strftime("%Y-%m-%d %H:%M UTC"))
            # The same moments as a Chinese Panel writes them.
            html = html.replace(f"{{{{{key}_zh}}}}", when.strftime("%Y年%m月%d日 %H:%M UTC"))
        return html

    def answer(self, method: str, url: str, content_type: str, body: bytes):
        """The mock Panel's (status, content type, body) for one request to it."""
        parts = urlsplit(url)
        if parts.path == "/api/upload" and method == "POST":
            name = parse_qs(parts.query).get("name", ["upload"])[0]
            self.uploads.append(Upload(name, content_type, body))
            return 200, "application/json", json.dumps({"ok": True, "size": len(body)}).encode()
        if parts.path == "/panel-sw.js":  # a Panel service worker, its scope up to "/"
            return 200, CONTENT_TYPES[".js"], (PANEL_DIR / "panel-sw.js").read_bytes()
        if parts.path == "/api/poll":
            return 200, "application/json", b"[]"  # no news (e2e/panel/product-later.js)
        if re.fullmatch(r"/api/products/[^/]+/gallery", parts.path):
            return 200, "application/json", b"{}"  # its arrival shows the rest (product-later.js)
        if re.fullmatch(r"/api/products/[^/]+", parts.path):
            # A product's data, as a single-page app fetches it (product-later.html): here the
            # product page's markup.
            return 200, CONTENT_TYPES[".html"], self.render("product-edit.html").encode()
        if parts.path.startswith("/static/"):
            path = PANEL_DIR / parts.path.removeprefix("/static/")
            if path.is_file() and path.parent == PANEL_DIR:
                return (200, CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
                        path.read_bytes())
        for pattern, name in self.pages.items():
            if re.fullmatch(pattern, parts.path):
                return 200, CONTENT_TYPES[".html"], self.render(name).encode()
        return 404, "text/html", b"<h1>Not found</h1>"

    def cdn_answer(self, url: str):
        """(status, body, headers) of the mock CDN for one URL."""
        return self.cdn.get(urlsplit(url).path, (404, b"not found", {}))

    def _panel(self, route) -> None:
        request = route.request
        status, content_type, body = self.answer(
            request.method, request.url, request.headers.get("content-type", ""),
            request.post_data_buffer or b"")
        route.fulfill(status=status, content_type=content_type, body=body)

    def _cdn(self, route) -> None:
        status, body, headers = self.cdn_answer(route.request.url)
        route.fulfill(status=status, body=body, headers=headers)

    @contextmanager
    def served(self, folder: Path, copies=()):
        """The mock Panel and CDN on a real HTTPS server on loopback, for a browser that
        resolves their names to it and accepts its self-signed certificate: yields the
        Chromium flags that say so. `copies`: more host names serving the same Panel, where
        the extension does not run. For timing: whenever a Playwright route is set, every
        request of the pages goes through Playwright, the extension's frames' too (about 1 s
        more for a 6 MB upload to the agent)."""
        cdn_hosts = [urlsplit(origin).hostname for origin in CDN_HOSTS]
        hosts = [urlsplit(ORIGIN).hostname, *copies, *cdn_hosts]
        cert, key = folder / "panel-cert.pem", folder / "panel-key.pem"
        self_signed(hosts, cert, key)
        panel = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                url = f"https://{self.headers['Host']}{self.path}"
                if hold := panel.holds.get(urlsplit(url).path):
                    hold.arrived.set()
                    if hold.stream:
                        self.answer_stream(hold)
                        return
                    hold.wait_turn() if hold.poll else hold.released.wait()
                if urlsplit(url).hostname in cdn_hosts:
                    status, body, headers = panel.cdn_answer(url)
                else:
                    status, content_type, body = panel.answer(
                        self.command, url, self.headers.get("Content-Type", ""), body)
                    headers = {"Content-Type": content_type}
                    # The Panel's pages read their data from its other hosts too (`copies`).
                    if origin := self.headers.get("Origin"):
                        headers["Access-Control-Allow-Origin"] = origin
                try:
                    self.send_response(status)
                    for name, value in {**headers, "Content-Length": str(len(body))}.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (ConnectionError, ssl.SSLError):
                    if not hold:  # a held one's browser may have left (its tab closed)
                        raise

            do_POST = do_GET

            def answer_stream(self, hold):
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Cache-Control", "no-store")
                    self.end_headers()
                    self.wfile.write(b": open\n\n")
                    self.wfile.flush()
                except (ConnectionError, ssl.SSLError):
                    return  # its page has gone
                hold.released.wait()

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.server_address[1]
        try:
            yield ["--ignore-certificate-errors", "--host-resolver-rules=" + ", ".join(
                f"MAP {host} 127.0.0.1:{port}" for host in hosts)]
        finally:
            for hold in self.holds.values():
                hold.released.set()  # no request left waiting
            server.shutdown()
            server.server_close()


    @contextmanager
    def cdn_for_the_agent(self, folder: Path):
        """The mock CDN where the agent's URL checks reach it: an HTTPS proxy on loopback that
        answers each tunnel to a CDN host itself (TLS with a certificate for the CDN's names,
        then the same answers the browser gets). Yields the agent's environment that says so;
        the certificate exists before the agent starts (its TLS context reads $SSL_CERT_FILE
        at its first connection: server/tls.py)."""
        cdn_hosts = [urlsplit(origin).hostname for origin in CDN_HOSTS]
        cert, key = folder / "cdn-cert.pem", folder / "cdn-key.pem"
        self_signed(cdn_hosts, cert, key)
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert, key)
        panel = self

        class Cdn(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # the checker keeps its connections

            def log_message(self, *args):
                pass

            def do_GET(self):
                status, body, headers = panel.cdn_answer(f"https://{self.headers['Host']}{self.path}")
                self.send_response(status)
                for name, value in {**headers, "Content-Length": str(len(body))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        class Proxy(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_CONNECT(self):
                if self.path.rsplit(":", 1)[0] not in cdn_hosts:
                    self.send_error(403)  # the checker reaches nothing else through it
                    return
                self.send_response(200, "Connection established")
                self.end_headers()
                Cdn(tls.wrap_socket(self.connection, server_side=True), self.client_address,
                    self.server)
                self.close_connection = True

        server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield {"HTTPS_PROXY": f"http://127.0.0.1:{server.server_address[1]}",
                   "SSL_CERT_FILE": str(cert), "NO_PROXY": "127.0.0.1,localhost"}
        finally:
            server.shutdown()
            server.server_close()
