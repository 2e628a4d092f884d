"""A row's open card in a window too narrow to dock it beside the list (under 906 px: a
small laptop's window beside another, a phone-sized one, or 1280x720 zoomed to 150 %, 853x480
in CSS px): it opens within its row's room, the rows below moved down in the page's flow, and
covers none of the Panel's text; its buttons in the window. In English and in Chinese (with
the CJK font sellers have), by geometry (test_overlay_geometry's), on the table and the grid
markup; closed, the row is as the Panel drew it."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import VARIANTS, chips
from e2e.test_overlay_geometry import (
    GEOMETRY,
    LISTS,
    NARROW,
    card_problems,
    lengthen,
    settle,
    shown,
)

pytestmark = pytest.mark.browser(pages={**VARIANTS, r"/account/penalty": "account-penalty.html",
                                        r"/account/penalty/zh": "account-penalty-zh.html"})

# The rows of the mock Panel's lists, in each markup (table, div grid, ARIA grid).
ROW = "#complaints tbody tr, #appeals tbody tr, .grid .r, [role=row]"
# The open card within its row's room: below all the row's text, above the next row, inside
# the window's width (else below its list, where the window has room there); what is wrong.
IN_ROW = """(card) => {
  const host = card.getRootNode().host;
  const id = host.dataset.complaint || host.dataset.appeal;
  const row = [...document.querySelectorAll(ROW)]
    .find((r) => r.firstElementChild.textContent.trim() === id);
  const problems = [];
  const c = card.getBoundingClientRect();
  if (!host.hasAttribute("data-in-row")) {
    const list = row.closest("table, [role=grid], .grid").getBoundingClientRect();
    return c.top >= list.bottom ? [] : [`card of ${id} neither within its row nor below its list`];
  }
  let text = -Infinity;
  const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) text = Math.max(text, r.bottom);
  }
  if (c.top < text) problems.push(`card top ${c.top} above the text of ${id} to ${text}`);
  const next = row.nextElementSibling?.getBoundingClientRect();
  if (next && next.top < c.bottom) {
    problems.push(`next row at ${next.top} under the card to ${c.bottom}`);
  }
  const vw = document.documentElement.clientWidth;
  if (c.left < 0 || c.right > vw) problems.push(`card ${c.left}-${c.right} outside 0-${vw}`);
  return problems;
}""".replace("ROW", repr(ROW))
# The rows of the page's list as the Panel draws them: each one's height and style attributes.
ROWS = """() => [...document.querySelectorAll(ROW)]
  .map((r) => [Math.round(r.getBoundingClientRect().height),
               [r, ...r.children].map((e) => e.getAttribute("style")).join("|")])
