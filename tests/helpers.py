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
from datetime import UTC, datetime, timedelta
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

    def __init__(self, home: Path, port: int | None = None, extra_args=(), env=None):
        self.home = home
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_args = list(extra_args)
        self.env = {**os.environ, **(env or {})}
        self.proc = None

    def start(self, timeout=60.0):  # a bound for a loaded machine; it returns once up
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "iprdesk", "agent", "--home", str(self.home),
             "--port", str(self.port), *self.extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env,
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


class NativeHost:
    """The native host as Chrome runs it: the launcher's command (`command`: another), the
    origin as first argument, framed JSON on stdin/stdout. `session` is the first message
    (the credential, or an error)."""

    def __init__(self, home: Path, origin: str, command=None):
        import struct

        from iprdesk.native.manifest import launcher_command

        self.header = struct.Struct("=I")
        self.proc = subprocess.Popen(
            (command or launcher_command(home)) + [origin, "--parent-window=0"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.session = self.read()

    def read(self) -> dict | None:
        header = self.proc.stdout.read(4)
        if not header:
            return None
        (length,) = self.header.unpack(header)
        return json.loads(self.proc.stdout.read(length))

    def send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.proc.stdin.write(self.header.pack(len(body)) + body)
        self.proc.stdin.flush()

    def close(self, timeout=30) -> int:
        """Close the port as Chrome does (end of input); the host's exit code."""
        if self.proc.stdin and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self.proc.stdout.close()
            self.proc.stderr.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.close()


def stop_agent(home: Path, timeout=30.0) -> None:
    """Stop the agent a native host started for `home`, if one runs, and wait until it ends."""
    try:
        pid = json.loads((home / "agent.json").read_text())["pid"]
    except (OSError, ValueError, KeyError):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    from iprdesk.locking import held_elsewhere

    # Ended once its lock is free (a zombie child of a host still counts as ended).
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not held_elsewhere(home / "agent.lock"):
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)


def open_case(home: Path, complaint_id: str = "CMP-1", **fields):
    """A real case in `home`: evidence, preflights and drafts take only cases that exist (by
    case id or complaint ID), never a free label."""
    from iprdesk.casework.cases import CaseStore

    facts = {"store_id": "S1", "type": "copyright", "complainant": "Bright Lens Studio LLC",
             "products": ["P1"], **fields}
    return CaseStore(home).new(complaint_id=complaint_id, **facts)


class CtrlCOffTheMainThread:
    """Ctrl-C that lands while the main thread waits for a worker of a batch, handled by
    another thread: the kernel may hand a signal sent to a process to any of its threads, and
    one handled just before the main thread starts its wait is as lost to that wait. The batch
    must stop anyway (`iprdesk.workers`).

    Started, it sends SIGINT to itself once the main thread waits. Unless the test says the
    batch `stopped` within `patience` seconds, it then opens `stalled` (the FIFO a worker is
    stuck opening) so that the test fails (`unblocked`) rather than hangs.
    """

    def __init__(self, stalled: Path, patience: float = 60.0):
        import threading

        self._stalled, self._patience = stalled, patience
        self._main = threading.main_thread()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.stopped = threading.Event()
        self.unblocked = False

    def start(self) -> None:
        self._thread.start()

    def join(self) -> None:
        self.stopped.set()
        self._thread.join()

    def _main_waits(self) -> bool:
        """Whether the main thread waits for a worker: for a future (in concurrent.futures)
        or in iprdesk.workers.ForkedWorkers."""
        frame = sys._current_frames().get(self._main.ident)
        if frame is None:
            return False
        code = frame.f_code
        if code.co_name == "_readable" and Path(code.co_filename).name == "workers.py":
            return True
        if frame.f_code.co_name != "wait":
            return False
        while frame is not None and "concurrent" not in Path(frame.f_code.co_filename).parts:
            frame = frame.f_back
        return frame is not None

    def _run(self) -> None:
        import threading

        deadline = time.monotonic() + self._patience
        while not self._main_waits() and time.monotonic() < deadline:
            time.sleep(0.005)
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)  # to this thread, not main
        if not self.stopped.wait(self._patience):  # still asleep: let the stuck worker go
            self.unblocked = True
            os.close(os.open(self._stalled, os.O_WRONLY | os.O_NONBLOCK))


def self_signed(hosts: list[str], cert_path: Path, key_path: Path) -> None:
    """A throwaway certificate for `hosts`, written as PEM."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(h) for h in hosts]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))


def as_version_4(fingerprint):
    """`fingerprint` as stored before the value's hashes (fingerprint version 4): the same
    grey and edge hashes, without `values` and without each part's value hashes."""
    from iprdesk.images import similar

    stored = {**as_version_5(fingerprint).to_json(), "values": [], "version": 4}
    for key in ("regions", "trimmed", "banded", "sided", "core"):
        if key in stored:
            stored[key] = [part[:48] for part in stored[key]]
    stored["banners"] = [[side, cut, plain[:48], mirrored[:48]]
                         for side, cut, plain, mirrored in stored.get("banners", ())]
    return similar.Fingerprint.from_json(stored)


def as_version_5(fingerprint):
    """`fingerprint` as stored at version 5: the parts of `_REGIONS` up to its deeper cuts
    (15, each with its middle and its two parts without a caption band), no turns and no
    middle of the picture without its padding."""
    from iprdesk.images import similar

    parts = 15
    stored = {**fingerprint.to_json(), "version": 5}
    stored.pop("turns", None)
    stored.pop("trimmed_core", None)
    stored.pop("tilts", None)
    stored["regions"] = stored["regions"][:parts]
    stored["core"] = stored["core"][:4 + parts]
    stored["banded"] = stored["banded"][:4 + 2 * (1 + parts)]
    return similar.Fingerprint.from_json(stored)


def as_version_6(fingerprint):
    """`fingerprint` as stored at version 6: the parts of `_REGIONS` before version 7's
    further cuts (24, each with its middle; the parts without a caption band are the same),
    no small turns (`tilts`)."""
    from iprdesk.images import similar

    parts = 24
    stored = {**fingerprint.to_json(), "version": 6}
    stored.pop("tilts", None)
    stored["regions"] = stored["regions"][:parts]
    stored["core"] = stored["core"][:4 + parts]
    return similar.Fingerprint.from_json(stored)


def jpeg_fingerprint(image):
    """The near-duplicate fingerprint of `image` saved as a quality-92 JPEG, as an upload is."""
    from bench.imagegen import jpeg

    from iprdesk.images import similar

    return similar.fingerprint_bytes(jpeg(image, 92))
