"""The seller's details that sign the drafted letters (config.json), read and set, and the
stores whose Merchant API catalogue the agent may read (merchant/stores.py)."""

from aiohttp import web

from iprdesk.config import Config
from iprdesk.lazy import lazy_module
from iprdesk.server.http import read_json, state

# Loaded by the first request that needs them, not by the agent's start (server/run.py).
stores = lazy_module("iprdesk.merchant.stores")

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


@routes.get("/v1/seller/stores")
async def list_stores(request: web.Request) -> web.Response:
    """The stores whose Merchant API catalogue the agent may read: their names, never a token."""
    return web.json_response({"stores": stores.StoreTokens(state(request).home).names()})


@routes.put("/v1/seller/stores/{name}")
async def set_store(request: web.Request) -> web.Response:
    """Body: {"token": the store's Merchant API access token}, kept in the data directory
    (mode 0600) and sent only to the Merchant API."""
    body = await read_json(request)
    names = stores.StoreTokens(state(request).home).set(request.match_info["name"],
                                                         body.get("token"))
    return web.json_response({"stores": names})


@routes.delete("/v1/seller/stores/{name}")
async def remove_store(request: web.Request) -> web.Response:
    names = stores.StoreTokens(state(request).home).remove(request.match_info["name"])
    return web.json_response({"stores": names})
