"""Helpers shared by the agent tests and the end-to-end tests."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def iprdesk(*args, home: Path, check=True, input=None, env=None, timeout=60):
    """Run the CLI of this checkout as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "iprdesk", *args, "--home", str(home)],
        capture_output=True, text=True, check=check, input=input, timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def pairing_code(home: Path) -> str:
    return json.loads(iprdesk("pair", "--json", home=home).stdout)["code"]


class AgentProcess:
    """The real agent in its own process, on a free loopback port."""

    def __init__(self, home: Path, port: int | None = None, extra_args=()):
        self.home = home
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_args = list(extra_args)
        self.proc = None

    def start(self, timeout=60.0):  # a bound for a loaded machine; it returns once up
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "iprdesk", "agent", "--home", str(self.home),
             "--port", str(self.port), *self.extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"agent exited: {self.proc.stderr.read()}")
            try:
                urllib.request.urlopen(self.url + "/v1/health", timeout=1)
            except urllib.error.HTTPError:
                return self  # 401: it is up and guarding its door
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("agent did not start in time")

    def stop(self, sig=signal.SIGTERM) -> int:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def output(self) -> str:
        return self.proc.stderr.read() if self.proc and self.proc.poll() is not None else ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
