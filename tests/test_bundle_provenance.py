"""A case's bundle can carry what proves where its images come from (issue 15): the originals,
licences, contracts and invoices of the provenance records of the case's images, listed in the
report's summary; the bundle still verifies. Off by default (an original keeps its GPS)."""

import hashlib
import io
import json
import re
import zipfile

import pytest
from bench.imagegen import jpeg, product_photo
from click.testing import CliRunner

from iprdesk.cli import main
from iprdesk.provenance import evidence
from iprdesk.provenance.originals import seal_original
from iprdesk.provenance.records import ProvenanceStore
from iprdesk.vault import Vault
from tests import image_fixtures as fx
from tests.conftest import VAULT_PASSPHRASE
from tests.helpers import open_case

pytestmark = pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO")
PRODUCT = "64f0c1e2a9b8c7d6e5f40312"
LICENCE = b"Licence No. SS-2291. Licensee: Example Trading. Commercial use permitted.\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def proven_case(vault_home, tmp_path):
    """A case whose product has an uploaded photo with its sealed original, and whose product
    photo in the vault came from stock under a licence; plus an unrelated record."""
    case = open_case(vault_home, "CMP-88", products=[PRODUCT])
    vault = Vault.open(vault_home)
    original = fx.photo_jpeg()
    seal_original(vault_home, vault, original, name="IMG_2041.jpg", clean_sha256="a" * 64,
                  sealed_by="upload", product=PRODUCT)
    ProvenanceStore(vault_home).set("a" * 64, origin="own_photo")
    stock = jpeg(product_photo(7, (300, 300)))
    vault.add(stock, {"kind": "photo", "case": case.id, "content_type": "image/jpeg",
                      "original_name": "stock-main.jpg"})
    licence = tmp_path / "licence.txt"
    licence.write_bytes(LICENCE)
    ProvenanceStore(vault_home).set(sha(stock), origin="stock", name="stock-main.jpg",
                                    documents={"licence": [evidence.seal_document(
                                        vault, "licence", licence)]})
    ProvenanceStore(vault_home).set("b" * 64, origin="supplier", product="OTHER",
                                    documents={"licence": [evidence.seal_document(
                                        vault, "licence", licence, product="OTHER")]})
    return case, original


def export(home, case, out, *flags, lang="en"):
    r = CliRunner(env={"IPRDESK_PASSPHRASE": VAULT_PASSPHRASE}).invoke(main, [
        "--lang", lang, "vault", "export", "--case", case.id, "-o", str(out), "--json",
        "--home", str(home), *flags])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def verify(home, out) -> dict:
    r = CliRunner().invoke(main, ["vault", "verify-bundle", str(out), "--json",
                                  "--home", str(home)])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_the_bundle_carries_the_originals_and_licences_and_still_verifies(
        vault_home, proven_case, tmp_path):
    case, original = proven_case
    out = tmp_path / "bundle.zip"
    export(vault_home, case, out, "--with-provenance")
    assert verify(vault_home, out)["ok"]
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
        report = zf.read("report.html").decode()
        [kept] = [n for n in names if n.startswith("original/")]
        assert zf.read(kept) == original  # every byte, its camera data intact
        [licence] = [n for n in names if n.startswith("licence/")]  # not the other product's
        assert zf.read(licence) == LICENCE
    kinds = sorted(f["kind"] for f in manifest["files"])
    assert kinds == ["licence", "original", "photo"]
    # Its title names the complaint as the seller knows it, not iprdesk's case id.
    head = report.split('<section class="summary">')[0]
    assert re.search(r"<title>[^<]* — CMP-88</title>", head) and case.id not in head
    summary = re.search(r'<section class="summary">(.*?)</section>', report, re.S).group(1)
    section = summary.split("Where the images come from", 1)[1]
    for text in ("IMG_2041.jpg", "Own photo", "stock-main.jpg", "Stock image under a licence",
                 sha(original), sha(LICENCE), "Original", "Licence"):
        assert text in section, text
    assert "OTHER" not in section and "From the supplier" not in section


def test_off_by_default(vault_home, proven_case, tmp_path):
    case, _ = proven_case
    out = tmp_path / "bundle.zip"
    export(vault_home, case, out)
    with zipfile.ZipFile(out) as zf:
        assert [n for n in zf.namelist() if n.startswith(("original/", "licence/"))] == []
        assert "Where the images come from" not in zf.read("report.html").decode()


def test_the_report_lists_them_in_chinese(vault_home, proven_case, tmp_path):
    case, original = proven_case
    out = tmp_path / "bundle.zip"
    export(vault_home, case, out, "--with-provenance", lang="zh_CN")
    with zipfile.ZipFile(out) as zf:
        report = zf.read("report.html").decode()
    section = report.split("图片来源", 1)[1]
    for text in ("自己拍摄的照片", "有授权的图库图片", "原始文件：IMG_2041.jpg",
                 "授权书：licence.txt"):
        assert text in section, text
    assert sha(original) in section and "Where the images come from" not in report


def test_a_document_gone_from_the_vault_is_left_out(vault_home, proven_case, tmp_path):
    case, _ = proven_case
    vault = Vault.open(vault_home)
    vault.unlock(VAULT_PASSPHRASE)
    [item] = vault.list(kind="original")
    vault.delete(item.id)
    out = tmp_path / "bundle.zip"
    export(vault_home, case, out, "--with-provenance")
    assert verify(vault_home, out)["ok"]
    with zipfile.ZipFile(out) as zf:
        assert not [n for n in zf.namelist() if n.startswith("original/")]


async def test_the_agent_exports_it_when_asked(vault_home, proven_case, agent):
    case, original = proven_case
    assert (await agent.post("/v1/vault/unlock", json={"passphrase": VAULT_PASSPHRASE})
            ).status == 200
    r = await agent.post("/v1/vault/export", json={"case": case.id, "provenance": True,
                                                   "lang": "en"})
    assert r.status == 200, await r.text()
    with zipfile.ZipFile(io.BytesIO(await r.read())) as zf:
        assert any(zf.read(n) == original for n in zf.namelist() if n.startswith("original/"))
    r = await agent.post("/v1/vault/export", json={"case": case.id, "provenance": "yes"})
    assert r.status == 400
    assert (await r.json())["error"]["key"] == "error.evidence.provenance"
