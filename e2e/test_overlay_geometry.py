"""Overlays never cover the Panel's text nor one another and stay inside the window: on every
mock Panel page, in English and in Chinese (with the CJK font sellers have), as the page first
shows them in a desktop window and in a phone-sized one, and as the seller then narrows or
shortens the window (a small laptop's, a laptop's window beside another, 1280x720 zoomed to
150 %). By geometry: every box of our overlays against every line box of the page's own text
and every box of our other overlays."""

import pytest

from e2e.conftest import BADGE_PRODUCT, PRODUCT, VARIANTS, chips, keep_screenshot, open_card

PAGES = {
    "/ipr/complaints": "complaints.html", "/ipr/v2/complaints": "complaints-grid.html",
    "/ipr/appeals": "appeals.html", "/ipr/v2/appeals": "appeals-grid.html",
    "/ipr/appeals/cases": "appeals-cases.html", "/account": "account.html",
    "/account/zh": "account-zh.html", "/account/penalty": "account-penalty.html",
    "/account/penalty/zh": "account-penalty-zh.html", PRODUCT: "product-edit.html",
    BADGE_PRODUCT: "product-edit-images.html", "/products/p1/media": "upload-widgets.html",
    "/disputes/claims": "claims.html", "/orders": "other.html", "/messages": "unmapped.html",
}
pytestmark = pytest.mark.browser(pages={
    **VARIANTS, r"/ipr/appeals/cases": "appeals-cases.html",
    r"/account/penalty": "account-penalty.html", r"/account/penalty/zh": "account-penalty-zh.html",
    BADGE_PRODUCT: "product-edit-images.html"})
VIEWPORTS = [(1920, 1080), (1280, 720)]
# Too narrow to dock a card beside a list (under 906 px): 760x700, 600x700, and 1280x720 at
# 150 % zoom (853x480 CSS px).
NARROW = [(760, 700), (600, 700), (853, 480)]
# Each page is loaded in a window of the first size, then the window is resized to the others
# in turn: a page load costs several times a resize, and resizing is what sellers do: a desktop
# window narrowed to a laptop's; a phone-sized one widened and then shortened.
SIZES = {VIEWPORTS[0]: VIEWPORTS[1:], NARROW[1]: [NARROW[0], NARROW[2]]}
UNMAPPED = {"/disputes/claims", "/orders", "/messages", "/products/p1/media"}

# The page's document and those of its same-origin frames (an upload widget's, an about:blank
# one), each with its frame's box (where its window's coordinates start, within its border and
# padding) and the part of it shown, in the top window's coordinates; a frame's own frames too.
FRAMES = """() => {
  const all = [{ doc: document, x: 0, y: 0,
                 clip: { left: 0, top: 0, right: innerWidth, bottom: innerHeight } }];
  for (const { doc, x, y, clip } of all) {
    for (const frame of doc.querySelectorAll("iframe, frame")) {
      let inner;
      try { inner = frame.contentDocument; } catch { inner = null; }
      if (!inner?.documentElement) continue;  // another origin's (our extension's own frames)
      const r = frame.getBoundingClientRect(), s = doc.defaultView.getComputedStyle(frame);
      if (s.visibility === "hidden") continue;
      const left = x + r.left + frame.clientLeft + parseFloat(s.paddingLeft);
      const top = y + r.top + frame.clientTop + parseFloat(s.paddingTop);
      const shown = { left: Math.max(clip.left, left), top: Math.max(clip.top, top),
                      right: Math.min(clip.right, left + inner.documentElement.clientWidth),
                      bottom: Math.min(clip.bottom, top + inner.documentElement.clientHeight) };
      if (shown.right > shown.left && shown.bottom > shown.top) {
        all.push({ doc: inner, x: left, y: top, clip: shown });
      }
    }
  }
  return all;
}"""

