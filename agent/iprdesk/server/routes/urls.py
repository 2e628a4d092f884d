"""Dead-URL checks and each case's watched old URLs; the scheduler re-checks them."""

import asyncio
import contextlib
import logging

from aiohttp import web

from iprdesk.casework import old_urls
from iprdesk.errors import BadInput
from iprdesk.server.http import STATE_KEY, read_json, state
from iprdesk.urls import check as urlcheck
from iprdesk.urls import record as urlrecord
from iprdesk.urls import watch as urlwatch

log = logging.getLogger("iprdesk.urlwatch")
routes = web.RouteTableDef()

MAX_URLS_PER_REQUEST = 200
# How often the scheduler looks for due URLs; the schedule itself is in urlwatch.
SCHEDULER_TICK_SECONDS = 60.0
SCHEDULER_KEY = web.AppKey("url_watch_scheduler", asyncio.Task)


def _urls(body: dict, key: str = "urls", required: bool = True) -> list[str]:
    value = body.get(key)
    if value is None and not required:
        return []
    if (not isinstance(value, list) or not value or len(value) > MAX_URLS_PER_REQUEST
            or not all(isinstance(u, str) for u in value)):
        raise BadInput(f"`{key}` must be a list of 1 to {MAX_URLS_PER_REQUEST} URLs")
    return [urlcheck.parse_url(u) for u in value]


def _optional_str(body: dict, key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise BadInput(f"`{key}` must be a string")
    return value


@routes.post("/v1/urls/check")
async def check_urls(request: web.Request) -> web.Response:
    """Check URLs now (not watched); with `case`, each result is sealed into the vault."""
    body = await read_json(request)
    urls = _urls(body)
    variants = body.get("variants", True)
    if not isinstance(variants, bool):
        raise BadInput("`variants` must be true or false")
    case = body.get("case")
    home = state(request).home
    if case is not None:
        case = urlwatch.check_case_id(case)
        urlrecord.ensure_vault(home)  # before any request goes out
    results = await urlcheck.check_urls(urls, reference=_optional_str(body, "reference_url"),
                                        options=urlcheck.Options(variants=variants))
    evidence_ids = urlrecord.record_results(home, case, results) if case else []
    return web.json_response({"results": [r.to_json() for r in results],
                              "evidence_ids": evidence_ids})


@routes.get("/v1/urls/watch")
async def list_watched(request: web.Request) -> web.Response:
    case = request.query.get("case")
    if case is not None:
        case = urlwatch.check_case_id(case)
    watched = urlwatch.WatchList(state(request).home).list(case)
    return web.json_response({"urls": [w.to_json() for w in watched]})


@routes.post("/v1/urls/watch")
async def watch_urls(request: web.Request) -> web.Response:
    """Watch a case's old URLs (and their CDN variants); the first check runs right away."""
    body = await read_json(request)
    case = urlwatch.check_case_id(body.get("case"))
    urls = _urls(body)
    reference = None
    reference_url = _optional_str(body, "reference_url")
    if reference_url:
        async with urlcheck.Checker() as checker:
            reference = await checker.fetch_reference(urlcheck.parse_url(reference_url))
    added = urlwatch.WatchList(state(request).home).add(case, urls, reference)
    _wake_scheduler(request.app)
    return web.json_response({"added": [w.to_json() for w in added]}, status=201)


@routes.delete("/v1/urls/watch")
async def unwatch_url(request: web.Request) -> web.Response:
    body = await read_json(request)
    case = urlwatch.check_case_id(body.get("case"))
    url = _optional_str(body, "url")
    if not url:
        raise BadInput("`url` is required")
    urlwatch.WatchList(state(request).home).remove(case, url)
    return web.json_response({"removed": url})


@routes.post("/v1/urls/watch/check")
async def check_watched_now(request: web.Request) -> web.Response:
    """The "check now" action: a case's watched URLs (all, or the ones given), recorded."""
    body = await read_json(request)
    case = urlwatch.check_case_id(body.get("case"))
    wanted = set(_urls(body, required=False))
    home = state(request).home
    watched = [w for w in urlwatch.WatchList(home).list(case) if not wanted or w.url in wanted]
    missing = wanted - {w.url for w in watched}
    if missing:
        raise BadInput(f"Case {case} does not watch {sorted(missing)[0]}", code="not_watched",
                       status=404)
    if not watched:
        raise BadInput(f"Case {case} watches no URLs", code="not_watched", status=404)
    updated = await old_urls.check(home, watched)
    return web.json_response({"urls": [w.to_json() for w in updated]})


async def _scheduler(app: web.Application) -> None:
    st = app[STATE_KEY]
    wake = st.extras.setdefault("url_watch_wake", asyncio.Event())
    while True:
        wake.clear()  # a wake-up during this pass triggers the next one
        try:
            checked = await old_urls.run_due_checks(st.home)
            if checked:
                log.info("re-checked %d watched URL(s)", checked)
        except asyncio.CancelledError:
            raise
        except Exception:  # a bad pass must not stop the schedule
            log.exception("scheduled URL check failed")
        tick = st.extras.get("url_watch_tick", SCHEDULER_TICK_SECONDS)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), tick)


def _wake_scheduler(app: web.Application) -> None:
    wake = app[STATE_KEY].extras.get("url_watch_wake")
    if wake is not None:
        wake.set()


async def _start(app: web.Application) -> None:
    app[SCHEDULER_KEY] = asyncio.create_task(_scheduler(app))


async def _stop(app: web.Application) -> None:
    task = app[SCHEDULER_KEY]
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def setup(app: web.Application) -> None:
    app.on_startup.append(_start)
    app.on_cleanup.append(_stop)
