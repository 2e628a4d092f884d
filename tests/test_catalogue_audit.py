"""The audit by provenance of the stores' Merchant API catalogue: against the mock Merchant API
(tests/merchant_mock.py) and the mock Joom CDN at its https addresses (tests/mockcdn.py), each
product image is fetched, hashed and matched to the provenance records, and images alike across
two stores are flagged, their fingerprints kept in the cache `iprdesk audit` keeps; an image
address off Joom's CDN is never fetched; the stores' tokens are kept 0600 in the data directory
and never come back out, in answers, output or logs."""

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
from iprdesk.images.fingerprint_cache import cache_file
from iprdesk.merchant.stores import FILE, StoreTokens
from iprdesk.provenance import audit, catalogue
from iprdesk.provenance.records import ProvenanceStore
from iprdesk.urls import check as urlcheck
from tests.merchant_mock import MockMerchantApi
from tests.mockcdn import OLD_JPEG

BRIGHT, LUMEN = "tok_bright_" + "a1" * 12, "tok_lumen_" + "b2" * 12
IMG = "https://img.joomcdn.net"  # the mock CDN's paths, at Joom's own address (joom_cdn)


def item(pid: str, main: str, *extra: str) -> dict:
    return {"id": pid, "name": f"Product {pid}", "mainImage": {"url": main},
            "extraImages": list(extra)}


@pytest.fixture
async def shop(aiohttp_server, joom_cdn, home):
    """Two stores on the mock Merchant API, their images on the mock Joom CDN; the picture of
    old.jpg has a provenance record (own photo)."""
    img = IMG
    mock = MockMerchantApi(catalogues={
        BRIGHT: [item("b1", f"{img}/old.jpg", f"{img}/gone-404"), item("b2", f"{img}/old.jpg")],
        LUMEN: [item("l1", f"{img}/old-recompressed.jpg")]})
    server = await aiohttp_server(mock.app, host="127.0.0.1")
    Config(merchant_api_url=f"http://127.0.0.1:{server.port}/api/v3").save(home)
    ProvenanceStore(home).set(hashlib.sha256(OLD_JPEG).hexdigest(), origin="own_photo")
    StoreTokens(home).set("Bright", BRIGHT)
    StoreTokens(home).set("Lumen", LUMEN)
    mock.cdn = joom_cdn
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
    assert shop.cdn.hits["img.joomcdn.net/old.jpg"] == 1
    # The recompressed copy in the other store is flagged beside each product showing it.
    assert [alike_pair(p.to_dict()) for p in job.alike] == ALIKE
    assert BRIGHT not in caplog.text and LUMEN not in caplog.text


async def test_an_image_beyond_the_size_cap_is_unreadable(joom_cdn):
    listed = [catalogue.Listed("Bright", "b1", "", f"{IMG}/huge.jpg")]
    found, alike = await catalogue.audit_listed(listed, lambda sha: ("recorded", None),
                                                options=urlcheck.Options(
                                                    max_bytes=1024 * 1024, cdn_only=True))
    assert [a.verdict for a in found] == ["unreadable"] and alike == []


