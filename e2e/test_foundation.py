"""The opt-in HTTP pairing (a browser where iprdesk is not registered), page recognition and
the agent's front door, with real Chromium and the extension."""

import json
import signal
import urllib.request

import pytest

from e2e.conftest import STATE_KNOWN, open_advanced, popup_state

PAGES = {
    "/ipr/complaints": "complaint-report",
    "/ipr/appeals": "appeal-status",
    "/products/64f0c1e2a9b8c7d6e5f40312/edit": "product-edit",
    "/account": "account-health",
}


# The module's browser knows no native host (iprdesk install never ran for its profile) and
# starts unpaired; each test puts it in the state it needs (below).
pytestmark = pytest.mark.browser(native=False)


@pytest.fixture
def fresh(browser):
    """The extension as installed: never paired, on the default address, nothing cached."""
    browser.worker.evaluate("chrome.storage.local.clear()")
    return browser


@pytest.fixture
def paired(browser):
    """The extension paired with the module's agent."""
    token = browser.worker.evaluate("chrome.storage.local.get('token').then((s) => s.token)")
    if not token:
        browser.pair()
    return browser


def test_without_the_host_the_popup_and_options_say_to_install(fresh):
    state, text = popup_state(fresh)
    assert state == "host-missing"
    assert "not installed for this browser" in text and "iprdesk install" in text
    page = fresh.open_options()
    assert page.get_attribute("#state", "data-state") == "host-missing"
    assert "iprdesk install" in page.inner_text("#state")
    # Pairing is the opt-in behind the advanced part, closed on the normal path.
    assert not page.is_visible("#code")
    page.close()


def test_unpaired_popup_says_how_to_pair(fresh):
    page = fresh.open_options()
    open_advanced(page)
    page.fill("#agent-url", fresh.agent.url)
    page.press("#agent-url", "Enter")
    page.wait_for_selector('#state[data-state="not-paired"]')
    page.close()
    state, text = popup_state(fresh)
    assert state == "not-paired"
    assert "iprdesk pair" in text


def auth_state(browser) -> dict:
    """The agent's pairing state (auth.json, written at the first pairing code)."""
    auth = browser.home / "auth.json"
    return json.loads(auth.read_text()) if auth.exists() else {}


def tokens(browser):
    return auth_state(browser).get("tokens", [])


def test_pairing_through_the_options_page_connects_the_popup(fresh):
    before = len(tokens(fresh))
    fresh.pair()
    state, text = popup_state(fresh)
    assert state == "connected"
    assert "Connected" in text
    assert len(tokens(fresh)) == before + 1


def test_a_wrong_code_is_refused_with_a_clear_message(paired):
    page = paired.open_options()
    page.fill("#code", "AAAA-BBBB")
    page.press("#code", "Enter")
    page.wait_for_selector("#pair-message.error")
    assert "pairing code" in page.inner_text("#pair-message").lower()
    page.close()


def test_options_refuse_a_non_loopback_agent_address(paired):
    page = paired.open_options()
    page.fill("#agent-url", "http://evil.example:17321")
    page.press("#agent-url", "Enter")
    page.wait_for_selector("#address-message.error")
    # The saved address is unchanged: the form shows it again.
    page.wait_for_function("(url) => document.querySelector('#agent-url').value === url",
                           arg=paired.agent.url)
    page.close()


@pytest.mark.parametrize("path,page_id", PAGES.items())
def test_each_panel_page_is_recognised(paired, path, page_id):
    page = paired.open_panel(path)
    page.wait_for_selector(f'html[data-iprdesk-page="{page_id}"]')
    pill = page.locator("iprdesk-overlay .pill")
    assert "recognised" in pill.inner_text()
    page.close()


# Every path at which the page's own script saw anything of ours (an overlay, our mark).
SEEN_AT = """window.iprdeskSeenAt = [];
new MutationObserver(() => {
  if (document.querySelector("iprdesk-overlay") || document.documentElement?.dataset.iprdeskPage)
    window.iprdeskSeenAt.push(location.pathname);
}).observe(document, { childList: true, subtree: true, attributes: true });"""


