"""The native messaging host: the program Chrome starts when the extension calls
`chrome.runtime.connectNative("com.iprdesk.agent")`.

Chrome passes the caller's origin (`chrome-extension://<id>/`) as first argument and speaks
framed messages on stdin/stdout: a 4-byte length in native byte order, then that many bytes
of UTF-8 JSON. Chrome refuses a message from the host above 1 MB, so anything larger goes in
`chunk` messages; the extension's messages to us are small, so a length above
`MAX_INCOMING` is refused as a broken or hostile stream.

What the host does: check the origin against the allowed extension ids, start or reuse the
one agent of the data directory, mint a browser session token (auth.json, hashed), hold the
agent with it (`POST /v1/session/hold`), and send the extension
`{"type": "session", "agent_url", "token", "agent_version", "host_version"}`, or, when it
cannot, `{"type": "error", "code", "key", "params", "message"}`: the error's message key
and its plain parameters, which the extension words in the user's language (its
`lib/host-problem.js`), and the English `message` for support. It then stays
until Chrome closes the port (stdin ends): the hold ends, the agent revokes the token. If the
agent goes away, the host says `agent_lost` and ends; the extension connects again, which
starts an agent again.
"""

import contextlib
import json
import logging
import os
import queue
import struct
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from iprdesk import __version__
from iprdesk.errors import IprdeskError
from iprdesk.lazy import started
from iprdesk.native.agent_lock import AgentInfo, ensure_agent
from iprdesk.native.manifest import allowed_origins
from iprdesk.paths import DataDirUnusable, home_location, resolve_home

log = logging.getLogger("iprdesk.native")

MAX_OUTGOING = 1024 * 1024  # Chrome's limit for one message from the host
MAX_INCOMING = 1024 * 1024  # ours: the extension only sends small control messages
# Characters of the JSON text per chunk: even escaped six times over (\u00XX), a chunk
# stays under MAX_OUTGOING.
CHUNK_CHARS = 128 * 1024
HEADER = struct.Struct("=I")  # native byte order, as Chrome writes it
PROTOCOL = 1


class NativeProtocolError(IprdeskError):
    code = "native_protocol"


class HoldFailed(IprdeskError):
    code = "hold_failed"
    status = 503


def _read_exactly(stream: BinaryIO, n: int) -> bytes:
    data = b""
    while len(data) < n:
        piece = stream.read(n - len(data))
        if not piece:
            break
        data += piece
    return data


def read_message(stream: BinaryIO) -> dict | None:
    """The next message, or None when Chrome closed the port (end of input)."""
    header = _read_exactly(stream, HEADER.size)
    if not header:
        return None
    if len(header) < HEADER.size:
        raise NativeProtocolError(key="error.native.header_cut")
    (length,) = HEADER.unpack(header)
    if length > MAX_INCOMING:
        raise NativeProtocolError(key="error.native.too_large",
                                  params={"length": length, "max_bytes": MAX_INCOMING})
    body = _read_exactly(stream, length)
    if len(body) < length:
        raise NativeProtocolError(key="error.native.body_cut",
                                  params={"got": len(body), "length": length})
    try:
        message = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise NativeProtocolError(key="error.native.not_json", params={"e": e}) from None
    if not isinstance(message, dict):
        raise NativeProtocolError(key="error.native.not_object")
    return message


