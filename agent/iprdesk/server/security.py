"""The agent's front door (DESIGN section 3): every request passes these checks in order.

1. Host must be a loopback name with our port (421 otherwise): defeats DNS rebinding.
2. An Origin, when present, must be the paired extension's (403, no CORS headers otherwise).
   Requests without Origin come from non-browser clients (CLI, scripts); they still need a
   token. Browsers always send Origin on the cross-origin requests a web page could make.
3. Every route but pairing needs `Authorization: Bearer <token>` (401): a paired token, or a
   browser session's while its native host holds the agent (services.Holds).
4. Bodies above the route's limit are refused (413) before they are read.
5. A heavy route takes a place in the work queue before its body is read (503 busy beyond it).
Errors are JSON, never tracebacks, their message in the language the extension asks for
(Accept-Language); every response is `Cache-Control: no-store`.
"""

import logging

from aiohttp import web

from iprdesk.errors import IprdeskError
from iprdesk.server.http import (
    error_response,
    from_error,
    request_language,
    route_body_limit,
    state,
)
from iprdesk.server.pairing import TokenInfo
from iprdesk.text import i18n

log = logging.getLogger("iprdesk.agent")

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
ALLOWED_HEADERS = "Accept-Language, Authorization, Content-Type, X-Filename, X-Iprdesk-Meta"
ALLOWED_METHODS = "GET, POST, PUT, DELETE"


def allowed_hosts(port: int) -> frozenset[str]:
    return frozenset(f"{name}:{port}" for name in LOOPBACK_NAMES)


def _cors_headers(origin: str) -> dict:
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


@web.middleware
async def front_door(request: web.Request, handler):
    st = state(request)
    lang = request_language(request)
    if request.host.lower() not in allowed_hosts(st.port):
        return _said(421, "misdirected", lang)

    origin = request.headers.get("Origin")
    if origin is not None and origin not in st.allowed_origins:
        log.warning("refused a request from origin %s", origin[:100])
        return _said(403, "forbidden_origin", lang)
    cors = _cors_headers(origin) if origin else {}

    if request.method == "OPTIONS" and origin:
        return web.Response(status=204, headers={
            **cors,
            "Access-Control-Allow-Methods": ALLOWED_METHODS,
            "Access-Control-Allow-Headers": ALLOWED_HEADERS,
            "Access-Control-Max-Age": "600",
        })

    try:
        response = await _authorised(request, handler, lang)
    except web.HTTPException as e:  # aiohttp's own: no such route, method or a body too large
        response = _http_error(request, e, lang)
    except IprdeskError as e:
        response = from_error(e, lang)
    except Exception:
        log.exception("unexpected error on %s %s", request.method, request.path)
        response = _said(500, "internal", lang)
    response.headers.update(cors)
    return response


def bearer_token(request: web.Request) -> TokenInfo | None:
    """The entry of the request's bearer token, held or not, if it is known."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return state(request).auth.verify(token)


def _allowed(request: web.Request) -> bool:
    info = bearer_token(request)
    if info is None:
        return False
    return not info.session or state(request).services.holds.holds(info.id)


def _said(status: int, code: str, lang: str, headers=None, **params) -> web.Response:
    """The front door's own error, message `error.<code>` in `lang`."""
    return error_response(status, code, i18n.text(f"error.{code}", lang, **params),
                          headers=headers, key=f"error.{code}")


async def _authorised(request: web.Request, handler, lang: str):
    if not getattr(request.match_info.handler, "no_auth", False) and not _allowed(request):
        return _said(401, "unauthorized", lang, headers={"WWW-Authenticate": "Bearer"})
    length = request.content_length
    limit = route_body_limit(request)
    if length is not None and length > limit:
        return _said(413, "too_large", lang, limit=limit)
    if getattr(request.match_info.handler, "heavy", False):
        with state(request).work.place():
            return await handler(request)
    return await handler(request)


def _http_error(request: web.Request, e: web.HTTPException, lang: str) -> web.Response:
    if e.status == 413:
        return _said(413, "too_large", lang, limit=route_body_limit(request))
    if e.status in (404, 405):
        code = "not_found" if e.status == 404 else "method_not_allowed"
        return _said(e.status, code, lang, headers={"Allow": e.headers["Allow"]}
                     if "Allow" in e.headers else None)
    return _said(e.status, "http_error", lang, number=e.status)


async def no_store(request: web.Request, response: web.StreamResponse) -> None:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
