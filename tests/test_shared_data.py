"""The data both sides use stays consistent: languages, the pinned extension id, the page map."""

import base64
import hashlib
import json
import re

from iprdesk.text import shared_data
from tests.conftest import REPO

EXTENSION = REPO / "extension"


def test_manifest_key_pins_the_extension_id_the_agent_trusts():
    manifest = json.loads((EXTENSION / "manifest.json").read_text())
    digest = hashlib.sha256(base64.b64decode(manifest["key"])).hexdigest()[:32]
    extension_id = "".join(chr(ord("a") + int(c, 16)) for c in digest)
    assert shared_data.extension_ids() == [extension_id]


def test_hints_have_identical_keys_in_both_languages():
    hints = shared_data.for_extension()["hints"]
    assert set(hints) == {"en", "zh_CN"}
    assert hints["en"].keys() == hints["zh_CN"].keys()
    assert all(str(v).strip() for lang in hints.values() for v in lang.values())


def test_extension_messages_exist_in_both_languages():
    en = json.loads((EXTENSION / "_locales/en/messages.json").read_text())
    zh = json.loads((EXTENSION / "_locales/zh_CN/messages.json").read_text())
    assert en.keys() == zh.keys()
    for key in en:
        assert en[key].get("placeholders", {}).keys() == zh[key].get("placeholders", {}).keys()
        for messages in (en, zh):
            entry = messages[key]
            assert entry["message"].strip(), key
            # Every $NAME$ the text uses is declared, every declared one is used (Chrome
            # ignores their case), and both languages fill it from the same $1, $2...
            used = {name.lower() for name in re.findall(r"\$(\w+)\$", entry["message"])}
            assert used == {name.lower() for name in entry.get("placeholders", {})}, key
            assert ({n: p["content"] for n, p in entry.get("placeholders", {}).items()}
                    == {n: p["content"] for n, p in en[key].get("placeholders", {}).items()}), key


def test_every_message_the_extension_uses_exists():
    en = json.loads((EXTENSION / "_locales/en/messages.json").read_text())
    used = set()
    for path in EXTENSION.rglob("*"):
        if path.suffix in (".js", ".html", ".json") and "_locales" not in path.parts:
            text = path.read_text()
            used |= set(re.findall(r'data-i18n(?:-placeholder)?="(\w+)"', text))
            used |= set(re.findall(r'__MSG_(\w+)__', text))
            used |= set(re.findall(r'\btn?\("(\w+)"', text))
            used |= set(re.findall(r'titleKey: "(\w+)"', text))
    missing = used - en.keys()
    assert not missing, missing


def test_page_map_entries_have_valid_patterns_and_a_module_each():
    pagemap = shared_data.load("pagemap.json")
    modules = {p.stem for p in (EXTENSION / "content/pages").glob("*.js")}
    assert set(pagemap["pages"]) <= modules
    for page in pagemap["pages"].values():
        assert page["urlPatterns"]
        for pattern in page["urlPatterns"]:
            re.compile(pattern)
        for texts in page.get("headings", {}).values():
            assert texts
        if page.get("headings"):
            assert set(page["headings"]) == {"en", "zh_CN"}


def test_content_scripts_listed_in_the_manifest_exist():
    manifest = json.loads((EXTENSION / "manifest.json").read_text())
    for entry in manifest["content_scripts"]:
        for script in entry["js"]:
            assert (EXTENSION / script).is_file(), script
    assert "https://merchant.joom.com/*" in manifest["content_scripts"][0]["matches"]
    assert manifest["manifest_version"] == 3


async def test_shared_data_route_serves_both_languages(agent):
    r = await agent.get("/v1/shared")
    assert r.status == 200
    body = await r.json()
    assert set(body["hints"]) == {"en", "zh_CN"}
    assert body["pagemap"]["pages"]