# The boxes of what each overlay draws (its shadow root's elements with a size, not the host,
# which may be empty) and of every line of the page's own text, in page coordinates, in the
# page and its frames (FRAMES: a frame's text where its frame shows it); then the pairs that
# meet (an overlay's and a line's, or two overlays' of different hosts: an open card hiding
# another row's chip), and overlay boxes outside the window (fixed ones) or the page's width,
# or, in a frame, outside the part of it shown.
GEOMETRY = """() => {
  const ours = (node) => node.closest?.("iprdesk-overlay, iprdesk-upload-frame");
  const page = (r) => ({ left: r.left + scrollX, top: r.top + scrollY,
                         right: r.right + scrollX, bottom: r.bottom + scrollY });
  const visible = (el) => {
    const style = el.ownerDocument.defaultView.getComputedStyle(el);
    return style.visibility !== "hidden" && style.display !== "none" && +style.opacity !== 0;
  };
  const frames = (FRAMES)();
  // A box of a frame's document in the top window's coordinates, and cut to what it shows.
  const moved = (r, { x, y }) => ({ left: r.left + x, top: r.top + y,
                                    right: r.right + x, bottom: r.bottom + y });
  const cut = (b, { clip }) => {
    const c = { left: Math.max(b.left, clip.left), top: Math.max(b.top, clip.top),
                right: Math.min(b.right, clip.right), bottom: Math.min(b.bottom, clip.bottom) };
    return { ...c, width: c.right - c.left, height: c.bottom - c.top };
  };
  const overlays = [];
  for (const f of frames) {
    const frame = f.doc !== document && f;
    for (const host of f.doc.querySelectorAll("iprdesk-overlay")) {
      const root = host.shadowRoot;
      if (!root) continue;
      const fixed = f.doc.defaultView.getComputedStyle(host).position === "fixed";
      for (const el of root.querySelectorAll("*")) {
        if (el.localName === "style" || !visible(el)) continue;
        const r = el.getBoundingClientRect();
        if (r.width < 1 || r.height < 1) continue;
        const { left, top, right, bottom } = frame ? moved(r, f) : r;
        const view = { left, top, right, bottom };
        const id = (frame ? "frame's " : "") + (host.dataset.iprdeskId || host.className);
        overlays.push({ host, id, what: el.className || el.localName, fixed, frame, view,
                        box: page(frame ? cut(view, f) : view) });
      }
    }
  }
  const texts = [];
  for (const f of frames) {
    const body = f.doc.body || f.doc.documentElement;
    const walker = f.doc.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!node.textContent.trim() || !parent || ours(parent) || !visible(parent)) continue;
      const range = f.doc.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) {
        const b = f.doc === document ? r : cut(moved(r, f), f);
        if (b.width >= 1 && b.height >= 1) {
          texts.push({ text: node.textContent.trim().slice(0, 30), box: page(b) });
        }
      }
    }
    // A frame's fields too (a widget's frame is its label and file input; the top document's
    // fields are looked at for the floating hosts, test_floating_overlays).
    const fields = f.doc === document ? [] : f.doc.querySelectorAll("input, textarea, select");
    for (const field of fields) {
      const b = cut(moved(field.getBoundingClientRect(), f), f);
      if (b.width >= 1 && b.height >= 1 && visible(field)) {
        texts.push({ text: `<${field.localName}>`, box: page(b) });
      }
    }
  }
  const meet = (a, b) => a.left < b.right && b.left < a.right &&
                         a.top < b.bottom && b.top < a.bottom;
  const vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
  const problems = [];
  for (const o of overlays) {
    const shown = o.frame && o.frame.clip;  // a frame's overlay: in the part of it shown
    const outside = shown
      ? o.view.left < shown.left - 1 || o.view.top < shown.top - 1 ||
        o.view.right > shown.right + 1 || o.view.bottom > shown.bottom + 1
      : o.fixed
        ? o.view.left < 0 || o.view.top < 0 || o.view.right > vw || o.view.bottom > vh
        : o.box.left < 0 || o.box.top < 0 || o.box.right > vw + scrollX;
    if (outside) {
      const where = shown ? `its frame's part shown ${JSON.stringify(shown)}`
                          : `the window ${vw}x${vh}`;
      problems.push(`${o.id} .${o.what} outside ${where}: ${JSON.stringify(o.view)}`);
    }
    for (const t of texts) {
      if (meet(o.box, t.box)) problems.push(`${o.id} .${o.what} covers "${t.text}"`);
    }
  }
  const met = new Set();  // each pair of hosts said once
  overlays.forEach((a, i) => overlays.slice(i + 1).forEach((b) => {
    const pair = [a.id, b.id].sort().join(" ");
    if (a.host === b.host || met.has(pair) || !meet(a.box, b.box)) return;
    met.add(pair);
    problems.push(`${a.id} .${a.what} meets our ${b.id} .${b.what}`);
  }));
  return { problems: [...new Set(problems)], overlays: overlays.length };
}""".replace("(FRAMES)", f"({FRAMES})")

# The layout once it stopped moving: the same overlay boxes over several frames in a row.
SETTLED = """() => new Promise((resolve) => {
  const shape = () => [...document.querySelectorAll("iprdesk-overlay")].map((h) => {
    const r = h.getBoundingClientRect();
    return [h.dataset.iprdeskId, r.left, r.top, r.width, r.height].map(String).join(",");
  }).join("|");
  const first = shape();
  let frames = 0;
  const next = () => requestAnimationFrame(() => {
    if (shape() !== first) return resolve(false);
    if (++frames >= 10) return resolve(true);
    next();
  });
  next();
})"""


def settle(page, path):
    """Once the page module ran (a mapped page) and the overlays stopped moving."""
    if path not in UNMAPPED:
        page.wait_for_selector("html[data-iprdesk-page]", state="attached")
    while not page.evaluate(SETTLED):  # each try waits ten frames
        pass


