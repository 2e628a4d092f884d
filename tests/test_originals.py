"""Originals sealed before stripping: the upload guard and the watched folder keep each photo's
original (its camera, place and capture time: the proof it is the seller's own) in the vault,
linked to the clean copy by both hashes, with the vault locked, on by default."""

import hashlib
import json
import tracemalloc
from urllib.parse import quote

import pytest

from iprdesk.metadata import strip_image
from iprdesk.metadata.watcher import FolderWatcher
from iprdesk.provenance.originals import keeper, seal_original
from iprdesk.provenance.records import ProvenanceStore
from iprdesk.server.http import STATE_KEY
from iprdesk.vault import Vault
from tests import image_fixtures as fx
from tests.conftest import VAULT_PASSPHRASE, start_agent
from tests.test_strip_route import post_image
from tests.test_watcher import wait_for

pytestmark = pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def originals_in(home) -> list:
    vault = Vault.open(home)
    vault.unlock(VAULT_PASSPHRASE)
    return [(item, vault.read(item.id)) for item in vault.list(kind="original")]


async def test_the_upload_guard_seals_the_original_with_the_vault_locked(vault_home, agent):
    photo = fx.photo_jpeg()  # a phone photo: GPS, camera make and model, capture time
    page = quote("https://merchant.joom.com/products/5f1a2b3c4d5e6f7a8b9c0d1e/edit", safe="")
    r = await post_image(agent, photo, "IMG_2041.jpg", f"?page={page}")
    assert r.status == 200
    clean = await r.read()
    assert clean != photo
    services = agent.raw.server.app[STATE_KEY].services
    assert not services.vault.session.unlocked  # sealed with the public key alone
    await services.originals.settled()
    [(item, kept)] = originals_in(vault_home)
    assert kept == photo  # every byte, its metadata intact
    tags = fx.exiftool(kept)
    assert tags["IFD0:Model"] == "iPhone 14 Pro" and tags["GPS:GPSLatitude"] == 31.2304
    assert item.sha256 == sha(photo) and item.clean_sha256 == sha(clean)
    assert item.product_ids == ["5f1a2b3c4d5e6f7a8b9c0d1e"] and item.kind == "original"
    record = ProvenanceStore(vault_home).get(sha(clean))
    assert record.product == "5f1a2b3c4d5e6f7a8b9c0d1e" and record.name == "IMG_2041.jpg"
    [document] = record.documents["original"]
    assert (document.item, document.sha256, document.sealed_by) == (item.id, sha(photo),
                                                                     "upload")
    assert record.origin is None  # where it came from is the seller's to say


async def test_the_product_comes_from_the_page_alone(vault_home, agent):
    """One product per upload: the page's (casework.upload_check.page_product); a `product`
    of the query, which the extension never sends, names nothing."""
    page = quote("https://merchant.joom.com/ipr/complaints", safe="")
    r = await post_image(agent, fx.photo_jpeg(), "IMG_2042.jpg", f"?page={page}&product=P1")
    assert r.status == 200
    clean = await r.read()
    await agent.raw.server.app[STATE_KEY].services.originals.settled()
    [(item, _)] = originals_in(vault_home)
    assert item.product_ids == []
    assert ProvenanceStore(vault_home).get(sha(clean)).product is None


async def test_sealing_can_be_switched_off(vault_home, aiohttp_client, token):
    (vault_home / "config.json").write_text(json.dumps({"seal_originals": False}))
    agent = await start_agent(aiohttp_client, vault_home, token)
    assert (await post_image(agent, fx.photo_jpeg())).status == 200
    await agent.raw.server.app[STATE_KEY].services.originals.settled()
    assert originals_in(vault_home) == []
    assert ProvenanceStore(vault_home).all() == []


async def test_without_a_vault_the_upload_is_cleaned_and_nothing_is_kept(home, agent):
    assert (await post_image(agent, fx.photo_jpeg())).status == 200
    await agent.raw.server.app[STATE_KEY].services.originals.settled()
    assert not Vault.exists(home) and ProvenanceStore(home).all() == []


async def test_an_image_with_nothing_to_remove_is_not_sealed_again(vault_home, agent):
    clean = strip_image(fx.photo_jpeg(), "IMG_2041.jpg").data
    r = await post_image(agent, clean)
    assert r.status == 200 and await r.read() == clean
    await agent.raw.server.app[STATE_KEY].services.originals.settled()
    assert originals_in(vault_home) == []


def test_the_watched_folder_seals_the_original_before_writing_the_clean_copy(vault_home,
                                                                             tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    seen_when_written = []

    def keep(name, original, clean, product=None):
        seen_when_written.append((out / name).exists())
        return keeper(vault_home, lambda: Vault.open(vault_home), "folder")(name, original,
                                                                            clean)

    watcher = FolderWatcher(src, out, settle=0.2, keep_original=keep)
    watcher.start()
    try:
        photo = fx.photo_jpeg()
        (src / "IMG_7.jpg").write_bytes(photo)
        assert wait_for(lambda: (out / "IMG_7.jpg").exists())
    finally:
        watcher.stop()
    assert seen_when_written == [False]
    [(item, kept)] = originals_in(vault_home)
    assert kept == photo and item.clean_sha256 == sha((out / "IMG_7.jpg").read_bytes())
    record = ProvenanceStore(vault_home).get(item.clean_sha256)
    assert record.documents["original"][0].sealed_by == "folder"


def test_a_large_original_streams_into_the_vault(vault_home, tmp_path):
    big = tmp_path / "DSC_0001.NEF"
    block = bytes(range(256)) * 4096  # 1 MiB
    with open(big, "wb") as f:
        for _ in range(48):
            f.write(block)
    vault = Vault.open(vault_home)
    tracemalloc.start()
    try:
        document = seal_original(vault_home, vault, big, name=big.name, clean_sha256="a" * 64,
                                 sealed_by="cli")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, peak  # a 48 MiB file, never whole in memory
    vault.unlock(VAULT_PASSPHRASE)
    assert vault.item(document.item).size == 48 * 1024 * 1024
    assert document.sha256 == hashlib.sha256(big.read_bytes()).hexdigest()


async def test_sealing_is_switched_while_the_agent_runs_and_kept_in_config(vault_home, agent):
    services = agent.raw.server.app[STATE_KEY].services
    assert (await (await agent.get("/v1/provenance/settings")).json()) == {"seal_originals": True}
    r = await agent.request("PUT", "/v1/provenance/settings", json={"seal_originals": False})
    assert r.status == 200 and not services.originals.enabled
    assert json.loads((vault_home / "config.json").read_text())["seal_originals"] is False
    assert (await post_image(agent, fx.photo_jpeg())).status == 200
    services.originals.seal_before_writing("IMG_8.jpg", fx.photo_jpeg(), b"clean")
    await services.originals.settled()
    assert originals_in(vault_home) == []
    r = await agent.request("PUT", "/v1/provenance/settings", json={"seal_originals": "yes"})
    assert r.status == 400 and (await r.json())["error"]["key"] == "provenance.bad_settings"
    await agent.request("PUT", "/v1/provenance/settings", json={"seal_originals": True})
    assert (await post_image(agent, fx.photo_jpeg())).status == 200
    await services.originals.settled()
    assert len(originals_in(vault_home)) == 1
