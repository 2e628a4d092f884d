from aiohttp import web

from iprdesk import __version__
from iprdesk.server.http import state

routes = web.RouteTableDef()


@routes.get("/v1/health")
async def health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True, "version": __version__,
                              "paired": state(request).auth.paired()})
