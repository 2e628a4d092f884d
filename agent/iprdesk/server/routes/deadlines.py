"""Deadlines of complaint rows that have no case yet, judged on the agent's clock (thin)."""

from aiohttp import web

from iprdesk.lazy import lazy_module
from iprdesk.server.http import read_json, state
from iprdesk.timeutil import iso

# Loaded by the first request that needs them, not by the agent's start (server/run.py).
cases = lazy_module("iprdesk.casework.cases")
deadlines = lazy_module("iprdesk.casework.deadlines")

routes = web.RouteTableDef()


@routes.post("/v1/deadlines/preview")
async def preview(request: web.Request) -> web.Response:
    body = await read_json(request)
    now = state(request).clock.now()
    rows = deadlines.preview(body.get("rows"), now, cases.schedule_a_firm)
    return web.json_response({"now": iso(now), "rows": rows})
