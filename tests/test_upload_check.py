"""A new image checked at upload against the complained images of the case whose product the
Panel page edits: in the same POST /v1/strip that cleans it."""

import base64
import json
from datetime import timedelta
from urllib.parse import quote

import pytest
from bench.imagegen import EDITS, jpeg, product_photo

from iprdesk import timeutil
from iprdesk.casework import cases, upload_check
from iprdesk.images import similar
from iprdesk.urls import watch as urlwatch
from tests.helpers import open_case

PRODUCT = "64f0c1e2a9b8c7d6e5f40312"
PAGE = f"https://merchant.joom.com/products/{PRODUCT}/edit"
COMPLAINED = product_photo(21, (600, 600))
OLD_URL = "https://img.joomcdn.net/" + "a" * 40 + "_1024_1024.jpeg"


def complained_case(home, complaint_id="CMP-21", products=(PRODUCT,), picture=COMPLAINED):
    """An open case on PRODUCT whose old URL served `picture`."""
    case = open_case(home, complaint_id, products=list(products))
    urlwatch.WatchList(home).add(case.id, [OLD_URL], similar.fingerprint_bytes(jpeg(picture)),
                                 now=timeutil.utc_now() + timedelta(days=1), variants=False)
    return case


async def upload(agent, data, page=PAGE, name="new.jpg"):
    query = f"?heic_to_jpeg=1&page={quote(page, safe='')}" if page is not None else ""
    r = await agent.post(f"/v1/strip{query}", data=data, headers={
        "Content-Type": "application/octet-stream", "X-Filename": quote(name)})
    assert r.status == 200, await r.text()
    return json.loads(base64.b64decode(r.headers["X-Iprdesk-Report"])), await r.read()


@pytest.mark.parametrize("edit", ["mirror", "crop-5%", "crop-left-20%", "pad-white-10%",
                                  "hue-60", "caption", "caption-top", "resize-50%"])
async def test_an_edit_of_the_complained_image_is_found_in_the_same_answer(agent, home, edit):
    case = complained_case(home)
    data = jpeg(EDITS[edit](COMPLAINED))
    report, cleaned = await upload(agent, data)
    assert cleaned[:2] == b"\xff\xd8"  # cleaned as ever
    check = report["case_check"]
    assert check["verdict"] in ("same", "near-duplicate") and check["complained"] == 1
    assert check["cases"] == [{"id": case.id, "complaint_id": "CMP-21"}]
    match = check["match"]
    assert (match["case"], match["complaint_id"], match["url"]) == (case.id, "CMP-21", OLD_URL)
    assert match["mirrored"] == (edit == "mirror")


async def test_a_new_photo_passes(agent, home):
    complained_case(home)
    report, _ = await upload(agent, jpeg(product_photo(22, (600, 600))))
    assert report["case_check"]["verdict"] == "different"
    assert report["case_check"]["match"] is None


async def test_only_the_page_of_a_case_product_is_checked(agent, home):
    complained_case(home)
    copy = jpeg(COMPLAINED)
    report, _ = await upload(agent, copy, page="https://merchant.joom.com/products/other/edit")
    assert report["case_check"] is None
    report, _ = await upload(agent, copy, page=None)
    assert "case_check" not in report
    # the product ID in the query works as in the path; a closed case checks nothing
    report, _ = await upload(agent, copy, page=f"https://merchant.joom.com/product?id={PRODUCT}")
    assert report["case_check"]["verdict"] == "same"
    cases.CaseStore(home).close(report["case_check"]["cases"][0]["id"])
    report, _ = await upload(agent, copy)
    assert report["case_check"] is None


async def test_a_case_with_no_known_complained_image_says_it_did_not_compare(agent, home):
    open_case(home, "CMP-30", products=[PRODUCT])
    report, _ = await upload(agent, jpeg(COMPLAINED))
    check = report["case_check"]
    assert (check["verdict"], check["reason"], check["complained"]) == (
        "unchecked", "no_complained_images", 0)


def test_only_the_page_cases_complained_images_count(home):
    complained_case(home)
    other = open_case(home, "CMP-99", products=["P9"])
    urlwatch.WatchList(home).add(other.id, ["https://img.joomcdn.net/" + "b" * 40 + ".jpeg"],
                                 similar.fingerprint_bytes(jpeg(product_photo(23))),
                                 now=timeutil.utc_now() + timedelta(days=1), variants=False)
    check = upload_check.check(home, jpeg(product_photo(23)), "x.jpg", PAGE)
    assert (check["verdict"], check["complained"]) == ("different", 1)


async def test_uploading_anyway_is_recorded_on_the_case(agent, home):
    case = complained_case(home)
    r = await agent.post(f"/v1/cases/{case.id}/events",
                         json={"event": upload_check.UPLOADED_ANYWAY})
    assert r.status == 200
    assert upload_check.UPLOADED_ANYWAY in (await r.json())["events"]
    assert upload_check.UPLOADED_ANYWAY in cases.CaseStore(home).get(case.id).events


def test_the_product_a_page_gives(home):
    """The product the upload guard's originals are sealed under: an open case's product the
    address names (in the path or the query), else the Panel's product edit address's id."""
    open_case(home, "CMP-40", products=["P7", "6a1f00aa01"])
    panel = "https://merchant.joom.com"
    assert upload_check.page_product(home, f"{panel}/product?id=6a1f00aa01&tab=images") == \
        "6a1f00aa01"
    assert upload_check.page_product(home, f"{panel}/products/{PRODUCT}/edit") == PRODUCT
    assert upload_check.page_product(home, f"{panel}/products/{PRODUCT}/edit?x=1") == PRODUCT
    for no_product in (f"{panel}/products/edit", f"{panel}/ipr/complaints",
                       f"{panel}/products/{PRODUCT}/editor", None, ""):
        assert upload_check.page_product(home, no_product) is None, no_product
    assert upload_check.page_product(home, f"{panel}/products/a%20b/edit") == "a b"
