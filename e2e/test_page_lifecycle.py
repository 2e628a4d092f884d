"""Nothing of a left page keeps running. The Panel is a single-page app: its router swaps the
page in place and the content scripts stay. Each page module is entered and left that way,
and afterwards no timer of its is pending, no listener or observer of its can still react, no
callback of its runs and no late answer of the agent writes to the page.

Content scripts run in an isolated world the page's own scripts cannot see: the probe is put
there through the DevTools protocol, before the module starts. It wraps the world's timers,
`addEventListener` and observers, and attributes each to the extension file that made it
(from the stack)."""

import json
import threading

import pytest

from e2e.conftest import WAIT_MS
from tests import image_fixtures as fx

GPS_IMAGE = "https://img-edg.joomcdn.net/" + "c" * 40 + "_1024_1024.jpeg"
ROUTER = "content/main.js"  # the router lives as long as the tab: it is what starts and stops

PROBE = """((ROUTER, WAIT_MS) => {
  if (globalThis.e2eProbe) return;
  Error.stackTraceLimit = 100;
  const FILE = /chrome-extension:\\/\\/[a-p]{32}\\/(content\\/[\\w\\/.-]+\\.js)/g;
  const HELPER = "content/lifecycle.js";
  const probe = globalThis.e2eProbe = { resources: [], calls: [], asking: 0, left: false };
  // The extension file that asked for it, past the lifecycle helper; null for the probe's own.
  const creator = () => [...new Error().stack.matchAll(FILE)].map((m) => m[1])
    .find((f) => f !== HELPER) || null;
  const record = (kind, extra = {}) => {
    const r = { kind, from: creator(), ended: false, ...extra };
    if (r.from) probe.resources.push(r);
    return r;
  };
  const called = (r) => {
    if (probe.left && r.from && r.from !== ROUTER) probe.calls.push(describe(r));
  };
  const describe = (r) => [r.kind, r.type || "", r.from].join(" ");

  const { setInterval: si, clearInterval: ci, setTimeout: st, clearTimeout: ct } = globalThis;
  const timers = new Map();
  const timer = (start, kind, once) => function (fn, ms, ...args) {
    const r = record(kind);
    const id = start.call(globalThis, (...a) => {
      if (once) r.ended = true;
      called(r);
      return fn(...a);
    }, ms, ...args);
    timers.set(id, r);
    return id;
  };
  const clear = (stop) => (id) => {
    if (timers.has(id)) timers.get(id).ended = true;
    return stop.call(globalThis, id);
  };
  globalThis.setInterval = timer(si, "interval", false);
  globalThis.setTimeout = timer(st, "timeout", true);
  globalThis.clearInterval = clear(ci);
  globalThis.clearTimeout = clear(ct);

  const proto = EventTarget.prototype;
  const add = proto.addEventListener;
  const remove = proto.removeEventListener;
  const registered = new WeakMap();  // target -> listener -> "type/capture" -> { wrapper, r }
  const keyOf = (type, options) =>
    `${type}/${Boolean(typeof options === "boolean" ? options : options?.capture)}`;
  proto.addEventListener = function (type, fn, options) {
    if (!fn) return add.call(this, type, fn, options);
    const byFn = registered.get(this) || new Map();
    registered.set(this, byFn);
    const byKey = byFn.get(fn) || new Map();
    byFn.set(fn, byKey);
    const key = keyOf(type, options);
    if (byKey.has(key) || options?.signal?.aborted) return undefined;  // no-ops, as in the DOM
    const r = record("listener", { type, target: this });
    const wrapper = function (...a) {
      if (options?.once) {
        r.ended = true;
        byKey.delete(key);
      }
      called(r);
      return typeof fn === "function" ? fn.apply(this, a) : fn.handleEvent(...a);
    };
    byKey.set(key, { wrapper, r });
    options?.signal && add.call(options.signal, "abort", () => {
      r.ended = true;
      byKey.delete(key);
    }, { once: true });
    return add.call(this, type, wrapper, options);
  };
  proto.removeEventListener = function (type, fn, options) {
    const key = keyOf(type, options);
    const found = registered.get(this)?.get(fn)?.get(key);
    if (!found) return remove.call(this, type, fn, options);
    found.r.ended = true;
    registered.get(this).get(fn).delete(key);
    return remove.call(this, type, found.wrapper, options);
  };

  for (const name of ["MutationObserver", "ResizeObserver", "IntersectionObserver"]) {
    const records = new WeakMap();
    globalThis[name] = class extends globalThis[name] {
      constructor(callback, ...rest) {
        const r = record(name, { targets: [], ended: true });  // live once it observes
        super((...a) => {
          called(r);
          return callback(...a);
        }, ...rest);
        records.set(this, r);
      }
      observe(target, ...rest) {
        const r = records.get(this);
        r.targets.push(target);
        r.ended = false;
        return super.observe(target, ...rest);
      }
      unobserve(target) {
        const r = records.get(this);
        r.targets = r.targets.filter((t) => t !== target);
        r.ended = !r.targets.length;
        return super.unobserve(target);
      }
      disconnect() {
        Object.assign(records.get(this), { targets: [], ended: true });
        return super.disconnect();
      }
    };
  }

  const ask = iprdesk.ask;
  iprdesk.ask = (...a) => {
    probe.asking += 1;
    return ask(...a).finally(() => { probe.asking -= 1; });
  };

  // Could it still react? A listener or observer on a node no longer in the document cannot
  // (the page's events never reach it); nor can an "abort" listener of an aborted signal.
  const connected = (t) => !(t instanceof Node) || t.isConnected;
  const live = (r) => !r.ended && (!r.target || connected(r.target))
    && !(r.target instanceof AbortSignal && r.target.aborted)
    && (!r.targets || r.targets.some(connected));
  const ours = (r) => r.from !== ROUTER;

  // Resolves once `test()` holds (polled: the world has nothing to await it on).
  probe.until = (test, what) => new Promise((resolve, reject) => {
    const giveUp = st(() => reject(new Error(`waited in vain for ${what}`)), WAIT_MS);
    const check = () => (test() ? (ct(giveUp), resolve(true)) : st(check, 20));
    check();
  });
  // Nothing left to happen: no answer awaited, no timer pending, twice in a row (an answer's
  // continuation may ask again or start a timer).
  probe.quiet = () => {
    let calm = 0;
    return probe.until(() => {
      const busy = probe.asking || probe.resources.some((r) => r.kind === "timeout" && !r.ended);
      calm = busy ? 0 : calm + 1;
      return calm >= 2;
    }, "quiet");
  };
  probe.made = (file) => probe.resources.some((r) => r.from === file && live(r));
  probe.report = () => ({
    made: probe.resources.filter(ours).map(describe),
    live: probe.resources.filter((r) => ours(r) && live(r)).map(describe),
    calls: probe.calls,
    overlays: document.querySelectorAll("iprdesk-overlay").length,
  });
})"""


