"""Our overlays fixed in the window, beyond the "page recognised" pill (test_overlay_geometry):
the evidence toast after a capture (saved or failed), the upload guard's notices and its
question about an image like a complained one, the image checks' agent-down notice, the teach
panel and its "saved" note. Each covers none of the Panel's text or fields nor our other
overlays, stays in the window, in English and in Chinese (with the CJK font sellers have), at
a laptop's size and a narrow window's, where an open card may fill the window: then a
capture's news is said in the card, and the teach prompt waits until the card closes. By
geometry, at the moment each shows: the toasts leave by themselves."""

from datetime import timedelta
from pathlib import Path

import pytest
from bench.imagegen import EDITS, jpeg, product_photo
from playwright.sync_api import expect

from e2e.conftest import BADGE_PRODUCT, PRODUCT, keep_screenshot, open_card, row_card, words
from e2e.test_narrow_cards import BUTTONS_HIDDEN, explained
from e2e.test_overlay_geometry import GEOMETRY, settle
from e2e.test_teach import CLAIMS, REVIEW, teach_by_clicks
from iprdesk import timeutil
from iprdesk.images import similar
from iprdesk.urls import watch as urlwatch
from tests.helpers import open_case

PRODUCT_ID = PRODUCT.split("/")[2]
COMPLAINED = product_photo(37, (640, 640))
OLD_URL = "https://img.joomcdn.net/" + "e" * 40 + "_1024_1024.jpeg"
PASSPHRASE = "e2e floating overlays"


def complained_case(b):
    """An open case on the mock product whose old URL served COMPLAINED: uploading a copy of
    it on the product page asks the seller first."""
    case = open_case(b.home, "CMP-FLOAT", products=[PRODUCT_ID])
    later = timeutil.utc_now() + timedelta(days=1)  # not due: the agent leaves it be
    urlwatch.WatchList(b.home).add(case.id, [OLD_URL], similar.fingerprint_bytes(jpeg(COMPLAINED)),
                                   now=later, variants=False)


pytestmark = pytest.mark.browser(vault=PASSPHRASE, setup=complained_case)
VIEWPORTS = [(1280, 860), (760, 700)]
# Where an open card fills the window (test_narrow_cards).
FILLED = [(760, 700), (600, 700)]
TEACH_WORDS = {"en": {}, "zh_CN": {"kind": "投诉", "ask_first": "投诉编号"}}

# Once the floating host `id` holds what `selector` finds in its shadow root (with `fresh`,
# not what it held already: a toast of an earlier capture), and the window
# was drawn twice since (a host is placed before the frame that shows it is painted, and
# rAF callbacks run before that): what GEOMETRY finds
# of it, and where it meets a field of the page (input, textarea, select) or another of our
# overlays. Kept in window.floatSeen[id], for a
# toast may leave before the test reads the page.
WATCH = """([id, selector, fresh]) => {
  const seen = (window.floatSeen ??= {});
  delete seen[id];
  const geometry = GEOMETRY;
  const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const host = () => document.querySelector(`iprdesk-overlay[data-iprdesk-id="${id}"]`);
  const before = new Set(fresh && host()?.shadowRoot.querySelectorAll(selector) || []);
  const look = async () => {
    await frames();
    const now = [...host()?.shadowRoot.querySelectorAll(selector) || []];
    if (!now.some((el) => !before.has(el))) return look();
    await frames();  // drawn since it came: placed
    const h = host();
    const problems = geometry().problems.filter((p) => p.startsWith(`${id} `));
    const mine = h.getBoundingClientRect();
    const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 &&
                           a.top < b.bottom - 1 && b.top < a.bottom - 1;
    for (const field of document.querySelectorAll("input, textarea, select")) {
      const r = field.getBoundingClientRect();
      if (r.width >= 1 && r.height >= 1 && meet(mine, r)) {
        problems.push(`${id} covers a ${field.localName}`);
      }
    }
    for (const other of document.querySelectorAll("iprdesk-overlay")) {
      if (other === h) continue;
      for (const el of [other, ...other.shadowRoot.querySelectorAll("*")]) {
        const r = el.getBoundingClientRect();
        if (r.width >= 1 && r.height >= 1 && getComputedStyle(el).visibility !== "hidden" &&
            meet(mine, r)) {
          problems.push(`${id} ${JSON.stringify(mine)} covers our ` +
                        `${other.dataset.iprdeskId || other.className} ${JSON.stringify(r)}`);
          break;
        }
      }
    }
    const text = [...h.shadowRoot.children].filter((e) => e.localName !== "style")
      .map((e) => e.textContent).join(" ");
    seen[id] = { problems: [...new Set(problems)], text,
                 hidden: getComputedStyle(h).visibility === "hidden" };
  };
  look();
}""".replace("GEOMETRY", GEOMETRY)


