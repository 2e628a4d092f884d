"""Run the agent: loopback only, one per data directory, clear start-up message, clean stop
on Ctrl-C / SIGTERM (and, for an agent a browser started, once no browser holds it).

The agent listens and announces its port (agent.json) before it imports aiohttp and its
routes (about two thirds of its start): the native host waiting for it can hand the browser
its session meanwhile, and the browser's first requests wait in the listening socket's queue
until the routes serve them (bench/agent.py). Nor does it wait for the CA certificates of
aiohttp's client: read at its first TLS connection (server/tls.py)."""

import asyncio
import contextlib
import ipaddress
import logging
import logging.handlers
import os
import signal
import socket
import sys
from pathlib import Path

from iprdesk import __version__
from iprdesk.config import Config
from iprdesk.errors import BadInput
from iprdesk.lazy import started
from iprdesk.native.agent_lock import AgentInfo, AgentSlot
from iprdesk.server.pairing import AuthStore

log = logging.getLogger("iprdesk.agent")
ACCESS_LOG_FORMAT = '%a "%r" %s %b %Tfs'
# A connection must finish a request's headers within this long of opening or of its last
# answer, and an idle keep-alive one is closed after it: slow or stalled clients cannot pile
# up. (aiohttp's keep-alive timer runs from the connection's start and closes it whenever no
# whole request has arrived by then, since aiohttp 3.14.4.)
IDLE_SECONDS = 5
LOOPBACK = "127.0.0.1, ::1, localhost"  # the addresses the agent may listen on, as said to users


def loopback_hosts(host: str) -> list[str]:
    """The addresses to bind for --host, refusing anything a LAN peer could reach."""
    if host == "localhost":
        return ["127.0.0.1", "::1"]
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        raise BadInput(key="error.agent.host_not_loopback",
                       params={"host": host, "loopback": LOOPBACK}) from None
    if not address.is_loopback:
        raise BadInput(key="error.agent.host_not_loopback_why",
                       params={"host": host, "loopback": LOOPBACK})
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


def run_agent(home: Path, host: str, port: int | None, verbose: bool = False, *,
              managed: bool = False, grace_seconds: float = 30.0) -> None:
    """Serve until stopped (Ctrl-C, SIGTERM) or, `managed`, until nothing holds the agent.
    One agent per data directory: a second one refuses to start (native/agent_lock.py)."""
    hosts = loopback_hosts(host)
    config = Config.load(home)
    slot = AgentSlot(home)
    slot.claim()
    sockets: list[socket.socket] = []
    try:
        log_path = setup_logging(home, verbose)
        # No host holds a new agent yet; before the port is announced, or a host's session
        # minted meanwhile would go with the old ones.
        AuthStore(home).drop_sessions()
        sockets = listen(hosts, port or config.port, fallback=managed and port is None)
        bound = sockets[0].getsockname()[1]
        slot.announce(AgentInfo(os.getpid(), bound, __version__, managed))
        where = ", ".join(f"http://{h if ':' not in h else f'[{h}]'}:{bound}" for h in hosts)
        log.info("iprdesk agent listening on %s", where)
        log.info("data: %s (log: %s)", home, log_path)
        if managed:
            log.info("started by a browser: stops %g s after the last browser lets go "
                     "(unless it watches folders)", grace_seconds)
        else:
            log.info("press Ctrl-C to stop")
        asyncio.run(_serve(home, sockets, bound, config, managed=managed,
                           grace_seconds=grace_seconds))
    except KeyboardInterrupt:
        pass
    finally:
        for sock in sockets:
            sock.close()
        slot.release()
    log.info("agent stopped")


async def _serve(home, sockets, port, config, *, managed, grace_seconds) -> None:
    # Imported once the port is announced: nothing before it waits for them.
    from iprdesk.server.tls import certificates_on_first_use

    with certificates_on_first_use():  # read at the first TLS connection, not at every start
        from aiohttp import web

    from iprdesk.server.app import make_app
    from iprdesk.server.http import STATE_KEY

    stop = asyncio.Event()
    app = make_app(home, port, config, managed=managed, grace_seconds=grace_seconds)
    app[STATE_KEY].services.holds.on_idle = stop.set
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows: Ctrl-C is KeyboardInterrupt
            loop.add_signal_handler(sig, stop.set)
    runner = web.AppRunner(app, access_log_format=ACCESS_LOG_FORMAT, shutdown_timeout=5,
                           keepalive_timeout=IDLE_SECONDS, handle_signals=False)
    await runner.setup()
    try:
        for sock in sockets:
            await web.SockSite(runner, sock).start()
        started()  # serving: the start is over (lazy.py)
        await stop.wait()
    finally:
        await runner.cleanup()


def listen(hosts: list[str], port: int, fallback: bool) -> list[socket.socket]:
    """Listening sockets on `port` on every host. A managed agent whose usual port is taken
    (another program, another user's agent) takes a free one: the native host tells the
    browser."""
    sockets: list[socket.socket] = []
    try:
        for h in hosts:
            sockets.append(_listening(h, port))
        return sockets
    except OSError as e:
        for sock in sockets:
            sock.close()
        if fallback:
            return [_listening(hosts[0], 0)]
        raise BadInput(key="error.agent.port_unavailable",
                       params={"port": port, "strerror": e.strerror},
                       code="port_unavailable") from e


def _listening(host: str, port: int) -> socket.socket:
    # As asyncio's create_server binds: address reuse on POSIX only (on Windows it would let
    # another program take the port), an IPv6 socket for IPv6 only.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=128)
