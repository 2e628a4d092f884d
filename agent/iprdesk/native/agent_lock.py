"""One agent per data directory, whoever starts it (a browser's native host, `iprdesk agent`
in a terminal).

The running agent holds `agent.lock` for its whole life (released by the OS even if it is
killed) and, once it listens, writes `agent.json` (`pid`, `port`, `version`, `managed`)
atomically. A native host reuses that agent, or starts a managed one: under `agent-start.lock`,
so two browsers connecting at once start one agent, not two.
"""

import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from iprdesk.atomic import atomic_write_json, remove_quietly
from iprdesk.errors import IprdeskError
from iprdesk.locking import exclusive, held_elsewhere, try_hold
from iprdesk.text.i18n import Message

log = logging.getLogger("iprdesk.native")

LOCK_FILE = "agent.lock"
START_LOCK_FILE = "agent-start.lock"
INFO_FILE = "agent.json"
# How long a host waits for the agent it started to listen: a bound for a loaded computer,
# the wait ends as soon as the agent is up.
START_TIMEOUT_SECONDS = 60.0
# How often it looks: agent.json appears within ~0.1 s of the agent's start (it listens
# before importing its routes), and each look is a lock probe and a small read.
POLL_SECONDS = 0.01


class AgentRunning(IprdeskError):
    code = "agent_running"
    status = 409


class AgentDidNotStart(IprdeskError):
    code = "agent_did_not_start"
    status = 503


class Started(Protocol):
    """A managed agent just started: its process id, and its exit code once it ended."""

    pid: int
    returncode: int | None

    def poll(self) -> int | None: ...


@dataclass(frozen=True)
class AgentInfo:
    pid: int
    port: int
    version: str
    managed: bool

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def read_info(home: Path) -> AgentInfo | None:
    """The running agent of `home`, or None: agent.json counts only while its lock is held
    (a killed agent leaves the file behind, never the lock)."""
    if not held_elsewhere(home / LOCK_FILE):
        return None
    return _read_file(home)  # None while starting: the lock is taken, the file not written


class AgentSlot:
    """The running agent's hold on its data directory: `claim()` on start, `announce()` once
    it listens, `release()` on stop."""

    def __init__(self, home: Path):
        self.home = home
        self._fd: int | None = None

    def claim(self) -> None:
        self._fd = try_hold(self.home / LOCK_FILE)
        if self._fd is None:
            running = _read_file(self.home)
            where = (Message("error.agent.pid_port", {"pid": running.pid, "port": running.port})
                     if running else "")
            raise AgentRunning(
                key="error.agent.already_running", params={"home": self.home, "where": where})

    def announce(self, info: AgentInfo) -> None:
        # Not fsynced: a browser's first answer waits on it (two fsyncs took up to ~0.2 s on
        # a busy disk, bench/NOTES.md), and after a crash the file counts for nothing anyway,
        # its lock being gone.
        atomic_write_json(self.home / INFO_FILE, asdict(info), mode=0o600, durable=False)

    def release(self) -> None:
        if self._fd is not None:
            remove_quietly(self.home / INFO_FILE)
            os.close(self._fd)
            self._fd = None


def _read_file(home: Path) -> AgentInfo | None:
    try:
        raw = json.loads((home / INFO_FILE).read_text(encoding="utf-8"))
        return AgentInfo(int(raw["pid"]), int(raw["port"]), str(raw["version"]),
                         bool(raw["managed"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def ensure_agent(home: Path, start: Callable[[Path], Started],
                 timeout: float = START_TIMEOUT_SECONDS) -> AgentInfo:
    """The running agent of `home`; if none, `start(home)` starts a managed one (it exits
    once nothing holds it: server/start.py `start_managed`)."""
    with exclusive(home / START_LOCK_FILE):
        info = read_info(home)
        if info is not None:
            return info
        if held_elsewhere(home / LOCK_FILE):
            child = None  # an agent is starting by other means: wait for it
        else:
            child = start(home)
            log.info("started a managed agent (pid %d)", child.pid)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = read_info(home)
            if info is not None:
                return info
            if child is not None and child.poll() is not None:
                raise AgentDidNotStart(
                    key="error.agent.stopped_while_starting",
                    params={"code": child.returncode, "log": home / "logs" / "agent.log"})
            time.sleep(POLL_SECONDS)
        raise AgentDidNotStart(key="error.agent.start_timeout",
                               params={"timeout": timeout, "log": home / "logs" / "agent.log"})
