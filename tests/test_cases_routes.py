"""The agent's case, draft and preflight routes, on a real loopback socket as the extension."""

import pytest

ROW = {"complaint_id": "CMP-1", "store_id": "5f1a2b3c4d5e", "type": "copyright",
       "complainant": "Greer, Burns & Crain", "products": ["P1", "P2"],
       "received": "2026-03-01T09:00:00Z"}


async def new_case(agent, **over):
    r = await agent.post("/v1/cases", json={**ROW, **over})
    assert r.status == 201, await r.text()
    return await r.json()


async def test_open_list_show_close(agent):
    case = await new_case(agent)
    assert case["schedule_a_firm"] == "Greer, Burns & Crain, Ltd."
    assert case["deadlines"][0]["id"] == "response"
    assert case["deadlines"][0]["due"] == "2026-03-03T09:00:00Z"

    listed = (await (await agent.get("/v1/cases")).json())["cases"]
    assert [c["id"] for c in listed] == [case["id"]]

    r = await agent.get(f"/v1/cases/{case['id']}")
    assert (await r.json())["complaint_id"] == "CMP-1"

    r = await agent.post(f"/v1/cases/{case['id']}/events", json={"event": "responded"})
    assert r.status == 200
    assert (await r.json())["deadlines"][0]["state"] == "done"

    r = await agent.post(f"/v1/cases/{case['id']}/close")
    assert (await r.json())["status"] == "closed"
    assert (await (await agent.get("/v1/cases")).json())["cases"] == []
    everything = (await (await agent.get("/v1/cases?status=all")).json())["cases"]
    assert len(everything) == 1


async def test_the_law_firm_is_given_or_hinted_and_corrected(agent):
    hinted = await new_case(agent)
    assert hinted["law_firm"] == "Greer, Burns & Crain, Ltd."
    given = await new_case(agent, complaint_id="CMP-2", complainant="Lumen Images Inc.",
                           law_firm="Harbor & Lane LLP")
    assert given["law_firm"] == "Harbor & Lane LLP" and given["schedule_a_firm"] is None
    r = await agent.request("PUT", "/v1/cases/CMP-2/law-firm",
                            json={"law_firm": "Keith A. Vogt, Ltd."})
    assert r.status == 200, await r.text()
    assert (await r.json())["schedule_a_firm"] == "Keith A. Vogt, Ltd."
    r = await agent.request("PUT", f"/v1/cases/{given['id']}/law-firm", json={"law_firm": None})
    assert (await r.json())["law_firm"] is None
    for body in ({}, {"law_firm": 7}, {"law_firm": "x" * 201}):
        r = await agent.request("PUT", "/v1/cases/CMP-2/law-firm", json=body)
        assert r.status == 400, body
    r = await agent.request("PUT", "/v1/cases/CMP-2/law-firm", json={},
                        headers={"Accept-Language": "zh-CN"})
    assert "law_firm 必须是文字" in (await r.json())["error"]["message"]
    assert (await (await agent.get("/v1/cases/CMP-2")).json())["law_firm"] is None


async def test_drafts_for_the_browser_point_at_the_page(agent):
    case = await new_case(agent)
    r = await agent.get(f"/v1/cases/{case['id']}/drafts?for=browser")
    assert r.status == 200, await r.text()
    bodies = [d["body"] for d in (await r.json())["drafts"]]
    assert all("Signed by" in b and "iprdesk seller" not in b for b in bodies)
    cli = (await (await agent.get(f"/v1/cases/{case['id']}/drafts")).json())["drafts"]
    assert all("iprdesk seller set" in d["body"] for d in cli)
    r = await agent.get(f"/v1/cases/{case['id']}/drafts?for=fax")
    assert r.status == 400