""".replace("ROW", repr(ROW))


def open_each(page, path, hosts, shot):
    """Each of `hosts`' cards opened in turn: {row: what is wrong}; after each, the list's
    rows as they were."""
    found = {}
    drawn = page.evaluate(ROWS)
    for row, host in hosts:
        problems = card_problems(page, path, host, f"{shot}-{row}",
                                 lambda card: card.evaluate(IN_ROW))
        if page.evaluate(ROWS) != drawn:
            problems.append("the rows are not as the Panel drew them once the card closed")
        if problems:
            found[f"{path} {row}"] = problems
    return found


@pytest.mark.parametrize("width, height", [(760, 700), (600, 700)])
@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_a_card_on_a_long_list_opens_within_its_row(browser, width, height):
    """50 complaints, no room below the list and none to dock: the first, a middle and the
    last row's card each open within the row's room."""
    found = {}
    for path in ("/ipr/complaints", "/ipr/v2/complaints"):
        page = shown(browser, path, width, height)
        lengthen(page, path)
        hosts = sorted(((row, host) for row, (_, _, host) in chips(page, "complaint:").items()),
                       key=lambda pair: pair[1].locator(".chip").bounding_box()["y"])
        found |= open_each(page, path, [hosts[n] for n in (0, 24, 49)],
                           f"narrow-{path.split('/')[2]}-{width}")
        page.close()
    assert found == {}


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_every_card_of_a_short_list_in_a_zoomed_window(browser):
    """1280x720 at 150 % zoom (853x480 CSS px): too narrow to dock a card, and too low for
    one below the list but under its last rows: every row's card on the complaint and appeal
    lists opens within its row, or below the list."""
    found = {}
    for path, prefix in LISTS.items():
        page = shown(browser, path, 853, 480)
        hosts = [(row, host) for row, (_, _, host) in chips(page, prefix).items()]
        found |= open_each(page, path, hosts, f"zoomed-{path.replace('/', '-')}")
        page.close()
    assert found == {}


# The explanations that are not a list's rows: the account pages' banners (test_penalties) and
# what is explained anywhere on a page the map does not know (test_help_anywhere: a rejection
# code, two complaint types and a date, four chips; such a page is never marked drawn).
EXPLAINED = {"/account": "banner:", "/account/zh": "banner:", "/account/penalty": "banner:",
             "/account/penalty/zh": "banner:", "/messages": "anywhere:"}
ANYWHERE = "iprdesk-overlay[data-iprdesk-id^='anywhere:']"
# An open card's buttons the seller can press: each one's middle is the button itself.
BUTTONS_HIDDEN = """(card) => [...card.querySelectorAll("button")].filter((b) => {
  const r = b.getBoundingClientRect();
  return card.getRootNode().elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) !== b;
}).map((b) => `${b.textContent} under something else`)"""


def explained(page, path, prefix):
    """[(id, host)] of the explanations on the page, once all are there."""
    if prefix == "banner:":
        return [(key, host) for key, (_, _, host) in chips(page, prefix).items()]
    expect(page.locator(ANYWHERE)).to_have_count(4)
    settle(page, path)
    return [(host.get_attribute("data-iprdesk-id"), host) for host in page.locator(ANYWHERE).all()]


@pytest.mark.parametrize("width, height", NARROW)
@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_every_banner_and_help_anywhere_card_in_a_narrow_window(browser, width, height):
    """Each account banner's card and each card explaining a code, a type or a date on a page
    the map does not know, opened in turn in a narrow or zoomed window: it opens within its
    banner's or row's room, covers none of the page's text, stays in the window, and its
    buttons are there to press; closed, the chips cover nothing either."""
    found = {}
    for path, prefix in EXPLAINED.items():
        page = shown(browser, path, width, height)
        for key, host in explained(page, path, prefix):
            shot = f"explained-{path.replace('/', '-')}-{key.replace(':', '-')}-{width}x{height}"
            if problems := card_problems(page, path, host, shot,
                                         lambda card: card.evaluate(BUTTONS_HIDDEN)):
                found[f"{path} {key}"] = problems
        page.close()
    assert found == {}


# What an open complaint card shows in its box, not scrolled out of it nor under its buttons'
# band: its deadline line and the steps of its list, by their text; and all its steps.
CARD_SHOWS = """(card) => {
  const c = card.getBoundingClientRect();
  const band = card.querySelector(".actions").getBoundingClientRect();
  const shows = (e) => {
    const r = e.getBoundingClientRect();
    return r.height > 0 && r.top >= c.top && r.bottom <= Math.min(c.bottom, band.top) + 1;
  };
  return { deadline: [...card.querySelectorAll(".deadline")].filter(shows).map((e) => e.innerText),
           steps: [...card.querySelectorAll("ol > li")].filter(shows).map((e) => e.innerText),
           all: [...card.querySelectorAll("ol > li")].map((e) => e.innerText) };
}"""


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_a_complaint_card_at_760_shows_what_it_shows_at_1280(browser):
    """The complaint list at 760x700 (a small laptop's window beside another): the rows' chips
    cover none of the page's text, closed and with a card open (by geometry); each card shows
    its deadline line and every step, as at 1280x720, none of them behind its own scroll."""
    found, wide = {}, {}
    for width in (1280, 760):
        for path in ("/ipr/complaints", "/ipr/v2/complaints"):
            page = shown(browser, path, width, 700 if width == 760 else 720)
            if problems := page.evaluate(GEOMETRY)["problems"]:
                found[f"{path} {width} closed"] = problems
            for row, (_, _, host) in chips(page, "complaint:").items():
                shows = {}
                problems = card_problems(page, path, host, f"facts-{row}-{width}",
                                         lambda card, shows=shows: shows.update(
                                             card.evaluate(CARD_SHOWS)) or [])
                wide.setdefault(row, shows)
                # (the deadline's words count down meanwhile: that it shows, not its minutes)
                if not shows["deadline"] or not shows["steps"] == shows["all"] == wide[row]["all"]:
                    problems.append(f"at {width} shows {shows}, at 1280 {wide[row]}")
                if problems:
                    found[f"{path} {row} {width}"] = problems
            page.close()
    assert found == {}
