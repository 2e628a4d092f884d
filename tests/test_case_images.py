"""A case's pictures (casework/case_images.py, issue 13): thumbnails of the new images (from the
unlocked vault) and of the complained ones (kept when an old URL first served its picture, or
dropped as a file), complained images dropped as files counted by the upload check and the
preflight, and the copies the upload check caught: held, uploaded anyway, removed."""

import base64
import io
import json
from datetime import timedelta
from urllib.parse import quote

import aiohttp
import pytest
from bench.imagegen import EDITS, jpeg, product_photo
from PIL import Image

from iprdesk import timeutil
from iprdesk.casework import case_images, preflight, upload_check
from iprdesk.casework.cases import CaseStore
from iprdesk.images import similar, thumbnails
from iprdesk.urls import watch as urlwatch
from tests.conftest import VAULT_PASSPHRASE
from tests.helpers import open_case
from tests.mockcdn import DEFAULT_JPEG, OLD_JPEG

PRODUCT = "64f0c1e2a9b8c7d6e5f40312"
PAGE = f"https://merchant.joom.com/products/{PRODUCT}/edit"
COMPLAINED = jpeg(product_photo(51, (900, 700)))


def picture_of(uri: str) -> Image.Image:
    assert uri.startswith("data:image/jpeg;base64,")
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))


async def error_of(response, status):
    assert response.status == status, await response.text()
    return (await response.json())["error"]


async def drop(agent, case, data, name="complained.jpg"):
    return await agent.post(f"/v1/cases/{case}/complained", data=data, headers={
        "Content-Type": "application/octet-stream", "X-Filename": quote(name)})


def replaced(home, case):
    """The preflight's images.replaced: (status, the files its message names)."""
    [check] = [c for c in preflight.run(case, preflight.gather(home, case), timeutil.utc_now())
               if c.id == "images.replaced"]
    return check.status, [f for f in ("mirror.jpg",) if f in check.message("en")]


def test_a_thumbnail_is_small_upright_and_refuses_what_is_no_picture():
    small = Image.open(io.BytesIO(thumbnails.thumbnail(COMPLAINED)))
    assert small.format == "JPEG" and max(small.size) == thumbnails.SIDE
    assert small.size == (160, 124)  # the 900 x 700 picture's shape kept
    with pytest.raises(Exception) as e:
        thumbnails.thumbnail(b"%PDF-1.4 not a picture")
    assert e.value.code == "not_an_image"


async def test_a_complained_image_dropped_as_a_file_is_kept_and_compared(home, agent):
    case = open_case(home, "CMP-DROP", products=[PRODUCT])
    r = await drop(agent, "CMP-DROP", COMPLAINED, "投诉图.jpg")
    assert r.status == 201, await r.text()
    kept = await r.json()
    assert kept["name"] == "投诉图.jpg" and "fingerprint" not in kept
    assert max(picture_of(kept["thumbnail"]).size) <= 160
    # The same picture again is the one kept; no picture is refused, nothing kept.
    again = await (await drop(agent, case.id, COMPLAINED, "again.jpg")).json()
    assert again["id"] == kept["id"]
    assert (await error_of(await drop(agent, case.id, b"not a picture"), 400))["code"] == \
        "not_an_image"
    assert len(case_images.CaseImages(home).complained(case.id)) == 1
    assert (await error_of(await drop(agent, "CMP-NONE", COMPLAINED), 404))["code"] == \
        "unknown_case"
    # The upload check compares a mirrored copy with it; so does the preflight.
    check = upload_check.check(home, jpeg(EDITS["mirror"](Image.open(io.BytesIO(COMPLAINED)))),
                               "copy.jpg", PAGE)
    assert check["verdict"] in ("same", "near-duplicate") and check["complained"] == 1
    assert check["match"]["url"] == "投诉图.jpg"
    inputs = preflight.gather(home, case)
    assert [label for label, _ in inputs.complained_references] == ["投诉图.jpg"]
    # The case page lists it among the complained images, with its thumbnail.
    shown = await (await agent.get(f"/v1/cases/{case.id}/images")).json()
    assert shown["vault"] == "missing" and shown["new"] is None
    assert [(p["source"], p["name"]) for p in shown["complained"]] == [("file", "投诉图.jpg")]
    assert shown["complained"][0]["thumbnail"] == kept["thumbnail"]


