"""POST /v1/strip through the real front door, and the watchers the agent runs."""

import asyncio
import base64
import json
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestServer

from iprdesk import metadata
from iprdesk.config import Config
from iprdesk.server import services
from iprdesk.server.app import make_app
from iprdesk.server.http import STATE_KEY
from iprdesk.server.routes.strip import MAX_IMAGE
from tests import image_fixtures as fx
from tests.conftest import REPO, start_agent

pytestmark = pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO")


def report_of(response) -> dict:
    return json.loads(base64.b64decode(response.headers["X-Iprdesk-Report"]))


async def post_image(agent, data, name="IMG_2041.jpg", query="", lang=None):
    return await agent.post(f"/v1/strip{query}", data=data, headers={
        "Content-Type": "application/octet-stream", "X-Filename": quote(name),
        **({"Accept-Language": lang} if lang else {})})


async def test_strip_returns_clean_bytes_and_the_report(agent):
    before = fx.photo_jpeg()
    r = await post_image(agent, before, "新品 IMG_2041.jpg")
    assert r.status == 200 and r.content_type == "image/jpeg"
    cleaned = await r.read()
    assert fx.frames(cleaned) == fx.frames(before)
    assert r.headers["Content-Disposition"] == (
        "attachment; filename*=UTF-8''%E6%96%B0%E5%93%81%20IMG_2041.jpg")
    assert "X-Iprdesk-Report" in r.headers["Access-Control-Expose-Headers"]
    report = report_of(r)
    assert report["removed"]["gps"] and report["bytes_after"] == len(cleaned)
    assert report["text"]["en"]["summary"].endswith("from 新品 IMG_2041.jpg")
    assert report["text"]["zh_CN"]["summary"].startswith("已从 新品 IMG_2041.jpg 中删除")


async def test_a_photo_of_many_slices_comes_back_byte_for_byte_as_the_library_cleans_it(agent):
    # The answer is sent from the cleaned file's parts, the image data in slices of the
    # request's body: each slice in its place, none lost at the seams.
    before = fx.photo_jpeg(size=(2400, 1800))
    expected = metadata.strip_image(before, "IMG_2041.jpg")
    assert len(expected.pieces) > 1 and expected.size > 3 * 256 * 1024
    r = await post_image(agent, before)
    assert r.status == 200 and int(r.headers["Content-Length"]) == expected.size
    assert await r.read() == expected.data


async def test_non_image_is_a_clear_json_error(agent):
    r = await post_image(agent, b"%PDF-1.7 not an image", "contract.pdf")
    assert r.status == 422
    error = (await r.json())["error"]
    assert error["code"] == "not_an_image" and error["message"].startswith("contract.pdf: ")
    r = await post_image(agent, b"%PDF-1.7 not an image", "contract.pdf", lang="zh-CN")
    assert (await r.json())["error"]["message"].startswith("contract.pdf：不是")


async def test_heic_conversion_is_opt_in(agent):
    data = fx.heic()
    r = await post_image(agent, data, "IMG_0001.HEIC")
    assert r.status == 422 and (await r.json())["error"]["code"] == "heic_needs_conversion"
    r = await post_image(agent, data, "IMG_0001.HEIC", "?heic_to_jpeg=1")
    assert r.status == 200 and r.content_type == "image/jpeg"
    assert report_of(r)["output_file"] == "IMG_0001.jpg"
    assert (await r.read())[:3] == b"\xff\xd8\xff"


@pytest.mark.parametrize("path", sorted((REPO / "tests/fuzz/regressions/heic").glob("*.bin")),
                         ids=lambda p: p.stem)
async def test_damaged_heic_is_a_clear_json_error(agent, path):
    r = await post_image(agent, path.read_bytes(), "IMG_0002.HEIC", "?heic_to_jpeg=1")
    assert r.status == 422
    error = (await r.json())["error"]
    assert error["code"] == "damaged" and error["message"].startswith("IMG_0002.HEIC: ")
    r = await post_image(agent, path.read_bytes(), "IMG_0002.HEIC", "?heic_to_jpeg=1", "zh-CN")
    assert (await r.json())["error"]["message"] == \
        "IMG_0002.HEIC：无法解码这张 HEIC 照片（文件已损坏，或用了 libheif 不支持的功能）"


async def test_body_over_50_mib_is_413(agent):
    r = await post_image(agent, b"\xff\xd8\xff" + b"\x00" * MAX_IMAGE)
    assert r.status == 413


async def test_needs_the_token(agent):
    r = await agent.post("/v1/strip", data=fx.photo_png(), auth=False)
    assert r.status == 401


async def wait_for_file(path: Path) -> None:
    deadline = time.monotonic() + 30
    while not path.exists() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)


async def test_agent_runs_the_configured_watchers(tmp_path, home):
    # Configured before the start: what is there already is cleaned, and what lands later.
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "before-start.png").write_bytes(fx.photo_png())
    config = Config(watch=[{"in": str(src), "out": str(out)}])
    server = TestServer(make_app(home, port=0, config=config), host="127.0.0.1")
    await server.start_server()
    try:
        await wait_for_file(out / "before-start.png")
        assert fx.frames((out / "before-start.png").read_bytes()) == fx.frames(fx.photo_png())
        (src / "after-start.jpg").write_bytes(fx.photo_jpeg())
        await wait_for_file(out / "after-start.jpg")
        assert fx.frames((out / "after-start.jpg").read_bytes()) == fx.frames(fx.photo_jpeg())
    finally:
        await server.close()


async def test_the_watchers_start_at_the_agent_s_first_answer(tmp_path, home, monkeypatch,
                                                              aiohttp_client, token):
    # Not before it (loading the watcher would delay it), and not a timeout later.
    monkeypatch.setattr(services, "WATCH_START_SECONDS", 3600)
    src = tmp_path / "in"
    src.mkdir()
    Config(watch=[{"in": str(src), "out": str(tmp_path / "out")}]).save(home)
    agent = await start_agent(aiohttp_client, home, token)
    watchers = agent.raw.server.app[STATE_KEY].services.folder_watchers
    assert watchers.running == [] and not watchers._task.done()
    r = await agent.get("/v1/health")
    assert r.status == 200
    await asyncio.wait_for(watchers._task, 30)
    [folder] = watchers.running
    assert folder.in_dir == src.resolve()


def test_bad_watch_config_is_a_clear_error(home, tmp_path):
    from iprdesk.errors import BadInput
    from iprdesk.metadata.watcher import watchers_from_config

    with pytest.raises(BadInput, match="watch entry 1 needs"):
        watchers_from_config([{"in": str(tmp_path)}])
    with pytest.raises(BadInput, match="is not a folder"):
        watchers_from_config([{"in": str(tmp_path / "nope"), "out": str(tmp_path / "o")}])
