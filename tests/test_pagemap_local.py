"""Page map additions: taught pages and an imported page map, kept in the data directory and
merged into the shared data; everything in them is untrusted (from a page or a handed-over file)."""

import copy
import json
import re

import pytest

from iprdesk.errors import BadInput, NotFound
from iprdesk.panel import pagemap
from iprdesk.panel.pagemap import Store
from iprdesk.text import shared_data

CLAIMS = {"page": "complaint-report", "path": "/claims/64f0c1e2a9b8c7d6/list", "lang": "en",
          "columns": {"complaintId": "Claim No.", "complainant": "Claimant",
                      "date": "Filed", "type": "Kind"}}


def shipped():
    return copy.deepcopy(shared_data.load("pagemap.json"))


def test_a_taught_page_is_merged_first_found_by_its_own_path(home):
    store = Store(home)
    entry = store.teach(CLAIMS)
    assert re.fullmatch(r"t-[0-9a-f]{8}", entry["id"]) and entry["path"] == "/claims/:id/list"
    pages = store.merged_pagemap()["pages"]
    assert list(pages)[0] == entry["id"] and set(shipped()["pages"]) < set(pages)
    taught = pages[entry["id"]]
    assert taught["module"] == "complaint-report" and taught["headings"] == {}
    assert taught["columns"]["complaintId"] == {"en": ["Claim No."]}
    # Untaught columns keep the map's labels; values and productEditPath come with the entry.
    complaints = shipped()["pages"]["complaint-report"]
    assert taught["columns"]["status"] == complaints["columns"]["status"]
    assert taught["values"] == complaints["values"]
    [pattern] = taught["urlPatterns"]
    assert re.search(pattern, "/claims/5f00aa/list?page=2")
    assert re.search(pattern, "/claims/x1/list/#top")
    assert not re.search(pattern, "/claims/5f00aa/list/more")
    assert not re.search(pattern, "/other/claims/5f00aa/list")


def test_a_label_taught_for_one_column_is_no_longer_another_columns():
    columns = shipped()["pages"]["complaint-report"]["columns"]
    merged = pagemap._taught_columns(
        columns, {"lang": "en", "columns": {"complaintId": "Date"}})
    assert merged["complaintId"] == {"en": ["Date"]}
    assert "Date" not in merged["date"]["en"] and "Received" in merged["date"]["en"]


def test_teaching_the_same_page_again_replaces_it_and_removal_forgets_it(home):
    store = Store(home)
    first = store.teach(CLAIMS)
    second = store.teach({**CLAIMS, "path": "/claims/0000/list",
                          "columns": {"complaintId": "Claim #"}})
    assert [t["id"] for t in store.listing()["taught"]] == [second["id"]]
    with pytest.raises(NotFound):
        store.remove(first["id"])
    store.remove(second["id"])
    assert store.listing()["taught"] == []
    assert store.merged_pagemap() == shipped()


@pytest.mark.parametrize(("change", "complaint"), [
    ({"page": "product-edit"}, "must be one of"),
    ({"page": "../../etc"}, "must be one of"),
    ({"lang": "fr"}, "`lang`"),
    ({"columns": {}}, "at least one column"),
    ({"columns": {"nonsense": "X"}}, "no column"),
    ({"columns": {"complaintId": "x" * 81}}, "longer than 80"),
    ({"columns": {"complaintId": "   "}}, "empty"),
    ({"columns": {"complaintId": 7}}, "must be a text"),
    ({"columns": {"complaintId": "Same", "complainant": "same"}}, "cannot both be"),
    ({"path": "claims"}, "start with /"),
    ({"path": "/" + "a/" * 13}, "more than 12 parts"),
    ({"path": "/" + "a" * 300}, "longer than 300"),
    ({"extra": 1}, "unknown fields"),
    ({"urlPatterns": ["(a+)+$"]}, "unknown fields"),  # a page never sends a pattern
])
def test_a_bad_taught_page_is_refused_and_nothing_is_written(home, change, complaint):
    with pytest.raises(BadInput, match=re.escape(complaint)):
        Store(home).teach({**CLAIMS, **change})
    assert not (home / pagemap.FILE).exists()


def test_a_hostile_path_becomes_a_plain_pattern(home):
    entry = Store(home).teach({**CLAIMS, "path": "/(a+)+/.*/[x]/\\1/%2e%2e/ipr"})
    assert entry["path"] == "/:id/:id/:id/:id/:id/ipr"
    [pattern] = Store(home).merged_pagemap()["pages"][entry["id"]]["urlPatterns"]
    assert pattern == "^/[^/?#]+/[^/?#]+/[^/?#]+/[^/?#]+/[^/?#]+/ipr/?(?:[?#]|$)"


