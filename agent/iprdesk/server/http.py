"""Small helpers every route uses: body limits, JSON in and out, the shared agent state.

Routes stay thin: parse the request with these helpers, call the core library, answer.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from iprdesk.config import Config
from iprdesk.errors import BadInput, IprdeskError
from iprdesk.server.load import WorkQueue
from iprdesk.server.pairing import AuthStore
from iprdesk.server.services import Services
from iprdesk.text import i18n
from iprdesk.text.i18n import Message
from iprdesk.timeutil import Clock

KiB = 1024
MiB = 1024 * KiB
DEFAULT_BODY_LIMIT = 64 * KiB
# The largest limit any route may declare; aiohttp itself refuses anything bigger.
MAX_BODY_LIMIT = 64 * MiB


@dataclass
class AgentState:
    home: Path
    config: Config
    auth: AuthStore
    port: int
    allowed_origins: frozenset[str]
    work: WorkQueue
    services: Services
    clock: Clock  # the one "now" deadlines are judged at (timeutil.Clock)


STATE_KEY = web.AppKey("iprdesk_state", AgentState)


def state(request: web.Request) -> AgentState:
    return request.app[STATE_KEY]


def body_limit(limit: int) -> Callable:
    """Declare the largest body a route accepts (413 beyond it); the default is 64 KiB."""
    assert limit <= MAX_BODY_LIMIT

    def mark(handler):
        handler.body_limit = limit
        return handler

    return mark


def heavy(handler):
    """Mark a route whose work is CPU or memory heavy: it takes a place in the agent's work
    queue before its body is read (503 busy beyond it) and runs that work with `in_pool`."""
    handler.heavy = True
    return handler


async def in_pool(request: web.Request, function, *args):
    """Run a heavy route's work on the agent's pool, one thread per core."""
    return await state(request).work.run(function, *args)


def no_auth(handler):
    """Mark the one route reachable without a token (pairing)."""
    handler.no_auth = True
    return handler


def route_body_limit(request: web.Request) -> int:
    return getattr(request.match_info.handler, "body_limit", DEFAULT_BODY_LIMIT)


async def read_body(request: web.Request) -> bytes:
    """The body, refused with 413 as soon as it grows past the route's limit."""
    limit = route_body_limit(request)
    chunks, size = [], 0
    async for chunk in request.content.iter_any():  # as received: no re-chunking copies
        size += len(chunk)
        if size > limit:
            raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=size)
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: web.Request) -> dict:
    if request.content_type != "application/json":
        raise BadInput(key="error.request.not_json",
                       code="unsupported_media_type", status=415)
    return parse_json_object(await read_body(request), Message("error.request.body"))


def parse_json_object(raw: bytes, what: Message) -> dict:
    """`raw` as a JSON object, or a BadInput naming `what` was wrong with it."""
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise BadInput(key="error.request.invalid_json", params={"what": what, "e": e}) from e
    if not isinstance(value, dict):
        raise BadInput(key="error.request.json_not_object", params={"what": what})
    return value


def request_language(request: web.Request) -> str:
    """The language the extension reads (its Accept-Language, its UI language), else English."""
    return i18n.accepted_language(request.headers.get("Accept-Language"))


def error_body(code: str, message: str, key: str | None = None) -> dict:
    """The agent's error: `message` one line in the reader's language, `key` its message key."""
    return {"error": {"code": code, "message": message, **({"key": key} if key else {})}}


def error_response(status: int, code: str, message: str, headers=None,
                   key: str | None = None) -> web.Response:
    return web.json_response(error_body(code, message, key), status=status, headers=headers)


def from_error(e: IprdeskError, lang: str = "en") -> web.Response:
    """The error's code, its message in `lang`, and the facts it carries (e.details)."""
    body = error_body(e.code, e.text(lang), e.key)
    body["error"].update(e.details or {})
    return web.json_response(body, status=e.status, headers=e.headers)
