"""Watched old URLs: the schedule, the stored state, the agent routes and the scheduler."""

import asyncio
import dataclasses
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from iprdesk import timeutil
from iprdesk.casework import case_images, cases
from iprdesk.casework.old_urls import run_due_checks
from iprdesk.cli import main
from iprdesk.errors import BadInput, NotFound
from iprdesk.images import similar
from iprdesk.urls import check as urlcheck
from iprdesk.urls import watch as urlwatch
from tests.helpers import open_case
from tests.mockcdn import DEFAULT_JPEG, JOOM_ID, OLD_JPEG

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def result(verdict, recheck_after=None, url="https://img.joomcdn.net/a.jpeg"):
    return urlcheck.CheckResult(
        url=url, verdict=verdict, reason=urlcheck.reason("serves_image"), status=200,
        final_url=url, redirects=[], headers={}, body_sha256=None, body_bytes=0,
        checked_at=timeutil.iso(T0), elapsed_ms=1, attempts=1, recheck_after=recheck_after)


def watched():
    return urlwatch.Watched(case="C-1", url="https://x/a.jpg", added_at=timeutil.iso(T0),
                            moderation_check_at=timeutil.iso(T0 + timedelta(hours=96)),
                            next_check_at=timeutil.iso(T0))


def test_schedule_hourly_until_dead_then_after_the_moderation_window():
    w = watched()
    at = urlwatch.next_check
    assert at(w, result("live"), T0) == timeutil.iso(T0 + timedelta(hours=1))
    # an edge cache that expires in 10 minutes is checked then
    assert at(w, result("stale-cache", timeutil.iso(T0 + timedelta(minutes=10))), T0) == \
        timeutil.iso(T0 + timedelta(minutes=10))
    # a host asking for 3 hours gets them
    assert at(w, result("unknown", timeutil.iso(T0 + timedelta(hours=3))), T0) == \
        timeutil.iso(T0 + timedelta(hours=3))
    # dead early: checked once more after moderation, then finished
    assert at(w, result("dead"), T0 + timedelta(hours=2)) == w.moderation_check_at
    assert at(w, result("placeholder"), T0 + timedelta(hours=97)) is None
    # still live near the end of the window: the window's end comes first
    assert at(w, result("live"), T0 + timedelta(hours=95, minutes=30)) == w.moderation_check_at


def test_watch_list_adds_variants_once_and_removes(home):
    wl = urlwatch.WatchList(home)
    url = f"https://img.joomcdn.net/{JOOM_ID}_1024_1024.jpeg"
    added = wl.add("C-1", [url], now=T0)
    cdn_data = urlcheck.JoomCdn.load()
    assert len(added) == len(cdn_data.hosts) * len(cdn_data.sizes)
    assert wl.add("C-1", [url], now=T0) == []
    assert {w.state for w in wl.list("C-1")} == {"pending"}
    assert wl.list("other") == []
    assert len(wl.due(T0)) == len(added) and wl.due(T0 - timedelta(seconds=1)) == []
    removed = wl.remove("C-1", url)
    assert removed[0] == url and sorted(removed) == sorted(w.url for w in added)
    assert wl.list("C-1") == []  # its size variants went with it
    with pytest.raises(NotFound):
        wl.remove("C-1", url)
    with pytest.raises(BadInput):
        wl.add("", [url])
    with pytest.raises(BadInput):
        wl.add("C-1", ["ftp://x/y"])


def test_an_older_outcome_recorded_late_keeps_the_newer_verdict(home):
    """A scheduled pass that began while the URL was live finishes after "check now" saw it
    dead: the late outcome stays evidence, the verdict stays dead."""
    wl = urlwatch.WatchList(home)
    url = "https://img.example/old.jpg"
    wl.add("C-1", [url], now=T0, variants=False)

    def seen(verdict, at):
        return dataclasses.replace(result(verdict, url=url), checked_at=timeutil.iso(at))

    wl.record([("C-1", seen("dead", T0 + timedelta(seconds=30)), "ev-new")],
              T0 + timedelta(seconds=31))
    wl.record([("C-1", seen("live", T0 + timedelta(seconds=5)), "ev-old")],
              T0 + timedelta(seconds=40))
    [w] = wl.list("C-1")
    assert w.state == "dead" and w.last["checked_at"] == timeutil.iso(T0 + timedelta(seconds=30))
    assert w.checks == 2 and w.evidence_ids == ["ev-new", "ev-old"]
    # A newer outcome still replaces it.
    wl.record([("C-1", seen("live", T0 + timedelta(minutes=5)), None)], T0 + timedelta(minutes=5))
    assert wl.list("C-1")[0].state == "live"


