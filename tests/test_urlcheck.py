"""Dead-URL checks against a local CDN reproducing each behaviour (tests/mockcdn.py)."""

import asyncio
import json
import socket
import time
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from iprdesk import timeutil
from iprdesk.cli import main
from iprdesk.urls import check as urlcheck
from tests import image_fixtures as fx
from tests.mockcdn import JOOM_ID, OLD_JPEG, SOFT_404

FAST = dict(timeout=1.0, backoff=0.05)


def refused_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


async def check(cdn, path, reference=OLD_JPEG, **options):
    results = await urlcheck.check_urls([f"{cdn.base}/{path}"], reference=reference,
                                        options=urlcheck.Options(**{**FAST, **options}))
    assert len(results) == 1
    return results[0]


@pytest.mark.parametrize("path,status", [("gone-404", 404), ("gone-410", 410),
                                         ("forbidden", 403)])
async def test_not_found_gone_and_forbidden_are_dead(cdn, path, status):
    r = await check(cdn, path)
    assert (r.verdict, r.status, r.reason["code"]) == ("dead", status, "http_dead")
    assert r.recheck_after is None


@pytest.mark.parametrize("path", ["old.jpg", "old-recompressed.jpg"])
async def test_old_picture_is_live_even_recompressed(cdn, path):
    r = await check(cdn, path)
    assert r.verdict == "live" and r.reason["code"] == "serves_reference"
    assert r.match["verdict"] in ("same", "near-duplicate")
    assert r.body_sha256 and r.body_bytes > 0 and r.recheck_after


async def test_a_picture_from_the_origin_is_live_on_one_request(cdn):
    """No Age and no cache status saying hit: the origin answered, which is all a
    cache-busted request could reach, so none is made, and the result says why."""
    r = await check(cdn, "old.jpg")
    assert r.verdict == "live" and r.cache_busted is None
    assert r.cache["code"] == "origin_answered"
    assert "answered by the origin: no cache said it answered" in r.cache["en"]
    assert "由源站应答" in r.cache["zh_CN"]
    assert sum(cdn.hits.values()) == 1
    # A cache that says it went to the origin (MISS, Age 0...) passes on the origin's answer.
    cdn.hits.clear()
    r = await check(cdn, "cached/miss.jpg")
    assert (r.verdict, r.cache["code"], r.cache_busted) == ("live", "origin_answered", None)
    assert r.headers["x-cache"] == "MISS" and r.headers["cache-status"] == "ExampleCDN; fwd=miss"
    assert sum(cdn.hits.values()) == 1


@pytest.mark.parametrize("name,sign", [
    ("age", "age: 120"), ("bad-age", "age: soon"),
    ("cloudfront-hit", "x-cache: Hit from cloudfront"),
    ("akamai-hit", "x-cache: TCP_MEM_HIT"), ("cloudflare-hit", "cf-cache-status: HIT"),
    ("nginx-stale", "x-cache-status: STALE"),
    ("cache-status-hit", "cache-status: ExampleCDN; hit")])
async def test_any_sign_of_a_cache_asks_again_past_it(cdn, name, sign):
    """Whichever header says a cache answered, the picture is asked for again with the cache
    bypassed, and an origin that lost it makes the verdict stale-cache."""
    r = await check(cdn, f"cached/{name}.jpg")
    assert (r.verdict, r.reason["code"]) == ("stale-cache", "edge_cache")
    assert r.cache["code"] == "cache_answered"
    assert sign in r.cache["en"] and sign in r.cache["zh_CN"] and "由缓存应答" in r.cache["zh_CN"]
    assert r.cache_busted["status"] == 404
    assert sum(cdn.hits.values()) == 2


async def test_a_cached_picture_the_origin_still_has_is_live(cdn):
    r = await check(cdn, "cached/hit-origin-has-it.jpg")
    assert (r.verdict, r.cache["code"]) == ("live", "cache_answered")
    assert "age: 30, x-cache: HIT" in r.cache["en"]
    assert (r.cache_busted["status"], r.cache_busted["verdict"]) == (200, "live")
    assert sum(cdn.hits.values()) == 2