async def test_the_picture_an_old_url_first_served_keeps_its_thumbnail(home, agent, cdn):
    case = open_case(home, "CMP-URLTHUMB")
    url = f"{cdn.base}/old.jpg"
    await agent.post(f"/v1/cases/{case.id}/urls", json={"urls": [url]})
    before = await (await agent.get(f"/v1/cases/{case.id}/images")).json()
    assert [(p["url"], p["state"], p["thumbnail"]) for p in before["complained"]] == [
        (url, "pending", None)]
    r = await agent.post("/v1/urls/watch/check", json={"case": case.id})
    assert r.status == 200, await r.text()
    assert "thumbnail" not in (await r.json())["urls"][0]  # kept, not sent with every listing
    shown = (await (await agent.get(f"/v1/cases/{case.id}/images")).json())["complained"]
    assert shown[0]["state"] == "live"
    small = picture_of(shown[0]["thumbnail"])
    assert max(small.size) == 160
    [watched] = urlwatch.WatchList(home).list(case.id)
    assert base64.b64decode(watched.thumbnail) == thumbnails.thumbnail(OLD_JPEG)


def watched_before_thumbnails(home, case, url):
    """An old URL watched as before thumbnails were kept: its complained picture's fingerprint
    (OLD_JPEG as served) and no thumbnail."""
    watch = urlwatch.WatchList(home)
    later = timeutil.utc_now() + timedelta(days=1)  # not due: the scheduler leaves it alone
    watch.add(case, [url], similar.fingerprint_bytes(OLD_JPEG), now=later, variants=False)
    CaseStore(home).add_urls(case, [url])
    [w] = watch.list(case)
    assert w.reference and w.thumbnail is None
    return watch


async def test_a_picture_recorded_before_thumbnails_gets_one_from_the_vault_copy(vault_home, agent):
    case = open_case(vault_home, "CMP-OLDTHUMB")
    url = "https://images.example/old.jpg"  # never due in this test: not fetched
    watch = watched_before_thumbnails(vault_home, case.id, url)
    # The vault holds a copy of those very bytes under the case (captured as evidence once).
    form = aiohttp.FormData()
    form.add_field("meta", json.dumps({"case": case.id, "kind": "screenshot"}),
                   content_type="application/json")
    form.add_field("file", OLD_JPEG, filename="complained.jpg", content_type="image/jpeg")
    assert (await agent.post("/v1/evidence", data=form)).status == 201
    # Locked, the page cannot read the copy: still none, and nothing is written.
    locked = (await (await agent.get(f"/v1/cases/{case.id}/images")).json())["complained"]
    assert [(p["url"], p["thumbnail"]) for p in locked] == [(url, None)]
    await agent.post("/v1/vault/unlock", json={"passphrase": VAULT_PASSPHRASE})
    shown = (await (await agent.get(f"/v1/cases/{case.id}/images")).json())["complained"]
    assert max(picture_of(shown[0]["thumbnail"]).size) == 160
    # Kept beside the fingerprint: read locked from now on, by the bundle's report too.
    [w] = watch.list(case.id)
    assert base64.b64decode(w.thumbnail) == thumbnails.thumbnail(OLD_JPEG)


async def test_a_picture_recorded_before_thumbnails_gets_one_at_its_next_live_check(
        home, agent, cdn):
    case = open_case(home, "CMP-OLDLIVE")
    url = f"{cdn.base}/old.jpg"  # still serves OLD_JPEG
    watch = watched_before_thumbnails(home, case.id, url)
    shown = (await (await agent.get(f"/v1/cases/{case.id}/images")).json())["complained"]
    assert (shown[0]["served"], shown[0]["thumbnail"]) == (True, None)  # no copy in a vault
    r = await agent.post("/v1/urls/watch/check", json={"case": case.id})
    assert r.status == 200, await r.text()
    [w] = watch.list(case.id)
    assert w.last["verdict"] == "live"
    assert base64.b64decode(w.thumbnail) == thumbnails.thumbnail(OLD_JPEG)
    shown = (await (await agent.get(f"/v1/cases/{case.id}/images")).json())["complained"]
    assert max(picture_of(shown[0]["thumbnail"]).size) == 160


async def test_a_placeholder_served_later_gives_no_thumbnail(home, agent, cdn):
    """The URL now serves another picture (Joom's "removed" image): not the complained one,
    so no thumbnail is made of it."""
    case = open_case(home, "CMP-OLDSWAP")
    url = f"{cdn.base}/swap.jpg"
    watch = watched_before_thumbnails(home, case.id, url)
    cdn.swap_body = DEFAULT_JPEG
    assert (await agent.post("/v1/urls/watch/check", json={"case": case.id})).status == 200
    [w] = watch.list(case.id)
    assert w.last["verdict"] != "live" and w.thumbnail is None


