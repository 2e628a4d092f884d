"""The audit by provenance of the stores' Merchant API catalogue: against the mock Merchant API
(tests/merchant_mock.py) and a local image server (tests/mockcdn.py), each product image is
fetched, hashed and matched to the provenance records, and images alike across two stores are
flagged; the stores' tokens are kept 0600 in the data directory and never come back out, in
answers, output or logs."""

import asyncio
import hashlib
import json
import logging
import stat

import pytest
from click.testing import CliRunner

from iprdesk.cli import main
from iprdesk.config import Config
from iprdesk.errors import BadInput, NotFound
from iprdesk.merchant.stores import FILE, StoreTokens
from iprdesk.provenance import audit, catalogue
from iprdesk.provenance.records import ProvenanceStore
from iprdesk.urls import check as urlcheck
from tests.merchant_mock import MockMerchantApi
from tests.mockcdn import OLD_JPEG

BRIGHT, LUMEN = "tok_bright_" + "a1" * 12, "tok_lumen_" + "b2" * 12


def item(pid: str, main: str, *extra: str) -> dict:
    return {"id": pid, "name": f"Product {pid}", "mainImage": {"url": main},
            "extraImages": list(extra)}


@pytest.fixture
async def shop(aiohttp_server, cdn, home):
    """Two stores on the mock Merchant API, their images on the local image server; the
    picture of old.jpg has a provenance record (own photo)."""
    img = cdn.base
    mock = MockMerchantApi(catalogues={
        BRIGHT: [item("b1", f"{img}/old.jpg", f"{img}/gone-404"), item("b2", f"{img}/old.jpg")],
        LUMEN: [item("l1", f"{img}/old-recompressed.jpg")]})
    server = await aiohttp_server(mock.app, host="127.0.0.1")
    Config(merchant_api_url=f"http://127.0.0.1:{server.port}/api/v3").save(home)
    ProvenanceStore(home).set(hashlib.sha256(OLD_JPEG).hexdigest(), origin="own_photo")
    StoreTokens(home).set("Bright", BRIGHT)
    StoreTokens(home).set("Lumen", LUMEN)
    mock.cdn = cdn
    return mock


def verdicts(found) -> list[tuple]:
    return [(a["store"], a["product"], a["url"].rsplit("/", 1)[1], a["verdict"]) for a in found]


ALIKE = [(("Bright", "b1"), ("Lumen", "l1"), "same"),
         (("Bright", "b2"), ("Lumen", "l1"), "same")]


def alike_pair(pair: dict) -> tuple:
    first, second = pair["images"]
    return (first["store"], first["product"]), (second["store"], second["product"]), pair[
        "verdict"]


EXPECTED = [("Bright", "b1", "old.jpg", "recorded"), ("Bright", "b1", "gone-404", "unreadable"),
            ("Bright", "b2", "old.jpg", "recorded"),
            ("Lumen", "l1", "old-recompressed.jpg", "no_record")]


def test_tokens_are_kept_for_the_owner_alone_and_never_listed(home):
    tokens = StoreTokens(home)
    assert tokens.set("Bright", f" {BRIGHT}\n") == ["Bright"]
    assert stat.S_IMODE((home / FILE).stat().st_mode) == 0o600
    assert tokens.tokens() == {"Bright": BRIGHT} and tokens.names() == ["Bright"]
    with pytest.raises(BadInput, match="one line without spaces") as e:
        tokens.set("Lumen", "two words")
    assert "two words" not in e.value.text("zh_CN")
    with pytest.raises(NotFound, match="Lumen"):
        tokens.remove("Lumen")
    assert tokens.remove("Bright") == []


async def test_each_product_image_is_fetched_once_hashed_and_judged(shop, home, caplog):
    caplog.set_level(logging.DEBUG)
    job = audit.Job(stores=["Bright", "Lumen"])
    stores = catalogue.stores_to_audit(home, Config.load(home).merchant_api_url)
    found = await asyncio.to_thread(catalogue.audit_stores, home, job, stores=stores,
                                    vault=None, seller={}, today=None)
    assert verdicts([a.to_dict() for a in found]) == EXPECTED
    assert (job.total, job.done) == (4, 4)
    assert found[0].image == hashlib.sha256(OLD_JPEG).hexdigest()
    assert found[0].origin == "own_photo" and found[0].name == "Product b1"
    assert shop.cdn.hits[f"127.0.0.1:{shop.cdn.base.rsplit(':', 1)[1]}/old.jpg"] == 1
    # The recompressed copy in the other store is flagged beside each product showing it.
    assert [alike_pair(p.to_dict()) for p in job.alike] == ALIKE
    assert BRIGHT not in caplog.text and LUMEN not in caplog.text


