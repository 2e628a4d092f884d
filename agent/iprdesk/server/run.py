"""Run the agent: loopback only, clear start-up message, clean stop on Ctrl-C / SIGTERM."""

import ipaddress
import logging
import logging.handlers
import sys
from pathlib import Path

from aiohttp import web

from iprdesk.config import Config
from iprdesk.errors import BadInput
from iprdesk.server.app import make_app
from iprdesk.server.http import STATE_KEY

log = logging.getLogger("iprdesk.agent")
ACCESS_LOG_FORMAT = '%a "%r" %s %b %Tfs'
# A connection must finish a request's headers within this long of opening or of its last
# answer, and an idle keep-alive one is closed after it: slow or stalled clients cannot pile
# up. (aiohttp's keep-alive timer runs from the connection's start and closes it whenever no
# whole request has arrived by then, since aiohttp 3.14.4.)
IDLE_SECONDS = 5


def loopback_hosts(host: str) -> list[str]:
    """The addresses to bind for --host, refusing anything a LAN peer could reach."""
    if host == "localhost":
        return ["127.0.0.1", "::1"]
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        raise BadInput(
            f"--host {host}: give a loopback address (127.0.0.1, ::1 or localhost)"
        ) from None
    if not address.is_loopback:
        raise BadInput(
            f"--host {host} is not a loopback address. The agent holds your evidence and only "
            "listens on this computer (127.0.0.1, ::1 or localhost)."
        )
    return [str(address)]


def setup_logging(home: Path, verbose: bool = False) -> Path:
    logs = home / "logs"
    logs.mkdir(exist_ok=True, mode=0o700)
    path = logs / "agent.log"
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    to_file = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3,
                                                   encoding="utf-8")
    to_stderr = logging.StreamHandler(sys.stderr)
    root = logging.getLogger()
    root.handlers[:] = []
    for handler in (to_file, to_stderr):
        handler.setFormatter(fmt)
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # One line per request is for debugging; it never carries a token (tokens live in headers).
    logging.getLogger("aiohttp.access").setLevel(logging.INFO if verbose else logging.WARNING)
    return path


def run_agent(home: Path, host: str, port: int | None, verbose: bool = False) -> None:
    hosts = loopback_hosts(host)
    config = Config.load(home)
    port = port or config.port
    log_path = setup_logging(home, verbose)
    app = make_app(home, port, config)
    paired = app[STATE_KEY].auth.paired()

    def started(_message: str) -> None:
        where = ", ".join(f"http://{h if ':' not in h else f'[{h}]'}:{port}" for h in hosts)
        log.info("iprdesk agent listening on %s", where)
        log.info("data: %s (log: %s)", home, log_path)
        if paired:
            log.info("an extension is paired")
        else:
            log.info("no extension paired yet: run `iprdesk pair` and type the code into the "
                     "extension's options page")
        log.info("press Ctrl-C to stop")

    try:
        web.run_app(app, host=hosts, port=port, print=started, access_log_format=ACCESS_LOG_FORMAT,
                    handle_signals=True, shutdown_timeout=5, keepalive_timeout=IDLE_SECONDS)
    except OSError as e:
        raise BadInput(f"Cannot listen on port {port}: {e.strerror}. Is the agent already "
                       "running? Choose another with --port.", code="port_unavailable") from e
    log.info("agent stopped")
