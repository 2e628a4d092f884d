"""Provenance records: the store, `iprdesk provenance set/show/list/licence` and the agent's
routes, with real files, a real vault and the agent on a loopback socket."""

import asyncio
import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from iprdesk.cli import main
from iprdesk.config import Config
from iprdesk.errors import BadInput, IprdeskError, NotFound
from iprdesk.provenance.records import Document, ProvenanceStore
from iprdesk.text import i18n
from iprdesk.vault import Vault
from tests import image_fixtures as fx
from tests.conftest import VAULT_PASSPHRASE
from tests.helpers import open_case
from tests.test_licence import EN_GOOD, SELLER, ZH_GOOD
from tests.test_vault_agent import unlock

pytestmark = pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO")


def run(home, *args, env=None, code=0):
    result = CliRunner().invoke(main, [*args, "--home", str(home)], env=env)
    assert result.exit_code == code, (result.output, result.exception)
    return result


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def seller(home):
    config = Config.load(home)
    config.set_seller(**SELLER)
    config.save(home)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "teapot.jpg").write_bytes(fx.photo_jpeg())
    (tmp_path / "licence.txt").write_text(EN_GOOD, encoding="utf-8")
    (tmp_path / "bad-licence.txt").write_text("Licensee: Design Studio Hu\nEditorial use only.\n",
                                              encoding="utf-8")
    return tmp_path


def test_the_store_merges_changes_and_names_bad_input(home):
    store = ProvenanceStore(home)
    image = "ab" * 32
    store.set(image, origin="stock", product="P1", note="from Shutterstock")
    record = store.set(image, note="", name="teapot.jpg")
    assert (record.origin, record.product, record.note, record.name) == (
        "stock", "P1", None, "teapot.jpg")
    assert store.get(image.upper()).created_at == record.created_at
    with pytest.raises(BadInput) as e:
        store.set(image, origin="internet")
    assert "internet" in e.value.text("en") and "own_photo" in e.value.text("zh_CN")
    with pytest.raises(BadInput):
        store.set("not-a-hash", origin="stock")
    with pytest.raises(NotFound):
        store.get("cd" * 32)
    assert [r.image for r in store.all(product="P1")] == [image] and store.all(product="P2") == []
    store.path.write_text("{not json")
    with pytest.raises(IprdeskError) as e:
        store.all()
    assert e.value.code == "provenance_damaged"


def test_cli_records_an_image_with_its_licence_sealed_while_the_vault_is_locked(
        vault_home, files, seller):
    photo = files / "teapot.jpg"
    out = run(vault_home, "provenance", "set", str(photo), "--origin", "stock", "--product",
              "P1", "--licence", str(files / "licence.txt"), "--json")  # no passphrase asked
    record = json.loads(out.output)
    assert record["image"] == sha(photo.read_bytes()) and record["name"] == "teapot.jpg"
    [document] = record["documents"]["licence"]
    assert document["sha256"] == sha((files / "licence.txt").read_bytes())
    vault = Vault.open(vault_home)
    vault.unlock(VAULT_PASSPHRASE)
    assert vault.item(document["item"]).kind == "licence"

    env = {"IPRDESK_PASSPHRASE": VAULT_PASSPHRASE}
    checked = json.loads(run(vault_home, "provenance", "licence", str(photo), "--json",
                             env=env).output)
    assert checked["status"] == "pass" and checked["number"] == "SL-2026-118842"
    # Linking an item already in the vault needs the passphrase, to check it is there.
    bad = vault.add((files / "bad-licence.txt").read_bytes(), {"kind": "licence"})
    run(vault_home, "provenance", "set", record["image"], "--licence", bad[:10], env=env)
    out = run(vault_home, "provenance", "licence", record["image"], "--lang", "zh_CN", env=env,
              code=1)  # the newest licence is checked: it fails
    assert i18n.text("licence.verdict.fail", "zh_CN") in out.output
    assert "Editorial use only." in out.output and "licence" not in out.output.lower()


def test_cli_show_and_list_speak_one_language(home, files):
    photo = files / "teapot.jpg"
    run(home, "provenance", "set", str(photo), "--origin", "own_photo")
    out = run(home, "provenance", "show", str(photo), "--lang", "zh_CN").output
    assert "自己拍摄的照片" in out and "Own photo" not in out
    assert i18n.text("provenance.no_documents", "zh_CN") in out
    out = run(home, "provenance", "list", "--lang", "en").output
    assert "Own photo" in out and sha(photo.read_bytes()) in out
    assert json.loads(run(home, "provenance", "list", "--product", "P9", "--json").output) == []
    out = run(home, "provenance", "show", "xyz", code=2).output
    assert "xyz is neither a file nor an image's SHA-256" in out


