"""Cases, their drafts and the appeal preflight, for the extension (thin: parse, call, answer)."""

from urllib.parse import unquote

from aiohttp import web

from iprdesk.config import Config
from iprdesk.errors import BadInput
from iprdesk.lazy import lazy_module
from iprdesk.server.http import MiB, body_limit, heavy, in_pool, read_body, read_json, state
from iprdesk.server.routes.evidence import audience_of, reader_zone
from iprdesk.server.routes.evidence import session as vault_session
from iprdesk.text import i18n
from iprdesk.timeutil import iso

# Loaded by the first request that needs them, not by the agent's start (server/run.py).
case_images = lazy_module("iprdesk.casework.case_images")
case_provenance = lazy_module("iprdesk.casework.case_provenance")
cases = lazy_module("iprdesk.casework.cases")
drafts = lazy_module("iprdesk.casework.drafts")
notice = lazy_module("iprdesk.casework.notice")
preflight = lazy_module("iprdesk.casework.preflight")
upload_check = lazy_module("iprdesk.casework.upload_check")

routes = web.RouteTableDef()

MAX_IMAGE = 50 * MiB


def _store(request: web.Request) -> "cases.CaseStore":
    return cases.CaseStore(state(request).home)


def _now(request: web.Request):
    """The agent's clock: deadline states in every answer are judged at this one "now"."""
    return state(request).clock.now()


def _answer(request: web.Request, case: "cases.Case", status: int = 200) -> web.Response:
    return web.json_response(case.to_dict(_now(request)), status=status)


def _case(request: web.Request) -> "cases.Case":
    """The case the path names, by case id or complaint ID."""
    return _store(request).resolve(request.match_info["case_id"])


def _lang(value) -> str:
    if value is None:
        return "en"
    if value not in i18n.LANGUAGES:
        raise BadInput(key="error.request.lang", params={"languages": list(i18n.LANGUAGES)})
    return value


@routes.get("/v1/cases")
async def list_cases(request: web.Request) -> web.Response:
    store = _store(request)
    which = request.query.get("status", "open")
    if which not in ("open", "all"):
        raise BadInput(key="error.request.case_status")
    now = _now(request)
    items = store.by_urgency(now) + (store.all("closed") if which == "all" else [])
    return web.json_response({"now": iso(now), "cases": [c.to_dict(now) for c in items]})


@routes.post("/v1/cases")
async def new_case(request: web.Request) -> web.Response:
    body = await read_json(request)
    fields = ("complaint_id", "store_id", "type", "complainant", "products", "received",
              "old_urls", "court_case", "law_firm")
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise BadInput(key="error.request.unknown_fields", params={"unknown": list(unknown)})
    if body.get("old_urls") is not None and not isinstance(body["old_urls"], list):
        raise BadInput(key="error.request.old_urls")
    case = _store(request).new(**{k: body.get(k) for k in fields}, now=_now(request))
    return _answer(request, case, 201)


@routes.post("/v1/cases/import")
@body_limit(20 * MiB)
@heavy
async def import_notice(request: web.Request) -> web.Response:
    """The case a complaint notice proposes (its text, .eml or PDF as the body): each field
    with where it was found; the seller confirms or corrects them, then POST /v1/cases."""
    data = await read_body(request)
    proposal = await in_pool(request, notice.read_notice, data)
    return web.json_response(proposal.to_dict())


@routes.get("/v1/cases/{case_id}")
async def show_case(request: web.Request) -> web.Response:
    return _answer(request, _case(request))


@routes.post("/v1/cases/{case_id}/close")
async def close_case(request: web.Request) -> web.Response:
    return _answer(request, _store(request).close(_case(request).id, _now(request)))


@routes.post("/v1/cases/{case_id}/events")
async def record_event(request: web.Request) -> web.Response:
    body = await read_json(request)
    if not isinstance(body.get("event"), str):
        raise BadInput(key="error.request.event_required")
    if body.get("at") is not None and not isinstance(body["at"], str):
        raise BadInput(key="error.request.at_not_iso")
    # An image uploaded anyway names the copy the upload check kept (its `caught` id).
    caught = body.get("caught")
    if caught is not None and (not isinstance(caught, str)
                               or body["event"] != upload_check.UPLOADED_ANYWAY):
        raise BadInput(key="error.request.caught", params={"event": upload_check.UPLOADED_ANYWAY})
    case = _store(request).record_event(_case(request).id, body["event"],
                                        body.get("at"), _now(request))
    if caught:
        case_images.CaseImages(state(request).home).uploaded_anyway(case.id, caught, _now(request))
    return _answer(request, case)