def test_damaged_watch_list_is_a_clear_error(home):
    (home / "url-watch.json").write_text("{oops")
    with pytest.raises(BadInput, match="damaged"):
        urlwatch.WatchList(home).list()


async def test_first_live_picture_becomes_the_reference_then_a_swap_is_a_placeholder(
        home, cdn):
    wl = urlwatch.WatchList(home)
    url = f"{cdn.base}/swap.jpg"
    wl.add("C-1", [url], now=T0)
    fast = urlcheck.Options(timeout=1, backoff=0.01)
    [w] = await urlwatch.check_watched(home, wl.due(T0), record=False, options=fast, now=T0)
    assert w.state == "live" and w.reference and w.checks == 1
    assert w.next_check_at == timeutil.iso(T0 + timedelta(hours=1))
    assert [w.url for w in wl.list() if w.reference] == [url]

    cdn.swap_body = DEFAULT_JPEG  # the CDN now serves its "image removed" picture
    later = T0 + timedelta(hours=1)
    [w] = await urlwatch.check_watched(home, wl.due(later), record=False, options=fast,
                                       now=later)
    assert w.state == "placeholder" and w.next_check_at == w.moderation_check_at

    cdn.swap_body = None  # gone for good after moderation: finished
    end = T0 + timedelta(hours=96)
    assert await run_due_checks(home, end) == 1
    [w] = wl.list("C-1")
    assert (w.state, w.last["verdict"], w.checks) == ("done", "dead", 3)
    assert await run_due_checks(home, end + timedelta(days=1)) == 0


async def test_routes_watch_list_check_now_and_unwatch(agent, home, cdn):
    case = open_case(home, "CMP-7")
    url = f"{cdn.base}/stale.jpg"
    r = await agent.post("/v1/urls/watch", json={"case": "CMP-7", "urls": [url],
                                                 "reference_url": f"{cdn.base}/old.jpg"})
    assert r.status == 201, await r.text()
    assert [(w["url"], w["case"]) for w in (await r.json())["added"]] == [(url, case.id)]

    r = await agent.post("/v1/urls/watch/check", json={"case": case.id})
    assert r.status == 200, await r.text()
    [w] = (await r.json())["urls"]
    assert w["state"] == "stale-cache" and w["last"]["reason"]["zh_CN"]
    assert w["last"]["cache"]["code"] == "cache_answered" and w["last"]["cache"]["zh_CN"]

    r = await agent.get("/v1/urls/watch?case=CMP-7")
    assert [w["state"] for w in (await r.json())["urls"]] == ["stale-cache"]

    r = await agent.post("/v1/urls/watch/check", json={"case": "CMP-7", "urls": [
        f"{cdn.base}/other.jpg"]})
    assert r.status == 404
    r = await agent.request("DELETE", "/v1/urls/watch", json={"case": "CMP-7", "url": url})
    assert r.status == 200
    assert (await (await agent.get("/v1/urls/watch")).json())["urls"] == []


async def test_removing_an_old_url_takes_it_off_the_case_for_good(agent, home):
    """The seller's "remove": off the watch list with its CDN sizes and off the case, so the
    scheduler's next sync does not watch it again; the other URL stays."""
    from iprdesk.casework.old_urls import sync_cases

    gone = f"https://img.joomcdn.net/{JOOM_ID}_1024_1024.jpeg"
    kept = f"https://img.joomcdn.net/{'b' * 40}_1024_1024.jpeg"
    case = open_case(home, "CMP-8", old_urls=[gone, kept])
    sizes = {w.url for w in urlwatch.WatchList(home).list(case.id) if w.variant_of == gone}
    assert sizes
    r = await agent.request("DELETE", "/v1/urls/watch", json={"case": "CMP-8", "url": gone})
    assert r.status == 200, await r.text()
    answer = await r.json()
    assert answer["removed"] == gone and set(answer["variants"]) == sizes
    sync_cases(home)
    left = urlwatch.WatchList(home).list(case.id)
    assert {w.variant_of or w.url for w in left} == {kept}
    assert cases.CaseStore(home).get(case.id).old_urls == [kept]

    r = await agent.request("DELETE", "/v1/urls/watch", json={"case": case.id, "url": gone},
                            headers={"Accept-Language": "zh-CN"})
    assert r.status == 404
    error = (await r.json())["error"]
    assert error["code"] == "not_watched" and error["message"].startswith(f"案件 {case.id}")


