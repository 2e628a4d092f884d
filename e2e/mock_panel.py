"""A mock Joom Merchant Panel, served at its real address through Playwright routing.

The mock is a test fixture, not the product: its markup is realistic but the extension must
not depend on it (it finds pages through shared/pagemap.json). Uploads POSTed by the page's
own JavaScript are recorded so tests can inspect exactly what would have reached Joom.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

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
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def install(self, context) -> None:
        context.route(f"{ORIGIN}/**", self._panel)
        for host in CDN_HOSTS:
            context.route(f"{host}/**", self._cdn)

    def url(self, path: str) -> str:
        return ORIGIN + path

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

    def _panel(self, route) -> None:
        request = route.request
        parts = urlsplit(request.url)
        if parts.path == "/api/upload" and request.method == "POST":
            name = parse_qs(parts.query).get("name", ["upload"])[0]
            body = request.post_data_buffer or b""
            self.uploads.append(Upload(name, request.headers.get("content-type", ""), body))
            route.fulfill(status=200, content_type="application/json",
                          body=json.dumps({"ok": True, "size": len(body)}))
            return
        if parts.path.startswith("/static/"):
            path = PANEL_DIR / parts.path.removeprefix("/static/")
            if path.is_file() and path.parent == PANEL_DIR:
                content_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
                route.fulfill(status=200, body=path.read_bytes(), content_type=content_type)
                return
        for pattern, name in self.pages.items():
            if re.fullmatch(pattern, parts.path):
                route.fulfill(status=200, content_type=CONTENT_TYPES[".html"],
                              body=self.render(name))
                return
        route.fulfill(status=404, content_type="text/html", body="<h1>Not found</h1>")

    def _cdn(self, route) -> None:
        status, body, headers = self.cdn.get(urlsplit(route.request.url).path,
                                             (404, b"not found", {}))
        route.fulfill(status=status, body=body, headers=headers)
