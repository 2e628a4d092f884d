"""Page map additions: taught pages and an imported page map (core: iprdesk.panel.pagemap)."""

from aiohttp import web

from iprdesk.panel import pagemap
from iprdesk.server.http import body_limit, read_body, read_json, state

routes = web.RouteTableDef()


def _store(request: web.Request) -> pagemap.Store:
    return pagemap.Store(state(request).home)


@routes.get("/v1/pagemap")
async def listing(request: web.Request) -> web.Response:
    return web.json_response(_store(request).listing())


@routes.post("/v1/pagemap/taught")
async def teach(request: web.Request) -> web.Response:
    entry = _store(request).teach(await read_json(request))
    return web.json_response(entry, status=201)


@routes.delete("/v1/pagemap/taught/{taught_id}")
async def forget(request: web.Request) -> web.Response:
    _store(request).remove(request.match_info["taught_id"])
    return web.json_response(_store(request).listing())


@routes.delete("/v1/pagemap/imported")
async def forget_imported(request: web.Request) -> web.Response:
    _store(request).remove_imported_pagemap()
    return web.json_response(_store(request).listing())


@routes.get("/v1/pagemap/export")
async def export(request: web.Request) -> web.Response:
    return web.json_response(_store(request).export())


@routes.post("/v1/pagemap/import")
@body_limit(pagemap.MAX_FILE)
async def import_file(request: web.Request) -> web.Response:
    result = _store(request).import_file(pagemap.parse_file(await read_body(request)))
    return web.json_response({**result, **_store(request).listing()})
