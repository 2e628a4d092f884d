"""End-to-end fixtures: the real agent process, Debian's Chromium with the unpacked
extension, and the mock Merchant Panel at its real address (DESIGN section 5)."""

import json
import os
import shlex
import shutil
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e import groups
from e2e.groups import frozen
from e2e.mock_panel import ORIGIN as PANEL_ORIGIN
from e2e.mock_panel import MockPanel
from iprdesk.native import platform as platforms
from iprdesk.native import register
from iprdesk.native.manifest import HOST_NAME, allowed_origins, host_manifest
from iprdesk.timeutil import TEST_CLOCK_ENV
from iprdesk.vault import Vault
from iprdesk.vault.crypto import KdfParams
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
    profile: Path
    native: bool
    paired: bool
    routed: bool  # the mock Panel answers through Playwright routes (not `served`)

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
        mine = lambda w: w.url.startswith(self.ext_url(""))  # noqa: E731 - other extensions too
        if not any(map(mine, self.context.service_workers)):
            with self.context.expect_event("serviceworker", predicate=mine):
                self.open_extension_page("popup/popup.html").close()
        return next(filter(mine, self.context.service_workers))

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

    @property
    def host_manifest(self) -> Path:
        """The native host's registration in this browser's profile (`iprdesk install
        --user-data-dir`)."""
        return self.profile / "NativeMessagingHosts" / f"{HOST_NAME}.json"

    def register_host(self, folder: Path, command: list) -> None:
        """Register in this browser's profile a native host that runs `command` (Chrome's
        arguments appended), the way `iprdesk install --user-data-dir` registers the real one:
        a launcher in `folder`, named by the host manifest, allowed for the extension."""
        launcher = folder / "host-launcher"
        launcher.write_text(f"#!/bin/sh\nexec {shlex.join(map(str, command))} \"$@\"\n")
        launcher.chmod(0o700)
        self.host_manifest.parent.mkdir(exist_ok=True)
        self.host_manifest.write_text(json.dumps(
            host_manifest(launcher, allowed_origins(self.home))))

    @contextmanager
    def agent_stopped(self):
        """iprdesk unavailable for the block: the agent stopped and, over native messaging,
        the host unregistered too (else the browser would start an agent again at once).
        After it, all is back and the extension connected again."""
        parked = self.host_manifest.with_suffix(".parked")
        if self.native:
            self.host_manifest.rename(parked)
        self.agent.stop()
        if self.native:
            self.wait_connected(False)  # the host said its agent is gone
        try:
            yield
        finally:
            # The agent first: registered again, the extension may connect before it is up,
            # and its host would start an agent of its own in the same data directory.
            self.agent.start()
            if self.native:
                parked.rename(self.host_manifest)
            if self.native:
                page = self.open_extension_page("popup/popup.html")  # looking connects again
                page.wait_for_selector('#state[data-state="connected"]')
                page.close()

    def renew(self) -> None:
        """This browser as a new launch would give it to another test module: no pages, the
        mock Panel as made (no service worker of its registered), the extension's storage
        empty and its worker stopped, and a new agent on a new data directory (connected, or
        paired, as launched)."""
        fresh = AgentProcess(Path(tempfile.mkdtemp(prefix="home-", dir=self.home.parent)),
                             extra_args=self.agent.extra_args, env=self.agent.env)
        with ThreadPoolExecutor(1) as pool:
            up = pool.submit(fresh.start)  # meanwhile (a Python start)
            try:
                self._emptied()
            except BaseException:
                futures_wait([up])
                fresh.stop()
                raise
            self.agent, self.home = up.result(), fresh.home
        if self.native:
            register.install(platforms.current(), self.home, user_data_dir=self.profile)
            # Playwright keeps the stopped worker's handle, which answers once it runs again:
            # the popup wakes it, and asks it to connect.
            page = self.open_extension_page("popup/popup.html")
            self.wait_connected()
            page.close()
        if self.paired:
            self.pair()

    def _emptied(self) -> None:
        """renew's part in the browser, and the old agent stopped."""
        for page in self.context.pages:
            page.close()
        self.context.clear_cookies()
        self.context.clear_permissions()
        self.context.unroute_all()
        self.panel.__init__()  # in place: its server and the agent's CDN proxy answer from it
        if self.routed:
            self.panel.install(self.context)
        if self.native:  # the browser may not start a host (and its agent) meanwhile
            self.host_manifest.unlink()
        self.agent.stop()
        if self.native:
            self.wait_connected(False)
        # Alarms and notifications too: a deadline alarm of the last module's cases would wake
        # the worker in the next (its start sets the 15-minute poll again).
        self.worker.evaluate("""async () => {
            await chrome.storage.local.clear();
            await chrome.storage.session.clear();
            await chrome.alarms.clearAll();
            for (const id of Object.keys(await chrome.notifications.getAll())) {
                await chrome.notifications.clear(id);
            }
        }""")
        page = self.context.new_page()
        # The Panel's own service workers and caches (a test registered one) go too.
        cdp = self.context.new_cdp_session(page)
        cdp.send("Storage.clearDataForOrigin", {"origin": PANEL_ORIGIN,
                                                "storageTypes": "service_workers,cache_storage"})
        cdp.detach()
        self.stop_worker(page)  # its memory too: woken, it starts as after a launch
        page.close()

    def stop_worker(self, page) -> None:
        """Stop our service worker as Chrome does when it idles (CDP ServiceWorker.stopWorker
        on its running version, through `page`), and wait until it has stopped."""
        cdp = self.context.new_cdp_session(page)
        versions, stopped = {}, set()

        def updated(event):
            versions.update({v["versionId"]: v for v in event["versions"]})
            # Seen stopped, even if a page's message wakes it again before the next look (a
            # content script talking to it does, at once).
            stopped.update(v["versionId"] for v in event["versions"]
                           if v["runningStatus"] == "stopped")

        cdp.on("ServiceWorker.workerVersionUpdated", updated)
        cdp.send("ServiceWorker.enable")
        ours = lambda: [v for v in versions.values()  # noqa: E731
                        if v["scriptURL"].startswith(self.ext_url(""))]
        wait_for(page, lambda: any(v["runningStatus"] == "running" for v in ours()))
        running = [v["versionId"] for v in ours() if v["runningStatus"] != "stopped"]
        stopped.clear()
        for version_id in running:
            cdp.send("ServiceWorker.stopWorker", {"versionId": version_id})
        wait_for(page, lambda: stopped.issuperset(running))
        cdp.send("ServiceWorker.disable")
        cdp.detach()

    def wait_connected(self, connected: bool = True) -> None:
        """Until the service worker holds a native messaging session (or, `connected` False,
        holds none)."""
        self.worker.evaluate("""(wanted) => new Promise((resolve) => {
            const has = (s) => !!s.nativeSession === wanted && resolve(true);
            chrome.storage.session.onChanged.addListener(
                (changes) => has({ nativeSession: changes.nativeSession?.newValue }));
            chrome.storage.session.get("nativeSession").then(has);
        })""", connected)

    def pair(self) -> None:
        """Pair as a script user does (the opt-in HTTP way): in the options page's advanced
        part, point the extension at the agent and type the code."""
        page = self.open_options()
        open_advanced(page)
        page.fill("#agent-url", self.agent.url)
        page.press("#agent-url", "Enter")
        page.wait_for_selector("#address-message.ok")
        page.fill("#code", pairing_code(self.home))
        page.press("#code", "Enter")
        page.wait_for_selector('#state[data-state="connected"]')
        page.close()


