"""End-to-end fixtures: the real agent process, Debian's Chromium with the unpacked
extension, and the mock Merchant Panel at its real address (DESIGN section 5)."""

import os
import shutil
import uuid
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e.mock_panel import MockPanel
from iprdesk.timeutil import TEST_CLOCK_ENV
from tests.conftest import REPO
from tests.helpers import AgentProcess, iprdesk, pairing_code

EXTENSION = REPO / "extension"
# The agent's state on the popup and options pages once it is known (not still being asked).
STATE_KNOWN = '#state:not([data-state="checking"]):not([data-state="busy"])'
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# How long any wait of a test may take before it fails. Waits end as soon as their condition
# holds; this bound is only how long a broken test takes to say so, and is generous because a
# loaded machine (CI beside other jobs) can be many times slower than an idle one.
WAIT_MS = 60_000
expect.set_options(timeout=WAIT_MS)

if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)",
                allow_module_level=True)


@dataclass
class Browser:
    """One Chromium with the extension, one agent, one mock Panel."""

    context: object
    extension_id: str
    agent: AgentProcess
    panel: MockPanel
    home: Path

    def ext_url(self, path: str) -> str:
        return f"chrome-extension://{self.extension_id}/{path}"

    def open_extension_page(self, path: str):
        page = self.context.new_page()
        page.goto(self.ext_url(path))
        return page

    def open_options(self):
        """The options page once it shows the agent's state: before that its layout still
        moves, and a click can land beside the button it aimed at."""
        page = self.open_extension_page("options/options.html")
        page.wait_for_selector(STATE_KNOWN)
        return page

    def open_panel(self, path: str):
        page = self.context.new_page()
        page.goto(self.panel.url(path))
        return page

    @property
    def worker(self):
        """The extension's service worker; an extension page wakes it if Chrome stopped it."""
        if not self.context.service_workers:
            with self.context.expect_event("serviceworker"):
                self.open_extension_page("popup/popup.html").close()
        return self.context.service_workers[0]

    def move_clock(self, hours: float) -> None:
        """Move the agent's clock, the one "now" of every deadline state (`hours` ahead of the
        real time; 0 puts it back), then let the deadline warnings look again, as their
        alarm would once that much time had passed. Through the extension, which holds the
        token."""
        page = self.open_extension_page("popup/popup.html")
        page.evaluate("""async (seconds) => {
            const agent = await import("/background/agent-client.js");
            await agent.request("/v1/test/clock", { method: "PUT",
                                                    json: { offset_seconds: seconds } });
            await chrome.runtime.sendMessage({ type: "deadlines.check" });
        }""", hours * 3600)
        page.close()

    @contextmanager
    def agent_stopped(self):
        """The agent stopped for the block, and started again on its port after it."""
        self.agent.stop()
        try:
            yield
        finally:
            self.agent.start()

    def pair(self) -> None:
        """Pair as a user does: point the options page at the agent, type the code."""
        page = self.open_options()
        page.fill("#agent-url", self.agent.url)
        page.press("#agent-url", "Enter")
        page.wait_for_selector("#address-message.ok")
        page.fill("#code", pairing_code(self.home))
        page.press("#code", "Enter")
        page.wait_for_selector('#state[data-state="connected"]')
        page.close()


# The upload guard's toasts, in order, as a script of the page sees them come. A toast leaves
# after 12 s: on a busy machine an earlier one can be gone before a later one comes, so tests
# read this log rather than the toasts on screen.
UPLOAD_TOAST_LOG = """(() => {
  window.uploadToasts = [];
  const seen = new WeakSet();
  const collect = (root) => root.querySelectorAll(".toast").forEach((toast) => {
    if (!seen.has(toast)) { seen.add(toast); window.uploadToasts.push(toast.innerText); }
  });
  new MutationObserver(() => {
    const host = document.querySelector("iprdesk-overlay[data-iprdesk-id='upload-guard']");
    if (!host || seen.has(host)) return;
    seen.add(host);
    collect(host.shadowRoot);
    new MutationObserver(() => collect(host.shadowRoot))
      .observe(host.shadowRoot, { childList: true, subtree: true });
  }).observe(document, { childList: true, subtree: true });
})()"""


def wait_until(page, condition: str, arg=None) -> None:
    """Wait until the async JavaScript function `condition(arg)` answers truthy on `page`.
    wait_for_function does not await a promise (one counts as true at once), so each of its
    polls reads the last answer and asks again once that one is in."""
    key = uuid.uuid4().hex
    page.wait_for_function(f"""(arg) => {{
        const state = (window.e2eWaits ??= {{}})["{key}"] ??= {{}};
        if (!state.asking) {{
            state.asking = true;
            ({condition})(arg).then((value) => {{ state.value = value; }})
                .finally(() => {{ state.asking = false; }});
        }}
        return state.value;
    }}""", arg=arg)


def toast_texts(page, n=1):
    """The texts of the upload guard's toasts on `page`, once there are at least n."""
    page.wait_for_function("(n) => window.uploadToasts.length >= n", arg=n)
    return page.evaluate("window.uploadToasts")


# Panel pages in a second markup (div grid / ARIA grid / other banner markup, Chinese labels).
VARIANTS = {
    r"/ipr/v2/complaints": "complaints-grid.html",
    r"/ipr/v2/appeals": "appeals-grid.html",
    r"/account/zh": "account-zh.html",
}
# The mock product page of the upload guard, and the one with images for the badges.
PRODUCT = "/products/64f0c1e2a9b8c7d6e5f40312/edit"
BADGE_PRODUCT = "/products/badge-check/edit"
BADGE = "iprdesk-overlay.iprdesk-image-badge"


