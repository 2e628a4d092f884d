import logging

from aiohttp import web

from iprdesk.errors import BadInput
from iprdesk.server.http import body_limit, no_auth, read_json, state
from iprdesk.server.pairing import PairingFailed

routes = web.RouteTableDef()
log = logging.getLogger("iprdesk.agent")


@routes.post("/v1/pair")
@no_auth
@body_limit(1024)
async def pair(request: web.Request) -> web.Response:
    # Only the extension pairs: a request without the extension's Origin is refused here
    # (the front door already refused every other Origin).
    if "Origin" not in request.headers:
        raise PairingFailed(key="error.pairing.from_options_page")
    body = await read_json(request)
    code = body.get("code")
    if not isinstance(code, str) or not code.strip():
        raise BadInput(key="error.pairing.send_code")
    token = state(request).auth.redeem(code)
    log.info("extension paired")
    return web.json_response({"token": token})
