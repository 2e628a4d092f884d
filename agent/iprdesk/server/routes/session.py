"""The native host's hold on the agent (services.Holds): a browser session lives as long as
this one request stays open."""

import asyncio
import contextlib
import json

from aiohttp import web

from iprdesk import __version__
from iprdesk.errors import IprdeskError
from iprdesk.server.http import no_auth, state
from iprdesk.server.security import bearer_token

routes = web.RouteTableDef()
# How often an open hold looks whether its host is still connected.
HOLD_TICK_SECONDS = 0.25


class NotAHost(IprdeskError):
    code = "unauthorized"
    status = 401


@routes.post("/v1/session/hold")
@no_auth  # checked here: the token of a session not yet held is the one that may hold it
async def hold(request: web.Request) -> web.StreamResponse:
    # Only the native host holds: it sends no Origin; no browser page, not even the
    # extension's, may keep a session alive by itself.
    info = bearer_token(request)
    if "Origin" in request.headers or info is None or not info.session:
        raise NotAHost(key="error.session.not_a_host")
    holds = state(request).services.holds
    response = web.StreamResponse(headers={"Content-Type": "application/x-ndjson"})
    await response.prepare(request)
    async with holds.hold(info.id):
        await response.write(json.dumps({"held": True, "version": __version__}).encode() + b"\n")
        while not holds.stopping.is_set():
            transport = request.transport
            if transport is None or transport.is_closing():
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(holds.stopping.wait(), HOLD_TICK_SECONDS)
    with contextlib.suppress(ConnectionError):
        await response.write_eof()
    return response
