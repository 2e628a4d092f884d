"""POST /v1/strip: clean one image for the upload guard (the folder watchers are a service)."""

import asyncio
import base64
import functools
import json
from urllib.parse import quote, unquote

from aiohttp import payload, web

from iprdesk.atomic import slices
from iprdesk.errors import IprdeskError
from iprdesk.lazy import lazy_module
from iprdesk.server.http import (
    MiB,
    body_limit,
    heavy,
    in_pool,
    read_body,
    state,
)

# Loaded by the first request that needs them, not by the agent's start (server/run.py).
metadata = lazy_module("iprdesk.metadata")
upload_check = lazy_module("iprdesk.casework.upload_check")

routes = web.RouteTableDef()

MAX_IMAGE = 50 * MiB
REPORT_HEADER = "X-Iprdesk-Report"


@routes.post("/v1/strip")
@body_limit(MAX_IMAGE)
@heavy
async def strip(request: web.Request) -> web.Response:
    """Body: the image bytes. X-Filename: its name (percent-encoded UTF-8), for messages.
    Query `heic_to_jpeg=1` converts HEIC photos; `page`: the address of the Panel page it is
    uploaded on, whose open case's complained images it is compared with (the report's
    `case_check`, see casework.upload_check) and whose product the sealed original names.
    Answer: the cleaned bytes, with the report in the X-Iprdesk-Report header (base64 of its
    JSON). The original is sealed into the vault after the answer (services.OriginalSealer).
    """
    name = unquote(request.headers.get("X-Filename", "")).strip()[:255] or "image"
    heic_to_jpeg = request.query.get("heic_to_jpeg") in ("1", "true")
    page = request.query.get("page")
    data = await read_body(request)

    # CPU-bound (a few ms for a 6 MB photo); the pool keeps the agent responsive.
    def clean():
        return metadata.strip_image(data, name, heic_to_jpeg=heic_to_jpeg)

    async def compared():
        if not page:
            return None
        try:
            return await in_pool(request, upload_check.check, state(request).home, data, name,
                                 page)
        except IprdeskError as e:  # a damaged case file: say so, the upload goes on
            return {"verdict": "unchecked", "reason": e.code, "match": None}

    # The comparison runs beside the cleaning, on another of the pool's threads: the upload
    # waits for the slower of the two, not for both.
    cleaning, case_check = await asyncio.gather(in_pool(request, clean), compared(),
                                                return_exceptions=True)
    # A BadImage is the front door's usual error: it names the file, in the reader's language.
    if isinstance(cleaning, BaseException):
        raise cleaning
    if isinstance(case_check, BaseException):
        raise case_check
    cleaned = cleaning
    report = cleaned.report.to_dict()
    if page:
        report["case_check"] = case_check
    # The cleaned bytes as the body (no base64: encoding megabytes would cost more than the
    # cleaning), the report beside them as base64 of its UTF-8 JSON (headers are Latin-1).
    encoded = base64.b64encode(json.dumps(report, ensure_ascii=False).encode()).decode("ascii")
    seal = None if cleaned.report.clean else functools.partial(
        state(request).services.originals.seal_later, name, data, lambda: cleaned.data, page)
    return _SentFirst(seal, body=_CleanedBody(cleaned), headers={
        REPORT_HEADER: encoded,
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(report['output_file'])}",
        "Access-Control-Expose-Headers": REPORT_HEADER,
    })


class _CleanedBody(payload.Payload):
    """The cleaned image sent from its parts, the image data straight out of the request's
    body in slices: joined into one bytes object first, a 6 MB photo was copied three times
    more per request (the join, aiohttp's join with the headers, the socket's buffer), each
    copy into fresh pages of memory."""

    def __init__(self, cleaned):
        super().__init__(cleaned, content_type=cleaned.mime)
        self._size = cleaned.size

    async def write(self, writer) -> None:
        for part in self._value.views():
            for piece in slices(part):
                await writer.write(piece)  # waits while the socket's buffer is full

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return self._value.data.decode(encoding, errors)


class _SentFirst(web.Response):
    """The clean copy, after which (its last byte handed to the connection) the original is
    sealed: the upload never shares the CPU with the vault's encryption."""

    def __init__(self, then, **kwargs):
        super().__init__(**kwargs)
        self._then = then

    async def write_eof(self, data: bytes = b"") -> None:
        try:
            await super().write_eof(data)
        finally:
            if self._then is not None:
                self._then()  # also when the browser went away: the original is still kept
                self._then = None
