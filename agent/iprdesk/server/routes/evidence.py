"""Evidence capture and the vault session: add (works locked), create, unlock, lock, change
the passphrase, list, export. Passphrases come in JSON bodies only and are never logged."""

import asyncio
import logging
import re
import tempfile
from pathlib import Path

from aiohttp import BodyPartReader, web

from iprdesk import timeutil
from iprdesk.errors import BadInput, disk_full_means
from iprdesk.lazy import lazy_module
from iprdesk.server.http import (
    MAX_BODY_LIMIT,
    KiB,
    body_limit,
    heavy,
    in_pool,
    parse_json_object,
    read_json,
    route_body_limit,
    state,
)
from iprdesk.text import i18n
from iprdesk.text.i18n import Message
from iprdesk.vault.session import VaultSession

# Loaded by the first request that needs them, not by the agent's start (server/run.py).
bundle_report = lazy_module("iprdesk.casework.bundle_report")
cases = lazy_module("iprdesk.casework.cases")
kinds = lazy_module("iprdesk.documents.kinds")
preflight = lazy_module("iprdesk.casework.preflight")
bundle = lazy_module("iprdesk.vault.bundle")
store = lazy_module("iprdesk.vault.store")

log = logging.getLogger("iprdesk.vault")
routes = web.RouteTableDef()

MAX_FILES = 20


def audience_of(value) -> str:
    """Who reads the answer: the CLI's words name commands, the browser's the page's forms."""
    if value not in preflight.AUDIENCES:
        raise BadInput(key="error.request.audience",
                       params={"audiences": list(preflight.AUDIENCES)})
    return value


def reader_zone(body: dict):
    """The reader's zone (the browser's, `zone` of the request), else None: the machine's."""
    return timeutil.zone(body["zone"]) if body.get("zone") is not None else None


def session(request: web.Request) -> VaultSession:
    return state(request).services.vault.session


def case_id(request: web.Request, ref) -> str | None:
    """The id of the case a request names by id or complaint ID (None: no case). An unknown
    one is refused, listing the open cases: evidence never lands under a made-up label."""
    if ref is None or ref == "":
        return None
    if not isinstance(ref, str):
        raise BadInput(key="error.evidence.case_not_text")
    return cases.CaseStore(state(request).home).resolve(ref).id


async def _in_thread(function, *args):
    """Crypto, fsync and Argon2id run off the event loop so captures never queue behind them."""
    return await asyncio.get_running_loop().run_in_executor(None, function, *args)


async def _read_capture(request: web.Request) -> list[tuple[bytes, dict]]:
    """The multipart body: a `meta` JSON part, then one `file` part per piece of evidence."""
    if request.content_type != "multipart/form-data":
        raise BadInput(key="error.evidence.not_multipart",
                       code="unsupported_media_type", status=415)
    limit, total = route_body_limit(request), 0
    common: dict = {}
    per_file: list = []
    files: list[tuple[bytes, dict]] = []
    reader = await request.multipart()
    while True:
        try:
            part = await reader.next()
        except ValueError as e:  # aiohttp's word for a malformed body or a nested multipart
            raise BadInput(key="error.evidence.multipart_malformed", params={"e": e}) from e
        if part is None:
            break
        if not isinstance(part, BodyPartReader):
            raise BadInput(key="error.evidence.nested_multipart")
        chunks = []
        while chunk := await part.read_chunk(256 * KiB):
            total += len(chunk)
            if total > limit:
                raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=total)
            chunks.append(chunk)
        data = b"".join(chunks)
        if part.name == "meta":
            common = parse_json_object(data, Message("error.request.meta_part"))
            per_file = common.pop("files", None) or []
            if not isinstance(per_file, list) or not all(isinstance(f, dict) for f in per_file):
                raise BadInput(key="error.evidence.files_shape")
        elif part.name == "file":
            if len(files) >= MAX_FILES:
                raise BadInput(key="error.evidence.too_many_files", params={"max_files": MAX_FILES})
            own = {"original_name": part.filename,
                   "content_type": part.headers.get("Content-Type")}
            files.append((data, own))
        else:
            raise BadInput(key="error.evidence.unexpected_part",
                           params={"name": str(part.name)[:40]})
    if not files:
        raise BadInput(key="error.evidence.no_file")
    if len(per_file) > len(files):
        raise BadInput(key="error.evidence.files_count")
    per_file += [{}] * (len(files) - len(per_file))
    return [(data, {**common, **{k: v for k, v in own.items() if v}, **extra})
            for (data, own), extra in zip(files, per_file, strict=True)]