def watch(page, host_id, selector, fresh=False):
    """Look at the floating host `host_id` as soon as it shows `selector` (call before what
    shows it; `fresh`: a new one)."""
    page.evaluate(WATCH, [host_id, selector, fresh])


def seen(page, host_id, shot):
    """What was found of `host_id` once it showed; a shot of the window as the seller sees it
    (the toast may be gone by then on a slow machine: the geometry was read as it showed)."""
    page.wait_for_function("(id) => window.floatSeen?.[id]", arg=host_id)
    found = page.evaluate("(id) => window.floatSeen[id]", host_id)
    keep_screenshot(page, f"{shot}-{page.evaluate('navigator.language')}", full_page=False)
    assert not found["hidden"], f"{host_id} hidden"
    return found


# What keeps `el` (in a card) from being seen: outside the card's box, which scrolls, or the
# window.
IN_VIEW = """(el) => {
  const r = el.getBoundingClientRect(), card = el.closest(".card").getBoundingClientRect();
  const inside = (a, b) => a.left >= b.left - 1 && a.top >= b.top - 1 &&
                           a.right <= b.right + 1 && a.bottom <= b.bottom + 1;
  const window = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
  return [[card, "card"], [window, "window"]].filter(([b]) => !inside(r, b))
    .map(([, what]) => `outside the ${what}`);
}"""


def sized(browser, path, width, height):
    page = browser.context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.goto(browser.panel.url(path))
    return page


# The capture the popup asks for (of the tab in front), as the seller's click there does:
# the code of its failure, null once saved.
CAPTURE_FRONT_TAB = """async (url) => {
  const [tab] = await chrome.tabs.query({ url });
  const reply = await chrome.runtime.sendMessage({ type: "evidence.capture", tabId: tab.id });
  return reply.ok ? null : reply.error.code;
}"""
EVIDENCE_TOASTS = "iprdesk-overlay[data-iprdesk-id='evidence-toast'] .toast"


@pytest.mark.parametrize("width, height", [*VIEWPORTS, (600, 700)])
@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_the_evidence_toast_covers_nothing(browser, width, height):
    """Captured from the popup, the toast covers none of the complaint list. A complaint's card
    opened while it shows takes its news, and captured from that card no second toast comes:
    the card says it below its buttons, in its own room, at every width (under 906 px the card
    fills its row's room, test_narrow_cards, and no corner is free of the Panel's text)."""
    popup = browser.open_extension_page("popup/popup.html")
    page = sized(browser, "/ipr/complaints", width, height)  # now the tab in front
    page.wait_for_selector('html[data-iprdesk-page="complaint-report"]')
    watch(page, "evidence-toast", ".toast.ok", fresh=True)
    page.bring_to_front()
    assert popup.evaluate(CAPTURE_FRONT_TAB, page.url) is None
    found = seen(page, "evidence-toast", f"float-evidence-{width}")
    assert "SHA-256" in found["text"]
    assert found["problems"] == []
    popup.close()

    card = row_card(page, "complaint:CMP-2026-11-0042")
    # The toast's news went into the card as it opened (or the toast left by itself), and the
    # page-recognised pill made way for the card.
    toasts = page.locator(EVIDENCE_TOASTS)
    expect(toasts).to_have_count(0)
    watch(page, "recognised", ".pill")
    assert seen(page, "recognised", f"float-recognised-card-{width}")["problems"] == []
    before = card.locator(".status").all_inner_texts()  # the popup capture's news, if any
    card.locator("button.capture").click()
    expect(card.locator("button.capture")).to_be_enabled()  # answered
    status = card.locator(".status.ok")
    expect(status).to_contain_text("SHA-256")
    assert status.inner_text() not in before
    assert status.evaluate(IN_VIEW) == [], "the card's answer is not where the seller sees it"
    keep_screenshot(page, f"float-evidence-card-{width}-{page.evaluate('navigator.language')}",
                    full_page=False)
    expect(toasts).to_have_count(0)
    page.close()


def product_page(browser, width, height):
    page = sized(browser, PRODUCT, width, height)
    page.wait_for_selector('html[data-iprdesk-page="product-edit"]')
    return page


def uploaded(page, tmp_path: Path, name: str, data: bytes, notice: str, shot: str):
    """`name` chosen in the product page's file input: what was found of the upload guard's
    new `notice` (a selector) once it showed, which names the file and covers nothing."""
    watch(page, "upload-guard", notice, fresh=True)
    path = tmp_path / name
    path.write_bytes(data)
    page.set_input_files("#image-upload", str(path))
    found = seen(page, "upload-guard", shot)
    assert name in found["text"]
    assert found["problems"] == []
    return found