async def test_drafts_for_the_browser_date_the_letter_in_the_browsers_zone(agent, local_zone):
    """The computer keeps UTC, the browser reads UTC+8: a complaint received at 23:00 UTC on 27
    February reached the seller on the 28th; a zone that is none is a clear error."""
    local_zone("UTC")
    case = await new_case(agent, received="2026-02-27T23:00:00Z")

    async def bodies(query):
        r = await agent.get(f"/v1/cases/{case['id']}/drafts?{query}")
        assert r.status == 200, await r.text()
        return " ".join(d["body"] for d in (await r.json())["drafts"])

    assert "2026-02-28" in await bodies("for=browser&zone=Asia%2FShanghai")
    assert "2026-02-27" in await bodies("for=browser")  # no zone given: the computer's
    r = await agent.get(f"/v1/cases/{case['id']}/drafts?for=browser&zone=Mars%2FOlympus")
    assert r.status == 400 and "Mars/Olympus" in (await r.json())["error"]["message"]


async def test_the_same_complaint_twice_is_a_conflict(agent):
    case = await new_case(agent)
    r = await agent.post("/v1/cases", json=ROW)
    assert r.status == 409
    error = (await r.json())["error"]
    assert error["code"] == "case_exists" and case["id"] in error["message"]


@pytest.mark.parametrize("body, status, words", [
    ({**ROW, "type": "patent"}, 400, "copyright, trademark"),
    ({**ROW, "products": []}, 400, "at least one product"),
    ({**ROW, "admin": True}, 400, "Unknown field(s): admin"),
    ({**ROW, "old_urls": "http://x/"}, 400, "list of URLs"),
    ({k: v for k, v in ROW.items() if k != "store_id"}, 400, "Store ID"),
])
async def test_bad_case_bodies(agent, body, status, words):
    r = await agent.post("/v1/cases", json=body)
    assert r.status == status
    assert words in (await r.json())["error"]["message"]
    assert (await (await agent.get("/v1/cases")).json())["cases"] == []


async def test_bad_ids_and_events(agent):
    r = await agent.get("/v1/cases/c-00000000")
    assert r.status == 404
    r = await agent.get("/v1/cases/..%2Fauth")
    assert r.status in (400, 404)
    case = await new_case(agent)
    r = await agent.post(f"/v1/cases/{case['id']}/events", json={"event": "party"})
    assert r.status == 400 and "Unknown event" in (await r.json())["error"]["message"]
    r = await agent.post(f"/v1/cases/{case['id']}/events", data=b"{",
                         headers={"Content-Type": "application/json"})
    assert r.status == 400


async def test_drafts(agent):
    case = await new_case(agent)
    body = await (await agent.get(f"/v1/cases/{case['id']}/drafts")).json()
    assert [d["id"] for d in body["drafts"]] == ["settlement_intent", "joom_support",
                                                 "counter_notice"]
    assert "CMP-1" in body["drafts"][1]["body"]
    # No vault, no images, no URLs: every fact is a gap, as is the unset seller name.
    support = body["drafts"][1]
    assert support["complete"] is False
    assert [g["checks"] for g in support["gaps"]] == [
        ["agreement.names_joom"], ["agreement.store_id", "agreement.products"],
        ["agreement.release"], ["payment.amount_date"], ["payment.memo"],
        ["images.replaced"], ["urls.dead"], []]
    assert "Store 5f1a2b3c4d5e" not in support["body"]


async def test_drafts_are_signed_with_the_seller_settings(agent, home):
    r = await agent.post("/v1/seller", json={"name": "Li Wei", "company": "Example Co."})
    assert r.status == 200 and (await r.json())["name"] == "Li Wei"
    assert (await (await agent.get("/v1/seller")).json())["company"] == "Example Co."
    r = await agent.post("/v1/seller", json={"nickname": "x"})
    assert r.status == 400
    r = await agent.post("/v1/seller", json={"address": "88 Keyuan Road, Shenzhen",
                                             "phone": "+86 755 8888 1234"})
    assert (await r.json())["phone"] == "+86 755 8888 1234"
    r = await agent.post("/v1/seller", json={"phone": "ask Li"},
                         headers={"Accept-Language": "zh-CN"})
    error = (await r.json())["error"]
    assert r.status == 400 and error["key"] == "error.config.seller_phone"
    assert "不是电话号码" in error["message"]
    case = await new_case(agent)
    body = await (await agent.get(f"/v1/cases/{case['id']}/drafts")).json()
    assert body["drafts"][0]["body"].endswith(
        "Sincerely,\nLi Wei\nExample Co.\nJoom store ID 5f1a2b3c4d5e")
    assert "Telephone: +86 755 8888 1234." in body["drafts"][2]["body"]


