"""An open card fits the window a seller has, in English and in Chinese: every button of it
inside the viewport, visible (nothing of ours or the page's over it) and apart from the others.
Run with a CJK font installed (.ci/setup installs one), as Chinese sellers' machines have."""

import subprocess

import pytest

from e2e.conftest import VARIANTS, chips, open_card

pytestmark = pytest.mark.browser(pages=VARIANTS)
# A 720p screen, and a narrow window beside another one on a small laptop.
VIEWPORTS = [(1280, 720), (1024, 640)]
# (Panel page, annotation prefix, row) for every kind of card, in both markups of each page.
CARDS = [
    ("/ipr/complaints", "complaint:", "CMP-2026-11-0042"),
    ("/ipr/v2/complaints", "complaint:", "ZX-5001"),
    ("/ipr/appeals", "appeal:", "APL-88120"),
    ("/ipr/v2/appeals", "appeal:", "SS-7001"),
    ("/account", "banner:", "pending_ipr_review"),
    ("/account/zh", "banner:", "tro"),
]


def layout_problems(card, buttons):
    """What a seller could not see or press of `card` and its `buttons` (locators), as
    readable strings: outside the viewport, covered or clipped, or overlapping each other."""
    return card.evaluate("""(card, buttons) => {
        const vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
        const box = (e) => e.getBoundingClientRect();
        const inside = (r) => r.left >= 0 && r.top >= 0 && r.right <= vw && r.bottom <= vh;
        const problems = [];
        const c = box(card);
        if (!inside(c)) problems.push(`card ${JSON.stringify(c)} outside ${vw}x${vh}`);
        const root = card.getRootNode();
        buttons.forEach((b, i) => {
            const r = box(b);
            const name = b.textContent;
            if (!inside(r)) problems.push(`${name} ${JSON.stringify(r)} outside ${vw}x${vh}`);
            // What a click at its centre lands on: itself, not the pill, the page, or nothing
            // because the card's scrolling clips it.
            const hit = root.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            const what = hit?.outerHTML?.slice(0, 60);
            if (!b.contains(hit)) problems.push(`${name} covered by ${what}`);
            buttons.slice(i + 1).forEach((o) => {
                const q = box(o);
                if (r.left < q.right && q.left < r.right && r.top < q.bottom && q.top < r.bottom)
                    problems.push(`${name} overlaps ${o.textContent}`);
            });
        });
        return problems;
    }""", buttons)


@pytest.mark.parametrize("width, height", VIEWPORTS)
@pytest.mark.parametrize("path, prefix, row", CARDS)
@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_an_open_card_fits_the_window(browser, path, prefix, row, width, height):
    page = browser.context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.goto(browser.panel.url(path))
    card = open_card(chips(page, prefix)[row][2])
    buttons = card.locator("button")
    assert layout_problems(card, buttons.element_handles()) == []
    if card.locator("button.open-case").count():
        # The case form opens in the card, its button in view.
        card.locator("button.open-case").click()
        submit = card.locator("form button[type=submit]")
        submit.wait_for()
        assert layout_problems(card, [submit.element_handle()]) == []
    page.close()


def test_a_chinese_font_is_installed():
    """Without one Chromium draws Chinese as boxes and the zh_CN layouts above are not what
    sellers in China see (.ci/setup installs fonts-wqy-zenhei when fc-list finds none)."""
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
    assert fonts.stdout.strip(), "no Chinese font: run .ci/setup"
