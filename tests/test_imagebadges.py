"""The product page badge of each image, through the agent route."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from bench.imagegen import EDITS, jpeg, product_photo

from iprdesk import timeutil
from iprdesk.images import similar
from iprdesk.urls import check as urlcheck
from iprdesk.urls import watch as urlwatch
from tests import image_fixtures as fx
from tests.helpers import open_case

pytestmark = pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO")

OLD_URL = "https://img.joomcdn.net/" + "ab" * 20 + "_1024_1024.jpeg"
OLD = product_photo(5, (600, 600))


def watch_live_old_url(home, url=OLD_URL):
    """A case whose old URL served OLD and was still live at its last check."""
    watch = urlwatch.WatchList(home)
    later = timeutil.utc_now() + timedelta(days=1)  # not due: the scheduler leaves it alone
    watch.add("C-1", [url], similar.fingerprint_bytes(jpeg(OLD)), now=later, variants=False)
    result = urlcheck.CheckResult(
        url=url, verdict="live", reason=urlcheck.reason("serves_image"), status=200,
        final_url=url, redirects=[], headers={}, body_sha256=None, body_bytes=1,
        checked_at=timeutil.iso(timeutil.utc_now()), elapsed_ms=1, attempts=1)
    watch.record([("C-1", result, None)], later)


async def assess(agent, data: bytes, url: str | None = None, lang: str | None = None):
    r = await agent.post("/v1/images/assess", params={"url": url} if url else None, data=data,
                         headers={"Content-Type": "application/octet-stream",
                                  "X-Filename": "photo%201.jpg",
                                  **({"Accept-Language": lang} if lang else {})})
    assert r.status == 200, await r.text()
    return await r.json()


async def test_each_badge(agent, home):
    watch_live_old_url(home)
    clean_new = jpeg(product_photo(77, (600, 600)))
    assert (await assess(agent, clean_new))["badges"] == ["fine"]

    mirrored = await assess(agent, jpeg(EDITS["mirror"](OLD)),
                            "https://img.joomcdn.net/" + "cd" * 20 + "_original.jpeg")
    assert mirrored["badges"] == ["near-duplicate"]
    assert mirrored["near_duplicate"]["complained"] == f"C-1: {OLD_URL}"
    assert mirrored["near_duplicate"]["mirrored"] is True

    gps = await assess(agent, fx.photo_jpeg(size=(320, 240)))
    assert gps["badges"] == ["metadata"]
    assert "iPhone 14 Pro" in gps["metadata"]["summary"]["en"]
    assert gps["metadata"]["summary"]["zh_CN"]

    # another size of the same upload as the live old URL, still showing the old picture
    other_size = OLD_URL.replace("_1024_1024", "_75_100")
    both = await assess(agent, jpeg(OLD), other_size)
    assert both["badges"] == ["near-duplicate", "old-url-live"]
    assert both["old_url"]["url"] == OLD_URL and both["old_url"]["verdict"] == "live"


async def test_a_complained_image_dropped_as_a_file_counts_for_the_badges(agent, home):
    """The badge compares with the complained pictures the seller dropped on a case page as
    well as those the old URLs served: a mirrored copy of a dropped one is a near-duplicate."""
    dropped = product_photo(61, (700, 700))
    case = open_case(home, "CMP-BADGE")
    copy = jpeg(EDITS["mirror"](dropped))
    assert (await assess(agent, copy))["badges"] == ["fine"]
    r = await agent.post(f"/v1/cases/{case.id}/complained", data=jpeg(dropped), headers={
        "Content-Type": "application/octet-stream", "X-Filename": quote("投诉图.jpg")})
    assert r.status == 201, await r.text()
    found = await assess(agent, copy)
    assert found["badges"] == ["near-duplicate"]
    assert found["near_duplicate"]["complained"] == f"{case.id}: 投诉图.jpg"
    assert found["near_duplicate"]["mirrored"] is True
    # A picture unlike it stays fine.
    assert (await assess(agent, jpeg(product_photo(62, (700, 700)))))["badges"] == ["fine"]


async def test_unreadable_and_unloaded_images(agent, home):
    r = await assess(agent, b"<html>not an image</html>")
    assert r["badges"] == [] and r["unreadable"]["code"] == "not_an_image"
    r = await assess(agent, b"", "https://img.joomcdn.net/" + "ef" * 20 + "_original.jpeg")
    assert r["badges"] == [] and r["unreadable"]["code"] == "not_fetched"


async def test_a_picture_too_big_to_decode_is_named_and_the_old_url_still_checked(agent, home):
    watch_live_old_url(home)
    r = await assess(agent, fx.transparent_png(13000), OLD_URL)  # 657 KB, 2.7 GB decoded
    assert r["badges"] == ["old-url-live"]
    assert r["unreadable"]["code"] == "too_many_pixels"
    assert r["unreadable"]["message"].startswith("photo 1.jpg is 13000 x 13000 pixels")
    r = await assess(agent, fx.transparent_png(13000), OLD_URL, lang="zh-CN,zh;q=0.9,en;q=0.8")
    assert r["unreadable"]["message"].startswith("photo 1.jpg 有 13000 x 13000 像素")


async def test_heic_is_not_converted_to_assess_it(agent):
    r = await assess(agent, fx.heic())
    assert r["badges"] == [] and r["unreadable"]["code"] == "unsupported_format"
    assert "HEIC" in r["unreadable"]["message"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x/y.jpg"])
async def test_bad_url_is_refused(agent, url):
    r = await agent.post("/v1/images/assess", params={"url": url}, data=b"",
                         headers={"Content-Type": "application/octet-stream"})
    assert r.status == 400 and (await r.json())["error"]["code"] == "bad_url"