def served_a_picture(home, complaint, url):
    """A case whose old URL served its complained picture (OLD_JPEG) at its first check."""
    case = open_case(home, complaint)
    later = timeutil.utc_now() + timedelta(days=1)  # not due: the scheduler leaves it alone
    urlwatch.WatchList(home).add(case.id, [url], similar.fingerprint_bytes(OLD_JPEG),
                                 now=later, variants=False)
    cases.CaseStore(home).add_urls(case.id, [url])
    return case


def compared_with(home, case):
    """The labels of the pictures new uploads of `case` are compared with."""
    return [label for _, label, _ in case_images.references(home, [case.id])]


async def test_removing_an_old_url_keeps_its_complained_picture_unless_asked(agent, home):
    """Removing the URL would lose the picture it served, which every new upload is compared
    with: kept by default (among the case's complained pictures, named by the URL, with its
    thumbnail), forgotten only when the seller says so; a URL that served none says so."""
    url = "https://images.example/kept.jpg"
    case = served_a_picture(home, "CMP-KEEP", url)
    assert compared_with(home, case) == [url]
    r = await agent.request("DELETE", "/v1/urls/watch", json={"case": case.id, "url": url})
    assert r.status == 200, await r.text()
    assert (await r.json()) == {"removed": url, "variants": [], "picture": "kept"}
    assert urlwatch.WatchList(home).list(case.id) == []
    assert compared_with(home, case) == [url]
    [kept] = case_images.CaseImages(home).complained(case.id)
    assert kept.sha256 == similar.fingerprint_bytes(OLD_JPEG).sha256

    other = "https://images.example/forgotten.jpg"
    case = served_a_picture(home, "CMP-FORGET", other)
    r = await agent.request("DELETE", "/v1/urls/watch",
                            json={"case": case.id, "url": other, "keep_picture": False})
    assert (await r.json())["picture"] == "forgotten"
    assert compared_with(home, case) == []

    never = "https://images.example/never.jpg"
    case = open_case(home, "CMP-NEVER", old_urls=[never])
    r = await agent.request("DELETE", "/v1/urls/watch", json={"case": case.id, "url": never})
    assert (await r.json())["picture"] is None
    assert compared_with(home, case) == []

    r = await agent.request("DELETE", "/v1/urls/watch",
                            json={"case": case.id, "url": never, "keep_picture": "no"})
    assert r.status == 400
    assert "keep_picture" in (await r.json())["error"]["message"]


def test_cli_url_watch_remove_keeps_or_forgets_the_picture(home):
    url = "https://images.example/a.jpg"
    case = served_a_picture(home, "CMP-CLIKEEP", url)
    result = CliRunner().invoke(main, ["url-watch", "remove", "--case", "CMP-CLIKEEP", url,
                                       "--home", str(home)], env={"LANG": "en_US"})
    assert result.exit_code == 0, result.output
    assert "still compared with it" in result.output
    assert compared_with(home, case) == [url]
    case = served_a_picture(home, "CMP-CLIFORGET", url)
    result = CliRunner().invoke(main, ["url-watch", "remove", "--case", "CMP-CLIFORGET", url,
                                       "--forget-picture", "--home", str(home)],
                                env={"LANG": "zh_CN.UTF-8"})
    assert result.exit_code == 0, result.output
    assert "不再与它比对" in result.output
    assert compared_with(home, case) == []


def test_cli_url_watch_remove_a_url_listed_on_the_case_only(home):
    """A URL on the case that a sync has not watched yet is still removed from the case."""
    url = "https://img.joomcdn.net/x.jpeg"
    case = open_case(home, "CMP-9", old_urls=[url])
    urlwatch.WatchList(home).remove(case.id, url)
    result = CliRunner().invoke(main, ["url-watch", "remove", "--case", "CMP-9", url,
                                       "--home", str(home)], env={"LANG": "en_US"})
    assert result.exit_code == 0, result.output
    assert f"No longer watching {url}" in result.output
    assert cases.CaseStore(home).get(case.id).old_urls == []
    result = CliRunner().invoke(main, ["url-watch", "remove", "--case", "CMP-9", url,
                                       "--home", str(home)], env={"LANG": "en_US"})
    assert result.exit_code == 1 and "does not watch" in result.output