@routes.post("/v1/evidence")
@body_limit(MAX_BODY_LIMIT)
@heavy
async def add_evidence(request: web.Request) -> web.Response:
    """Seal captured files into the vault; needs no passphrase."""
    entries = await _read_capture(request)
    # A capture for an unknown case is refused whole (nothing sealed): the seller picks the
    # case from the list in the error, in their language, and captures again.
    for _, meta in entries:
        if "case" in meta:
            meta["case"] = case_id(request, meta["case"])
    vault = session(request).vault(activity=False)
    items, detected = await in_pool(request, _add_with_kinds, vault, entries)
    log.info("added %d piece(s) of evidence", len(items))
    return web.json_response({"items": [
        {"id": i.id, "sha256": i.sha256, "size": i.size, "kind": i.kind,
         "original_name": i.original_name,
         "kind_detected": d.reason if d else None} for i, d in zip(items, detected, strict=True)
    ]}, status=201)


def _add_with_kinds(vault: "store.Vault", entries: list[tuple[bytes, dict]]):
    """Seal the files, each without a kind given filed by the kind its content shows."""
    detected = [None if meta.get("kind") else kinds.detect_kind(data) for data, meta in entries]
    entries = [(data, {**meta, "kind": d.kind} if d else meta)
               for (data, meta), d in zip(entries, detected, strict=True)]
    return vault.add_many(entries), detected


@routes.get("/v1/vault")
async def vault_status(request: web.Request) -> web.Response:
    s = session(request)
    # The shortest passphrase a new one may be, so the browser's form says the vault's rule.
    if not store.Vault.exists(s.home):
        return web.json_response({"initialised": False, "unlocked": False, "objects": 0,
                                  "locks_in": None, "min_passphrase": store.MIN_PASSPHRASE})
    vault = s.vault(activity=False)
    return web.json_response({"initialised": True, "unlocked": s.unlocked,
                              "objects": await _in_thread(vault.count),
                              "locks_in": s.locks_in(),
                              "fingerprint": bundle.vault_fingerprint(vault),
                              "min_passphrase": store.MIN_PASSPHRASE})


async def _with_passphrases(request: web.Request, work, *names: str) -> VaultSession:
    """`work(session, *passphrases)` with the passphrases the JSON body names, each non-empty
    text (their values never in an error), one Argon2id at a time: a flood of guesses queues
    up instead of eating every core, and of two creations at once the second finds the vault."""
    body = await read_json(request)
    values = [body.get(name) for name in names]
    for name, value in zip(names, values, strict=True):
        if not isinstance(value, str) or not value:
            raise BadInput(key="error.request.non_empty_text", params={"name": name})
    s = session(request)
    async with state(request).services.vault.unlock_lock:
        await _in_thread(work, s, *values)
    return s


@routes.post("/v1/vault/init")
@body_limit(4 * KiB)
async def init(request: web.Request) -> web.Response:
    """Create the vault with the passphrase the seller chose; it starts unlocked."""
    s = await _with_passphrases(request, VaultSession.create, "passphrase")
    return web.json_response({"initialised": True, "unlocked": True, "locks_in": s.locks_in(),
                              "fingerprint": bundle.vault_fingerprint(s.vault(activity=False))},
                             status=201)


@routes.post("/v1/vault/passphrase")
@body_limit(4 * KiB)
async def change_passphrase(request: web.Request) -> web.Response:
    """Change the passphrase: the current one (backoff as for unlock), then the new one."""
    s = await _with_passphrases(request, VaultSession.change_passphrase, "passphrase",
                                "new_passphrase")
    return web.json_response({"unlocked": True, "locks_in": s.locks_in()})