def test_cli_checks_a_licence_file_in_either_language(home, files, seller):
    out = run(home, "provenance", "licence", str(files / "bad-licence.txt"), "--lang", "en",
              code=1).output
    assert "✗" in out and "Design Studio Hu, not Shenzhen Bright Trading Co., Ltd" in out
    assert i18n.text("licence.by_hand", "en") in out
    (files / "zh.txt").write_text(ZH_GOOD, encoding="gb18030")
    config = Config.load(home)
    config.set_seller(company="深圳市明亮贸易有限公司")
    config.save(home)
    out = run(home, "provenance", "licence", str(files / "zh.txt"), "--lang", "zh_CN").output
    assert i18n.text("licence.verdict.pass", "zh_CN") in out and "✗" not in out


async def test_routes_set_show_list_and_link_documents_once_unlocked(vault_home, agent):
    case = open_case(vault_home)
    image = "ef" * 32
    r = await agent.request("PUT", f"/v1/provenance/{image}", json={
        "origin": "commissioned", "product": "P1", "case": case.complaint_id})
    assert r.status == 200
    assert (await r.json())["case"] == case.id
    item = Vault.open(vault_home).add(b"contract text", {"kind": "contract"})
    body = {"documents": {"contract": [item]}}
    r = await agent.request("PUT", f"/v1/provenance/{image}", json=body)
    assert r.status == 423 and (await r.json())["error"]["code"] == "vault_locked"
    assert (await unlock(agent)).status == 200
    r = await agent.request("PUT", f"/v1/provenance/{image}", json=body)
    record = await r.json()
    assert record["documents"]["contract"][0] == {
        "item": item, "sha256": sha(b"contract text"), "name": None, "sealed_at": None,
        "sealed_by": None}
    r = await agent.get(f"/v1/provenance?case={case.complaint_id}")
    assert [x["image"] for x in (await r.json())["records"]] == [image]
    r = await agent.get(f"/v1/provenance/{'01' * 32}", headers={"Accept-Language": "zh-CN"})
    assert r.status == 404 and (await r.json())["error"]["key"] == "provenance.no_record"
    r = await agent.request("PUT", f"/v1/provenance/{image}", json={"origin": "internet"})
    assert r.status == 400 and (await r.json())["error"]["key"] == "provenance.bad_origin"


async def test_route_seals_a_document_for_the_record_with_the_vault_locked(vault_home, agent):
    image = "cd" * 32
    r = await agent.post(f"/v1/provenance/{image}/documents/licence", data=EN_GOOD.encode(),
                         headers={"X-Filename": "%E8%AE%B8%E5%8F%AF.txt"})
    assert r.status == 201
    [document] = (await r.json())["documents"]["licence"]
    assert document["name"] == "许可.txt" and document["sha256"] == sha(EN_GOOD.encode())
    assert document["sealed_by"] == "desk"
    vault = Vault.open(vault_home)
    vault.unlock(VAULT_PASSPHRASE)
    assert vault.item(document["item"]).kind == "licence"
    assert vault.read(document["item"]) == EN_GOOD.encode()
    r = await agent.post(f"/v1/provenance/{image}/documents/poem", data=b"x",
                         headers={"Accept-Language": "zh-CN"})
    assert r.status == 400 and (await r.json())["error"]["key"] == "provenance.bad_role"
    r = await agent.post("/v1/provenance/not-a-hash/documents/licence", data=b"x")
    assert r.status == 400 and (await r.json())["error"]["key"] == "provenance.bad_image"
    assert len(ProvenanceStore(vault_home).get(image).documents["licence"]) == 1


