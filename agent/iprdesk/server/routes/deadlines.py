"""Deadlines of complaint rows that have no case yet, judged on the agent's clock (thin)."""

from aiohttp import web

from iprdesk.casework import cases, deadlines
from iprdesk.server.http import read_json, state
from iprdesk.timeutil import iso

routes = web.RouteTableDef()


@routes.post("/v1/deadlines/preview")
async def preview(request: web.Request) -> web.Response:
    body = await read_json(request)
    now = state(request).clock.now()
    rows = deadlines.preview(body.get("rows"), now, cases.schedule_a_firm)
    return web.json_response({"now": iso(now), "rows": rows})
