"""Dead-URL checks and each case's watched old URLs (re-checked by the URL scheduler service)."""

from aiohttp import web

from iprdesk.errors import BadInput
from iprdesk.lazy import lazy_module
from iprdesk.server.http import read_json, state

# Loaded by the first request that needs them, not by the agent's start (server/run.py).
old_urls = lazy_module("iprdesk.casework.old_urls")
cases = lazy_module("iprdesk.casework.cases")
urlcheck = lazy_module("iprdesk.urls.check")
urlrecord = lazy_module("iprdesk.urls.record")
urlwatch = lazy_module("iprdesk.urls.watch")

routes = web.RouteTableDef()

MAX_URLS_PER_REQUEST = 200


def _urls(body: dict, key: str = "urls", required: bool = True) -> list[str]:
    value = body.get(key)
    if value is None and not required:
        return []
    if (not isinstance(value, list) or not value or len(value) > MAX_URLS_PER_REQUEST
            or not all(isinstance(u, str) for u in value)):
        raise BadInput(key="error.request.url_list",
                       params={"key": key, "max_urls": MAX_URLS_PER_REQUEST})
    return [urlcheck.parse_url(u) for u in value]


def _case(request: web.Request, ref) -> str:
    """The id of the case `ref` names (its id or complaint ID); 404 unknown_case listing the
    open cases, never a new label."""
    return cases.CaseStore(state(request).home).resolve(urlwatch.check_case_id(ref)).id


def _optional_str(body: dict, key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise BadInput(key="error.request.not_string", params={"key": key})
    return value


@routes.post("/v1/urls/check")
async def check_urls(request: web.Request) -> web.Response:
    """Check URLs now (not watched); with `case`, each result is sealed into the vault."""
    body = await read_json(request)
    urls = _urls(body)
    variants = body.get("variants", True)
    if not isinstance(variants, bool):
        raise BadInput(key="error.request.variants")
    case = body.get("case")
    home = state(request).home
    if case is not None:
        case = _case(request, case)
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
        case = _case(request, case)
    watched = urlwatch.WatchList(state(request).home).list(case)
    return web.json_response({"urls": [w.to_json() for w in watched]})


@routes.post("/v1/urls/watch")
async def watch_urls(request: web.Request) -> web.Response:
    """Watch a case's old URLs (and their CDN variants); the first check runs right away."""
    body = await read_json(request)
    case = _case(request, body.get("case"))
    urls = _urls(body)
    reference = None
    reference_url = _optional_str(body, "reference_url")
    if reference_url:
        async with urlcheck.Checker() as checker:
            reference = await checker.fetch_reference(urlcheck.parse_url(reference_url))
    added = urlwatch.WatchList(state(request).home).add(case, urls, reference)
    state(request).services.url_scheduler.wake()
    return web.json_response({"added": [w.to_json() for w in added]}, status=201)


@routes.delete("/v1/urls/watch")
async def unwatch_url(request: web.Request) -> web.Response:
    """Stop watching one old URL of a case for good (off the case too), with its sizes; the
    complained picture it served is kept among the case's references unless `keep_picture`
    is false."""
    body = await read_json(request)
    case = _case(request, body.get("case"))
    url = _optional_str(body, "url")
    if not url:
        raise BadInput(key="error.request.url_required")
    keep_picture = body.get("keep_picture", True)
    if not isinstance(keep_picture, bool):
        raise BadInput(key="error.request.keep_picture")
    urls, picture = old_urls.forget(state(request).home, case, url, keep_picture=keep_picture)
    return web.json_response({"removed": urls[0], "variants": urls[1:], "picture": picture})


@routes.post("/v1/urls/watch/check")
async def check_watched_now(request: web.Request) -> web.Response:
    """The "check now" action: a case's watched URLs (all, or the ones given), recorded."""
    body = await read_json(request)
    case = _case(request, body.get("case"))
    wanted = set(_urls(body, required=False))
    home = state(request).home
    watched = [w for w in urlwatch.WatchList(home).list(case) if not wanted or w.url in wanted]
    missing = wanted - {w.url for w in watched}
    if missing:
        raise BadInput(key="error.urlwatch.not_watched",
                       params={"case": case, "url": sorted(missing)[0]}, code="not_watched",
                       status=404)
    if not watched:
        raise BadInput(key="error.urlwatch.none_watched",
                       params={"case": case}, code="not_watched", status=404)
    updated = await old_urls.check(home, watched)
    return web.json_response({"urls": [w.to_json() for w in updated]})
