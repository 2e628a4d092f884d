"""Issue 12's hostile cases, over native messaging in real Chromium: another extension, a web
page (the Panel's own scripts too) and a local process without the browser's session token
get nothing from iprdesk: not the host, not the token, not the agent."""

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from e2e.conftest import content_script_world
from iprdesk.native.manifest import HOST_NAME

# An extension from anywhere, asking for everything ours has that matters here: nativeMessaging,
# storage and the agent's loopback addresses (other_extension/manifest.json), loaded beside ours.
pytestmark = pytest.mark.browser(extensions=[Path(__file__).parent / "other_extension"])

HOSTILE_PAGE = """<!doctype html><title>cheap deals</title><p>deals</p>"""

# What a page's script (or the other extension) can try against the agent: no token, a
# guessed one. -> [{status, body} | {error}]
PROBE = """async (url) => {
    const out = [];
    for (const headers of [{}, { Authorization: "Bearer " + "A".repeat(43) }]) {
        try {
            const r = await fetch(url + "/v1/health", { headers, cache: "no-store" });
            out.push({ status: r.status, type: r.type, body: await r.text() });
        } catch (e) {
            out.push({ error: String(e) });
        }
    }
    return out;
}"""


@pytest.fixture(scope="module")
def session(browser):
    """The session the host handed our extension: { agentUrl, token, ... }."""
    return browser.worker.evaluate(
        "chrome.storage.session.get('nativeSession').then((s) => s.nativeSession)")


def other_worker(browser):
    return next(w for w in browser.context.service_workers
                if not w.url.startswith(browser.ext_url("")))


def test_another_extension_cannot_start_the_host(browser):
    result = other_worker(browser).evaluate("""(name) => new Promise((resolve) => {
        const messages = [];
        const port = chrome.runtime.connectNative(name);
        port.onMessage.addListener((m) => messages.push(m));
        port.onDisconnect.addListener(
            () => resolve({ error: chrome.runtime.lastError?.message, messages }));
    })""", HOST_NAME)
    # Chrome checks allowed_origins before it starts anything: no process, no message.
    assert "forbidden" in result["error"].lower(), result
    assert result["messages"] == []


def test_another_extension_gets_nothing_from_the_agent(browser, session):
    worker = other_worker(browser)
    answers = worker.evaluate(PROBE, session["agentUrl"])
    # It may read answers (host permissions lift CORS for it), but without our session's token
    # (Chrome sends its GETs with no Origin, like a local process's) it gets a refusal only.
    assert [a.get("status") for a in answers] == [401, 401], answers
    assert all(session["token"] not in a["body"] for a in answers)
    # Our session storage is ours alone.
    assert worker.evaluate("chrome.storage.session.get(null)") == {}


def test_a_web_page_gets_neither_the_host_nor_the_agent(browser, session):
    browser.context.route("https://evil.example/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body=HOSTILE_PAGE))
    page = browser.context.new_page()
    page.goto("https://evil.example/")
    assert page.evaluate("typeof globalThis.chrome?.runtime?.connectNative") == "undefined"
    for answer in page.evaluate(PROBE, session["agentUrl"]):
        # CORS and Local Network Access: a network error, never a readable answer.
        assert "error" in answer, answer
    page.close()


def test_a_panel_page_and_our_content_scripts_never_see_the_session(browser, session):
    page = browser.open_panel("/ipr/complaints")
    page.wait_for_selector('html[data-iprdesk-page="complaint-report"]')
    # The Panel's own scripts: no native messaging, no storage of ours.
    assert page.evaluate("typeof globalThis.chrome?.runtime?.connectNative") == "undefined"
    assert page.evaluate("typeof globalThis.chrome?.storage") == "undefined"
    # Our content scripts' world (what a compromised Panel renderer runs as): storage.session
    # is for the extension's pages and worker only.
    cdp, world = content_script_world(browser, page)
    result = cdp.send("Runtime.evaluate", {
        "expression": "chrome.storage.session.get(null).then((s) => JSON.stringify(s), "
                      "(e) => 'refused: ' + e.message)",
        "contextId": world, "awaitPromise": True, "returnByValue": True})
    cdp.detach()
    value = result["result"]["value"]
    assert value.startswith("refused"), value
    assert session["token"] not in value
    page.close()


def call_agent(url, headers):
    request = urllib.request.Request(url + "/v1/health", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_a_local_process_without_the_session_token_gets_nothing(browser, session):
    origin = browser.ext_url("").rstrip("/")
    for headers in ({}, {"Authorization": "Bearer " + "A" * 43}, {"Origin": origin},
                    {"Origin": origin, "Authorization": "Bearer " + "A" * 43}):
        status, body = call_agent(session["agentUrl"], headers)
        assert status == 401, (headers, status, body)
    # With the token, the same call works: the refusals above are the token's doing.
    token = {"Authorization": f"Bearer {session['token']}"}
    assert call_agent(session["agentUrl"], token)[0] == 200
    # Nothing on disk gives the token away: auth.json keeps hashes, the logs never a secret.
    for path in [browser.home / "auth.json", *(browser.home / "logs").glob("*")]:
        assert session["token"] not in path.read_text(errors="replace"), path