class ContentWorld:
    """The extension's isolated world in a page's main frame, through the DevTools protocol."""

    def __init__(self, page, extension_id):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.errors = []
        contexts = []
        self.cdp.on("Runtime.executionContextCreated", lambda e: contexts.append(e["context"]))
        self.cdp.on("Runtime.exceptionThrown", lambda e: self.errors.append(e["exceptionDetails"]))
        self.cdp.send("Runtime.enable")
        frame = self.cdp.send("Page.getFrameTree")["frameTree"]["frame"]["id"]
        [self.id] = [c["id"] for c in contexts
                     if c["origin"] == f"chrome-extension://{extension_id}"
                     and c["auxData"].get("frameId") == frame]
        # The world is there from document_start (the upload guard's scripts); the others
        # come at document_idle, which on a busy machine can be after the page's load event.
        # A probe put in before them would see their start-up as the module's, and their
        # messaging.js would replace the `ask` it wraps: it waits for the last, the router.
        self.run("""new Promise((resolve) => {
            const ran = () => (globalThis.iprdesk?.lookAgain ? resolve(true) : setTimeout(ran, 20));
            ran();
        })""")

    def run(self, expression: str):
        """The value of `expression` in the world (awaited when it is a promise)."""
        answer = self.cdp.send("Runtime.evaluate", {
            "expression": expression, "contextId": self.id, "awaitPromise": True,
            "returnByValue": True})
        assert "exceptionDetails" not in answer, answer["exceptionDetails"]
        return answer["result"].get("value")

    def until(self, test: str, what: str):
        self.run(f"e2eProbe.until(() => {test}, {json.dumps(what)})")

    def errors_here(self):
        return [e.get("exception", {}).get("description") or e["text"] for e in self.errors
                if e.get("executionContextId") == self.id]