async def test_preflight_without_documents(agent):
    case = await new_case(agent)
    r = await agent.post(f"/v1/cases/{case['id']}/preflight", json={"lang": "zh_CN"})
    report = await r.json()
    assert r.status == 200 and report["ready"] is False
    statuses = {c["id"]: c["status"] for c in report["checks"]}
    assert statuses["agreement.names_joom"] == "unknown"
    assert statuses["deadline"] == "fail"  # received long ago
    assert "证据库" in report["checks"][0]["message"]
    r = await agent.post(f"/v1/cases/{case['id']}/preflight", json={"lang": "fr"})
    assert r.status == 400


async def test_case_routes_need_the_token(agent):
    r = await agent.get("/v1/cases", auth=False)
    assert r.status == 401
    r = await agent.post("/v1/cases", json=ROW, headers={"Origin": "https://evil.example"})
    assert r.status == 403


async def test_preflight_reads_the_documents_once_the_vault_is_unlocked(agent, home):
    from iprdesk.vault import Vault
    from iprdesk.vault.crypto import KdfParams
    from tests.pdfs import AGREEMENT, PAYMENT, text_pdf

    case = await new_case(agent, products=["6a1f00aa01"])
    vault = Vault.create(home, "correct horse battery staple 42", kdf=KdfParams.floor())
    agreement = AGREEMENT.format(store=ROW["store_id"], products="6a1f00aa01")
    vault.add(text_pdf(agreement), {"kind": "agreement", "case": case["id"]})
    vault.add(text_pdf(PAYMENT.format(store=ROW["store_id"])),
              {"kind": "payment", "case": case["id"]})

    async def statuses():
        r = await agent.post(f"/v1/cases/{case['id']}/preflight", json={})
        return {c["id"]: c["status"] for c in (await r.json())["checks"]}

    assert (await statuses())["agreement.products"] == "unknown"  # locked
    r = await agent.post("/v1/vault/unlock", json={"passphrase": "correct horse battery staple 42"})
    assert r.status == 200
    got = await statuses()
    for check in ("agreement.names_joom", "agreement.products", "payment.memo",
                  "payment.amount_date"):
        assert got[check] == "pass", check


async def test_old_urls_added_to_a_case_are_kept_and_watched(agent):
    case = await new_case(agent)
    old = ["https://img.joomcdn.net/aa/old-main.jpg", "https://img.joomcdn.net/aa/old-extra.jpg"]
    r = await agent.post(f"/v1/cases/{case['complaint_id']}/urls", json={"urls": old})
    assert r.status == 200, await r.text()
    assert (await r.json())["old_urls"] == old
    # Again with one of them: kept once.
    r = await agent.post(f"/v1/cases/{case['id']}/urls", json={"urls": [old[0]]})
    assert (await r.json())["old_urls"] == old
    watched = (await (await agent.get(f"/v1/urls/watch?case={case['id']}")).json())["urls"]
    assert {w["url"] for w in watched if not w.get("variant_of")} == set(old)


@pytest.mark.parametrize(("body", "code"), [
    ({}, "bad_input"), ({"urls": []}, "bad_input"),
    ({"urls": "https://a.example/x.jpg"}, "bad_input"),
    ({"urls": [7]}, "bad_input"), ({"urls": ["not a url"]}, "bad_url"),
    ({"urls": ["file:///etc/passwd"]}, "bad_url"),
])
async def test_old_urls_refused_whole(agent, body, code):
    case = await new_case(agent)
    r = await agent.post(f"/v1/cases/{case['id']}/urls", json=body)
    assert r.status == 400 and (await r.json())["error"]["code"] == code
    assert (await (await agent.get(f"/v1/cases/{case['id']}")).json())["old_urls"] == []


async def test_old_urls_of_an_unknown_case(agent):
    r = await agent.post("/v1/cases/c-00000000/urls", json={"urls": ["https://a.example/x.jpg"]})
    assert r.status == 404 and (await r.json())["error"]["code"] == "unknown_case"
