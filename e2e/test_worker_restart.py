"""Chrome stops an MV3 service worker whenever it idles, and its native port with it: the host
ends and the agent revokes that session's token, but `chrome.storage.session` keeps the token.
With the agent restarted meanwhile too, the seller's next upload from a Panel page already
open still goes through, cleaned: the upload frame's call is refused once (401), the woken
worker gets one new session, the call is made again. Nothing fails where the seller sees it,
and no token reaches a log."""

import urllib.error
import urllib.request

from e2e.conftest import PRODUCT, popup_state, toast_texts, wait_uploads
from tests import image_fixtures as fx

SESSION_OPENED = "browser session"  # native-host.log: "browser session <id> opened for ..."


def stored_session(page):
    """The stored native session, read from an extension page: the worker is not woken."""
    return page.evaluate(
        "chrome.storage.session.get('nativeSession').then((s) => s.nativeSession || null)")


def agent_answers(url, token) -> int:
    request = urllib.request.Request(url + "/v1/health",
                                     headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


def sessions_opened(browser) -> int:
    log = browser.home / "logs" / "native-host.log"
    return sum(" opened for " in line and SESSION_OPENED in line
               for line in log.read_text().splitlines())


@fx.needs_exiftool
def test_an_upload_after_the_worker_and_the_agent_restarted_goes_through(browser, tmp_path):
    browser.panel.uploads.clear()
    panel = browser.open_panel(PRODUCT)
    panel.wait_for_selector('html[data-iprdesk-page="product-edit"]')
    strip_answers, console = [], []
    panel.on("response", lambda r: "/v1/strip" in r.url and strip_answers.append(r.status))
    browser.context.on("console", lambda m: console.append(m.text))
    # An extension page that never messages the worker (the upload frame, on its own): it
    # reads storage.session only.
    reader = browser.open_extension_page("upload/frame.html")
    stale = stored_session(reader)
    assert stale and agent_answers(stale["agentUrl"], stale["token"]) == 200
    before = sessions_opened(browser)

    browser.stop_worker(reader)
    browser.agent.stop()
    browser.agent.start()
    # The token is still stored, and the agent no longer takes it.
    assert stored_session(reader) == stale
    assert agent_answers(stale["agentUrl"], stale["token"]) == 401

    photo = tmp_path / "IMG_5001.jpg"
    photo.write_bytes(fx.photo_jpeg())
    panel.set_input_files("#image-upload", str(photo))
    [upload] = wait_uploads(browser, panel, 1)
    assert fx.leftover_metadata(upload.body) == {}
    [text] = toast_texts(panel)
    assert "IMG_5001.jpg" in text and "Removed GPS location" in text
    # Refused once with the old token, then the new session's.
    assert strip_answers == [401, 200]
    fresh = stored_session(reader)
    assert fresh["token"] != stale["token"]
    assert agent_answers(fresh["agentUrl"], fresh["token"]) == 200
    assert sessions_opened(browser) == before + 1  # one new session, not one per try
    assert popup_state(browser)[0] == "connected"
    assert sessions_opened(browser) == before + 1

    logs = "".join(p.read_text(errors="replace") for p in (browser.home / "logs").iterdir())
    assert SESSION_OPENED in logs  # the logs read are the ones written
    for token in (stale["token"], fresh["token"]):
        assert token not in logs
        assert not any(token in line for line in console)
    reader.close()
    panel.close()


def test_the_popup_after_the_worker_and_the_agent_restarted_is_connected(browser):
    reader = browser.open_extension_page("upload/frame.html")
    stale = stored_session(reader)
    before = sessions_opened(browser)
    browser.stop_worker(reader)
    browser.agent.stop()
    browser.agent.start()
    assert stored_session(reader) == stale  # still there: the worker is not running
    # The popup wakes the worker, which drops the stored session and opens one new one.
    assert popup_state(browser)[0] == "connected"
    assert sessions_opened(browser) == before + 1
    assert stored_session(reader)["token"] != stale["token"]
    reader.close()