@pytest.mark.parametrize("width, height", VIEWPORTS)
@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_the_upload_guard_notices_cover_nothing(browser, width, height, tmp_path, request):
    """A photo cleaned on its way up: the notice covers none of the product page; a copy of
    the complained picture: the question, which stays until answered, neither."""
    lang = request.node.callspec.params["browser"]
    page = product_page(browser, width, height)
    uploaded(page, tmp_path, "fresh.jpg", jpeg(product_photo(5, (400, 400))),
             ".toast[data-kind='clean'], .toast[data-kind='cleaned']", f"float-upload-{width}")
    found = uploaded(page, tmp_path, "mirror.jpg", jpeg(EDITS["mirror"](COMPLAINED)),
                     ".toast[data-kind='similar']", f"float-upload-similar-{width}")
    assert words(lang, "uploadSimilarTitle") in found["text"]
    # Its buttons in the window, where the seller can press them.
    dialog = page.locator(".toast[data-kind='similar']")
    for button in dialog.locator("button").all():
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, box
    dialog.locator("button.cancel").click()
    page.close()


# What GEOMETRY finds in the first frame drawn with a failure in `card`: looked at from the
# animation callbacks of that frame, which run before it is painted (and after the task that
# brought the words), in window.firstFrame.
FIRST_FRAME = """(card) => {
  delete window.firstFrame;
  const geometry = GEOMETRY;
  const words = new MutationObserver(() => {
    if (!card.querySelector(".status.error")) return;
    words.disconnect();
    requestAnimationFrame(() => { window.firstFrame = { problems: geometry().problems }; });
  });
  words.observe(card, { childList: true, subtree: true, characterData: true });
}""".replace("GEOMETRY", GEOMETRY)


# The product's media page, whose upload widget is a frame of the Panel's own (300x150 px).
MEDIA = f"/products/{PRODUCT_ID}/media"
FRAME_INPUT = "#frame-input"


@pytest.mark.parametrize("width, height", [*VIEWPORTS, (600, 700)])
@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_a_frames_upload_notices_are_said_in_the_page(browser, width, height, tmp_path, request):
    """A photo chosen in a widget's frame: the notice, and the question about a copy of the
    complained picture, are the page's (the frame would cut them short over its own input),
    covering none of the page's text nor the frame's label and input; the seller's answer there
    goes back to the frame's upload."""
    lang = request.node.callspec.params["browser"]
    page = sized(browser, MEDIA, width, height)
    frame = page.frame_locator("#panel-frame")
    frame.locator(FRAME_INPUT).wait_for(state="attached")
    for name, data, notice in [
            ("fresh.jpg", jpeg(product_photo(7, (400, 400))),
             ".toast[data-kind='clean'], .toast[data-kind='cleaned']"),
            ("mirror.jpg", jpeg(EDITS["mirror"](COMPLAINED)), ".toast[data-kind='similar']")]:
        watch(page, "upload-guard", notice, fresh=True)
        (tmp_path / name).write_bytes(data)
        frame.locator(FRAME_INPUT).set_input_files(str(tmp_path / name))
        found = seen(page, "upload-guard", f"float-frame-upload-{name[:-4]}-{width}")
        assert name in found["text"]
        assert found["problems"] == []
        assert page.evaluate(GEOMETRY)["problems"] == []
        expect(frame.locator("iprdesk-overlay")).to_have_count(0)  # none cut short in the frame
    assert words(lang, "uploadSimilarTitle") in found["text"]
    browser.panel.uploads.clear()
    page.locator(".toast[data-kind='similar'] button.cancel").click()
    expect(page.locator(".toast[data-kind='blocked']")).to_contain_text("mirror.jpg")
    assert browser.panel.uploads == []  # the frame's upload did not go
    page.close()