async def test_the_new_images_thumbnails_need_the_unlocked_vault(vault_home, agent):
    case = open_case(vault_home, "CMP-NEW")
    form = aiohttp.FormData()
    form.add_field("meta", json.dumps({"case": case.id, "kind": "photo"}),
                   content_type="application/json")
    form.add_field("file", COMPLAINED, filename="new-1.jpg", content_type="image/jpeg")
    [item] = (await (await agent.post("/v1/evidence", data=form)).json())["items"]
    locked = await (await agent.get(f"/v1/cases/{case.id}/images")).json()
    assert (locked["vault"], locked["new"]) == ("locked", None)
    await agent.post("/v1/vault/unlock", json={"passphrase": VAULT_PASSPHRASE})
    shown = await (await agent.get(f"/v1/cases/{case.id}/images")).json()
    assert shown["vault"] == "unlocked"
    assert [(p["id"], p["name"]) for p in shown["new"]] == [(item["id"], "new-1.jpg")]
    assert max(picture_of(shown["new"][0]["thumbnail"]).size) == 160
    # new=0: the page's timeline, which shows no new image, reads no vault object.
    light = await (await agent.get(f"/v1/cases/{case.id}/images?new=0")).json()
    assert light["new"] is None


async def test_a_copy_caught_at_upload_is_held_then_uploaded_anyway_then_removed(home, agent,
                                                                                 cdn):
    case = open_case(home, "CMP-COPY", products=[PRODUCT])
    await drop(agent, case.id, COMPLAINED)
    copy = jpeg(EDITS["mirror"](Image.open(io.BytesIO(COMPLAINED))))
    r = await agent.post(f"/v1/strip?page={quote(PAGE, safe='')}", data=copy, headers={
        "Content-Type": "application/octet-stream", "X-Filename": quote("mirror.jpg")})
    match = json.loads(base64.b64decode(r.headers["X-Iprdesk-Report"]))["case_check"]["match"]
    held = case_images.CaseImages(home).caught(case.id)
    assert [(p.id, p.name, p.state) for p in held] == [(match["caught"], "mirror.jpg", "held")]
    # Held copies (the seller cancelled, or has not chosen) are not shown.
    assert (await (await agent.get(f"/v1/cases/{case.id}/images")).json())["caught"] == []
    # Only a copy uploaded anyway can be marked removed.
    assert (await error_of(await removed(agent, case.id, match["caught"], []),
                           409))["code"] == "copy_state"

    # "Upload anyway" names it: the event is recorded and the copy marked uploaded.
    for body in ({"event": "responded", "caught": match["caught"]},
                 {"event": upload_check.UPLOADED_ANYWAY, "caught": 7}):
        await error_of(await agent.post(f"/v1/cases/{case.id}/events", json=body), 400)
    r = await agent.post(f"/v1/cases/{case.id}/events",
                         json={"event": upload_check.UPLOADED_ANYWAY, "caught": match["caught"]})
    assert r.status == 200, await r.text()
    assert upload_check.UPLOADED_ANYWAY in (await r.json())["events"]
    [shown] = (await (await agent.get(f"/v1/cases/{case.id}/images")).json())["caught"]
    assert (shown["state"], shown["like"]) == ("uploaded", "complained.jpg")
    assert shown["uploaded_at"] and shown["removed_at"] is None
    assert max(picture_of(shown["thumbnail"]).size) == 160
    assert [p.name for p in case_images.uploaded_copies(home, case.id)] == ["mirror.jpg"]
    # On the product, it fails the preflight's replaced-images check, whatever else is known.
    assert replaced(home, case) == ("fail", ["mirror.jpg"])

    # The seller took it off the product: the product page, read in their browser, shows
    # other pictures only. Removed as checked, once.
    other = [{"page": PAGE, "images": [f"{cdn.base}/default.jpg"], "problem": None}]
    r = await removed(agent, case.id, match["caught"], other)
    assert r.status == 200, await r.text()
    assert [(await r.json())[k] for k in ("state", "removal")] == ["removed", "checked"]
    assert case_images.uploaded_copies(home, case.id) == []
    assert case_images.stated_removals(home, case.id) == []
    assert replaced(home, case) == ("unknown", [])  # no new image given yet: not a pass either
    await error_of(await removed(agent, case.id, match["caught"], other), 409)
    assert (await error_of(await removed(agent, case.id, "nope", other),
                           404))["key"] == "error.case_images.no_such_copy"


async def removed(agent, case, caught, pages):
    return await agent.post(f"/v1/cases/{case}/caught/{caught}/removed", json={"pages": pages})


def uploaded_anyway(home, case, name="mirror.jpg"):
    """A mirrored copy of the complained picture, caught and uploaded anyway: its bytes."""
    store = case_images.CaseImages(home)
    data = jpeg(EDITS["mirror"](Image.open(io.BytesIO(COMPLAINED))))
    copy = store.add_caught(case, data, name, "complained.jpg")
    store.uploaded_anyway(case, copy.id)
    return copy.id, data