@contextmanager
def panel_service_worker(browser, scope):
    """A Panel service worker (e2e/panel/panel-sw.js) controlling the Panel's pages under
    `scope`, registered from a Panel page of the `served` mock and unregistered after. Yields
    `tell(what, product)`, which messages it: "keep" (that product's data request answered
    only once told "release", nothing of it on the network meanwhile), "release"."""
    page = browser.open_panel("/orders")
    page.evaluate("""async (scope) => {
        const registration = await navigator.serviceWorker.register("/panel-sw.js", { scope });
        const worker = registration.installing || registration.waiting || registration.active;
        while (worker.state !== "activated") {
            await new Promise((resolve) => worker.addEventListener("statechange", resolve,
                                                                   { once: true }));
        }
    }""", scope)
    try:
        yield lambda what, product: page.evaluate(
            """([scope, message]) => navigator.serviceWorker.getRegistration(scope)
                .then((r) => r.active.postMessage(message))""", [scope, [what, product]])
    finally:
        page.evaluate("(scope) => navigator.serviceWorker.getRegistration(scope)"
                      ".then((r) => r && r.unregister())", scope)
        page.close()


def wait_for(page, condition):
    """Until `condition()` holds: CDP events come in while Playwright waits on the page."""
    for _ in range(WAIT_MS // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("the condition never held")


def content_script_world(browser, page):
    """A CDP session on `page` and the id of our content scripts' world in its main frame:
    what a compromised renderer of that page can run as. Callers wait for our overlays first,
    so the world exists, and Runtime.enable reports every existing context before it returns."""
    cdp = browser.context.new_cdp_session(page)
    contexts = []
    cdp.on("Runtime.executionContextCreated", lambda e: contexts.append(e["context"]))
    cdp.send("Runtime.enable")
    main_frame = next((c["auxData"]["frameId"] for c in contexts
                       if c.get("auxData", {}).get("isDefault")), None)
    ours = [c["id"] for c in contexts
            if c["origin"] == browser.ext_url("").rstrip("/")
            and c.get("auxData", {}).get("frameId") == main_frame]
    assert ours, f"no content script world among {contexts}"
    return cdp, ours[0]


def open_advanced(page) -> None:
    """Open the options page's advanced part (pairing, address), as a user clicks it open."""
    if page.get_attribute("#advanced", "open") is None:
        page.click("#advanced summary")
    page.wait_for_selector("#agent-url", state="visible")


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


# The extension's own texts, for tests that read its pages in one language or the other.
LOCALES = {lang: json.loads((EXTENSION / f"_locales/{lang}/messages.json").read_text())
           for lang in ("en", "zh_CN")}


def words(lang, key, *subs):
    """The extension's message `key` in `lang`, its placeholders filled with `subs` in order
    (a count's `{one|other}` stays as written)."""
    entry = LOCALES[lang][key]
    text = entry["message"]
    for name, sub in zip(entry.get("placeholders", {}), subs, strict=True):
        text = text.replace(f"${name}$", sub)
    return text


def keep_screenshot(page, name, selector=None, full_page=True):
    """A whole-page screenshot (or of the element `selector` finds, or of the window alone
    without `full_page`, as a seller sees what is fixed in it) for the developer to look at,
    when IPRDESK_SHOTS names a folder (layout, truncation, language); nothing otherwise."""
    if folder := os.environ.get("IPRDESK_SHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        if selector:
            page.locator(selector).screenshot(path=f"{folder}/{name}.png")
        else:
            page.screenshot(path=f"{folder}/{name}.png", full_page=full_page)


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


# Every annotation host whose id starts with a prefix: its id, state, and its chip's texts, read
# in one call (a call per row and field took seconds on long lists). Descends into open shadow
# roots as Playwright's locators do; the counts let the caller keep their one-element rule.
CHIPS = """(prefix) => {
    const deep = (root, selector) => [...root.querySelectorAll(selector),
        ...[...root.querySelectorAll("*")].flatMap(
            (e) => e.shadowRoot ? deep(e.shadowRoot, selector) : [])];
    const within = (node, selector) => [
        ...deep(node, selector), ...(node.shadowRoot ? deep(node.shadowRoot, selector) : [])];
    return deep(document, "iprdesk-overlay[data-iprdesk-id]")
        .filter((host) => host.dataset.iprdeskId.startsWith(prefix))
        .map((host) => {
            const chips = within(host, ".chip");
            const full = chips.length === 1 ? within(chips[0], ".full") : [];
            return { id: host.dataset.iprdeskId, state: host.getAttribute("data-state"),
                     chips: chips.length, fulls: full.length,
                     text: full.length ? full[0].textContent : chips[0]?.innerText };
        });
}"""


def chips(page, prefix):
    """{row id: (state, chip text, host)} of the annotations whose id starts with prefix. The
    chip's full text, also where the row had room only for its compact form. Read once the
    page is drawn with the agent's answers: every row's annotation, not those in so far."""
    page.wait_for_selector("html[data-iprdesk-drawn]", state="attached")
    page.wait_for_selector(f"iprdesk-overlay[data-iprdesk-id^='{prefix}']", state="attached")
    found = {}
    for row in page.evaluate(CHIPS, prefix):
        assert row["chips"] == 1 and row["fulls"] <= 1, row  # as a locator's strict mode
        quoted = json.dumps(row["id"], ensure_ascii=False)
        host = page.locator(f"iprdesk-overlay[data-iprdesk-id={quoted}]")
        found[row["id"].split(":", 1)[1]] = (row["state"], row["text"], host)
    return found


def popup_state(browser):
    """(data-state, text) of the popup's agent state once it is known."""
    page = browser.open_extension_page("popup/popup.html")
    page.wait_for_selector(STATE_KNOWN)
    state = page.get_attribute("#state", "data-state"), page.inner_text("#state")
    page.close()
    return state


@pytest.fixture
def product(browser):
    """The mock product edit page, the Panel's uploads emptied, iprdesk's guard on it."""
    browser.panel.uploads.clear()
    page = browser.open_panel(PRODUCT)
    page.wait_for_selector('html[data-iprdesk-page="product-edit"]')
    yield page
    page.close()


def wait_uploads(browser, page, n):
    """The Panel's uploads once the product page's gallery shows n of them (and its 2 own)."""
    page.wait_for_function("(n) => document.querySelectorAll('#gallery figure').length >= n",
                           arg=n + 2)
    assert len(browser.panel.uploads) == n
    return browser.panel.uploads


def set_agent_url(browser, url):
    """Send the extension's agent calls to `url` (a proxy, a dead port): over native messaging
    the session's address, as if the host had named it."""
    browser.worker.evaluate("""async (url) => {
        const { nativeSession } = await chrome.storage.session.get("nativeSession");
        if (!nativeSession) return chrome.storage.local.set({ agentUrl: url });
        await chrome.storage.session.set({ nativeSession: { ...nativeSession, agentUrl: url } });
    }""", url)


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


def ours(context):
    """Our extension's service worker (the pinned id), once it runs."""
    from iprdesk.text.shared_data import extension_ids

    origins = {f"chrome-extension://{i}/" for i in extension_ids()}
    mine = lambda w: w.url.split("background/")[0] in origins  # noqa: E731
    return next(filter(mine, context.service_workers), None) or context.wait_for_event(
        "serviceworker", predicate=mine)


@contextmanager
def launch_browser(tmp: Path, *, lang: str = "en", native: bool = True, pair: bool = False,
                   agent_args=(), timezone: str | None = None, profile: str = "profile",
                   served=None, extensions=(), agent_cdn: bool = False):
    """`native`: register iprdesk in the profile (`iprdesk install --user-data-dir`), so the
    extension connects over native messaging as after a real install, and wait until it has;
    else the profile knows no iprdesk and `pair` pairs by code (the opt-in for scripts). The
    browser's native host reuses this agent (one agent per data directory). `timezone`: the
    pages' time zone (an IANA name, e.g. "Asia/Shanghai"), else the
    machine's. Another `profile` in the same `tmp` is the extension installed anew beside the
    same agent data directory. `served`: the mock Panel on a loopback HTTPS server rather than
    through Playwright routes, which slow every request of the pages down (for benchmarks),
    and under the host names in `served` too (where the extension does not run).
    `extensions`: folders of more unpacked extensions loaded beside ours (other ids).
    `agent_cdn`: the agent's URL checks reach the mock CDN (`panel.cdn`) too."""

    home = tmp / "home"
    home.mkdir(exist_ok=True)
    loaded = ",".join(map(str, [EXTENSION, *extensions]))
    panel = MockPanel()
    with ExitStack() as stack:
        agent_env = stack.enter_context(panel.cdn_for_the_agent(tmp)) if agent_cdn else {}
        yield from _run_browser(stack, tmp, home, panel, loaded, lang=lang, native=native,
                                pair=pair, agent_args=agent_args, agent_env=agent_env,
                                timezone=timezone, profile=profile, served=served)


class _Playwright:
    """The one Playwright of this process while any launched browser is open: its sync API
    cannot start twice in a thread, and a test may open browsers beside its module's. Stopped
    with the last of them (a later test of the process may start one of its own)."""

    running = None
    users = 0

    @classmethod
    @contextmanager
    def use(cls):
        from playwright.sync_api import sync_playwright

        if not cls.users:
            cls.running = sync_playwright().start()
        cls.users += 1
        try:
            yield cls.running
        finally:
            cls.users -= 1
            if not cls.users:
                cls.running.stop()
                cls.running = None


def _run_browser(stack, tmp, home, panel, loaded, *, lang, native, pair, agent_args, agent_env,
                 timezone, profile, served):
    """launch_browser's agent and browser, started once what the agent needs (the mock CDN it
    checks) runs."""
    # The e2e agent's clock can be moved (Browser.move_clock): deadlines without waiting days.
    agent = AgentProcess(home, extra_args=agent_args,
                         env={TEST_CLOCK_ENV: "1", **agent_env}).start()
    if native:
        # `iprdesk install --user-data-dir`'s own work, in-process (the command itself is
        # tested in tests/test_native.py): a Python start less per browser.
        register.install(platforms.current(), home, user_data_dir=tmp / profile)
    browser = None
    try:
        with _Playwright.use() as pw:
            panel_args = [] if served is None else stack.enter_context(panel.served(tmp, served))
            context = pw.chromium.launch_persistent_context(
                str(tmp / profile),
                executable_path=CHROMIUM,
                headless=True,
                locale=lang.replace("_", "-"),
                timezone_id=timezone,
                args=[f"--disable-extensions-except={loaded}", f"--load-extension={loaded}",
                      f"--lang={lang.replace('_', '-')}", *panel_args],
                env={**os.environ, "LANGUAGE": lang},
            )
            context.set_default_timeout(WAIT_MS)
            try:
                worker = ours(context)
                context.add_init_script(UPLOAD_TOAST_LOG)
                if served is None:
                    panel.install(context)
                browser = Browser(context, worker.url.split("/")[2], agent, panel, home,
                                  tmp / profile, native, pair, served is None)
                if native:
                    browser.wait_connected()
                if pair:
                    browser.pair()
                yield browser
            finally:
                context.close()
    finally:
        (browser.agent if browser else agent).stop()  # renew() replaces it


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser(lang, timezone, native, pair, agent_cdn, vault, pages, setup): how "
        "the module's "
        "`browser` differs from the default one (see the fixture)")


# Browsers a process keeps open between the test modules that ask for the same one (a launch
# costs seconds on a busy machine): the last two asked for, one language and the other.
KEPT_BROWSERS = 2


@pytest.fixture(scope="session")
def kept_browsers():
    """{options key: (its ExitStack, Browser)}, the most recently used last; closed before a
    test outside e2e/ runs in this process (e2e/groups.py)."""
    yield groups.KEPT
    groups.close_kept()


@pytest.fixture(scope="module")
def browser(request, tmp_path_factory, kept_browsers):
    """A browser connected over native messaging, for the tests of one module (a launch
    costs ~1 s, 450 MiB, more on a busy machine: one kept from an earlier module with the same
    options is renewed instead, so no module sees another's state). A module says how its
    browser differs with
    `pytestmark = pytest.mark.browser(...)`: launch_browser's `lang`, `timezone`, `native`,
    `pair` and `agent_cdn`; `vault`, a passphrase the vault is
    initialised with; `pages`, more Panel pages (path regex -> file, matched before the
    default ones); `setup(browser)`, anything else. Parametrised indirectly
    (`parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")`), its
    parameter is the language: one browser per language."""
    marker = request.node.get_closest_marker("browser")
    options = dict(marker.kwargs) if marker else {}
    if hasattr(request, "param"):
        options["lang"] = request.param
    options.setdefault("lang", "en")  # launch_browser's default: a module's en tests share
    key = tuple(sorted((k, frozen(v)) for k, v in options.items()))
    vault, pages, setup = (options.pop(k, None) for k in ("vault", "pages", "setup"))
    b = None
    if key in kept_browsers:
        stack, b = kept_browsers.pop(key)
        try:
            b.renew()
        except Exception:  # noqa: BLE001 - an earlier module left it broken: launch anew
            stack.close()
            b = None
    if b is None:
        groups.close_kept(keep=KEPT_BROWSERS - 1)
        name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
        stack = ExitStack()
        b = stack.enter_context(launch_browser(tmp_path_factory.mktemp(name), **options))
    kept_browsers[key] = (stack, b)
    if pages:
        # First in the dict, first matched: a variant wins over the default it overlaps.
        b.panel.pages = {**pages, **{k: v for k, v in b.panel.pages.items() if k not in pages}}
    if vault:
        # `iprdesk vault init`'s vault at the floor work factor: every unlock of the test
        # derives the key once (calibration and the command are tests/test_vault*.py's).
        Vault.create(b.home, vault, kdf=KdfParams.floor())
    if setup:
        setup(b)
    yield b
    for page in b.context.pages:  # what the module left open costs memory while kept
        page.close()