def test_export_and_import_hand_the_taught_pages_to_another_data_directory(home, tmp_path):
    Store(home).teach(CLAIMS)
    exported = Store(home).export()
    assert exported == {"format": "iprdesk-pagemap-additions", "version": 1, "taught": [
        {**CLAIMS, "path": "/claims/:id/list"}]}
    other = Store(tmp_path / "other")
    (tmp_path / "other").mkdir()
    assert other.import_file(json.loads(json.dumps(exported))) == {"added": 1, "imported": None}
    [taught] = other.listing()["taught"]
    assert taught["columns"] == CLAIMS["columns"] and taught["path"] == "/claims/:id/list"
    assert list(taught["columns"]) == list(CLAIMS["columns"])  # in the order taught
    # Importing it again replaces, never doubles.
    other.import_file(exported)
    assert len(other.listing()["taught"]) == 1


@pytest.mark.parametrize(("value", "complaint"), [
    ([], "must be a JSON object"),
    ({"format": "something-else", "version": 1, "taught": []}, "Not an iprdesk page map"),
    ({"format": "iprdesk-pagemap-additions", "version": 2, "taught": []}, "Not an iprdesk"),
    ({"format": "iprdesk-pagemap-additions", "version": 1, "taught": [CLAIMS] * 51},
     "at most 50"),
    ({"format": "iprdesk-pagemap-additions", "version": 1,
      "taught": [{**CLAIMS, "columns": {"complaintId": "<img src=x onerror=alert(1)>" * 3}}]},
     "longer than 80"),
])
def test_a_bad_exchange_file_is_refused(home, value, complaint):
    with pytest.raises(BadInput, match=re.escape(complaint)):
        Store(home).import_file(value)
    assert not (home / pagemap.FILE).exists()


def newer_map(**change):
    pagemap = shipped()
    pagemap["version"] += 1
    pagemap["pages"]["complaint-report"]["columns"]["complaintId"]["en"].insert(0, "Claim No.")
    pagemap.update(change)
    return pagemap


def test_a_newer_full_page_map_is_used_until_forgotten(home):
    store = Store(home)
    taught = store.teach(CLAIMS)
    assert store.import_file(newer_map()) == {"added": 0, "imported": shipped()["version"] + 1}
    merged = store.merged_pagemap()
    assert merged["version"] == shipped()["version"] + 1
    assert "Claim No." in merged["pages"]["complaint-report"]["columns"]["complaintId"]["en"]
    assert taught["id"] in merged["pages"]  # taught pages stay, on top of the new map
    assert store.listing()["pagemap"] == {"built_in": shipped()["version"],
                                          "imported": shipped()["version"] + 1,
                                          "in_use": shipped()["version"] + 1}
    with pytest.raises(BadInput, match="not newer"):
        store.import_file(newer_map())
    store.remove_imported_pagemap()
    assert store.merged_pagemap()["version"] == shipped()["version"]
    with pytest.raises(NotFound):
        store.remove_imported_pagemap()


def with_pattern(pattern):
    pagemap = newer_map()
    pagemap["pages"]["complaint-report"]["urlPatterns"] = [pattern]
    return pagemap


@pytest.mark.parametrize("pattern", ["(a+)+$", "(a|aa)*x", "(\\d+)*", "(.*)\\1", "((a+))+",
                                     ".*.*.*x", "(?P<x>a)", "(?i)ipr", "(", "x" * 201, "", 5])
def test_a_page_map_with_a_dangerous_or_foreign_pattern_is_refused(home, pattern):
    with pytest.raises(BadInput):
        Store(home).import_file(with_pattern(pattern))
    assert not (home / pagemap.FILE).exists()


@pytest.mark.parametrize(("change", "complaint"), [
    ({"version": 0}, "version"),
    ({"version": True}, "version"),
    ({"version": "9"}, "version"),
    ({"origin": "https://evil.example"}, "must be for"),
    ({"pages": {}}, "1 to 30 pages"),
    ({"pages": {f"p{i}": {"urlPatterns": ["/x"]} for i in range(31)}}, "1 to 30 pages"),
    ({"pages": {"Bad Id": {"urlPatterns": ["/x"]}}}, "not a valid page id"),
    ({"pages": {"p": {"urlPatterns": ["/x"], "script": "alert(1)"}}}, "unknown fields"),
    ({"pages": {"p": {"urlPatterns": ["/x"], "headings": {"en": ["x"] * 21}}}}, "at most 20"),
    ({"pages": {"p": {"urlPatterns": ["/x"], "headings": {"fr": ["x"]}}}}, "unknown fields"),
    ({"pages": {"p": {"urlPatterns": ["/x"], "productEditPath": "//evil/{id}"}}}, "{id}"),
    ({"pages": {"p": {"urlPatterns": []}}}, "1 to 10"),
])
def test_a_malformed_page_map_is_refused(home, change, complaint):
    with pytest.raises(BadInput, match=re.escape(complaint)):
        Store(home).import_file(newer_map(**change))


