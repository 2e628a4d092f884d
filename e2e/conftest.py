"""End-to-end fixtures: the real agent process, Debian's Chromium with the unpacked
extension, and the mock Merchant Panel at its real address (DESIGN section 5)."""

import os
import shutil
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e.mock_panel import MockPanel
from tests.conftest import REPO
from tests.helpers import AgentProcess, pairing_code

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
                   timezone: str | None = None, profile: str = "profile"):
    """`timezone`: the pages' time zone (an IANA name, e.g. "Asia/Shanghai"), else the
    machine's. Another `profile` in the same `tmp` is the extension installed anew beside the
    same agent data directory."""
    from playwright.sync_api import sync_playwright

    home = tmp / "home"
    home.mkdir(exist_ok=True)
    agent = AgentProcess(home, extra_args=agent_args).start()
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                str(tmp / profile),
                executable_path=CHROMIUM,
                headless=True,
                locale=lang.replace("_", "-"),
                timezone_id=timezone,
                args=[f"--disable-extensions-except={EXTENSION}",
                      f"--load-extension={EXTENSION}",
                      f"--lang={lang.replace('_', '-')}"],
                env={**os.environ, "LANGUAGE": lang},
            )
            context.set_default_timeout(WAIT_MS)
            try:
                worker = (context.service_workers or [context.wait_for_event("serviceworker")])[0]
                context.add_init_script(UPLOAD_TOAST_LOG)
                panel = MockPanel()
                panel.install(context)
                browser = Browser(context, worker.url.split("/")[2], agent, panel, home)
                if pair:
                    browser.pair()
                yield browser
            finally:
                context.close()
    finally:
        agent.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A paired browser shared by the tests of one module (a launch costs ~1 s, 450 MiB)."""
    with launch_browser(tmp_path_factory.mktemp("e2e")) as b:
        yield b
