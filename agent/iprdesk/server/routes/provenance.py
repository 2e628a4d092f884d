"""Provenance records and the licence check, for the extension (thin over iprdesk.provenance)."""

import functools
from urllib.parse import unquote

from aiohttp import web

from iprdesk import timeutil
from iprdesk.config import Config
from iprdesk.errors import BadInput
from iprdesk.lazy import lazy_module
from iprdesk.provenance import evidence
from iprdesk.server.http import (
    body_limit,
    heavy,
    in_pool,
    read_body,
    read_json,
    request_language,
    state,
)
from iprdesk.server.routes.evidence import session as vault_session

# Loaded by the first request that needs them, not by the agent's start (server/run.py).
audit = lazy_module("iprdesk.provenance.audit")
catalogue = lazy_module("iprdesk.provenance.catalogue")
licence = lazy_module("iprdesk.provenance.licence")
records = lazy_module("iprdesk.provenance.records")
cases = lazy_module("iprdesk.casework.cases")

routes = web.RouteTableDef()


def _store(request: web.Request) -> "records.ProvenanceStore":
    return records.ProvenanceStore(state(request).home)


def _today(request: web.Request):
    """The seller's local date by the agent's clock: a licence's term ends on a local day."""
    return timeutil.local(state(request).clock.now()).date()


def _seller(request: web.Request) -> dict:
    return Config.load(state(request).home).seller()


@routes.get("/v1/provenance")
async def list_records(request: web.Request) -> web.Response:
    """The records, optionally of one product or case (`product`, `case` in the query)."""
    case = request.query.get("case")
    case = cases.CaseStore(state(request).home).resolve(case).id if case else None
    records = _store(request).all(product=request.query.get("product"), case=case)
    return web.json_response({"records": [r.to_dict() for r in records]})


@routes.get("/v1/provenance/settings")
async def show_settings(request: web.Request) -> web.Response:
    return web.json_response({"seal_originals": state(request).services.originals.enabled})


@routes.put("/v1/provenance/settings")
async def set_settings(request: web.Request) -> web.Response:
    """Body: {"seal_originals": bool}, kept in config.json and in force at once."""
    body = await read_json(request)
    if set(body) != {"seal_originals"} or not isinstance(body["seal_originals"], bool):
        raise BadInput(key="provenance.bad_settings")
    home = state(request).home
    config = Config.load(home)
    config.seal_originals = body["seal_originals"]
    config.save(home)
    state(request).services.originals.enabled = config.seal_originals
    return web.json_response({"seal_originals": config.seal_originals})


def _watched_folders(request: web.Request) -> list[str]:
    """The folders of the clean copies the watched folders write (config.json `watch`)."""
    return [str(w["out"]) for w in Config.load(state(request).home).watch if w.get("out")]


@routes.post("/v1/provenance/audit")
async def start_audit(request: web.Request) -> web.Response:
    """Body: {"folders": [catalogue folders]}, by default the watched folders' clean copies;
    or {"catalogue": true, "stores": [names]}: the Merchant API catalogue of the stores kept
    (/v1/seller/stores), all of them by default. Starts the audit (one at a time) and answers
    its progress; GET follows it. The record's licences are checked when the vault is
    unlocked now, else listed as locked."""
    body = await read_json(request)
    session = vault_session(request)
    facts = {"vault": session.vault(activity=False) if session.unlocked else None,
             "seller": _seller(request), "today": _today(request)}
    home = state(request).home
    if body.get("catalogue") is True:
        stores = catalogue.stores_to_audit(home, Config.load(home).merchant_api_url,
                                           catalogue.store_names(body.get("stores")))
        job = audit.Job(stores=list(stores))
        work = functools.partial(catalogue.audit_stores, home, stores=stores, **facts)
    else:
        job = audit.Job(folders=audit.folders_of(body.get("folders")
                                                 or _watched_folders(request)))
        work = functools.partial(audit.audit_folders, home, **facts)
    state(request).services.audits.begin(job, work)
    return web.json_response(job.to_dict(request_language(request)), status=202)


@routes.get("/v1/provenance/audit")
async def audit_progress(request: web.Request) -> web.Response:
    """The last audit's progress and findings (state `none` before the first), and the
    folders an audit takes by default."""
    job = state(request).services.audits.job
    shown = job.to_dict(request_language(request)) if job else {"state": "none"}
    return web.json_response({**shown, "watched_folders": _watched_folders(request)})


@routes.get("/v1/provenance/{image}")
async def show_record(request: web.Request) -> web.Response:
    return web.json_response(_store(request).get(request.match_info["image"]).to_dict())


@routes.put("/v1/provenance/{image}")
async def set_record(request: web.Request) -> web.Response:
    """Body: origin, name, product, case, note (left out: unchanged, "": cleared) and
    documents {role: [vault item ids]}, which needs the vault unlocked."""
    body = await read_json(request)
    documents = body.pop("documents", None) or {}
    if not isinstance(documents, dict) or not all(
            isinstance(ids, list) and all(isinstance(i, str) for i in ids)
            for ids in documents.values()):
        raise BadInput(key="provenance.bad_documents")
    if body.get("case"):
        body["case"] = cases.CaseStore(state(request).home).resolve(body["case"]).id
    linked = {}
    if any(documents.values()):
        vault = vault_session(request).vault()
        linked = {role: [evidence.linked_document(vault, ref) for ref in refs]
                  for role, refs in documents.items()}
    record = _store(request).set(request.match_info["image"], documents=linked, **body)
    return web.json_response(record.to_dict())


@routes.post("/v1/provenance/{image}/documents/{role}")
@body_limit(evidence.MAX_LICENCE_BYTES)
@heavy
async def add_document(request: web.Request) -> web.Response:
    """Body: a document of the image (`role`: original, licence, contract, invoice), sealed
    into the vault (works locked) and listed in the image's record. X-Filename: its name
    (percent-encoded UTF-8)."""
    image = records.checked_sha256(request.match_info["image"])
    name = unquote(request.headers.get("X-Filename", "")).strip()[:255] or "document"
    data = await read_body(request)
    vault = vault_session(request).vault(activity=False)
    document = await in_pool(request, functools.partial(
        evidence.seal_document, vault, request.match_info["role"], data, name=name,
        sealed_by="desk"))
    record = _store(request).set(image, documents={request.match_info["role"]: [document]})
    return web.json_response(record.to_dict(), status=201)


@routes.post("/v1/provenance/licence")
@body_limit(evidence.MAX_LICENCE_BYTES)
@heavy
async def check_licence(request: web.Request) -> web.Response:
    """Body: a licence document (PDF or text). Answer: the licence check, in the reader's
    language."""
    data = await read_body(request)
    result = await in_pool(request, licence.check_licence, data, _seller(request),
                           _today(request))
    return web.json_response(result.to_dict(request_language(request)))


@routes.get("/v1/provenance/{image}/licence")
@heavy
async def check_record_licence(request: web.Request) -> web.Response:
    """The check of the licence the image's record links, read from the unlocked vault."""
    record = _store(request).get(request.match_info["image"])
    vault = vault_session(request).vault()
    result = await in_pool(request, evidence.licence_check, vault, record, _seller(request),
                           _today(request))
    return web.json_response(result.to_dict(request_language(request)))
