"""Fixtures shared by the unit and agent tests: a temporary home and an in-process agent."""

import importlib
import os
import signal
import time
from pathlib import Path

import pytest

from iprdesk.server.app import make_app
from iprdesk.server.http import STATE_KEY
from iprdesk.server.pairing import AuthStore
from iprdesk.text import shared_data
from tests.mockcdn import MockCdn, https_tunnels

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
EXTENSION_ORIGIN = f"chrome-extension://{shared_data.extension_ids()[0]}"

# Subprocesses (`python -m iprdesk ...`) import this checkout, not an installed copy.
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(REPO / "agent"), *filter(None, [os.environ.get("PYTHONPATH")])]
)

# A suite started in the background by a shell without job control (`cmd &` in a script)
# inherits SIGINT ignored, as would every process it starts: the tests of Ctrl-C (a batch, an
# audit) send it and must see it arrive, as a terminal's would.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def english_unless_told(monkeypatch):
    """The CLI speaks the user's language: the suite's is English whatever the machine's locale,
    and a test wanting Chinese says so (LANG, --lang)."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("IPRDESK_HOME", str(path))
    return path


@pytest.fixture
def token(home) -> str:
    auth = AuthStore(home)
    code, _ = auth.new_code()
    return auth.redeem(code)


class AgentClient:
    """The aiohttp test client, speaking as the paired extension by default."""

    def __init__(self, client, token):
        self.raw = client
        self.token = token
        self.port = client.server.port

    def headers(self, extra=None, *, auth=True, origin=True):
        h = {"Host": f"127.0.0.1:{self.port}"}
        if auth:
            h["Authorization"] = f"Bearer {self.token}"
        if origin:
            h["Origin"] = EXTENSION_ORIGIN
        h.update(extra or {})
        return h

    def request(self, method, path, *, headers=None, auth=True, origin=True, **kw):
        return self.raw.request(method, path, headers=self.headers(headers, auth=auth,
                                                                   origin=origin), **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)


async def start_agent(aiohttp_client, home, token) -> AgentClient:
    """The agent of `home` (its config.json as it is now) in-process on a real loopback socket."""
    from aiohttp.test_utils import TestServer

    server = TestServer(make_app(home, port=0), host="127.0.0.1")
    await server.start_server()
    server.app[STATE_KEY].port = server.port
    client = await aiohttp_client(server)
    return AgentClient(client, token)


@pytest.fixture
async def agent(aiohttp_client, home, token):
    """An in-process agent on a real loopback socket, with a paired token."""
    return await start_agent(aiohttp_client, home, token)


# -- the evidence vault ----------------------------------------------------------------------

VAULT_PASSPHRASE = "correct horse battery"


@pytest.fixture(scope="session")
def vault_template(tmp_path_factory) -> Path:
    from iprdesk.vault import Vault
    from iprdesk.vault.crypto import KdfParams

    home = tmp_path_factory.mktemp("vault-template")
    # The floor (RFC 9106's second option) instead of calibrating: same code, less waiting.
    Vault.create(home, VAULT_PASSPHRASE, kdf=KdfParams.floor())
    return home


@pytest.fixture
def vault_home(home, vault_template) -> Path:
    """`home` with an empty vault whose passphrase is VAULT_PASSPHRASE."""
    import shutil

    from iprdesk.vault import Vault

    shutil.copytree(Vault.location(vault_template), Vault.location(home))
    return home


@pytest.fixture
def vault(vault_home):
    """The vault in `vault_home`, unlocked."""
    from iprdesk.vault import Vault

    v = Vault.open(vault_home)
    v.unlock(VAULT_PASSPHRASE)
    return v


# -- a real full disk --------------------------------------------------------------------------

@pytest.fixture
def tiny_disk(tmp_path):
    """A 1 MiB tmpfs (needs root): writes on it really end in ENOSPC."""
    import shutil
    import subprocess

    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def fill_disk(folder: Path) -> None:
    """Use every free block of the filesystem holding `folder`."""
    import errno

    with open(folder / "filler", "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError as e:
            assert e.errno == errno.ENOSPC, e


@pytest.fixture
def local_zone(monkeypatch):
    """Set the machine's time zone as the OS would (TZ), restored afterwards: call it with an
    IANA name ("Asia/Shanghai")."""
    def set_zone(name: str):
        monkeypatch.setenv("TZ", name)
        time.tzset()
    yield set_zone
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
async def cdn(aiohttp_server, monkeypatch):
    """The mock Joom CDN (tests/mockcdn.py) on a loopback port, reached without a proxy."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "NO_PROXY",
                 "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    mock = MockCdn()
    server = await aiohttp_server(mock.app, host="127.0.0.1")
    mock.base = f"http://127.0.0.1:{server.port}"
    yield mock
    mock.release.set()


@pytest.fixture
async def joom_cdn(cdn, tmp_path, monkeypatch):
    """The mock CDN at Joom's own https addresses: `https://img.joomcdn.net/<path>` is the
    mock CDN's `<path>` (tests/mockcdn.py `https_tunnels`)."""
    async with https_tunnels(cdn, tmp_path) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy)
        yield cdn


@pytest.fixture
def decodes(monkeypatch):
    """Every picture decoded in this process: the names `similar` fingerprinted by decoding
    them (the real code, counted), not those whose fingerprint came from a cache."""
    similar = importlib.import_module("iprdesk.images.similar")  # the module, not its stand-in
    seen = []
    real = similar._fingerprint_stream

    def counted(stream, name, sha256):
        seen.append(name)
        return real(stream, name, sha256)

    monkeypatch.setattr(similar, "_fingerprint_stream", counted)
    return seen