@routes.post("/v1/vault/unlock")
@body_limit(4 * KiB)
async def unlock(request: web.Request) -> web.Response:
    s = await _with_passphrases(request, VaultSession.unlock, "passphrase")
    return web.json_response({"unlocked": True, "locks_in": s.locks_in()})


@routes.post("/v1/vault/lock")
async def lock(request: web.Request) -> web.Response:
    await _in_thread(session(request).lock)  # signs a checkpoint: disk writes
    return web.json_response({"unlocked": False})


@routes.get("/v1/vault/items")
async def list_items(request: web.Request) -> web.Response:
    """The evidence (decrypted metadata), optionally of one case or kind, and only the newest
    `limit` of it: a view of the last few captures gets those, not all 10,000 (serialising
    them took longer than the listing). Needs unlock."""
    limit = _limit(request.query.get("limit"))
    vault = session(request).vault()
    case = case_id(request, request.query.get("case"))
    kind = request.query.get("kind")
    if limit is None:
        items = await _in_thread(lambda: vault.list(case=case, kind=kind))
        total = len(items)
    else:
        items, total = await _in_thread(lambda: vault.newest(limit, case=case, kind=kind))
    return web.json_response({"items": [i.to_dict() for i in items], "total": total,
                              "unreadable": vault.unreadable})


def _limit(raw: str | None) -> int | None:
    """The `limit` query parameter: a whole number from 1 on; None (no limit) when absent."""
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise BadInput(key="error.request.limit", params={"limit": raw[:40]})
    return int(raw)


@routes.post("/v1/vault/items/{item_id}/kind")
async def change_kind(request: web.Request) -> web.Response:
    """The seller says what a piece of evidence is; it is re-sealed under a new id. Needs unlock."""
    body = await read_json(request)
    kind = body.get("kind")
    if not isinstance(kind, str):
        raise BadInput(key="error.request.kind_required")
    vault = session(request).vault()
    item = await _in_thread(vault.relabel, request.match_info["item_id"], {"kind": kind})
    return web.json_response(item.to_dict())


@routes.post("/v1/vault/export")
@heavy
async def export(request: web.Request) -> web.StreamResponse:
    """An appeal bundle (zip) of one case, sent back as the response body; needs unlock."""
    body = await read_json(request)
    case = case_id(request, body.get("case"))
    include_superseded = body.get("include_superseded", False)
    if not isinstance(include_superseded, bool):
        raise BadInput(key="error.evidence.include_superseded")
    with_provenance = body.get("provenance", False)
    if not isinstance(with_provenance, bool):
        raise BadInput(key="error.evidence.provenance")
    lang = body.get("lang", "en")
    if lang not in i18n.LANGUAGES:
        raise BadInput(key="error.request.lang", params={"languages": list(i18n.LANGUAGES)})
    audience, zone = audience_of(body.get("for", "cli")), reader_zone(body)
    vault = session(request).vault()
    home, now = state(request).home, state(request).clock.now()
    # Built in the data folder (owner-only), not a shared temp folder: it holds plaintext.
    # On a full disk the half-built zip goes with its temp folder.
    with disk_full_means("bundle_not_made"), tempfile.TemporaryDirectory(
            prefix=".export-", dir=state(request).home) as folder:
        path = Path(folder) / "bundle.zip"
        def export_work():
            records, also = (bundle_report.provenance(home, case, vault) if with_provenance
                             else (None, []))
            return bundle.export_bundle(
                vault, path, case=case, include_superseded=include_superseded, also=also,
                summary=bundle_report.for_case(home, case, vault, lang, now, records,
                                               audience, zone), lang=lang, zone=zone,
                complaint=bundle_report.complaint_of(home, case))

        summary = await in_pool(request, export_work)
        data = path.read_bytes()
    # The case is free text: only safe characters reach the header (a quote would end the
    # name early, a line break would start a header of its own).
    name = "appeal-" + (re.sub(r"[^A-Za-z0-9._-]+", "_", case or "all")[:100] or "all") + ".zip"
    return web.Response(body=data, content_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Bundle-SHA256": summary.sha256,
    })