async def test_route_check_urls_and_bad_input(agent, cdn):
    r = await agent.post("/v1/urls/check", json={"urls": [f"{cdn.base}/gone-410",
                                                          f"{cdn.base}/old.jpg"]})
    assert r.status == 200
    assert [x["verdict"] for x in (await r.json())["results"]] == ["dead", "live"]
    for bad in ({"urls": []}, {"urls": "http://x/y"}, {"urls": ["javascript:alert(1)"]},
                {"urls": ["http://x/y"], "variants": "no"}):
        r = await agent.post("/v1/urls/check", json=bad)
        assert r.status == 400, bad
        assert (await r.json())["error"]["message"]
    r = await agent.post("/v1/urls/watch", json={"case": "", "urls": ["http://x/y"]})
    assert (r.status, (await r.json())["error"]["code"]) == (400, "bad_case")


async def test_cli_url_watch(home, cdn, tmp_path):
    def run(*args):
        return CliRunner().invoke(main, ["url-watch", *args, "--home", str(home)])

    ref = tmp_path / "old.jpg"
    ref.write_bytes(OLD_JPEG)
    case = open_case(home, "CMP-2")
    r = await asyncio.to_thread(run, "add", "--case", "CMP-2", f"{cdn.base}/old.jpg",
                                         f"{cdn.base}/gone-404", "--reference", str(ref))
    assert r.exit_code == 0 and f"Watching 2 new URLs for case {case.id}." in r.output, r.output
    r = await asyncio.to_thread(run, "check", "--case", "CMP-2")
    assert r.exit_code == 1, r.output
    assert "LIVE" in r.output and "dead" in r.output
    r = await asyncio.to_thread(run, "list", "--json")
    assert {w["state"] for w in json.loads(r.output)} == {"live", "dead"}
    r = await asyncio.to_thread(run, "check", "--case", "nothing")
    assert r.exit_code == 1 and r.output.startswith("error: No case nothing"), r.output
    assert "CMP-2" in r.output


@pytest.mark.parametrize("route", [
    ("POST", "/v1/urls/watch", {"urls": ["https://img.joomcdn.net/a.jpg"]}),
    ("POST", "/v1/urls/watch/check", {}),
    ("DELETE", "/v1/urls/watch", {"url": "https://img.joomcdn.net/a.jpg"}),
    ("POST", "/v1/urls/check", {"urls": ["https://img.joomcdn.net/a.jpg"]}),
])
async def test_the_routes_take_no_unknown_case(agent, home, cdn, route):
    case = open_case(home, "CMP-3")
    method, path, body = route
    r = await agent.request(method, path, json={"case": "c-typo99", **body})
    error = (await r.json())["error"]
    assert (r.status, error["code"]) == (404, "unknown_case")
    assert "c-typo99" in error["message"] and case.id in error["message"]
    assert urlwatch.WatchList(home).list() == [] and sum(cdn.hits.values()) == 0
    r = await agent.get("/v1/urls/watch?case=CMP-404")
    assert (r.status, (await r.json())["error"]["code"]) == (404, "unknown_case")


@pytest.mark.parametrize("args", [
    ("add", "--case", "c-typo99", "https://img.joomcdn.net/a.jpg"),
    ("check", "--case", "c-typo99"), ("list", "--case", "c-typo99"),
    ("remove", "--case", "c-typo99", "https://img.joomcdn.net/a.jpg"),
])
def test_url_watch_takes_no_unknown_case(home, args):
    case = open_case(home, "CMP-3")
    r = CliRunner().invoke(main, ["url-watch", *args, "--home", str(home)])
    assert r.exit_code == 1 and r.output.startswith("error: No case c-typo99"), r.output
    assert f"{case.id} (CMP-3, " in r.output and "Traceback" not in r.output
    assert urlwatch.WatchList(home).list() == []


async def test_open_cases_old_urls_are_watched_and_the_recheck_meets_the_deadline(
        home, cdn):
    from iprdesk.casework.cases import CaseStore

    now = timeutil.utc_now()
    store = CaseStore(home)
    case = store.new(complaint_id="IPR-1", store_id="S1", type="copyright",
                     complainant="Brand Co", products=["p1"],
                     received=timeutil.iso(now - timedelta(hours=120)),
                     old_urls=[f"{cdn.base}/gone-404"])
    # images replaced 100 h ago: the 96 h moderation window is over
    store.record_event(case.id, "images_replaced", at=timeutil.iso(now - timedelta(hours=100)))
    assert await run_due_checks(home) == 1
    [w] = urlwatch.WatchList(home).list(case.id)
    assert w.moderation_check_at == timeutil.iso(now - timedelta(hours=4))
    assert (w.state, w.last["verdict"]) == ("done", "dead")
    assert "images_rechecked" in store.get(case.id).events
    assert await run_due_checks(home) == 0