@routes.get("/v1/cases/{case_id}/images")
@heavy
async def show_images(request: web.Request) -> web.Response:
    """The case's pictures as its page shows them, with thumbnails (casework.case_images); the
    new images' need the unlocked vault, `new=0` leaves them out."""
    case = _case(request)
    session = vault_session(request)
    vault = session.vault() if session.unlocked else None
    new = request.query.get("new", "1") != "0"
    return web.json_response(await in_pool(request, case_images.page_images,
                                           state(request).home, case, vault, new))


@routes.post("/v1/cases/{case_id}/complained")
@body_limit(MAX_IMAGE)
@heavy
async def add_complained(request: web.Request) -> web.Response:
    """Body: a complained image (a file the seller has: from the complaint, the rights holder's
    listing). X-Filename: its name, percent-encoded UTF-8. Kept as its fingerprint and a
    thumbnail, compared with the new images like those the old URLs served."""
    case = _case(request)
    name = unquote(request.headers.get("X-Filename", "")).strip()[:255] or "image"
    data = await read_body(request)
    picture = await in_pool(request, case_images.CaseImages(state(request).home).add_complained,
                            case.id, data, name, _now(request))
    return web.json_response(picture.to_json(), status=201)


@routes.post("/v1/cases/{case_id}/caught/{caught_id}/removed")
async def caught_removed(request: web.Request) -> web.Response:
    """The seller took a copy they had uploaded anyway off the product: checked against the
    images the case's product pages show (`pages`, as the extension read them), else
    recorded as their statement (casework.case_images.check_removed)."""
    body = await read_json(request)
    case = _case(request)
    picture = await case_images.check_removed(state(request).home, case.id,
                                              request.match_info["caught_id"],
                                              body.get("pages"), _now(request))
    return web.json_response(picture.to_json())


@routes.post("/v1/cases/{case_id}/urls")
async def add_old_urls(request: web.Request) -> web.Response:
    """Add public URLs of the complained images; the agent watches them until they are dead."""
    body = await read_json(request)
    urls = body.get("urls")
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
        raise BadInput(key="error.request.urls_list")
    case = _store(request).add_urls(_case(request).id, urls)
    state(request).services.url_scheduler.wake()
    return _answer(request, case)


@routes.put("/v1/cases/{case_id}/law-firm")
async def set_law_firm(request: web.Request) -> web.Response:
    """The seller's correction of the law firm acting for the complainant."""
    body = await read_json(request)
    firm = body.get("law_firm")
    if "law_firm" not in body or not (firm is None or isinstance(firm, str)):
        raise BadInput(key="error.request.law_firm")
    return _answer(request, _store(request).set_law_firm(_case(request).id, firm))


def _unlocked_vault(request: web.Request):
    """The vault when the user unlocked it from the extension, else None."""
    vault = vault_session(request)
    return vault.vault() if vault.unlocked else None


def _preflight_work(request: web.Request, case: "cases.Case"):
    """A function running the case's preflight, for the pool: the documents come from the
    vault when the user unlocked it from the extension."""
    home, unlocked, now = state(request).home, _unlocked_vault(request), _now(request)
    return lambda: preflight.run(case, preflight.gather(home, case, vault=unlocked), now)


@routes.get("/v1/cases/{case_id}/drafts")
@heavy
async def case_drafts(request: web.Request) -> web.Response:
    audience, zone = audience_of(request.query.get("for", "cli")), reader_zone(request.query)
    case = _case(request)
    home, unlocked = state(request).home, _unlocked_vault(request)
    # A draft states only what the preflight (and, for the counter-notice, the check of each
    # sealed original) verified, so those run first.
    preflight_work = _preflight_work(request, case)
    checks, originals = await in_pool(request, lambda: (
        preflight_work(), case_provenance.originals(home, case, unlocked)))
    seller = Config.load(home).seller()
    return web.json_response({"drafts": drafts.render_all(case, checks, seller,
                                                          originals=originals,
                                                          audience=audience, zone=zone)})


@routes.post("/v1/cases/{case_id}/preflight")
@heavy
async def run_preflight(request: web.Request) -> web.Response:
    body = await read_json(request)
    lang = _lang(body.get("lang"))
    audience = audience_of(body.get("for", "cli"))
    zone = reader_zone(body)
    case = _case(request)
    # PDF text extraction and vault decryption are CPU work: keep the event loop free.
    checks = await in_pool(request, _preflight_work(request, case))
    return web.json_response(preflight.report(case, checks, lang, _now(request), audience, zone))
