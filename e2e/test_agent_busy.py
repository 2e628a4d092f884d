"""The extension honours a busy agent: it waits the Retry-After seconds and tries again, a few
times, then tells the user the file was not uploaded."""

import http.client
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from e2e.conftest import PRODUCT, set_agent_url, toast_texts, wait_uploads
from iprdesk.errors import Busy
from iprdesk.server.http import error_body
from tests import image_fixtures as fx

pytestmark = pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO")

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


class BusyFront:
    """In front of the real agent: answers the first `busy` POST /v1/strip itself, as the agent
    does when its queue is full (503, Retry-After, the busy error); passes the rest on."""

    def __init__(self, agent_url: str, *, busy: int, retry_after: int):
        self.agent = urlsplit(agent_url)
        self.busy, self.retry_after = busy, retry_after
        self.strips: list[float] = []  # when each POST /v1/strip arrived
        front = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path.startswith("/v1/strip"):
                    front.strips.append(time.monotonic())
                    if len(front.strips) <= front.busy:
                        return self.answer(503, *front.busy_answer(self.headers))
                self.answer(*front.forward(self.command, self.path, self.headers, body))

            do_GET = do_OPTIONS = do_POST

            def answer(self, status, headers, body):
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def busy_answer(self, headers):
        error = Busy(self.retry_after)
        return ([("Content-Type", "application/json"), *error.headers.items(),
                 ("Access-Control-Allow-Origin", headers.get("Origin", ""))],
                json.dumps(error_body(error.code, error.message)).encode())

    def forward(self, method, path, headers, body):
        connection = http.client.HTTPConnection(self.agent.hostname, self.agent.port, timeout=30)
        sent = {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP | {"host"}}
        connection.request(method, path, body=body, headers={**sent, "Host": self.agent.netloc})
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return (response.status,
                [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP], data)

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def front(browser, request):
    busy, retry_after = request.param
    with BusyFront(browser.agent.url, busy=busy, retry_after=retry_after) as f:
        set_agent_url(browser, f.url)
        try:
            yield f
        finally:
            set_agent_url(browser, browser.agent.url)


def choose_photo(browser, tmp_path, name):
    photo = tmp_path / name
    photo.write_bytes(fx.photo_jpeg())
    browser.panel.uploads.clear()
    page = browser.open_panel(PRODUCT)
    page.wait_for_selector('html[data-iprdesk-page="product-edit"]')
    page.set_input_files("#image-upload", str(photo))
    return page


@pytest.mark.parametrize("front", [(1, 3)], indirect=True)
def test_a_busy_agent_is_asked_again_after_retry_after_and_the_photo_arrives_clean(
        browser, front, tmp_path):
    page = choose_photo(browser, tmp_path, "IMG_5001.jpg")
    [upload] = wait_uploads(browser, page, 1)
    assert fx.leftover_metadata(upload.body) == {}
    first, second = front.strips
    assert second - first >= 3  # Retry-After: 3 was read and honoured (without it: 1 to 2 s)
    assert "IMG_5001.jpg" in toast_texts(page)[0]
    page.close()


@pytest.mark.parametrize("front", [(100, 0)], indirect=True)
def test_still_busy_after_three_retries_the_photo_is_not_uploaded_and_the_user_told(
        browser, front, tmp_path):
    page = choose_photo(browser, tmp_path, "IMG_5002.jpg")
    [text] = toast_texts(page)
    assert "IMG_5002.jpg was not uploaded" in text and "busy" in text
    assert len(front.strips) == 4  # the first try and three retries
    page.wait_for_function("() => document.querySelector('#image-upload').files.length === 0")
    assert browser.panel.uploads == []
    page.close()
