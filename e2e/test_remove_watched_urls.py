"""Removing a watched old image URL from the extension (issue 12), in real Chromium with the
real agent, in English and Chinese, in the seller's zone (UTC+8): on the case page, each old
URL's row has "remove"; on the options page, every watched URL by case with its last verdict
and local check time, each removable. Once the agent confirms, the row is gone, and the agent
watches neither the URL nor its other CDN sizes, nor does the case list it; a URL that served
the complained picture asks first whether new uploads are still compared with it (kept by
default). An error (a URL removed meanwhile from the command line) is shown beside the row in
the page's language."""

import io
import json
from datetime import timedelta

import pytest
from bench.imagegen import product_photo
from playwright.sync_api import expect

from e2e.conftest import cdn_image, keep_screenshot, words
from iprdesk import timeutil
from iprdesk.casework.case_images import CaseImages
from iprdesk.casework.cases import CaseStore
from iprdesk.urls import watch as urlwatch
from tests.helpers import iprdesk, open_case

pytestmark = pytest.mark.browser(timezone="Asia/Shanghai", agent_cdn=True)

# Three old pictures on Joom's CDN: the complained one still served, two gone.
IDS = ["3f2a9c1b7d4e5f60718293a4b5c6d7e8f9012345", "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
       "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a291807"]
PATHS = [f"/{i}_1024_1024.jpeg" for i in IDS]
URLS = [f"https://img.joomcdn.net{path}" for path in PATHS]
ZONE = {"en": "(UTC+8)", "zh_CN": "（UTC+8）"}


def watched(home, case_id):
    """What the agent watches for the case, from the command line: URL -> the URL it is a
    size of (None for an old URL itself)."""
    listed = json.loads(iprdesk("url-watch", "list", "--case", case_id, "--json",
                                home=home).stdout)
    return {w["url"]: w["variant_of"] for w in listed}


def row(page, section, url):
    return page.locator(f"#{section} li.watched-url[data-url='{url}']")


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_a_seller_removes_watched_urls_on_the_case_page_and_the_options_page(browser, request):
    lang = request.node.callspec.params["browser"]
    complaint = f"CMP-URLS-{lang}"
    case_id = json.loads(iprdesk(
        "case", "new", "--json", "--complaint-id", complaint, "--store-id", "5f1a2b3c4d5e",
        "--type", "copyright", "--complainant", "Bright Lens Studio LLC", "--products", "P1",
        home=browser.home).stdout)["id"]
    browser.panel.cdn[PATHS[0]] = cdn_image(_jpeg())

    # The old URLs pasted on the case page, added and checked at once.
    page = browser.open_extension_page(f"case/case.html?case={complaint}")
    page.set_viewport_size({"width": 1000, "height": 800})
    fix = page.locator("#old-urls .fix[data-fix='old-urls']")
    fix.locator("textarea").fill("\n".join(URLS))
    fix.locator("button.add-urls").click()
    expect(row(page, "old-urls", URLS[0])).to_have_attribute("data-state", "live")
    for url in URLS[1:]:
        expect(row(page, "old-urls", url)).to_have_attribute("data-state", "dead")
    expect(page.locator("body[data-drawing]")).to_have_count(0)
    sizes = {u for u, of in watched(browser.home, case_id).items() if of == URLS[1]}
    assert sizes, "Joom CDN sizes are watched with each old URL"
    assert ZONE[lang] in row(page, "old-urls", URLS[0]).locator(".last-check").inner_text()
    keep_screenshot(page, f"remove-urls-{lang}-1-case-page", "#old-urls")

    # Removed on the case page: the row goes once the agent confirmed, the agent watches
    # neither it nor its sizes, and the case no longer lists it (no sync brings it back).
    remove = row(page, "old-urls", URLS[1]).locator("button.remove-url")
    expect(remove).to_have_attribute("title", words(lang, "urlRemoveWhat"))  # what it forgets
    remove.click()
    expect(row(page, "old-urls", URLS[1])).to_have_count(0)
    expect(page.locator("#old-urls li.watched-url")).to_have_count(2)
    now = watched(browser.home, case_id)
    assert URLS[1] not in now and not sizes & now.keys()
    assert {URLS[0], URLS[2]} <= now.keys()
    assert CaseStore(browser.home).get(case_id).old_urls == [URLS[0], URLS[2]]
    keep_screenshot(page, f"remove-urls-{lang}-2-case-page-removed", "#old-urls")
    page.close()

    # The options page: the case by its complaint ID, each URL's verdict and local check time.
    options = browser.open_options()
    options.set_viewport_size({"width": 900, "height": 800})
    block = options.locator(f"#watched-urls .watched-case[data-case='{case_id}']")
    expect(block.locator("h3")).to_have_text(words(lang, "urlCase", complaint))
    live = row(options, "watched-urls", URLS[0])
    expect(live.locator(".verdict")).to_have_text(words(lang, "urlState_live"))
    assert ZONE[lang] in live.locator(".last-check").inner_text()
    expect(options.locator("#watched-urls li.watched-url")).to_have_count(2)
    keep_screenshot(options, f"remove-urls-{lang}-3-options", "#watched-urls")

    # Removed meanwhile from the command line: "remove" says why it could not, in the
    # page's language (the agent's keyed message), beside the row.
    iprdesk("url-watch", "remove", "--case", case_id, URLS[2], home=browser.home)
    gone = row(options, "watched-urls", URLS[2])
    gone.locator("button.remove-url").click()
    error = gone.locator(".message.error")
    expect(error).to_contain_text(URLS[2])
    said = error.inner_text()
    assert said.startswith(words(lang, "urlRemoveFailed", "")), said
    assert ("does not watch" if lang == "en" else "没有监控") in said
    expect(gone.locator("button.remove-url")).to_be_enabled()
    keep_screenshot(options, f"remove-urls-{lang}-4-options-error", "#watched-urls")

    # The last one served the complained picture: removing it asks in the row whether new
    # uploads are still compared with that picture, kept unless the seller says otherwise.
    live.locator("button.remove-url").click()
    ask = live.locator(".remove-ask")
    expect(ask).to_be_visible()
    expect(ask.locator("p")).to_have_text(words(lang, "urlRemoveAsk"))
    expect(ask.locator("input.keep-picture")).to_be_checked()
    keep_screenshot(options, f"remove-urls-{lang}-5-options-ask", "#watched-urls")
    ask.locator("button.remove-cancel").click()  # changed their mind: nothing removed
    expect(ask).to_be_hidden()
    assert URLS[0] in watched(browser.home, case_id)
    live.locator("button.remove-url").click()
    ask.locator("button.remove-confirm").click()
    expect(options.locator("#watched-urls li.watched-url")).to_have_count(0)
    [kept] = CaseImages(browser.home).complained(case_id)
    assert kept.name == URLS[0]  # still compared with every new upload, named by its URL
    # The last one removed here: nothing is watched, and the page says so.
    expect(options.locator("#watched-urls .none")).to_have_text(words(lang, "oldUrlsNone"))
    assert watched(browser.home, case_id) == {}
    assert CaseStore(browser.home).get(case_id).old_urls == []
    options.close()