async def test_route_checks_a_licence_in_the_readers_language(home, agent, seller):
    r = await agent.post("/v1/provenance/licence", data=EN_GOOD.encode(),
                         headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert r.status == 200
    result = await r.json()
    assert result["status"] == "pass"
    assert result["findings"][0]["title"] == i18n.text("licence.finding.commercial", "zh_CN")
    r = await agent.post("/v1/provenance/licence", data=b"\x89PNG\r\n\x1a\n" + bytes(100))
    assert (await r.json())["status"] == "unknown"


async def test_route_checks_the_records_licence_from_the_vault(vault_home, agent, seller):
    item = Vault.open(vault_home).add(EN_GOOD.encode(), {"kind": "licence"})
    image = "12" * 32
    ProvenanceStore(vault_home).set(image, origin="stock")
    r = await agent.get(f"/v1/provenance/{image}/licence")
    assert r.status == 404 and (await r.json())["error"]["key"] == "provenance.no_licence"
    assert (await unlock(agent)).status == 200
    await agent.request("PUT", f"/v1/provenance/{image}",
                        json={"documents": {"licence": [item]}})
    r = await agent.get(f"/v1/provenance/{image}/licence")
    assert r.status == 200 and (await r.json())["licensor"] == "PhotoStock Ltd."


def test_the_preflight_asks_for_each_new_images_provenance(home, files, vault_home):
    from iprdesk.casework import preflight

    case = open_case(home)
    photo, other = files / "teapot.jpg", files / "other.jpg"
    other.write_bytes(fx.photo_jpeg(size=(80, 60)))

    def check(*images):
        inputs = preflight.gather(home, case, new_images=list(images))
        return next(c for c in preflight.run(case, inputs) if c.id == "images.provenance")

    got = check(photo, other)
    assert got.status == "unknown" and "teapot.jpg, other.jpg" in got.message("en")
    assert got.title("zh_CN") == i18n.text("preflight.check.images.provenance.title", "zh_CN")
    run(home, "provenance", "set", str(photo), "--origin", "own_photo")
    got = check(photo, other)
    assert got.status == "unknown" and "teapot.jpg" not in got.message("en")
    # An original sealed by the upload guard counts for the file not yet cleaned as well.
    ProvenanceStore(home).set("99" * 32, documents={"original": [
        Document(item="x" * 32, sha256=sha(other.read_bytes()))]})
    assert check(photo, other).status == "pass"
    assert check().status == "unknown"


def test_audit_lists_images_without_a_record_or_with_a_failing_licence(vault_home, files,
                                                                        seller, tmp_path):
    catalogue = tmp_path / "catalogue"
    (catalogue / "store-2").mkdir(parents=True)
    own, stock, unknown = (catalogue / "own.jpg", catalogue / "store-2" / "stock.jpg",
                           catalogue / "store-2" / "new.jpg")
    for n, path in enumerate((own, stock, unknown)):
        path.write_bytes(fx.photo_jpeg(size=(64 + n, 48)))
    run(vault_home, "provenance", "set", str(own), "--origin", "own_photo")
    run(vault_home, "provenance", "set", str(stock), "--origin", "stock", "--licence",
        str(files / "bad-licence.txt"))
    # Locked: the licence is not checked, and not taken as good either.
    out = json.loads(run(vault_home, "provenance", "audit", str(catalogue), "--json",
                         code=1).output)
    verdicts = {Path(i["path"]).name: i["verdict"] for i in out["images"]}
    assert verdicts == {"own.jpg": "recorded", "stock.jpg": "licence_locked",
                        "new.jpg": "no_record"}
    env = {"IPRDESK_PASSPHRASE": VAULT_PASSPHRASE}
    out = run(vault_home, "provenance", "audit", str(catalogue), "--lang", "zh_CN", env=env,
              code=1).output
    assert f"✗ {stock}：其授权书未通过授权书检查" in out and f"✗ {unknown}：没有来源记录" in out
    assert "own.jpg" not in out
    assert i18n.text("provenance.audit.summary", "zh_CN", count=3, failing=2) in out
    run(vault_home, "provenance", "set", str(unknown), "--origin", "supplier")
    run(vault_home, "provenance", "set", str(stock), "--licence", str(files / "licence.txt"))
    out = run(vault_home, "provenance", "audit", str(catalogue), env=env).output
    assert i18n.text("provenance.audit.summary", "en", count=3, failing=0) in out


async def audited(agent) -> dict:
    """The audit's answer once it has finished (it runs in the agent's background); the
    bound only ends a broken test on a loaded machine."""
    for _ in range(600):
        found = await (await agent.get("/v1/provenance/audit")).json()
        if found["state"] in ("done", "failed"):
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(found)


async def test_route_audits_catalogue_folders_in_the_background(vault_home, agent, files,
                                                                 seller, tmp_path):
    catalogue = tmp_path / "catalogue"
    catalogue.mkdir()
    own, stock, new = (catalogue / n for n in ("own.jpg", "stock.jpg", "new.jpg"))
    for n, path in enumerate((own, stock, new)):
        path.write_bytes(fx.photo_jpeg(size=(64 + n, 48)))
    run(vault_home, "provenance", "set", str(own), "--origin", "own_photo")
    run(vault_home, "provenance", "set", str(stock), "--origin", "stock", "--licence",
        str(files / "bad-licence.txt"))
    r = await agent.get("/v1/provenance/audit")
    assert (await r.json()) == {"state": "none", "watched_folders": []}
    r = await agent.request("POST", "/v1/provenance/audit", json={})
    assert r.status == 400 and (await r.json())["error"]["key"] == "provenance.audit.bad_folders"
    r = await agent.request("POST", "/v1/provenance/audit", json={"folders": [str(own)]},
                            headers={"Accept-Language": "zh-CN"})
    assert (await r.json())["error"]["message"] == i18n.text(
        "provenance.audit.not_a_folder", "zh_CN", folder=str(own))

    # Locked: the licence is listed as not checked, never as good.
    r = await agent.request("POST", "/v1/provenance/audit", json={"folders": [str(catalogue)]})
    assert r.status == 202 and (await r.json())["folders"] == [str(catalogue)]
    found = await audited(agent)
    assert (found["state"], found["total"], found["done"], found["failing"]) == ("done", 3, 3, 1)
    listed = {Path(i["path"]).name: i for i in found["images"]}
    assert {name: i["verdict"] for name, i in listed.items()} == {
        "stock.jpg": "licence_locked", "new.jpg": "no_record"}
    assert listed["new.jpg"]["image"] == sha(new.read_bytes())
    assert (await unlock(agent)).status == 200
    r = await agent.request("POST", "/v1/provenance/audit", json={"folders": [str(catalogue)]})
    assert r.status == 202
    found = await audited(agent)
    assert found["counts"]["licence_fail"] == 1 and found["failing"] == 2