async def test_one_store_is_not_compared_with_itself(joom_cdn):
    listed = [catalogue.Listed("Bright", p, "", f"{IMG}/{name}")
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
    assert (f"≈ Bright，商品 b2（{IMG}/old.jpg） 与 Lumen，商品 l1（"
            f"{IMG}/old-recompressed.jpg）：同一张图片出现在您的两个店铺中") in r.output
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


def run_audit(home, job: audit.Job) -> list[audit.Audited]:
    stores = catalogue.stores_to_audit(home, Config.load(home).merchant_api_url)
    job.run(lambda j: catalogue.audit_stores(home, j, stores=stores, vault=None, seller={},
                                             today=None))
    return job.found


async def test_a_second_audit_reads_the_fingerprints_from_the_cache(shop, home, decodes):
    """The cross-store compare keeps its fingerprints where `iprdesk audit` keeps its own (by
    content SHA-256 in the data directory): the second audit decodes no picture."""
    await asyncio.to_thread(run_audit, home, first := audit.Job(stores=["Bright", "Lumen"]))
    assert first.state == "done", first.error and first.error.text()
    assert sorted(decodes) == [f"{IMG}/old-recompressed.jpg", f"{IMG}/old.jpg"]
    assert cache_file(home).is_file()
    decodes.clear()
    await asyncio.to_thread(run_audit, home, second := audit.Job(stores=["Bright", "Lumen"]))
    assert decodes == [] and shop.cdn.hits["img.joomcdn.net/old.jpg"] == 2  # fetched anew
    assert [alike_pair(p.to_dict()) for p in second.alike] == ALIKE
    assert [p.to_dict() for p in second.alike] == [p.to_dict() for p in first.alike]


# Image addresses a hostile or mistaken Merchant API could name, each with what the error
# says of it; the mock CDN (the `cdn.base` host) would answer several of them.
OFF_CDN = [
    ("{base}/old.jpg", "the address is http, not https"),
    ("https://127.0.0.1:{port}/old.jpg", "127.0.0.1 is not a host of Joom's image CDN"),
    ("https://localhost/old.jpg", "localhost is not a host of Joom's image CDN"),
    ("https://10.0.0.7/old.jpg", "10.0.0.7 is not a host"),
    ("https://169.254.169.254/latest/meta-data/", "169.254.169.254 is not a host"),
    ("https://[::1]/old.jpg", "::1 is not a host"),
    ("https://img.joomcdn.net.evil.example/old.jpg", "img.joomcdn.net.evil.example is not"),
    ("https://joom:s3cret@img.joomcdn.net/old.jpg", "carries a user name or password"),
    ("https://img.joomcdn.net:8443/old.jpg", "names port 8443, not the https port 443"),
    ("file:///etc/passwd", "the address is file, not https"),
]


@pytest.mark.parametrize(("address", "problem"), OFF_CDN)
async def test_an_image_address_off_joom_cdn_refuses_the_catalogue(
        aiohttp_server, joom_cdn, home, address, problem):
    address = address.format(base=joom_cdn.base, port=joom_cdn.base.rsplit(":", 1)[1])
    mock = MockMerchantApi(catalogues={BRIGHT: [
        item("b1", f"{IMG}/old.jpg"), item("b2", f"{IMG}/old-recompressed.jpg", address)]})
    server = await aiohttp_server(mock.app, host="127.0.0.1")
    Config(merchant_api_url=f"http://127.0.0.1:{server.port}/api/v3").save(home)
    StoreTokens(home).set("Bright", BRIGHT)
    job = audit.Job(stores=["Bright"])
    assert await asyncio.to_thread(run_audit, home, job) == []
    assert job.state == "failed" and job.error.code == "merchant_api"
    english, chinese = job.error.text("en"), job.error.text("zh_CN")
    assert "product b2" in english and problem in english, english
    assert "商品 b2" in chinese and "Joom 图片 CDN" in chinese, chinese
    assert "s3cret" not in english + chinese
    assert not joom_cdn.hits  # nothing fetched: not the address, not the good images


async def test_a_redirect_off_joom_cdn_is_not_followed(joom_cdn):
    listed = [catalogue.Listed("Bright", "b1", "", f"{IMG}/to-loopback.jpg")]
    found, _ = await catalogue.audit_listed(listed, lambda sha: ("recorded", None))
    assert [a.verdict for a in found] == ["unreadable"]
    port = joom_cdn.base.rsplit(":", 1)[1]
    assert joom_cdn.hits == {"img.joomcdn.net/to-loopback.jpg": 1}
    assert not joom_cdn.hits[f"127.0.0.1:{port}/old.jpg"]  # the loopback address never asked