async def test_recent_replacement_moves_the_moderation_check(home, cdn):
    from iprdesk.casework.cases import CaseStore

    now = timeutil.utc_now()
    store = CaseStore(home)
    case = store.new(complaint_id="IPR-2", store_id="S1", type="copyright",
                     complainant="Brand Co", products=["p1"],
                     received=timeutil.iso(now - timedelta(hours=10)),
                     old_urls=[f"{cdn.base}/gone-410"])
    store.record_event(case.id, "images_replaced", at=timeutil.iso(now - timedelta(hours=2)))
    await run_due_checks(home)
    [w] = urlwatch.WatchList(home).list(case.id)
    assert w.state == "dead" and w.next_check_at == timeutil.iso(now + timedelta(hours=94))
    assert "images_rechecked" not in store.get(case.id).events


def joom_urls(n: int) -> list[str]:
    """`n` distinct Joom CDN image URLs, each with the full set of size variants."""
    return [f"https://img.joomcdn.net/{i:040x}_1024_1024.jpeg" for i in range(n)]


def over_the_limit() -> int:
    """The fewest Joom URLs whose size variants exceed what one case can watch."""
    per_url = 1 + len(urlcheck.JoomCdn.load().variants(joom_urls(1)[0]))
    return urlwatch.MAX_URLS_PER_CASE // per_url + 1


def test_a_case_with_too_many_urls_is_refused_before_it_is_saved(home):
    store = cases.CaseStore(home)
    facts = dict(complaint_id="CMP-1", store_id="s1", type="copyright", complainant="A",
                 products="p1")
    too_many = joom_urls(over_the_limit())
    with pytest.raises(BadInput) as e:
        store.new(**facts, old_urls=too_many)
    assert e.value.code == "too_many_urls" and "size variants" in str(e.value)
    assert store.all() == [] and urlwatch.WatchList(home).list() == []
    # the seller trims the list and tries again: no "case exists" from the refused attempt
    case = store.new(**facts, old_urls=too_many[:-1])
    with pytest.raises(BadInput, match="at most"):
        store.add_urls(case.id, joom_urls(over_the_limit() + 1)[-2:])
    assert store.get(case.id).old_urls == too_many[:-1]


async def test_one_case_that_cannot_be_watched_does_not_stop_the_others(home, cdn):
    store = cases.CaseStore(home)
    good = store.new(complaint_id="CMP-2", store_id="s1", type="copyright", complainant="A",
                     products="p1", old_urls=[f"{cdn.base}/gone.jpg"])
    urlwatch.WatchList(home).remove(good.id, f"{cdn.base}/gone.jpg")
    # an older version saved a case over the limit, and another case file is damaged
    bad = json.loads((home / "cases" / f"{good.id}.json").read_text())
    bad.update(id="c-00000000", complaint_id="CMP-3", old_urls=joom_urls(over_the_limit()))
    (home / "cases" / "c-00000000.json").write_text(json.dumps(bad))
    (home / "cases" / "c-11111111.json").write_text("{damaged")
    assert await run_due_checks(home) == 1
    [w] = urlwatch.WatchList(home).list()
    assert (w.case, w.checks) == (good.id, 1)


async def test_a_pass_writes_the_watch_list_once_and_off_the_event_loop(home, cdn,
                                                                       monkeypatch):
    wl = urlwatch.WatchList(home)
    wl.add("C-1", [f"{cdn.base}/gone.jpg", f"{cdn.base}/swap.jpg", f"{cdn.base}/x.jpg"],
           now=T0)
    loop_thread = threading.current_thread()
    writes = []
    real_write = urlwatch.atomic_write_json

    def counting_write(path, data):
        writes.append(threading.current_thread())
        real_write(path, data)

    monkeypatch.setattr(urlwatch, "atomic_write_json", counting_write)
    fast = urlcheck.Options(timeout=1, backoff=0.01)
    updated = await urlwatch.check_watched(home, wl.due(T0), record=False, options=fast, now=T0)
    assert [w.checks for w in updated] == [1, 1, 1]
    assert len(writes) == 1 and writes[0] is not loop_thread
