"""The agent's clock, moved by the tests (only when the agent runs with IPRDESK_TEST_CLOCK=1):
deadline warnings are exercised without waiting days. Otherwise the route is not there (404)."""

from datetime import timedelta

from aiohttp import web

from iprdesk.errors import BadInput, NotFound
from iprdesk.server.http import read_json, state
from iprdesk.timeutil import iso

routes = web.RouteTableDef()
MAX_OFFSET_SECONDS = 10 * 365 * 86400


@routes.put("/v1/test/clock")
async def set_clock(request: web.Request) -> web.Response:
    clock = state(request).clock
    if not clock.adjustable:
        raise NotFound(key="error.request.no_route")
    body = await read_json(request)
    offset = body.get("offset_seconds")
    if not isinstance(offset, int | float) or isinstance(offset, bool) \
            or abs(offset) > MAX_OFFSET_SECONDS:
        raise BadInput(key="error.request.clock_offset")
    clock.offset = timedelta(seconds=offset)
    return web.json_response({"now": iso(clock.now()), "offset_seconds": offset})
