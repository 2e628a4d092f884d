"""The extension's side of the native messaging channel in real Chromium: it reassembles a
session the host sent in chunks, and connects by itself once iprdesk is installed."""

import json
import sys

import pytest

from e2e.conftest import popup_state
from iprdesk.server.pairing import AuthStore
from tests.helpers import iprdesk

# A profile without iprdesk: each test registers what it needs.
pytestmark = pytest.mark.browser(native=False)

# A host that answers with a session larger than Chrome's 1 MB per message, framed by the
# real host's `frames` (chunks), then stays until the test lets it go (the file `stop`).
BIG_HOST = """import json, pathlib, sys, time
from iprdesk.native.host import frames
session, stop = json.loads(sys.argv[1]), pathlib.Path(sys.argv[2])
for frame in frames({**session, "padding": "\\u00e9" * 700_000}, chunk_id=7):
    sys.stdout.buffer.write(frame)
sys.stdout.buffer.flush()
while not stop.exists():
    time.sleep(0.05)
"""


@pytest.fixture
def unregistered(browser, tmp_path):
    """The profile with no host registered, and the extension knowing it (the popup says so).
    After the test, back so: the host it registered ends (a real one when its agent stops)."""
    assert popup_state(browser)[0] == "host-missing"
    yield browser
    browser.host_manifest.unlink(missing_ok=True)
    (tmp_path / "stop").touch()
    with browser.agent_stopped():
        browser.wait_connected(False)


def stored_session(browser):
    return browser.worker.evaluate(
        "chrome.storage.session.get('nativeSession').then((s) => s.nativeSession)")


def test_a_session_sent_in_chunks_is_reassembled(unregistered, tmp_path):
    browser = unregistered
    # A token the agent takes (a paired one: no host holds this session), else the worker's
    # first call with it is refused and, on a slow machine, it drops the session at once for
    # a new one.
    code, _ = AuthStore(browser.home).new_code()
    token = AuthStore(browser.home).redeem(code)
    session = {"type": "session", "protocol": 1, "agent_url": browser.agent.url,
               "token": token, "agent_version": "9.9.9", "host_version": "9.9.8"}
    script = tmp_path / "big_host.py"
    script.write_text(BIG_HOST)
    browser.register_host(tmp_path, [sys.executable, script, json.dumps(session),
                                     tmp_path / "stop"])
    browser.wait_connected()
    assert stored_session(browser) == {
        "agentUrl": browser.agent.url, "token": token, "agentVersion": "9.9.9",
        "hostVersion": "9.9.8", "protocol": 1}


def test_once_installed_the_extension_connects_by_itself(unregistered):
    browser = unregistered
    iprdesk("install", "--user-data-dir", str(browser.profile), home=browser.home)
    # No page asks: the worker's own retry finds the host and gets a working session.
    browser.wait_connected()
    session = stored_session(browser)
    assert session["agentUrl"] == browser.agent.url
    assert popup_state(browser)[0] == "connected"