def frames(message: dict, chunk_id: int = 0) -> list[bytes]:
    """`message` framed for Chrome: one frame, or `chunk` frames whose `data` joined in order
    is the message's JSON text."""
    text = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    body = text.encode("utf-8")
    if HEADER.size + len(body) <= MAX_OUTGOING:
        return [HEADER.pack(len(body)) + body]
    pieces = [text[i:i + CHUNK_CHARS] for i in range(0, len(text), CHUNK_CHARS)]
    out = []
    for index, piece in enumerate(pieces):
        chunk = json.dumps({"type": "chunk", "id": chunk_id, "index": index,
                            "count": len(pieces), "data": piece},
                           ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        out.append(HEADER.pack(len(chunk)) + chunk)
    return out


class Channel:
    """The host's side of the port: framed writes, one at a time."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self._lock = threading.Lock()
        self._chunks = 0

    def send(self, message: dict) -> None:
        with self._lock:
            self._chunks += 1
            for frame in frames(message, self._chunks):
                self.out.write(frame)
            self.out.flush()


class Hold:
    """This host's hold on the agent: one open `POST /v1/session/hold`."""

    def __init__(self, agent: AgentInfo, token: str, timeout: float = 30):
        import http.client  # loaded while the agent starts (ensure_agent), not before it

        self.connection = http.client.HTTPConnection("127.0.0.1", agent.port, timeout=timeout)
        self.connection.request("POST", "/v1/session/hold", headers={
            "Authorization": f"Bearer {token}", "Content-Length": "0"})
        self.response = self.connection.getresponse()
        if self.response.status != 200:
            raise HoldFailed(key="error.native.hold_refused",
                             params={"status": self.response.status})
        first = json.loads(self.response.readline() or b"{}")
        if not first.get("held"):
            raise HoldFailed(key="error.native.hold_unconfirmed")
        self.connection.sock.settimeout(None)  # held until either side lets go

    def wait_until_lost(self) -> None:
        # However the connection ends (the agent gone, or close() from the other thread in
        # the middle of a read), the hold is over.
        with contextlib.suppress(Exception):
            while self.response.read(1):
                pass

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.sock and self.connection.sock.shutdown(2)
        self.connection.close()


def _binary_stdio(stdin: BinaryIO, stdout: BinaryIO) -> None:
    if os.name == "nt":  # pragma: no cover - Windows only: no newline translation
        import msvcrt

        msvcrt.setmode(stdin.fileno(), os.O_BINARY)
        msvcrt.setmode(stdout.fileno(), os.O_BINARY)


def _setup_logging(home: Path) -> None:
    """To a file only: stdout is Chrome's channel, and nothing secret is ever logged."""
    logs = home / "logs"
    logs.mkdir(exist_ok=True, mode=0o700)
    handler = logging.FileHandler(logs / "native-host.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def _plain(value) -> str | None:
    """A parameter as the extension's message shows it; None for words (Message) and data,
    which the extension words itself or leaves out."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return f"{value:.0f}"
    if isinstance(value, (str, int, Path)):
        return str(value)
    return None


def _error(channel: Channel, error: IprdeskError) -> int:
    params = {name: shown for name, value in error.params.items()
              if (shown := _plain(value)) is not None}
    channel.send({"type": "error", "code": error.code, "key": error.key, "params": params,
                  "message": error.message})
    return 1


def serve_chrome(home_arg: str | None, chrome_args: Sequence[str]) -> int:
    """Serve the port Chrome opened on this process's stdin/stdout; the exit code.
    `chrome_args`: what Chrome passes, the caller's origin first (on Windows also
    `--parent-window=<id>`)."""
    origin = next((a for a in chrome_args if not a.startswith("--")), "")
    # Unbuffered stdin: a reader thread blocked in it cannot hold a buffer's lock at exit.
    stdin = open(sys.stdin.fileno(), "rb", buffering=0, closefd=False)  # noqa: SIM115
    return run_host(home_arg, origin, stdin, sys.stdout.buffer)


def run_host(home_arg: str | None, origin: str, stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Serve one native messaging port until Chrome closes it; the process's exit code.
    `home_arg`: the --home given, None for the default data directory."""
    _binary_stdio(stdin, stdout)
    channel = Channel(stdout)
    try:
        home = resolve_home(home_arg)
        _setup_logging(home)
    except DataDirUnusable as e:  # nowhere to log it: the extension shows it
        return _error(channel, e)
    except OSError:  # a data folder, but its logs cannot be written
        return _error(channel, DataDirUnusable(key="error.home.unusable",
                                               params={"home": home_location(home_arg)}))
    try:
        allowed = allowed_origins(home)  # config.json's extra ids: a damaged file says so
    except IprdeskError as e:
        log.error("no settings: %s", e.message)
        return _error(channel, e)
    if origin not in allowed:
        log.warning("refused a connection from %s", origin[:120] or "no origin")
        return _error(channel, NativeProtocolError(
            key="error.native.forbidden_origin", code="forbidden_origin"))
    try:
        agent = ensure_agent(home, _start_agent)
    except IprdeskError as e:
        log.error("no agent: %s", e.message)
        return _error(channel, e)
    # Once the agent is starting: a browser's first answer waits on both.
    import http.client

    from iprdesk.server.pairing import AuthStore

    auth = AuthStore(home)
    token_id, token = auth.new_session()
    try:
        try:
            hold = Hold(agent, token)
        except (OSError, ValueError, http.client.HTTPException) as e:
            log.error("could not hold the agent on port %d: %s", agent.port, e)
            return _error(channel, HoldFailed(key="error.native.agent_silent"))
        except HoldFailed as e:
            return _error(channel, e)
        log.info("browser session %s opened for %s (agent pid %d, port %d)", token_id, origin,
                 agent.pid, agent.port)
        try:
            channel.send({"type": "session", "protocol": PROTOCOL, "agent_url": agent.url,
                          "token": token, "agent_version": agent.version,
                          "host_version": __version__})
            started()  # the browser has its session: the host's start is over (lazy.py)
            return _serve(channel, stdin, hold)
        finally:
            hold.close()
    finally:
        auth.revoke(token_id, missing_ok=True)
        log.info("browser session %s closed", token_id)


def _start_agent(home: Path):
    from iprdesk.server.start import start_managed  # only when there is no agent to reuse

    return start_managed(home)


def _serve(channel: Channel, stdin: BinaryIO, hold: Hold) -> int:
    events: queue.Queue = queue.Queue()

    def browser():
        try:
            while (message := read_message(stdin)) is not None:
                events.put(("message", message))
            events.put(("closed", None))
        except NativeProtocolError as e:
            events.put(("broken", e))

    def agent():
        hold.wait_until_lost()
        events.put(("lost", None))

    for target in (browser, agent):
        threading.Thread(target=target, daemon=True).start()
    while True:
        kind, value = events.get()
        if kind == "closed":
            return 0
        if kind == "broken":
            log.warning("%s", value.message)
            return _error(channel, value)
        if kind == "lost":
            log.info("the agent went away")
            channel.send({"type": "agent_lost"})
            return 0
        if value.get("type") == "ping":
            channel.send({"type": "pong"})
        else:
            _error(channel, NativeProtocolError(key="error.native.unknown_message",
                                                code="unknown_message",
                                                params={"type": str(value.get("type"))[:40]}))