class Held:
    """Requests to `url` (those of `kind`, e.g. "fetch": the service worker's, not the
    page's <img>) held unanswered until released, as a slow agent or network would."""

    def __init__(self, context, url, kind=None):
        self.context, self.url, self.kind = context, url, kind
        self.routes, self.released, self.lock = [], False, threading.Lock()
        context.route(url, self._handle)

    def _handle(self, route):
        with self.lock:
            if self.released or (self.kind and route.request.resource_type != self.kind):
                route.fallback()
            else:
                self.routes.append(route)

    def release(self):
        with self.lock:
            self.released = True
            for route in self.routes:
                route.fallback()
        self.context.unroute(self.url, self._handle)


def seed(b):
    b.panel.cdn["/" + "c" * 40 + "_1024_1024.jpeg"] = (
        200, fx.photo_jpeg(size=(320, 240)), {"Content-Type": "image/jpeg"})


pytestmark = pytest.mark.browser(setup=seed)

SPA_GO = """([path, title, body]) => {
  history.pushState({}, "", path);
  document.title = title;
  document.body.innerHTML = body;
}"""
# Where the seller goes: a page nobody annotates, showing the product's picture again (as the
# Panel's product list does), so a late badge would have an image to sit on.
AWAY = ("/orders", "Orders · Joom Merchant",
        f'<main><h1>Orders</h1><p>Nothing here concerns IPR.</p><img src="{GPS_IMAGE}"></main>')

# module -> (path, page file, what is slow: None, "cases" (the agent's case list) or "assessment"
# (the product images' check), a test in the world that holds once the module is running).
VISITS = {
    "complaint-report ticking": (
        "/ipr/complaints", "complaints.html", None,
        "e2eProbe.made('content/pages/complaint-report.js')"
        " && e2eProbe.resources.some((r) => r.kind === 'interval' && !r.ended)"),
    "complaint-report reading cases": ("/ipr/complaints", "complaints.html", "cases",
                                       "e2eProbe.asking > 0"),
    "appeal-status reading cases": ("/ipr/appeals", "appeals.html", "cases",
                                    "e2eProbe.asking > 0"),
    "account-health": ("/account", "account.html", None,
                       "document.querySelector(\"iprdesk-overlay[data-iprdesk-id^='banner:']\")"),
    "product-edit assessing": ("/products/badge-check/edit", "product-edit-images.html",
                               "assessment", "e2eProbe.asking > 0"),
}


@pytest.mark.parametrize("visit", VISITS)
def test_nothing_of_a_left_page_keeps_running(browser, visit):
    path, file, slow, running = VISITS[visit]
    page = browser.open_panel(AWAY[0])
    world = ContentWorld(page, browser.extension_id)
    world.run(f"{PROBE}({json.dumps(ROUTER)}, {WAIT_MS})")
    html = browser.panel.render(file)
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    body = html.split("<body>", 1)[1].split("</body>", 1)[0]
    held = {"cases": lambda: Held(browser.context, f"{browser.agent.url}/v1/cases"),
            "assessment": lambda: Held(browser.context, GPS_IMAGE, kind="fetch"),
            None: lambda: None}[slow]()
    try:
        # The router brings the page in: its module starts (and, when `slow`, waits).
        page.evaluate(SPA_GO, [path, title, body])
        page.wait_for_selector(f"html[data-iprdesk-page='{visit.split()[0]}']", state="attached")
        world.until(running, visit)
        started = world.run("e2eProbe.report()")
        assert started["made"], f"the probe saw nothing start: {started}"
        # ... and takes the seller elsewhere.
        page.evaluate(SPA_GO, list(AWAY))
        page.wait_for_selector("html:not([data-iprdesk-page])", state="attached")
        world.run("e2eProbe.left = true")
    finally:
        if held:
            held.release()  # the late answer comes
    # Everything a page's listeners or observers could answer to.
    page.set_viewport_size({"width": 1100, "height": 700})
    page.mouse.click(5, 5)
    page.keyboard.press("Escape")
    page.mouse.wheel(0, 200)
    page.evaluate("document.querySelector('main').append(document.createElement('p'))")
    world.run("e2eProbe.quiet()")
    report = world.run("e2eProbe.report()")
    assert report["live"] == [], "still running after the page was left"
    assert report["calls"] == [], "called after the page was left"
    assert report["overlays"] == 0, "drawn on the page the seller went to"
    assert world.errors_here() == []
    page.close()
