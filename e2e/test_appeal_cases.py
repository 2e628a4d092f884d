"""An appeal row that names its complaint or products leads to that case only: its preflight
and its evidence, not one button per open case."""

import json

import pytest
from playwright.sync_api import expect

from e2e.conftest import row_card
from tests.helpers import iprdesk

PASSPHRASE = "e2e appeal passphrase"
STORE = "5f1a2b3c4d5e6f7a"
pytestmark = pytest.mark.browser(
    vault=PASSPHRASE, pages={r"/ipr/v3/appeals": "appeals-cases.html"})


def new_case(browser, complaint, products):
    out = iprdesk("case", "new", "--complaint-id", complaint, "--store-id", STORE, "--type",
                  "copyright", "--complainant", "Lumen Images Inc.", "--products", products,
                  "--json", home=browser.home).stdout
    return json.loads(out)["id"]


def card_of(page, appeal):
    return row_card(page, f"appeal:{appeal}")


def test_appeal_rows_lead_to_their_own_case(browser):
    case_a = new_case(browser, "CMP-CASE-A", "P-10,P-11")
    case_b = new_case(browser, "CMP-CASE-B", "P-20,P-21")
    page = browser.open_panel("/ipr/v3/appeals")

    def preflights(appeal):
        card = card_of(page, appeal)
        buttons = card.locator("button.preflight")
        expect(buttons.first).to_be_visible()
        cases = sorted(buttons.evaluate_all("(bs) => bs.map((b) => b.dataset.case)"))
        page.keyboard.press("Escape")  # the open card would cover the next row's chip
        return cases

    assert preflights("APL-9001") == [case_b]  # by its complaint ID
    assert preflights("APL-9002") == [case_a]  # by a product it names
    assert preflights("APL-9003") == sorted([case_a, case_b])  # neither: the seller picks

    card = card_of(page, "APL-9001")
    card.get_by_role("button", name="Capture evidence").click()
    expect(card.locator(".status.ok")).to_contain_text("SHA-256")
    listed = json.loads(iprdesk("vault", "list", "--case", case_b, "--json", home=browser.home,
                                env={"IPRDESK_PASSPHRASE": PASSPHRASE}).stdout)
    assert {item["kind"] for item in listed} == {"screenshot", "page"}
    page.close()


def test_a_chip_with_no_room_for_its_words_shrinks_to_its_mark(browser):
    page = browser.open_panel("/ipr/v3/appeals")  # six columns: no cell has room for a title
    page.wait_for_selector("iprdesk-overlay[data-iprdesk-id^='appeal:']", state="attached")
    page.wait_for_function("""() => [...document.querySelectorAll(
        "iprdesk-overlay[data-iprdesk-id^='appeal:']")].length === 3""")
    chips = page.evaluate("""() => {
        const texts = [...document.querySelectorAll('#appeals th, #appeals td')].map((cell) => {
            const range = document.createRange();
            range.selectNodeContents(cell);
            return range.getBoundingClientRect();
        }).filter((r) => r.width);
        return [...document.querySelectorAll("iprdesk-overlay[data-iprdesk-id^='appeal:']")]
            .map((host) => {
                const chip = host.shadowRoot.querySelector('.chip');
                const c = chip.getBoundingClientRect();
                const covers = texts.some((t) => c.left < t.right && t.left < c.right
                                                 && c.top < t.bottom && t.top < c.bottom);
                return { appeal: host.dataset.appeal, compact: host.hasAttribute('data-compact'),
                         shown: chip.innerText, label: chip.getAttribute('aria-label'), covers };
            });
    }""")
    assert {c["appeal"] for c in chips} == {"APL-9001", "APL-9002", "APL-9003"}
    for chip in chips:
        assert not chip["covers"], chip  # whole words where they fit, else the mark
        assert chip["shown"] == ("!" if chip["compact"] else chip["label"]), chip
    by_appeal = {c["appeal"]: c for c in chips}
    assert by_appeal["APL-9001"]["compact"]  # "Documents incomplete" fits in no cell
    assert by_appeal["APL-9001"]["label"] == "Documents incomplete"
    card = card_of(page, "APL-9001")
    assert card.locator("h3").inner_text() == "Documents incomplete"
    page.close()
