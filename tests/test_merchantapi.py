"""`iprdesk catalog sync` against a local mock of the Joom Merchant API (v3 products/multi)."""

import asyncio
import json
import logging
import time

import pytest
from click.testing import CliRunner

from iprdesk.cli import main
from iprdesk.merchant import api as merchantapi
from tests.merchant_mock import PRODUCTS, TOKEN, MockMerchantApi, product


@pytest.fixture
async def api(aiohttp_server, monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    mock = MockMerchantApi()
    server = await aiohttp_server(mock.app, host="127.0.0.1")
    mock.base = f"http://127.0.0.1:{server.port}/api/v3"
    return mock


@pytest.fixture
def token_file(tmp_path):
    path = tmp_path / "joom-token.txt"
    path.write_text(TOKEN + "\n")
    return path


async def sync(*args):
    return await asyncio.to_thread(CliRunner().invoke, main, ["catalog", "sync", *args])


async def test_sync_lists_every_product_and_image(api, token_file, home, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    urls_out, products_out = tmp_path / "urls.txt", tmp_path / "products.json"
    started = time.monotonic()
    r = await sync("--token-file", str(token_file), "--api-url", api.base, "--urls-out",
                   str(urls_out), "--out", str(products_out), "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert (summary["products"], summary["image_urls"]) == (PRODUCTS, 3 * PRODUCTS)
    assert summary["requests"] == 4  # three pages and one retry after the 429
    # waited out Retry-After: 1 (the 429) and X-RateLimit-Reset: 1 (budget spent on page 2)
    assert time.monotonic() - started >= 2
    assert [c.get("pageToken") for c in api.calls] == [None, "500", "500", "1000"]
    stored = json.loads(products_out.read_text())
    first = stored["products"][0]
    assert first["id"] == "p00000" and len(first["images"]) == 3
    assert first["images"][2].endswith("_1024_1024.jpeg")
    assert len(urls_out.read_text().split()) == 3 * PRODUCTS
    # the token appears nowhere but in the Authorization header
    everything = r.output + caplog.text + products_out.read_text()
    assert TOKEN not in everything
    assert list(home.iterdir()) == []  # nothing kept that nothing reads


async def test_rejected_token_is_a_clear_error(api, tmp_path, home):
    bad = tmp_path / "old-token.txt"
    bad.write_text("expired-token")
    out = tmp_path / "products.json"
    r = await sync("--token-file", str(bad), "--api-url", api.base, "--out", str(out))
    assert r.exit_code == 1
    assert "refused the access token" in r.output and "expired-token" not in r.output
    assert not out.exists()


async def test_next_page_on_another_host_is_refused(aiohttp_server, token_file, home):
    mock = MockMerchantApi(next_link="https://evil.example/steal?pageToken=500")
    server = await aiohttp_server(mock.app, host="127.0.0.1")
    r = await sync("--token-file", str(token_file), "--api-url",
                   f"http://127.0.0.1:{server.port}/api/v3")
    assert r.exit_code == 1 and "another host (evil.example)" in r.output
    assert len(mock.calls) == 1


def test_token_file_problems(tmp_path):
    with pytest.raises(merchantapi.BadInput, match="Cannot read"):
        merchantapi.read_token(tmp_path / "missing")
    (tmp_path / "two").write_text("a b")
    with pytest.raises(merchantapi.BadInput, match="just the Merchant API access token"):
        merchantapi.read_token(tmp_path / "two")


def test_image_fields_in_any_shape():
    one, two = (f"https://img.joomcdn.net/{n * 40}_original.jpeg" for n in "ab")
    p = merchantapi.product_from_json({"id": 1, "mainImage": one,
                                       "extraImages": [{"url": two, "width": 800}, None],
                                       "variants": [{"mainImage": {"origUrl": one}}]})
    assert p.images == [one, two]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_an_image_off_joom_cdn_refuses_the_sync(aiohttp_server, token_file, tmp_path,
                                                      lang):
    """The agent fetches the images a sync lists: one the Merchant API names elsewhere (here an
    address of the cloud's metadata service) refuses the whole answer, nothing written."""
    hostile = product(7)
    hostile["extraImages"] = ["https://169.254.169.254/latest/meta-data/iam"]
    mock = MockMerchantApi(catalogues={TOKEN: [product(6), hostile]})
    server = await aiohttp_server(mock.app, host="127.0.0.1")
    out = tmp_path / "urls.txt"
    r = await sync("--lang", lang, "--token-file", str(token_file), "--api-url",
                   f"http://127.0.0.1:{server.port}/api/v3", "--urls-out", str(out))
    assert r.exit_code == 1 and not out.exists()
    assert {"en": "The Merchant API listed an image of product p00007 that is not on Joom's "
                  "image CDN: 169.254.169.254 is not a host of Joom's image CDN "
                  "(img.joomcdn.net, img-edg.joomcdn.net). Nothing was fetched;",
            "zh_CN": "商户 API 列出的商品 p00007 的图片不在 Joom 图片 CDN 上：169.254.169.254 "
                     "不是 Joom 图片 CDN 的主机（img.joomcdn.net、img-edg.joomcdn.net）。"
                     "未获取任何内容；"
            }[lang] in r.output, r.output