def failed_captures(browser, lang, width, height):
    """With iprdesk unavailable, a complaint card's capture in a window the card fills: its
    failure, in the words that say how to fix it, in the card below its buttons where the
    seller sees it, and no toast over the card or the Panel. Then the popup's capture with no
    card open: its toast covers nothing; a card opened while it shows takes its words."""
    failed = words(lang, "evidenceCaptureFailed", words(lang, "hostDownFix"))
    page = sized(browser, "/ipr/complaints", width, height)
    card = row_card(page, "complaint:CMP-2026-11-0042")
    card.evaluate(FIRST_FRAME)
    card.locator("button.capture").click()
    status = card.locator(".status.error")
    expect(status).to_have_text(failed)
    # The frame that first shows the words: the card grown in its row's room, the rows below
    # and their chips moved down, all before it is painted (not a placing pass later).
    page.wait_for_function("window.firstFrame")
    assert page.evaluate("window.firstFrame") == {"problems": []}
    expect(card.locator("button.capture")).to_be_enabled()  # answered: no more news to come
    settle(page, "/ipr/complaints")
    assert page.evaluate(GEOMETRY)["problems"] == []
    assert status.evaluate(IN_VIEW) == [], "the failure is not where the seller sees it"
    toasts = page.locator(EVIDENCE_TOASTS)
    expect(toasts).to_have_count(0)
    keep_screenshot(page, f"float-failed-card-{width}-{lang}", full_page=False)
    page.keyboard.press("Escape")
    card.wait_for(state="hidden")

    popup = browser.open_extension_page("popup/popup.html")
    watch(page, "evidence-toast", ".toast.error", fresh=True)
    page.bring_to_front()
    assert popup.evaluate(CAPTURE_FRONT_TAB, page.url).startswith("host_")
    found = seen(page, "evidence-toast", f"float-failed-{width}")
    assert found["text"] == failed
    assert found["problems"] == []
    popup.close()
    card = row_card(page, "complaint:CMP-2026-11-0042")
    # Its words went into the card as it opened (or the toast left by itself before).
    expect(toasts).to_have_count(0)
    assert card.locator(".status").all_inner_texts() in ([], [failed])
    keep_screenshot(page, f"float-failed-into-card-{width}-{lang}", full_page=False)
    page.close()


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_the_agent_down_notices_cover_nothing(browser, tmp_path, request):
    """iprdesk unavailable: the image checks' notice on a product page with images, and the
    upload guard's notice that the photo was not uploaded, in both window sizes; a capture's
    failure where an open card fills a narrow window (failed_captures)."""
    lang = request.node.callspec.params["browser"]
    with browser.agent_stopped():
        for width, height in FILLED:
            failed_captures(browser, lang, width, height)
        for width, height in VIEWPORTS:
            page = sized(browser, BADGE_PRODUCT, width, height)
            watch(page, "image-badges-agent-down", ".pill")
            found = seen(page, "image-badges-agent-down", f"float-badges-down-{width}")
            assert found["problems"] == []
            page.close()

            page = product_page(browser, width, height)
            uploaded(page, tmp_path, "down.jpg", jpeg(product_photo(6, (300, 300))),
                     ".toast[data-kind='blocked']", f"float-upload-down-{width}")
            page.close()


# The teach prompt's host.
PROMPT = "iprdesk-overlay[data-iprdesk-id='teach']"


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_the_teach_prompt_is_back_once_a_card_closes(browser, request):
    """A page iprdesk does not read, its list to teach, with explanations on it (a rejection
    code, complaint types, a date): in a narrow window, each explanation's card opened in
    turn covers nothing, the prompt either (where the card fills the window it waits, hidden,
    rather than cover the card or the Panel); once the card closes, the prompt is back,
    covering nothing, its buttons there to press."""
    lang = request.node.callspec.params["browser"]
    for width, height in FILLED:
        page = sized(browser, "/messages", width, height)
        watch(page, "teach", ".panel")
        assert seen(page, "teach", f"float-teach-messages-{width}")["problems"] == []
        prompt = page.locator(PROMPT)
        for key, host in explained(page, "/messages", "anywhere:"):
            shot = f"float-teach-{key.replace(':', '-')}-{width}-{lang}"
            card = open_card(host)
            settle(page, "/messages")
            problems = page.evaluate(GEOMETRY)["problems"]
            keep_screenshot(page, f"{shot}-open", full_page=False)
            page.keyboard.press("Escape")
            card.wait_for(state="hidden")
            settle(page, "/messages")
            keep_screenshot(page, f"{shot}-closed", full_page=False)
            problems += page.evaluate(GEOMETRY)["problems"]
            assert prompt.evaluate("(h) => getComputedStyle(h).visibility") == "visible", key
            assert prompt.locator(".panel").evaluate(BUTTONS_HIDDEN) == [], key
            assert problems == [], key
        page.close()


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_the_teach_panel_and_its_saved_note_cover_nothing(browser, request):
    """On a list iprdesk cannot read: the prompt, the panel at each step of teaching, and
    once saved the note, each clear of the list the seller clicks. Last of the module: the
    page is taught from then on."""
    lang = request.node.callspec.params["browser"]
    for width, height in VIEWPORTS:
        page = sized(browser, CLAIMS, width, height)
        watch(page, "teach", ".panel")
        assert seen(page, "teach", f"float-teach-prompt-{width}")["problems"] == []
        if (width, height) != VIEWPORTS[-1]:
            page.close()
            continue
        box = teach_by_clicks(page, lang, **TEACH_WORDS[lang])
        watch(page, "teach", ".panel")
        assert seen(page, "teach", f"float-teach-review-{width}")["problems"] == []
        assert REVIEW[lang] in box.inner_text()
        watch(page, "teach-saved", ".pill")
        box.get_by_role("button", name=words(lang, "teachSave")).click()
        found = seen(page, "teach-saved", f"float-teach-saved-{width}")
        assert found["text"] == words(lang, "teachSaved")
        assert found["problems"] == []
        page.close()
