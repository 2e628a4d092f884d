"""How a native host starts the managed agent of a data directory (native/agent_lock.py
`ensure_agent` calls `start_managed` under the start lock, then waits for agent.json): what
`iprdesk agent --managed` runs (server/run.py), in a session of its own."""

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import NoReturn


class _Forked:
    """The agent forked from this host: the part of `subprocess.Popen` ensure_agent uses."""

    def __init__(self, pid: int):
        self.pid, self.returncode = pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode


def start_managed(home: Path) -> "subprocess.Popen | _Forked":
    """A managed agent for `home`, outliving the host Chrome started (and kills). On Linux
    the host forks it: it skips an interpreter's start and the imports the host has made, a
    browser's first answer waits on both (bench/agent.py). Elsewhere a new interpreter runs
    `python -m iprdesk.server` (macOS's system libraries are not safe in a forked child that
    does not exec; Windows has no fork)."""
    if sys.platform == "linux":
        pid = os.fork()
        if pid == 0:
            _become_agent(home)
        return _Forked(pid)
    if os.name == "nt":  # pragma: no cover - Windows only
        detached = {"creationflags": subprocess.DETACHED_PROCESS
                    | subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.CREATE_NO_WINDOW}
    else:  # pragma: no cover - macOS only
        detached = {"start_new_session": True}
    # Never Chrome's pipes: the agent's output would corrupt the host's messages.
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "iprdesk.server", "--home", str(home)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        close_fds=True, **detached)


def _retitle(home: Path) -> None:
    """The forked agent as `ps` and task managers list it: not as the host it was forked from
    (`python -m iprdesk.native`), but as the command that runs the same agent."""
    try:
        import setproctitle

        setproctitle.setproctitle(f"iprdesk agent --managed --home {home}")
        setproctitle.setthreadtitle("iprdesk-agent")  # the short name (`top`, /proc/PID/comm)
    except Exception as e:  # missing or broken: only the listing suffers, not the agent
        logging.getLogger("iprdesk.agent").warning("the agent keeps the host's process title: "
                                                   "%s", e)


def _become_agent(home: Path) -> NoReturn:
    """The forked child runs the agent and ends, never back in the host's code (whose
    `finally` blocks would unlock, revoke and answer Chrome)."""
    code = 1
    try:
        os.setsid()
        _retitle(home)  # said in the host's log if it fails: the agent's is not open yet
        # Nothing of the host's: not Chrome's pipes (the agent's output would corrupt the
        # host's messages), not its log, not the start lock (held as long as the agent ran).
        # The log's handler closes its own descriptor; no Python object owns the others.
        root = logging.getLogger()
        for handler in root.handlers:
            handler.close()
        root.handlers[:] = []
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        from iprdesk.server.run import run_agent  # in the child: the host needs none of it

        run_agent(home, "127.0.0.1", None, managed=True)
        code = 0
    finally:
        os._exit(code)
