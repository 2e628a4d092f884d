"""The seller's details that sign the drafted letters (config.json), read and set."""

from aiohttp import web

from iprdesk.config import Config
from iprdesk.server.http import read_json, state

routes = web.RouteTableDef()


@routes.get("/v1/seller")
async def show_seller(request: web.Request) -> web.Response:
    return web.json_response(Config.load(state(request).home).seller())


@routes.post("/v1/seller")
async def set_seller(request: web.Request) -> web.Response:
    body = await read_json(request)
    home = state(request).home
    config = Config.load(home)
    config.set_seller(**body)
    config.save(home)
    return web.json_response(config.seller())