async def test_a_removal_is_checked_against_the_product_page_or_said_to_be_the_sellers_word(
        home, agent, cdn):
    case = open_case(home, "CMP-GONE", products=[PRODUCT])
    caught, data = uploaded_anyway(home, case.id)
    cdn.swap_body = data  # the product page still shows the copy (as Joom re-serves it)
    shows = [{"page": PAGE, "images": [f"{cdn.base}/default.jpg", f"{cdn.base}/swap.jpg"],
              "problem": None}]
    error = await error_of(await removed(agent, case.id, caught, shows), 409)
    assert error["code"] == "still_shown" and f"{cdn.base}/swap.jpg" in error["message"]
    zh = await agent.post(f"/v1/cases/{case.id}/caught/{caught}/removed", json={"pages": shows},
                          headers={"Accept-Language": "zh-CN"})
    assert "仍在商品页面上" in (await error_of(zh, 409))["message"]
    assert [p.name for p in case_images.uploaded_copies(home, case.id)] == ["mirror.jpg"]
    assert replaced(home, case) == ("fail", ["mirror.jpg"])

    # The Panel did not show the product page (signed out): removed on the seller's word
    # only, said so, and the preflight does not count it as replaced.
    r = await removed(agent, case.id, caught, [{"page": PAGE, "images": [],
                                                 "problem": "not_shown"}])
    assert r.status == 200, await r.text()
    said = await r.json()
    assert (said["state"], said["removal"], said["removal_problem"]) == \
        ("removed", "stated", "not_shown")
    assert [p.name for p in case_images.stated_removals(home, case.id)] == ["mirror.jpg"]
    assert replaced(home, case) == ("unknown", ["mirror.jpg"])
    # A page not seen to finish loading, no image on it yet (content/main.js): the same, and
    # why said so.
    r = await removed(agent, case.id, caught, [{"page": PAGE, "images": [],
                                                 "problem": "unconfirmed"}])
    assert r.status == 200, await r.text()
    assert ((await r.json())["removal"], (await r.json())["removal_problem"]) == \
        ("stated", "unconfirmed")
    assert replaced(home, case) == ("unknown", ["mirror.jpg"])
    # One that showed images, not the copy, but was not seen to finish loading: maybe not all
    # of them, so the removal is still the seller's word.
    r = await removed(agent, case.id, caught, [{"page": PAGE, "images": [f"{cdn.base}/default.jpg"],
                                                 "problem": "incomplete"}])
    assert r.status == 200, await r.text()
    assert ((await r.json())["removal"], (await r.json())["removal_problem"]) == \
        ("stated", "incomplete")
    assert replaced(home, case) == ("unknown", ["mirror.jpg"])

    # Checked again once the page can be read: still there after all, so back on the product.
    await error_of(await removed(agent, case.id, caught, shows), 409)
    [back] = case_images.CaseImages(home).caught(case.id)
    assert (back.state, back.removal, back.removed_at) == ("uploaded", None, None)
    assert back.uploaded_at == said["uploaded_at"]
    # Taken off for real: checked.
    cdn.swap_body = DEFAULT_JPEG
    r = await removed(agent, case.id, caught, shows)
    assert (await r.json())["removal"] == "checked"
    assert case_images.stated_removals(home, case.id) == []


@pytest.mark.parametrize("pages, problem", [
    ([], "no_pages"),
    ([{"page": PAGE, "images": [], "problem": "unreadable"}], "unreadable"),
    ([{"page": PAGE, "images": ["http://127.0.0.1:9/gone.jpg"], "problem": None}], "unfetched"),
])
async def test_what_cannot_be_checked_is_the_sellers_statement(home, agent, pages, problem):
    case = open_case(home, "CMP-STATED", products=[PRODUCT])
    caught, _ = uploaded_anyway(home, case.id)
    r = await removed(agent, case.id, caught, pages)
    assert r.status == 200, await r.text()
    assert [(await r.json())[k] for k in ("removal", "removal_problem")] == ["stated", problem]
    assert replaced(home, case) == ("unknown", ["mirror.jpg"])


@pytest.mark.parametrize("body", [{}, {"pages": "x"}, {"pages": [{"images": [1]}]},
                                  {"pages": [{"images": [], "problem": "other"}]}])
async def test_pages_not_as_read_are_refused(home, agent, body):
    case = open_case(home, "CMP-BADPAGES", products=[PRODUCT])
    caught, _ = uploaded_anyway(home, case.id)
    r = await agent.post(f"/v1/cases/{case.id}/caught/{caught}/removed", json=body)
    assert (await error_of(r, 400))["key"] == "error.case_images.bad_pages"
    assert [p.state for p in case_images.CaseImages(home).caught(case.id)] == ["uploaded"]


def test_a_damaged_store_is_an_error_naming_it(home):
    (home / "case-images.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(Exception) as e:
        case_images.CaseImages(home).complained("c-00000000")
    assert e.value.code == "case_images_damaged" and "case-images.json" in str(e.value)
