"""Run the demo: a temporary home, the real agent, Chromium with the extension on the demo
Panel. Headed when a display exists (the user explores until they close the window);
otherwise it saves a screenshot of each annotated page, with what it shows as text beside it
(`<name>.json`), and says where."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from iprdesk.atomic import atomic_write_json
from iprdesk.demo import DEMO_PASSPHRASE, DemoPanel, seed
from iprdesk.errors import IprdeskError
from iprdesk.paths import extension_dir
from iprdesk.server.pairing import AuthStore
from iprdesk.text import i18n

PANEL = "https://merchant.joom.com"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class DemoUnavailable(IprdeskError):
    code = "demo_unavailable"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def agent_process(home: Path):
    """The real agent on a free loopback port, stopped on exit."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "iprdesk", "agent", "--home", str(home),
                             "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60  # a busy computer can take that long to start it
        while True:
            try:
                urllib.request.urlopen(url + "/v1/health", timeout=1)  # noqa: S310 (loopback)
            except urllib.error.HTTPError:
                break  # 401: up, and guarding its door
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise DemoUnavailable(key="error.demo.agent_did_not_start") from None
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _post(url: str, token: str, path: str, body: dict) -> dict:
    request = urllib.request.Request(  # noqa: S310 (the agent, on loopback)
        url + path, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        return json.loads(response.read())


def _browser_path() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise DemoUnavailable(key="error.demo.no_chromium")


def _route_panel(context, panel: DemoPanel) -> None:
    def handle(route):
        status, content_type, body = panel.page(urlsplit(route.request.url).path)
        route.fulfill(status=status, content_type=content_type, body=body)

    context.route(f"{PANEL}/**", handle)


# What a screenshot shows, as text: the page's own and that of each of iprdesk's overlays (its
# id, state and visible text: a closed card's is not; whether a chip shows its compact form for
# want of room, and the chip's title, which a pointer resting on it shows). Saved beside it,
# for a reader or a script.
SHOWN = """() => ({
  text: document.body.innerText,
  overlays: [...document.querySelectorAll("iprdesk-overlay")].map((host) => ({
    id: host.dataset.iprdeskId || null,
    state: host.dataset.state || null,
    open: host.hasAttribute("open"),
    compact: host.hasAttribute("data-compact"),
    title: host.shadowRoot.querySelector(".chip")?.title || null,
    text: [...host.shadowRoot.children].filter((e) => e.localName !== "style")
      .map((e) => e.innerText).join("\\n"),
  })),
})"""


# What is shown, once it has stopped changing: the same (with each overlay's place) in two
# frames in a row. An open card or a chip taking its compact form moves the others in the next
# frame (overlay.js places them once a frame).
SETTLED = f"""async () => {{
  const shown = {SHOWN};
  const now = () => {{
    const seen = shown();
    const places = [...document.querySelectorAll("iprdesk-overlay")].map((host) => {{
      const r = host.getBoundingClientRect();
      return [r.left, r.top, r.width, r.height];
    }});
    return [JSON.stringify([seen, places]), seen];
  }};
  let [before, seen] = now();
  for (let same = 0; same < 2;) {{
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const [after, latest] = now();
    same = after === before ? same + 1 : 0;
    [before, seen] = [after, latest];
  }}
  return seen;
}}"""


def _open_card(page, prefix: str) -> None:
    # Once the page is drawn with the agent's answers, every row's (its open cases too): a
    # card opened before would say what the agent has not answered yet.
    page.locator("html[data-iprdesk-drawn]").wait_for(state="attached")
    host = page.locator(f"iprdesk-overlay[data-iprdesk-id^='{prefix}']").first
    host.locator(".chip").click()
    host.locator(".card").wait_for(state="visible")


def _screenshots(context, ext_url: str, main_case: str, out: Path) -> list[Path]:
    saved = []

    def shot(page, name):
        """The screenshot and what it shows, the same before and after it was taken (a whole-
        page shot resizes the window for a moment: the overlays may move and come back)."""
        path = out / name
        shown = page.evaluate(SETTLED)
        while True:
            page.screenshot(path=str(path), full_page=True)
            shown, before = page.evaluate(SETTLED), shown
            if shown == before:
                break
        atomic_write_json(path.with_suffix(".json"), shown, mode=0o644)
        saved.append(path)

    for path, prefix, name in (("/ipr/complaints", "complaint:", "1-complaints.png"),
                               ("/ipr/appeals", "appeal:", "2-appeals.png"),
                               ("/account", "banner:", "3-account.png")):
        page = context.new_page()
        page.set_viewport_size({"width": 1280, "height": 860})
        page.goto(PANEL + path)
        _open_card(page, prefix)
        shot(page, name)
        page.close()
    page = context.new_page()
    page.set_viewport_size({"width": 420, "height": 900})
    page.goto(f"{ext_url}/popup/popup.html")
    page.locator(f"li.case[data-case='{main_case}'] button.drafts").click()
    page.locator("details.draft summary").first.click()
    page.locator("details.draft[open] pre.body").first.wait_for(state="visible")
    shot(page, "4-popup-cases-and-drafts.png")
    page.close()
    page = context.new_page()
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(f"{ext_url}/case/case.html?case={main_case}#preflight")
    page.wait_for_selector("#preflight li[data-check='deadline']", timeout=30000)
    page.wait_for_selector("#bundle .body > *", timeout=30000)  # the last part drawn
    shot(page, "5-preflight.png")
    page.close()
    page = context.new_page()
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(f"{ext_url}/desk/desk.html")
    page.wait_for_selector(f"li.case-row[data-case='{main_case}']", timeout=30000)
    page.wait_for_selector("#penalties #penalty-standing", timeout=30000)
    shot(page, "6-desk.png")
    page.close()
    return saved


def run_demo(home: Path, *, headless: bool, out: Path | None, lang: str, echo) -> list[Path]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise DemoUnavailable(key="error.demo.no_playwright") from None
    executable = _browser_path()
    seeded = seed(home)
    auth = AuthStore(home)
    token = auth.redeem(auth.new_code()[0])
    with agent_process(home) as agent_url:
        _post(agent_url, token, "/v1/vault/unlock", {"passphrase": DEMO_PASSPHRASE})
        with sync_playwright() as pw:
            extension = extension_dir()
            context = pw.chromium.launch_persistent_context(
                str(home / "demo-browser-profile"), executable_path=executable,
                headless=headless, locale=lang.replace("_", "-"),
                args=[f"--disable-extensions-except={extension}",
                      f"--load-extension={extension}", f"--lang={lang.replace('_', '-')}"],
                env={**os.environ, "LANGUAGE": lang})
            try:
                worker = (context.service_workers
                          or [context.wait_for_event("serviceworker", timeout=15000)])[0]
                ext_url = worker.url.rsplit("/background/", 1)[0]
                # Pair the way the options page would, without typing the code.
                worker.evaluate("(s) => chrome.storage.local.set(s)",
                                {"agentUrl": agent_url, "token": token})
                _route_panel(context, DemoPanel())
                if headless:
                    out.mkdir(parents=True, exist_ok=True)
                    return _screenshots(context, ext_url, seeded.main_case, out)
                # The window's first, blank tab shows the complaints; the rest open beside it.
                first = context.pages[0] if context.pages else context.new_page()
                first.goto(PANEL + "/ipr/complaints")
                for path in ("/ipr/appeals", "/account"):
                    context.new_page().goto(PANEL + path)
                context.new_page().goto(
                    f"{ext_url}/case/case.html?case={seeded.main_case}#preflight")
                context.new_page().goto(f"{ext_url}/desk/desk.html")
                echo(i18n.text("demo.open", lang))
                context.wait_for_event("close", timeout=0)
                return []
            finally:
                if headless or context.pages:
                    context.close()
