from aiohttp import web

from iprdesk import shared_data

routes = web.RouteTableDef()


@routes.get("/v1/catalog")
async def catalog(request: web.Request) -> web.Response:
    return web.json_response(shared_data.catalog())