def test_cache_signs():
    assert urlcheck.cache_signs({}) == []
    assert urlcheck.cache_signs({"age": "0", "x-cache": "Miss from cloudfront",
                                 "cf-cache-status": "DYNAMIC", "via": "1.1 varnish"}) == []
    assert urlcheck.cache_signs({"age": "7", "cf-cache-status": "REVALIDATED",
                                 "x-cache-status": "UPDATING"}) == [
        "age: 7", "cf-cache-status: REVALIDATED", "x-cache-status: UPDATING"]
    assert urlcheck.cache_signs({"x-cache": "HIT, MISS"}) == ["x-cache: HIT, MISS"]  # shielded


async def test_a_check_is_timed_to_the_millisecond(cdn):
    """A scheduled check and "check now" can come within one second, one seeing the picture
    and the next seeing it gone: which came last must be read from their times."""
    before = datetime.now(UTC)
    r = await check(cdn, "gone-404")
    after = datetime.now(UTC)
    checked = timeutil.parse_time(r.checked_at)
    assert before.replace(microsecond=before.microsecond // 1000 * 1000) <= checked <= after


async def test_without_reference_any_image_is_live(cdn):
    r = await check(cdn, "placeholder.jpg", reference=None)
    assert (r.verdict, r.reason["code"]) == ("live", "serves_image")
    assert r.image and r.thumbnail is None  # a batch makes no thumbnail: only the watch keeps one
    async with urlcheck.Checker(urlcheck.Options(**FAST)) as checker:
        r = await checker.check(f"{cdn.base}/placeholder.jpg", thumbnail=True)
    assert r.verdict == "live" and r.thumbnail


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'


@pytest.mark.parametrize("body,verdict,code", [
    (OLD_JPEG, "live", "serves_image"),
    # Pillow opens its header, but the scans stop half way: not a picture served.
    (OLD_JPEG[:len(OLD_JPEG) // 2], "placeholder", "serves_non_image"),
    (SOFT_404, "placeholder", "serves_non_image"),
    (SVG, "placeholder", "serves_non_image"),
    (fx.png_claiming(13000, 13000), "unknown", "image_too_big"),
])
async def test_a_check_without_reference_fingerprints_only_when_asked(cdn, body, verdict, code):
    """Without a reference, the verdict only needs the body to decode as a picture: the
    fingerprint (the watch list's reference, a record's) comes only with `fingerprints`,
    and the verdict is the same either way."""
    cdn.swap_body = body
    plain = await check(cdn, "swap.jpg", reference=None, fingerprints=False)
    asked = await check(cdn, "swap.jpg", reference=None)
    assert (plain.verdict, plain.reason["code"]) == (verdict, code)
    assert (asked.verdict, asked.reason) == (plain.verdict, plain.reason)
    assert plain.image is None
    assert bool(asked.image) == (verdict == "live")


async def test_a_reference_is_compared_without_asking_for_fingerprints(cdn):
    r = await check(cdn, "placeholder.jpg", fingerprints=False)
    assert (r.verdict, r.reason["code"]) == ("placeholder", "serves_other_image")
    assert r.image and r.match["verdict"] == "different"


async def test_default_image_and_html_soft_404_are_placeholders(cdn):
    r = await check(cdn, "placeholder.jpg")
    assert (r.verdict, r.reason["code"]) == ("placeholder", "serves_other_image")
    r = await check(cdn, "soft-404.jpg")
    assert (r.verdict, r.reason["code"]) == ("placeholder", "serves_non_image")
    assert "text/html" in r.reason["en"] and r.reason["zh_CN"]


async def test_a_picture_too_big_to_compare_is_unknown_not_a_placeholder(cdn):
    cdn.swap_body = fx.png_claiming(13000, 13000)
    r = await check(cdn, "swap.jpg")
    assert (r.verdict, r.reason["code"]) == ("unknown", "image_too_big")
    assert r.reason["zh_CN"]


async def test_redirects_are_followed_and_recorded(cdn):
    r = await check(cdn, "to-default.jpg")
    assert r.verdict == "placeholder"
    assert [(h["status"], h["location"]) for h in r.redirects] == [
        (302, f"{cdn.base}/default.jpg")]
    assert r.final_url == f"{cdn.base}/default.jpg"
    r = await check(cdn, "to-404.jpg")
    assert (r.verdict, r.status) == ("dead", 404)
    assert [h["status"] for h in r.redirects] == [301, 302]


async def test_redirect_loop_and_bad_scheme_are_unknown(cdn):
    assert (await check(cdn, "loop")).reason["code"] == "redirect_loop"
    r = await check(cdn, "to-ftp")
    assert (r.verdict, r.reason["code"]) == ("unknown", "bad_redirect")


async def test_edge_cache_serving_a_dead_origin_is_stale_cache(cdn):
    r = await check(cdn, "stale.jpg")
    assert r.verdict == "stale-cache"
    assert r.headers["age"] == "3000" and r.headers["x-cache"] == "HIT"
    assert r.headers["cf-cache-status"] == "HIT"
    assert r.cache_busted["status"] == 404
    assert r.cache["code"] == "cache_answered"
    assert "age: 3000, x-cache: HIT, cf-cache-status: HIT" in r.cache["en"]
    # max-age 3600 minus Age 3000: the copy should expire within ten minutes
    # checked_at is to the millisecond, a time to act on to the second, as stored times are
    checked = urlcheck.datetime.fromisoformat(r.checked_at.replace("Z", "+00:00"))
    checked = checked.replace(microsecond=0)
    due = urlcheck.datetime.fromisoformat(r.recheck_after.replace("Z", "+00:00"))
    assert (due - checked).total_seconds() == 600


async def test_server_error_is_retried_then_the_answer_counts(cdn):
    r = await check(cdn, "flaky")
    assert (r.verdict, r.status, r.attempts) == ("dead", 404, 2)
    r = await check(cdn, "always-503", retries=2)
    assert (r.verdict, r.reason["code"], r.attempts) == ("unknown", "http_retry", 3)


async def test_retry_after_is_honoured(cdn):
    r = await check(cdn, "throttled")
    assert (r.verdict, r.status) == ("dead", 410)
    first, second = cdn.request_times[f"127.0.0.1:{cdn.base.rsplit(':', 1)[1]}/throttled"]
    assert second - first >= 0.95


async def test_long_retry_after_gives_up_as_unknown_and_says_when(cdn):
    r = await check(cdn, "throttled-long")
    assert (r.verdict, r.status, r.attempts) == ("unknown", 429, 1)  # one try: no waiting
    assert r.headers["retry-after"] == "3600"
    # checked_at is to the millisecond, a time to act on to the second, as stored times are
    checked = urlcheck.datetime.fromisoformat(r.checked_at.replace("Z", "+00:00"))
    checked = checked.replace(microsecond=0)
    due = urlcheck.datetime.fromisoformat(r.recheck_after.replace("Z", "+00:00"))
    assert (due - checked).total_seconds() == 3600


async def test_hang_times_out_as_unknown(cdn):
    started = time.monotonic()
    r = await check(cdn, "hang", timeout=0.3, retries=1)
    assert (r.verdict, r.reason["code"], r.attempts) == ("unknown", "timeout", 2)
    assert time.monotonic() - started < 15  # the timeout applied: the host never answers


async def test_an_abandoned_check_leaves_no_request_running(cdn):
    """Cancelled (the agent stopping, a route's client gone), a check takes its host's
    workers down with it: none is left waiting on the answer nobody will read."""
    # One at a time: the hang waits for the first answer, then a worker sends it.
    urls = [f"{cdn.base}/gone-404", f"{cdn.base}/hang", f"{cdn.base}/gone-410"]
    checking = asyncio.create_task(urlcheck.check_urls(
        urls, options=urlcheck.Options(timeout=60, per_host=1)))
    host = cdn.base.removeprefix("http://")
    while not cdn.hits[f"{host}/hang"]:
        await asyncio.sleep(0)  # a turn of the loop, until the request is at the CDN
    checking.cancel()
    done, _ = await asyncio.wait({checking}, timeout=30)  # not the 60 s of the hang's timeout
    assert done == {checking} and checking.cancelled()
    assert not [t for t in asyncio.all_tasks() if "_work" in repr(t.get_coro())]
    assert cdn.hits[f"{host}/gone-410"] == 0


async def test_refused_connection_is_unknown():
    r = (await urlcheck.check_urls([f"http://127.0.0.1:{refused_port()}/x.jpg"],
                                   options=urlcheck.Options(**FAST, retries=1)))[0]
    assert (r.verdict, r.reason["code"], r.status) == ("unknown", "network", None)


async def test_byte_cap(cdn):
    r = await check(cdn, "huge.jpg", max_bytes=1024 * 1024)
    assert (r.verdict, r.reason["code"], r.body_bytes) == ("unknown", "too_large", 1024 * 1024)


async def test_per_host_concurrency_limit(cdn):
    urls = [f"{cdn.base}/slow/{i}" for i in range(24)]
    results = await urlcheck.check_urls(urls, options=urlcheck.Options(**FAST, per_host=3))
    assert [r.url for r in results] == urls  # input order kept
    assert {r.verdict for r in results} == {"dead"}
    assert cdn.peak_in_flight == 3


async def test_joom_size_variants_through_the_proxy(cdn, monkeypatch):
    # HTTP_PROXY is honoured: the mock answers for img.joomcdn.net as a forward proxy.
    monkeypatch.setenv("HTTP_PROXY", cdn.base)
    url = f"http://img.joomcdn.net/{JOOM_ID}_1024_1024.jpeg"
    results = await urlcheck.check_urls([url], reference=OLD_JPEG,
                                        options=urlcheck.Options(**FAST))
    by_url = {r.url: r for r in results}
    assert by_url[url].verdict == "dead" and by_url[url].variant_of is None
    cdn_json = urlcheck.JoomCdn.load()
    assert len(results) == len(cdn_json.hosts) * len(cdn_json.sizes)
    live = sorted(r.url for r in results if r.verdict == "live")
    assert live == sorted(f"http://{h}/{JOOM_ID}_{s}.jpeg" for h in cdn_json.hosts
                          for s in ("original", "75_100"))
    assert all(r.variant_of == url for r in results if r.url != url)


async def test_no_proxy_is_honoured_and_no_netrc_credentials_are_sent(cdn, monkeypatch,
                                                                      tmp_path):
    """The proxy is looked up once per host (not by aiohttp at every request): NO_PROXY still
    sends a host's requests direct, and the user's ~/.netrc never answers for a public check."""
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login seller password secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{refused_port()}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    results = await urlcheck.check_urls([f"{cdn.base}/gone-404", f"{cdn.base}/old.jpg"],
                                        options=urlcheck.Options(**FAST, retries=0))
    assert [r.verdict for r in results] == ["dead", "live"]
    assert sum(cdn.hits.values()) == 2 and cdn.seen_authorization == []
    # Without NO_PROXY the same requests go to the (refusing) proxy.
    monkeypatch.delenv("NO_PROXY")
    [r] = await urlcheck.check_urls([f"{cdn.base}/gone-404"],
                                    options=urlcheck.Options(**FAST, retries=0))
    assert (r.verdict, r.reason["code"]) == ("unknown", "network")
    assert sum(cdn.hits.values()) == 2


async def test_a_cookie_one_answer_sets_is_not_sent_with_the_next_request(cdn, monkeypatch):
    """A public check: a visitor who follows a URL has no cookie from the others."""
    monkeypatch.setenv("HTTP_PROXY", cdn.base)  # a host name, whose cookies a jar would keep
    urls = ["http://img.joomcdn.net/gone-cookie", "http://img.joomcdn.net/gone-404"]
    results = await urlcheck.check_urls(urls, options=urlcheck.Options(**FAST, per_host=1))
    assert [r.verdict for r in results] == ["dead", "dead"]
    assert sum(cdn.hits.values()) == 2 and cdn.seen_cookies == []


def _joom(host: str, size: str) -> str:
    return f"http://{host}/{JOOM_ID}_{size}.jpeg"


async def test_a_live_image_settles_its_variants_which_are_not_fetched(cdn, monkeypatch):
    """Issue 16: once one URL of an image serves the picture, the image is still public
    whatever its other sizes say, so those not started yet are not fetched."""
    monkeypatch.setenv("HTTP_PROXY", cdn.base)
    hosts = urlcheck.JoomCdn.load().hosts
    given = _joom(hosts[0], "original")  # served: its 13 variants need no request at all
    results = await urlcheck.check_urls([given], reference=OLD_JPEG,
                                        options=urlcheck.Options(**FAST))
    assert [r.verdict for r in results][:1] == ["live"] and len(results) == 14
    for r in results[1:]:
        assert (r.verdict, r.reason["code"], r.attempts) == ("unknown", "variant_live", 0)
        assert r.variant_of == given and given in r.reason["en"] and given in r.reason["zh_CN"]
    assert sum(cdn.hits.values()) == 1  # the URL alone: the origin answered, nothing more

    # The URL given is gone: its variants are checked, one request at once per host here.
    # One host's first in line serves the picture while the other host's hangs: that one
    # ends in a timeout, and the rest waiting behind it are settled, never fetched.
    cdn.hits.clear()
    cdn.joom_held.add(hosts[1])
    given = _joom(hosts[0], "1024_1024")
    results = await urlcheck.check_urls([given], reference=OLD_JPEG, options=urlcheck.Options(
        timeout=3.0, retries=0, per_host=1))
    by_url = {r.url: r for r in results}
    assert by_url[given].verdict == "dead" and len(results) == 14
    assert by_url[_joom(hosts[0], "original")].verdict == "live"  # first in line on hosts[0]
    slow = [_joom(hosts[1], size) for size in urlcheck.JoomCdn.load().sizes]
    assert by_url[slow[0]].reason["code"] == "timeout"
    for url in slow[1:]:
        assert by_url[url].reason["code"] == "variant_live", by_url[url].reason
        assert not cdn.hits[url.removeprefix("http://")]
    cdn.joom_held.clear()

    # Without stopping early (what the benchmark compares with), every variant is fetched.
    cdn.hits.clear()
    results = await urlcheck.check_urls([given], reference=OLD_JPEG, options=urlcheck.Options(
        **FAST, per_host=1, stop_early=False))
    assert not any(r.reason["code"] == "variant_live" for r in results)
    assert len(cdn.hits) == 14


async def test_a_gone_image_has_every_variant_fetched(cdn, monkeypatch):
    """Gone is never certain early: any size left could still serve the picture."""
    monkeypatch.setenv("HTTP_PROXY", cdn.base)
    other = "f" * 40  # an upload the mock CDN serves under no size
    given = f"http://img.joomcdn.net/{other}_1024_1024.jpeg"
    results = await urlcheck.check_urls([given], options=urlcheck.Options(**FAST, per_host=1))
    assert {r.verdict for r in results} == {"dead"} and len(results) == 14
    assert sorted(cdn.hits.values()) == [1] * 14


async def test_the_checks_of_one_image_share_connections(cdn, monkeypatch):
    """Issue 16: an image's 14 URLs go over the checker's kept-alive connections, at most
    `per_host` to each host, not one connection a URL."""
    monkeypatch.setenv("HTTP_PROXY", cdn.base)
    other = "e" * 40  # served under no size: every URL is fetched
    given = f"http://img.joomcdn.net/{other}_1024_1024.jpeg"
    results = await urlcheck.check_urls([given], options=urlcheck.Options(**FAST, per_host=2))
    assert len(results) == 14 and sum(cdn.hits.values()) == 14
    hosts = len(urlcheck.JoomCdn.load().hosts)
    assert 0 < len(cdn.connections) <= 2 * hosts


def test_joom_variants_keep_prefix_and_ignore_other_urls():
    cdn = urlcheck.JoomCdn.load()
    url = f"https://img.joomcdn.net/p/{JOOM_ID}_original.jpeg?x=1"
    variants = cdn.variants(url)
    assert f"https://img-edg.joomcdn.net/p/{JOOM_ID}_1024_1024.jpeg" in variants
    assert cdn.variants(f"https://example.com/{JOOM_ID}_original.jpeg") == []
    assert cdn.variants("https://img.joomcdn.net/logo.png") == []


def test_retry_after_and_freshness_parsing():
    assert urlcheck.retry_after_seconds("120") == 120
    assert urlcheck.retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 60) \
        == 60
    assert urlcheck.retry_after_seconds("soon") is None
    assert urlcheck.freshness_left({"cache-control": "public, s-maxage=600, max-age=60",
                                    "age": "100"}) == 500
    assert urlcheck.freshness_left({"cache-control": "no-store"}) is None


def test_bad_urls_are_refused():
    for bad in ("ftp://x/y.jpg", "not a url", "http://"):
        with pytest.raises(urlcheck.BadInput):
            urlcheck.parse_url(bad)


# --- the CLI, run in a thread so the mock server keeps serving on the test's loop ---

async def cli(*args):
    return await asyncio.to_thread(CliRunner().invoke, main, ["check-urls", *args])


async def test_cli_exit_codes_and_json(cdn, tmp_path):
    ref = tmp_path / "old.jpg"
    ref.write_bytes(OLD_JPEG)
    r = await cli(f"{cdn.base}/gone-404", f"{cdn.base}/soft-404.jpg", "--reference", str(ref),
                  "--timeout", "1", "--json")
    assert r.exit_code == 0, r.output
    results = json.loads(r.stdout)
    assert [x["verdict"] for x in results] == ["dead", "placeholder"]
    assert results[1]["image"] is None  # not a picture: nothing to fingerprint
    for key in ("url", "verdict", "status", "redirects", "headers", "body_sha256",
                "checked_at"):
        assert key in results[0]

    listing = tmp_path / "urls.txt"
    listing.write_text(f"# old images\n{cdn.base}/stale.jpg\n\n{cdn.base}/gone-410\n")
    r = await cli("--from", str(listing), "--reference", f"{cdn.base}/old.jpg",
                  "--timeout", "1")
    assert r.exit_code == 1, r.output
    assert "STALE CACHE" in r.output and "age: 3000" in r.output
    assert "check again after" in r.output


async def test_cli_without_reference_or_record_makes_no_fingerprint(cdn):
    r = await cli(f"{cdn.base}/old.jpg", f"{cdn.base}/soft-404.jpg", "--no-variants",
                  "--timeout", "1", "--json")
    assert r.exit_code == 1, r.output
    results = json.loads(r.stdout)
    assert [(x["verdict"], x["image"]) for x in results] == [("live", None),
                                                              ("placeholder", None)]


@pytest.mark.parametrize("lang,origin,cache", [
    ("en", "answered by the origin: no cache said it answered", "answered by a cache (age: 3000"),
    ("zh_CN", "由源站应答：没有缓存表明是它应答的", "由缓存应答（age: 3000")])
async def test_cli_says_who_answered_in_the_users_language(cdn, lang, origin, cache):
    r = await asyncio.to_thread(CliRunner().invoke, main, [
        "--lang", lang, "check-urls", f"{cdn.base}/old.jpg", f"{cdn.base}/stale.jpg",
        "--timeout", "1"])
    assert r.exit_code == 1, r.output
    old, stale = r.output.split(f"{cdn.base}/stale.jpg")
    assert origin in old and cache not in old
    assert cache in stale and origin not in stale


async def test_cli_usage_errors_exit_2(cdn, tmp_path):
    assert (await cli()).exit_code == 2
    r = await cli("ftp://example.com/a.jpg")
    assert r.exit_code == 2 and "not an http(s) URL" in r.output
    r = await cli(f"{cdn.base}/old.jpg", "--reference", str(tmp_path / "missing.jpg"))
    assert r.exit_code == 2 and "--reference" in r.output
    r = await cli(f"{cdn.base}/old.jpg", "--reference", f"{cdn.base}/gone-404")
    assert r.exit_code == 2 and "Cannot fetch the reference" in r.output
    r = await cli(f"{cdn.base}/old.jpg", "--record")
    assert r.exit_code == 2 and "--case" in r.output
