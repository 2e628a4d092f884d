"""`iprdesk check-urls` with each request's moments noted, for bench/urls.py `--trace`.

    python bench/urls_traced.py OUT.json check-urls ARGS...

Runs the command as `python -m iprdesk` does, with an aiohttp trace on the checker's session
and `_read_capped` wrapped, then writes {url: {moment: time.perf_counter()}} to OUT.json at
exit: `start` (the request begins), `connection` (a connection is had, new or reused),
`sent` (its headers are written), `headers` (the answer's headers are read), `read` (its body
is read: the connection goes back to the pool). perf_counter is CLOCK_MONOTONIC, the same
clock in the bench's process. The bench's own numbers never come from this run.
"""

import atexit
import json
import sys
import time
from pathlib import Path

import aiohttp

from iprdesk.urls import check as urlcheck

MOMENTS: dict[str, dict[str, float]] = {}


def _noting(moment: str):
    async def note(_session, context, params) -> None:
        if moment == "start":
            context.url = str(params.url)
        MOMENTS.setdefault(context.url, {})[moment] = time.perf_counter()
    return note


def _traced_session() -> None:
    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(_noting("start"))
    trace.on_connection_reuseconn.append(_noting("connection"))
    trace.on_connection_create_end.append(_noting("connection"))
    trace.on_request_headers_sent.append(_noting("sent"))
    trace.on_request_end.append(_noting("headers"))
    plain_init = aiohttp.ClientSession.__init__

    def init(self, *args, **kwargs):
        plain_init(self, *args, **kwargs, trace_configs=[trace])
    aiohttp.ClientSession.__init__ = init

    plain_read = urlcheck._read_capped

    async def read(response, cap):
        got = await plain_read(response, cap)
        MOMENTS.setdefault(str(response.url), {})["read"] = time.perf_counter()
        return got
    urlcheck._read_capped = read


def main() -> None:
    out = Path(sys.argv[1])
    _traced_session()
    atexit.register(lambda: out.write_text(json.dumps(MOMENTS)))
    from iprdesk.cli import main as cli
    cli(sys.argv[2:], prog_name="iprdesk")


if __name__ == "__main__":
    main()