def chips(page, prefix):
    """{row id: (state, chip text, host)} of the annotations whose id starts with prefix."""
    page.wait_for_selector(f"iprdesk-overlay[data-iprdesk-id^='{prefix}']", state="attached")
    found = {}
    for host in page.locator(f"iprdesk-overlay[data-iprdesk-id^='{prefix}']").all():
        key = host.get_attribute("data-iprdesk-id").split(":", 1)[1]
        found[key] = (host.get_attribute("data-state"), host.locator(".chip").inner_text(), host)
    return found


def popup_state(browser):
    """(data-state, text) of the popup's agent state once it is known."""
    page = browser.open_extension_page("popup/popup.html")
    page.wait_for_selector(STATE_KNOWN)
    state = page.get_attribute("#state", "data-state"), page.inner_text("#state")
    page.close()
    return state


def wait_uploads(browser, page, n):
    """The Panel's uploads once the product page's gallery shows n of them (and its 2 own)."""
    page.wait_for_function("(n) => document.querySelectorAll('#gallery figure').length >= n",
                           arg=n + 2)
    assert len(browser.panel.uploads) == n
    return browser.panel.uploads


def set_agent_url(browser, url):
    browser.worker.evaluate("(url) => chrome.storage.local.set({ agentUrl: url })", url)


def cdn_image(data: bytes):
    """A mock CDN answer serving `data` as a JPEG."""
    return (200, data, {"Content-Type": "image/jpeg"})


def open_card(host):
    """Open an annotation's card (click its chip) and return the card."""
    host.locator(".chip").click()
    card = host.locator(".card")
    card.wait_for(state="visible")
    return card


def row_card(page, row_id):
    """Open the annotation card of one Panel row (its chip) and return the card."""
    host = page.locator(f"iprdesk-overlay[data-iprdesk-id='{row_id}']")
    host.wait_for(state="attached")
    return open_card(host)


@contextmanager
def launch_browser(tmp: Path, *, lang: str = "en", pair: bool = True, agent_args=(),
                   timezone: str | None = None, profile: str = "profile", served=None):
    """`timezone`: the pages' time zone (an IANA name, e.g. "Asia/Shanghai"), else the
    machine's. Another `profile` in the same `tmp` is the extension installed anew beside the
    same agent data directory. `served`: the mock Panel on a loopback HTTPS server rather than
    through Playwright routes, which slow every request of the pages down (for benchmarks),
    and under the host names in `served` too (where the extension does not run)."""
    from playwright.sync_api import sync_playwright

    home = tmp / "home"
    home.mkdir(exist_ok=True)
    panel = MockPanel()
    # The e2e agent's clock can be moved (Browser.move_clock): deadlines without waiting days.
    agent = AgentProcess(home, extra_args=agent_args, env={TEST_CLOCK_ENV: "1"}).start()
    try:
        with sync_playwright() as pw, ExitStack() as stack:
            panel_args = [] if served is None else stack.enter_context(panel.served(tmp, served))
            context = pw.chromium.launch_persistent_context(
                str(tmp / profile),
                executable_path=CHROMIUM,
                headless=True,
                locale=lang.replace("_", "-"),
                timezone_id=timezone,
                args=[f"--disable-extensions-except={EXTENSION}",
                      f"--load-extension={EXTENSION}",
                      f"--lang={lang.replace('_', '-')}", *panel_args],
                env={**os.environ, "LANGUAGE": lang},
            )
            context.set_default_timeout(WAIT_MS)
            try:
                worker = (context.service_workers or [context.wait_for_event("serviceworker")])[0]
                context.add_init_script(UPLOAD_TOAST_LOG)
                if served is None:
                    panel.install(context)
                browser = Browser(context, worker.url.split("/")[2], agent, panel, home)
                if pair:
                    browser.pair()
                yield browser
            finally:
                context.close()
    finally:
        agent.stop()


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser(lang, timezone, pair, vault, pages, setup): how the module's "
        "`browser` differs from the default one (see the fixture)")


@pytest.fixture(scope="module")
def browser(request, tmp_path_factory):
    """A paired browser shared by the tests of one module (a launch costs ~1 s, 450 MiB).
    A module says how its browser differs with `pytestmark = pytest.mark.browser(...)`:
    launch_browser's `lang`, `timezone` and `pair`; `vault`, a passphrase the vault is
    initialised with; `pages`, more Panel pages (path regex -> file, matched before the
    default ones); `setup(browser)`, anything else. Parametrised indirectly
    (`parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")`), its
    parameter is the language: one browser per language."""
    marker = request.node.get_closest_marker("browser")
    options = dict(marker.kwargs) if marker else {}
    vault, pages, setup = (options.pop(key, None) for key in ("vault", "pages", "setup"))
    if hasattr(request, "param"):
        options["lang"] = request.param
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    with launch_browser(tmp_path_factory.mktemp(name), **options) as b:
        if pages:
            # First in the dict, first matched: a variant wins over the default it overlaps.
            b.panel.pages = {**pages, **{k: v for k, v in b.panel.pages.items()
                                         if k not in pages}}
        if vault:
            iprdesk("vault", "init", "--passphrase-file", "/dev/stdin", home=b.home,
                    input=vault + "\n")
        if setup:
            setup(b)
        yield b