def test_unrecognised_panel_pages_get_nothing(paired):
    page = paired.context.new_page()
    page.add_init_script(SEEN_AT)
    page.goto(paired.panel.url("/orders"))
    # The Panel is a single-page app: move on to its complaints as its router would. Once
    # that page is annotated the extension has been looking at this tab all along.
    page.evaluate("""() => {
        history.pushState({}, "", "/ipr/complaints");
        document.querySelector("h1").textContent = "IPR complaints";
    }""")
    page.wait_for_selector('html[data-iprdesk-page="complaint-report"]')
    assert "/orders" not in page.evaluate("window.iprdeskSeenAt")
    page.close()


HOSTILE_PAGE = """<!doctype html><title>cheap deals</title><script>
window.results = [];
const agent = "%s";
const attempts = [
  fetch(agent + "/v1/health"),
  fetch(agent + "/v1/health", {mode: "no-cors"}),
  fetch(agent + "/v1/pair", {method: "POST", headers: {"Content-Type": "application/json"},
                             body: JSON.stringify({code: "AAAA-BBBB"})}),
];
Promise.allSettled(attempts).then((all) => {
  window.results = all.map((r) => r.status === "fulfilled"
    ? {ok: r.value.ok, status: r.value.status, type: r.value.type} : {error: String(r.reason)});
  window.done = true;
});
</script>"""


def test_a_hostile_page_cannot_use_the_agent(fresh):
    fresh.context.route("https://evil.example/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body=HOSTILE_PAGE % fresh.agent.url))
    page = fresh.context.new_page()
    page.goto("https://evil.example/")
    page.wait_for_function("window.done === true")
    results = page.evaluate("window.results")
    page.close()
    # The page learns nothing: CORS/network errors, or an opaque response it cannot read.
    for result in results:
        assert "error" in result or (result["type"] == "opaque" and result["status"] == 0), result
    # And the agent itself refuses that origin, whatever the browser lets through.
    request = urllib.request.Request(fresh.agent.url + "/v1/health",
                                     headers={"Origin": "https://evil.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 403
    assert "Access-Control-Allow-Origin" not in refused.value.headers
    # The one-time code was not burned by the page's guess, if it got through at all.
    assert auth_state(fresh).get("pending") is None


def test_a_slow_agent_is_not_called_stopped(fresh):
    """On a busy computer the agent can take seconds to answer: the popup must not send the
    seller to start an agent that runs. Paused, the agent accepts connections but answers
    nothing, as an overloaded one; once it answers, the popup says so by itself."""
    fresh.worker.evaluate("(url) => chrome.storage.local.set({ agentUrl: url })", fresh.agent.url)
    page = fresh.open_extension_page("popup/popup.html")
    fresh.agent.proc.send_signal(signal.SIGSTOP)
    try:
        page.reload()
        page.wait_for_selector('#state[data-state="busy"], #state[data-state="not-running"]')
        assert page.get_attribute("#state", "data-state") == "busy"
        assert "slow to answer" in page.inner_text("#state")
    finally:
        fresh.agent.proc.send_signal(signal.SIGCONT)
    page.wait_for_selector(STATE_KNOWN)
    assert page.get_attribute("#state", "data-state") != "not-running"
    page.close()


def test_popup_says_how_to_start_a_stopped_agent(paired):
    with paired.agent_stopped():
        state, text = popup_state(paired)
    assert state == "not-running"
    assert "iprdesk agent" in text


def test_overlays_still_render_from_the_cache_when_the_agent_is_down(paired):
    # Pairing fetched the shared data (page map, hints) and cached it.
    with paired.agent_stopped():
        page = paired.open_panel("/ipr/complaints")
        page.wait_for_selector('html[data-iprdesk-page="complaint-report"]')
        page.close()