async def test_an_image_beyond_the_size_cap_is_unreadable(cdn):
    listed = [catalogue.Listed("Bright", "b1", "", f"{cdn.base}/huge.jpg")]
    found, alike = await catalogue.audit_listed(listed, lambda sha: ("recorded", None),
                                                options=urlcheck.Options(max_bytes=1024 * 1024))
    assert [a.verdict for a in found] == ["unreadable"] and alike == []


async def test_one_store_is_not_compared_with_itself(cdn):
    listed = [catalogue.Listed("Bright", p, "", f"{cdn.base}/{name}")
              for p, name in (("b1", "old.jpg"), ("b2", "old-recompressed.jpg"))]
    found, alike = await catalogue.audit_listed(listed, lambda sha: ("recorded", None))
    assert [a.verdict for a in found] == ["recorded"] * 2 and alike == []


async def test_the_cli_audits_the_kept_stores(shop, home, tmp_path):
    def run(*args):
        return CliRunner().invoke(main, list(args))
    token_file = tmp_path / "token.txt"
    token_file.write_text(BRIGHT + "\n")
    r = await asyncio.to_thread(run, "catalog", "store-add", "Bright", "--token-file",
                                str(token_file))
    assert r.exit_code == 0 and BRIGHT not in r.output, r.output
    r = await asyncio.to_thread(run, "catalog", "stores", "--json")
    assert json.loads(r.output) == {"stores": ["Bright", "Lumen"]}
    r = await asyncio.to_thread(run, "provenance", "audit", "--catalogue", "--json")
    assert r.exit_code == 1  # an image without a record
    result = json.loads(r.stdout)
    assert verdicts(result["images"]) == EXPECTED
    assert [alike_pair(p) for p in result["alike_across_stores"]] == ALIKE
    r = await asyncio.to_thread(run, "--lang", "zh_CN", "provenance", "audit", "--catalogue")
    assert (f"≈ Bright，商品 b2（{shop.cdn.base}/old.jpg） 与 Lumen，商品 l1（"
            f"{shop.cdn.base}/old-recompressed.jpg）：同一张图片出现在您的两个店铺中") in r.output
    r = await asyncio.to_thread(run, "--lang", "zh_CN", "provenance", "audit", "--catalogue",
                                "--store", "Lumen")
    assert "Lumen，商品 l1（" in r.output and "b1" not in r.output
    assert BRIGHT not in r.output and LUMEN not in r.output
    assert run("provenance", "audit", "--catalogue", str(tmp_path)).exit_code == 2
    r = await asyncio.to_thread(run, "provenance", "audit", "--catalogue", "--store", "Nope")
    assert r.exit_code == 1 and 'No store named "Nope"' in r.output


async def test_the_desk_keeps_a_store_and_follows_its_catalogue_audit(shop, agent, home):
    r = await agent.request("PUT", "/v1/seller/stores/Bright", json={"token": "bad token"})
    error = (await r.json())["error"]
    assert r.status == 400 and error["key"] == "merchant.store.bad_token"
    assert "bad token" not in error["message"]
    r = await agent.request("PUT", "/v1/seller/stores/Bright", json={"token": BRIGHT})
    assert r.status == 200 and BRIGHT not in await r.text()
    r = await agent.get("/v1/seller/stores")
    assert await r.json() == {"stores": ["Bright", "Lumen"]}
    r = await agent.post("/v1/provenance/audit", json={"catalogue": True})
    assert r.status == 202, await r.text()
    started = await r.json()
    assert started["stores"] == ["Bright", "Lumen"] and started["folders"] == []
    job = started
    while job["state"] in ("listing", "checking"):
        await asyncio.sleep(0.05)
        job = await (await agent.get("/v1/provenance/audit")).json()
    assert job["state"] == "done" and (job["total"], job["done"]) == (4, 4)
    assert job["counts"]["no_record"] == 1 and job["failing"] == 1
    assert verdicts(job["images"]) == [e for e in EXPECTED if e[3] != "recorded"]
    assert [alike_pair(p) for p in job["alike_across_stores"]] == ALIKE
    assert BRIGHT not in json.dumps(job)
    r = await agent.request("DELETE", "/v1/seller/stores/Lumen")
    assert await r.json() == {"stores": ["Bright"]}
    r = await agent.post("/v1/provenance/audit", json={"catalogue": True, "stores": ["Lumen"]},
                         headers={"Accept-Language": "zh-CN"})
    error = (await r.json())["error"]
    assert r.status == 404 and "没有名为“Lumen”的店铺" in error["message"]


async def test_no_store_kept_is_a_clear_error(agent):
    r = await agent.post("/v1/provenance/audit", json={"catalogue": True})
    error = (await r.json())["error"]
    assert r.status == 400 and error["key"] == "merchant.store.none"