def test_a_file_too_large_or_too_deep_is_the_products_error():
    with pytest.raises(BadInput, match="larger than"):
        pagemap.parse_file(b" " * (pagemap.MAX_FILE + 1))
    with pytest.raises(BadInput, match="not valid JSON"):
        pagemap.parse_file(b"[" * 200_000)
    with pytest.raises(BadInput, match="not valid JSON"):
        pagemap.parse_file(b"\xff\xfe")


def test_a_damaged_store_is_named_and_the_shared_data_keeps_the_built_in_map(home):
    (home / pagemap.FILE).write_text('{"taught": [{"page": "x"}], "pagemap": null}')
    with pytest.raises(pagemap.DamagedStore, match="damaged"):
        Store(home).listing()


# -- the routes --------------------------------------------------------------------------------

async def test_taught_pages_reach_the_shared_data_through_the_routes(agent):
    r = await agent.post("/v1/pagemap/taught", json=CLAIMS)
    assert r.status == 201, await r.text()
    entry = await r.json()
    shared = await (await agent.get("/v1/shared")).json()
    assert shared["pagemap"]["pages"][entry["id"]]["module"] == "complaint-report"
    listing = await (await agent.get("/v1/pagemap")).json()
    assert [t["id"] for t in listing["taught"]] == [entry["id"]]
    exported = await (await agent.get("/v1/pagemap/export")).json()
    assert exported["taught"][0]["columns"] == CLAIMS["columns"]
    r = await agent.request("DELETE", f"/v1/pagemap/taught/{entry['id']}")
    assert r.status == 200 and (await r.json())["taught"] == []
    shared = await (await agent.get("/v1/shared")).json()
    assert shared["pagemap"] == shared_data.load("pagemap.json")


async def test_import_route_takes_a_file_and_refuses_hostile_ones(agent):
    body = json.dumps({"format": "iprdesk-pagemap-additions", "version": 1, "taught": [CLAIMS]})
    r = await agent.post("/v1/pagemap/import", data=body)
    assert r.status == 200, await r.text()
    answer = await r.json()
    assert answer["added"] == 1 and len(answer["taught"]) == 1
    r = await agent.post("/v1/pagemap/import", data=json.dumps(with_pattern("(a+)+$")))
    assert r.status == 400 and (await r.json())["error"]["code"] == "bad_input"
    r = await agent.post("/v1/pagemap/import", data=b"[" * 100_000)
    assert r.status == 400
    r = await agent.post("/v1/pagemap/import", data=b" " * (pagemap.MAX_FILE + 10))
    assert r.status == 413
    r = await agent.request("DELETE", "/v1/pagemap/taught/..%2F..%2Fconfig")
    assert r.status in (400, 404)
    r = await agent.request("DELETE", "/v1/pagemap/imported")
    assert r.status == 404


async def test_a_damaged_store_leaves_the_shared_data_working(agent, home):
    (home / pagemap.FILE).write_text("{not json")
    shared = await (await agent.get("/v1/shared")).json()
    assert shared["pagemap"] == shared_data.load("pagemap.json")
    r = await agent.get("/v1/pagemap")
    assert r.status == 500 and (await r.json())["error"]["code"] == "damaged_pagemap_additions"


def _bad_column_labels():
    bad = newer_map()
    bad["pages"]["complaint-report"]["columns"]["complaintId"]["zh_CN"] = ["编号", 7]
    return bad


@pytest.mark.parametrize(("body", "en", "zh"), [
    (with_pattern("(a+)+$"),
     "The URL pattern '(a+)+$' repeats a group, refers back or has more than 2 unbounded "
     "repeats: refused (it could hang the page)",
     "URL 模式“(a+)+$”重复了分组、使用了反向引用或有超过 2 个无界重复：已拒绝（它可能让页面卡死）"),
    (_bad_column_labels(), "Page complaint-report columns complaintId must be a text",
     "页面 complaint-report 的 columns 的 complaintId必须是文字"),
    ({"format": "iprdesk-pagemap-additions", "version": 1,
      "taught": [{**CLAIMS, "columns": {"complaintId": "Same", "complainant": "same"}}]},
     "Two columns cannot both be 'same'", "两列不能都叫“same”"),
    ({"format": "iprdesk-pagemap-additions", "version": 1, "taught": [{**CLAIMS, "x": 1}]},
     "A taught page has unknown fields: x", "教过的页面有未知字段：x"),
])
async def test_a_refused_import_speaks_the_requests_language(agent, body, en, zh):
    # Each field a message names (a page of the map, a taught page) is in that language too.
    said = {}
    for lang in ("en", "zh-CN"):
        r = await agent.post("/v1/pagemap/import", data=json.dumps(body),
                             headers={"Accept-Language": lang})
        assert r.status == 400
        said[lang] = (await r.json())["error"]["message"]
    assert said == {"en": en, "zh-CN": zh}