# The agent stops answering right after a removal: the first `failing` request after it
# (the list drawn again) gets the error the extension's messaging gives then; later ones go
# through as before.
FAIL_AFTER_REMOVAL = """(failing) => {
  const send = chrome.runtime.sendMessage.bind(chrome.runtime);
  let removed = false;
  chrome.runtime.sendMessage = async (message) => {
    if (removed && message.type === failing) {
      removed = false;
      const error = { code: "agent_unreachable", message: "no answer from the agent" };
      return { ok: false, error };
    }
    const reply = await send(message);
    if (message.type === "urls.remove" && reply.ok) removed = true;
    return reply;
  };
}"""


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
@pytest.mark.parametrize("where", ["options", "case"])
def test_a_removal_whose_list_is_not_redrawn_says_it_was_removed(browser, request, where):
    """Removed by the agent, then the list could not be read again: the row says the URL was
    removed and the list not refreshed (not "not removed"), and offers to refresh the list,
    which then draws it without that URL."""
    lang = request.node.callspec.params["browser"]
    complaint = f"CMP-REDRAW-{where}-{lang}"
    case = open_case(browser.home, complaint)
    mark = {"options": "a", "case": "b"}[where] + {"en": "e", "zh_CN": "c"}[lang]
    urls = [f"https://img.joomcdn.net/{f'{n}{mark}'.ljust(40, '0')}_1024_1024.jpeg" for n in (1, 2)]
    later = timeutil.utc_now() + timedelta(days=1)  # not due: the agent leaves them be
    urlwatch.WatchList(browser.home).add(case.id, urls, now=later, variants=False)
    if where == "options":
        page, section, failing = browser.open_options(), "watched-urls", "urls.watched"
    else:
        page = browser.open_extension_page(f"case/case.html?case={complaint}")
        section, failing = "old-urls", "casepage.case"
    page.set_viewport_size({"width": 1000, "height": 800})
    expect(row(page, section, urls[1])).to_be_visible()
    expect(page.locator("body[data-drawing]")).to_have_count(0)
    page.evaluate(FAIL_AFTER_REMOVAL, failing)

    gone = row(page, section, urls[0])
    gone.locator("button.remove-url").click()
    said = gone.locator(".message.error")
    expect(said).to_have_text(words(lang, "urlRemovedNotRefreshed", "no answer from the agent"))
    assert urls[0] not in watched(browser.home, case.id)  # removed indeed
    expect(gone.locator("button.remove-url")).to_be_hidden()  # removing it again would fail
    refresh = gone.locator("button.refresh-urls")
    expect(refresh).to_have_text(words(lang, "urlListRefresh"))
    keep_screenshot(page, f"remove-urls-{lang}-{where}-not-redrawn", f"#{section}")

    refresh.click()
    expect(row(page, section, urls[0])).to_have_count(0)
    expect(row(page, section, urls[1])).to_be_visible()
    page.close()


def _jpeg() -> bytes:
    out = io.BytesIO()
    product_photo(7, (480, 360)).convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()
