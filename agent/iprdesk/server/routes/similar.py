"""Image checks for the Panel's product page badges."""

from urllib.parse import unquote

from aiohttp import web

from iprdesk.lazy import lazy_module
from iprdesk.server.http import (
    MiB,
    body_limit,
    heavy,
    in_pool,
    read_body,
    request_language,
    state,
)

# Loaded by the first request that needs them, not by the agent's start (server/run.py).
badges = lazy_module("iprdesk.images.badges")

routes = web.RouteTableDef()


@routes.post("/v1/images/assess")
@body_limit(32 * MiB)
@heavy
async def assess_image(request: web.Request) -> web.Response:
    """Body: the image bytes as the Panel shows them (may be empty when the browser could not
    load it). ?url=: where the Panel shows it, matched against the watched old URLs."""
    data = await read_body(request)
    name = unquote(request.headers.get("X-Filename", "")).strip()[:255] or "image"
    url = request.query.get("url") or None
    result = await in_pool(request, badges.assess, state(request).home, data, url, name,
                           request_language(request))
    return web.json_response(result)