@pytest.mark.parametrize("first", SIZES, ids=lambda size: f"from-{size[0]}x{size[1]}")
@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_overlays_cover_no_panel_text(browser, first):
    found = {}
    # One tab, each page a new document in it (opening a tab costs more than checking a page).
    page = browser.context.new_page()
    for path in PAGES:
        for n, (width, height) in enumerate([first, *SIZES[first]]):
            page.set_viewport_size({"width": width, "height": height})
            if n == 0:
                page.goto(browser.panel.url(path))
            settle(page, path)
            if problems := page.evaluate(GEOMETRY)["problems"]:
                found[f"{path} {width}x{height}"] = problems
            keep_screenshot(page, f"page{path.replace('/', '-')}-{width}x{height}-"
                                  f"{page.evaluate('navigator.language')}", full_page=False)
    page.close()
    assert found == {}


# Every row's card opened in turn on the lists with cards, in both markups of each.
LISTS = {"/ipr/complaints": "complaint:", "/ipr/v2/complaints": "complaint:",
         "/ipr/appeals": "appeal:", "/ipr/v2/appeals": "appeal:"}

# The buttons of an open card outside the window, by their text.
BUTTONS_OUTSIDE = """(card) => {
  const vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
  return [...card.querySelectorAll("button")].filter((b) => {
    const r = b.getBoundingClientRect();
    return r.left < 0 || r.top < 0 || r.right > vw || r.bottom > vh;
  }).map((b) => `${b.textContent} outside ${vw}x${vh}`);
}"""


def card_problems(page, path, host, shot, also=lambda card: []):
    """Open `host`'s card: what it covers of the page, of its buttons is outside the window,
    and what `also(card)` finds while it is open (then closed again)."""
    card = open_card(host)
    settle(page, path)
    problems = page.evaluate(GEOMETRY)["problems"] + card.evaluate(BUTTONS_OUTSIDE) + also(card)
    # The window as the seller sees it (a whole-page shot resizes it, and a card docks anew).
    keep_screenshot(page, f"{shot}-{page.evaluate('navigator.language')}", full_page=False)
    page.keyboard.press("Escape")
    card.wait_for(state="hidden")
    return problems


@pytest.mark.parametrize("width, height", VIEWPORTS)
@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_an_open_card_covers_no_row_of_its_list(browser, width, height):
    """A row's open card goes below its list when the window has room there: the other rows'
    complainants, dates and products (and everything else of the page) stay readable, and
    its buttons are in the window."""
    found = {}
    page = browser.context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    for path, prefix in LISTS.items():
        page.goto(browser.panel.url(path))
        settle(page, path)
        for row, (_, _, host) in chips(page, prefix).items():
            if problems := card_problems(page, path, host, f"card-{row}-{width}"):
                found[f"{path} {row}"] = problems
    page.close()
    assert found == {}


# The complaint lists made 50 rows long: each row a copy of the first with its own ID (the
# table's and the grid's first cell), added as the Panel adds rows.
LENGTHEN = """() => {
  const first = document.querySelector("#complaints tbody tr, .grid .r:not(.head)");
  const rows = () => first.parentElement.querySelectorAll("tr, .r:not(.head)").length;
  for (let i = 1; rows() < 50; i++) {
    const row = first.cloneNode(true);
    row.firstElementChild.textContent = `LONG-${String(i).padStart(4, "0")}`;
    first.parentElement.append(row);
  }
}"""
# A docked card's first line names its row as the Panel shows it (its complaint ID and its
# products), and four lines outline that row just outside its box: what is wrong, if anything.
NAMED_AND_MARKED = """(card, id) => {
  const row = [...document.querySelectorAll("#complaints tbody tr, .grid .r:not(.head)")]
    .find((r) => r.firstElementChild.textContent.trim() === id);
  const problems = [];
  const name = card.querySelector(":scope > .row-name")?.textContent || "";
  const products = row.children[3].innerText.trim();
  if (card.firstElementChild?.className !== "row-name" || !name.includes(id) ||
      !name.includes(products)) {
    problems.push(`card's first line "${name}" does not name ${id} and ${products}`);
  }
  const edges = [...card.getRootNode().querySelectorAll(".row-mark > div")]
    .map((e) => e.getBoundingClientRect()).filter((r) => r.width && r.height);
  const r = row.getBoundingClientRect();
  const around = edges.length === 4 &&
    Math.abs(Math.min(...edges.map((e) => e.left)) - (r.left - 3)) <= 1 &&
    Math.abs(Math.max(...edges.map((e) => e.right)) - (r.right + 3)) <= 1 &&
    Math.abs(Math.min(...edges.map((e) => e.top)) - (r.top - 3)) <= 1 &&
    Math.abs(Math.max(...edges.map((e) => e.bottom)) - (r.bottom + 3)) <= 1;
  if (!around) problems.push(`${id} ${JSON.stringify(r)} not outlined: ${JSON.stringify(edges)}`);
  return problems;
}"""
# The rows' ids (after `prefix`) in the page's order, by their chips' tops: one call, not one
# per chip.
IN_PAGE_ORDER = """(prefix) => [...document.querySelectorAll("iprdesk-overlay[data-iprdesk-id]")]
  .filter((h) => h.dataset.iprdeskId.startsWith(prefix))
  .map((h) => [h.dataset.iprdeskId.slice(prefix.length),
               h.shadowRoot.querySelector(".chip").getBoundingClientRect().top])
  .sort((a, b) => a[1] - b[1]).map(([id]) => id)"""
