import logging

from aiohttp import web

from iprdesk.panel import pagemap
from iprdesk.server.http import state
from iprdesk.text import shared_data

log = logging.getLogger("iprdesk.shared")
routes = web.RouteTableDef()


@routes.get("/v1/shared")
async def shared(request: web.Request) -> web.Response:
    body = shared_data.for_extension()
    try:
        body["pagemap"] = pagemap.Store(state(request).home).merged_pagemap()
    except pagemap.DamagedStore as e:
        # The built-in map still works; the options page shows what is wrong.
        log.warning("%s", e.message)
    return web.json_response(body)
