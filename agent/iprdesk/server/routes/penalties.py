"""Penalty history: account banners the extension saw, and where the store stands."""

from aiohttp import web

from iprdesk.lazy import lazy_module
from iprdesk.server.http import body_limit, read_json, state

# Loaded by the first request that needs them, not by the agent's start (server/run.py).
penalties = lazy_module("iprdesk.account.penalties")

routes = web.RouteTableDef()


@routes.get("/v1/penalties")
async def penalty_history(request: web.Request) -> web.Response:
    return web.json_response(penalties.PenaltyHistory(state(request).home).standing())


@routes.post("/v1/penalties")
@body_limit(16 << 10)
async def record_banner(request: web.Request) -> web.Response:
    body = await read_json(request)
    history = penalties.PenaltyHistory(state(request).home)
    seen = history.record(body.get("banner"), body.get("text"))
    return web.json_response({"recorded": seen is not None,
                              "sighting": seen and seen.id, **history.standing()})