CHIPS = "document.querySelectorAll(\"iprdesk-overlay[data-iprdesk-id^='complaint:']\").length"


def shown(browser, path, width, height):
    """A new page of the Panel at `path` in a window of that size, once iprdesk annotated it."""
    page = browser.context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.goto(browser.panel.url(path))
    settle(page, path)
    return page


def lengthen(page, path):
    """The page's complaint list made 50 rows long, each annotated."""
    page.evaluate(LENGTHEN)
    page.wait_for_function(f"{CHIPS} === 50")
    settle(page, path)


@pytest.mark.parametrize("width, height", VIEWPORTS)
@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_an_open_card_on_a_long_list_covers_no_row(browser, width, height):
    """A list of 50 complaints, taller than the window: no room below it, and under or above
    its chip a card would cover rows. The card docks at the window's right, beside its row, the
    page narrowed while it is open; closed, the page has its width back."""
    found = {}
    for path in ("/ipr/complaints", "/ipr/v2/complaints"):
        page = shown(browser, path, width, height)
        lengthen(page, path)
        rows = chips(page, "complaint:")
        hosts = [rows[row][2] for row in page.evaluate(IN_PAGE_ORDER, "complaint:")]

        def beside(card, chip, host):
            """The chip's row in the window, the card's top no lower than the chip; the card
            names its row and the row is outlined."""
            box, mark = card.bounding_box(), chip.bounding_box()
            problems = [] if 0 <= mark["y"] < height and box["y"] <= max(mark["y"], 8) + 1 \
                else [f"card at {box} is not beside its chip at {mark}"]
            return problems + card.evaluate(NAMED_AND_MARKED, host.get_attribute("data-complaint"))

        for n in (0, 9, 24, 49):
            chip = hosts[n].locator(".chip")
            shot = f"long-{path.split('/')[2]}-{n}-{width}"
            if problems := card_problems(page, path, hosts[n], shot,
                                         lambda card, chip=chip, host=hosts[n]:
                                         beside(card, chip, host)):
                found[f"{path} row {n}"] = problems
        settle(page, path)
        assert page.evaluate("document.documentElement.style.marginRight") == ""
        page.close()
    assert found == {}


# The "page recognised" pill, a host fixed in the window: its place and form with nothing open.
PILL = """() => {
  const host = document.querySelector("iprdesk-overlay[data-iprdesk-id='recognised']");
  const pill = host?.shadowRoot.querySelector(".pill");
  return pill && { shown: getComputedStyle(pill).visibility === "visible",
                   compact: host.hasAttribute("data-compact"), text: pill.title };
}"""


@pytest.mark.parametrize("width, height", [(1920, 1080), (1366, 768)])
@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_the_recognised_pill_covers_no_row_of_a_long_list(browser, width, height):
    """With no card open on a list of 50 complaints, rows pass under every corner of the window
    as the seller scrolls: the pill stays where it covers no text, a dot where its words would
    cover a row, and still says which page it recognised. On a short list it shows its words."""
    found = {}
    for path in ("/ipr/complaints", "/ipr/v2/complaints"):
        page = shown(browser, path, width, height)
        short = page.evaluate(PILL)
        assert short["shown"] and not short["compact"], short  # room for its words
        words = short["text"]
        lengthen(page, path)
        end = page.evaluate("document.documentElement.scrollHeight - innerHeight")
        for y in (0, end // 3, end // 2, end):
            page.evaluate("(y) => scrollTo(0, y)", y)
            settle(page, path)
            pill = page.evaluate(PILL)
            problems = page.evaluate(GEOMETRY)["problems"]
            if not pill["shown"] or pill["text"] != words:
                problems.append(f"pill not shown with its words: {pill}")
            keep_screenshot(page, f"pill-{path.split('/')[2]}-{y}-{width}-"
                                  f"{page.evaluate('navigator.language')}", full_page=False)
            if problems:
                found[f"{path} at {y}"] = problems
        page.close()
    assert found == {}
