"""The agent under load: heavy work in flight is bounded, and beyond it the answer is 503 busy."""

import asyncio
import os
import threading
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest

from iprdesk import metadata
from iprdesk.config import Config
from iprdesk.errors import BadInput
from iprdesk.server import load
from iprdesk.server.http import STATE_KEY
from iprdesk.server.load import WorkQueue
from tests import image_fixtures as fx
from tests.conftest import start_agent
from tests.helpers import AgentProcess
from tests.test_api_description import described_routes, served_routes

pytestmark = pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO")


@pytest.fixture
async def held(aiohttp_client, home, token, monkeypatch):
    """An agent with a work queue of depth 1 whose stripping waits until `release` is set."""
    Config(work_queue_depth=1).save(home)
    agent = await start_agent(aiohttp_client, home, token)
    release = threading.Event()
    real = metadata.strip_image

    def waiting_strip(*args, **kw):
        assert release.wait(30), "the test never released the work"
        return real(*args, **kw)

    # The route finds it in the package on each request (loaded on first use).
    monkeypatch.setattr(metadata, "strip_image", waiting_strip)
    yield agent, agent.raw.server.app[STATE_KEY].work, release
    release.set()


def post_photo(agent, headers=None):
    return agent.post("/v1/strip", data=fx.photo_jpeg(), headers={
        "Content-Type": "application/octet-stream", "X-Filename": quote("IMG_2041.jpg"),
        **(headers or {})})


async def until(condition, timeout=30.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def fill(agent, work) -> list[asyncio.Task]:
    """As many strip requests as the queue has places, all admitted and waiting."""
    tasks = [asyncio.create_task(post_photo(agent)) for _ in range(work.capacity)]
    await until(lambda: work.in_flight == work.capacity)
    return tasks


async def test_beyond_the_queue_a_request_gets_503_busy_and_the_work_in_flight_completes(held):
    agent, work, release = held
    assert work.workers == len(os.sched_getaffinity(0)) and work.capacity == work.workers + 1
    tasks = await fill(agent, work)

    refused = await post_photo(agent)
    assert refused.status == 503 and refused.headers["Retry-After"] == "1"
    error = (await refused.json())["error"]
    assert error["code"] == "busy"
    assert "busy" in error["message"] and "助手正忙" not in error["message"]
    # The extension asks in Chinese: the same refusal in Chinese alone.
    error = (await (await post_photo(agent, headers={"Accept-Language": "zh-CN"})).json())["error"]
    assert error["code"] == "busy" and error["key"] == "error.busy"
    assert "助手正忙" in error["message"] and "busy" not in error["message"]
    assert (await agent.get("/v1/health")).status == 200  # light routes are not queued

    release.set()
    for response in await asyncio.gather(*tasks):
        assert response.status == 200 and fx.leftover_metadata(await response.read()) == {}
    await until(lambda: work.in_flight == 0)
    assert (await post_photo(agent)).status == 200


async def test_a_refused_upload_is_answered_before_its_body_is_sent(held):
    agent, work, release = held
    tasks = await fill(agent, work)
    reader, writer = await asyncio.open_connection("127.0.0.1", agent.port)
    head = "".join(f"{k}: {v}\r\n" for k, v in agent.headers({
        "Content-Type": "application/octet-stream", "Content-Length": str(40 << 20)}).items())
    writer.write(f"POST /v1/strip HTTP/1.1\r\n{head}\r\n".encode())
    status = await asyncio.wait_for(reader.readline(), 30)
    assert status.split()[1] == b"503"
    writer.close()
    release.set()
    await asyncio.gather(*tasks)


def test_every_heavy_route_and_only_those_document_503_busy(home):
    served = served_routes(home)
    for key, op in described_routes().items():
        heavy = getattr(served[key], "heavy", False)
        assert (op["responses"].get("503") == {"$ref": "#/components/responses/Busy"}) == heavy, key
    assert sum(getattr(h, "heavy", False) for h in served.values()) == 14


def test_the_queue_depth_must_be_a_whole_number():
    for bad in (-1, 2.5, "8", True):
        with pytest.raises(BadInput, match="work_queue_depth"):
            WorkQueue(bad)


async def test_freed_memory_is_given_back_once_no_heavy_request_came_for_a_while(monkeypatch):
    # Not after each request: the next upload of a run would fault its megabytes in again.
    monkeypatch.setattr(load, "TRIM_AFTER_IDLE_SECONDS", 0.2)
    work = WorkQueue(0, workers=1)
    trimmed = threading.Event()
    calls = []
    work._trim = lambda pad: (calls.append(pad), trimmed.set())
    try:
        for _ in range(3):  # a run of uploads, one after the other
            with work.place():
                await work.run(lambda: None)
            assert calls == []
        await asyncio.to_thread(trimmed.wait, 10)
        assert calls == [0]
    finally:
        work.close()


# -- slow clients: the real agent process, as `iprdesk agent` runs it ------------------------

# Far above the agent's bound, far below aiohttp's old 75 s keep-alive (and "never" before it).
CLOSED_WITHIN = 30.0


async def closed_after(reader, writer, trickle: bytes = b"") -> float:
    """Send `trickle` a byte every half second (nothing once it is sent) until the agent
    closes the connection; how long that took."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    pending = iter(trickle)
    while loop.time() - start < CLOSED_WITHIN:
        try:
            if await asyncio.wait_for(reader.read(65536), 0.5) == b"":
                return loop.time() - start
        except TimeoutError:
            byte = next(pending, None)
            if byte is not None:
                writer.write(bytes([byte]))
        except ConnectionError:
            return loop.time() - start
    raise AssertionError("the agent kept a slow connection open")


async def test_connections_that_never_finish_their_headers_are_closed(home):
    with AgentProcess(home) as agent:
        async def slow():
            reader, writer = await asyncio.open_connection("127.0.0.1", agent.port)
            writer.write(f"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1:{agent.port}\r\n".encode())
            return await closed_after(reader, writer, b"X-Slow: " + b"a" * 1000)

        waited = await asyncio.gather(*(slow() for _ in range(50)))
        assert max(waited) < CLOSED_WITHIN
        with pytest.raises(urllib.error.HTTPError) as refused:  # still serving everyone else
            urllib.request.urlopen(agent.url + "/v1/health", timeout=30)
        assert refused.value.code == 401


async def test_an_idle_keep_alive_connection_is_closed(home):
    with AgentProcess(home) as agent:
        reader, writer = await asyncio.open_connection("127.0.0.1", agent.port)
        writer.write(f"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1:{agent.port}\r\n\r\n".encode())
        assert (await asyncio.wait_for(reader.readline(), 30)).split()[1] == b"401"
        # No more bytes: the keep-alive connection stays idle until the agent closes it.
        assert await closed_after(reader, writer) < CLOSED_WITHIN

