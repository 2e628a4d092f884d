"""Native messaging: the framing, the host manifest and launcher, the host as Chrome runs it,
one agent per data directory and its lifetime rule, browser session credentials."""

import asyncio
import io
import json
import os
import re
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from iprdesk.native import host as native_host
from iprdesk.native.agent_lock import AgentInfo, AgentSlot, read_info
from iprdesk.native.manifest import (
    HOST_NAME,
    host_manifest,
    install_into_profile,
    write_launcher,
)
from iprdesk.server.pairing import AuthStore
from iprdesk.server.services import Holds
from tests.conftest import EXTENSION_ORIGIN
from tests.helpers import AgentProcess, NativeHost, free_port, iprdesk, stop_agent

ORIGIN = EXTENSION_ORIGIN + "/"
OTHER_ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/"


def framed(payload: bytes) -> io.BytesIO:
    return io.BytesIO(struct.pack("=I", len(payload)) + payload)


def health(url, token=None, origin=None):
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if origin:
        headers["Origin"] = origin
    try:
        with urllib.request.urlopen(urllib.request.Request(url + "/v1/health", headers=headers),
                                    timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


# -- framing -------------------------------------------------------------------------------

def test_messages_round_trip_and_end_of_input_is_none():
    stream = io.BytesIO(b"".join(native_host.frames({"type": "ping", "text": "图片"})))
    assert native_host.read_message(stream) == {"type": "ping", "text": "图片"}
    assert native_host.read_message(stream) is None


@pytest.mark.parametrize("stream, problem", [
    (io.BytesIO(struct.pack("=I", 2**31)), "larger than"),
    (io.BytesIO(b"\x05\x00"), "length header"),
    (io.BytesIO(struct.pack("=I", 10) + b"{}"), "after 2 of 10"),
    (framed(b"\xff\xfe"), "not UTF-8 JSON"),
    (framed(b"[1, 2]"), "not a JSON object"),
])
def test_broken_or_absurd_messages_are_refused_by_name(stream, problem):
    with pytest.raises(native_host.NativeProtocolError, match=problem):
        native_host.read_message(stream)


def test_messages_above_a_megabyte_go_in_chunks_chrome_accepts():
    # Control characters escape to six characters each: the worst case for a chunk's size.
    message = {"type": "big", "text": "\x01" * 3_000_000, "zh": "证据" * 100_000}
    frames = native_host.frames(message, chunk_id=7)
    assert len(frames) > 1
    pieces = []
    for index, frame in enumerate(frames):
        assert len(frame) <= native_host.MAX_OUTGOING
        chunk = native_host.read_message(io.BytesIO(frame))
        assert (chunk["type"], chunk["id"], chunk["index"], chunk["count"]) == \
            ("chunk", 7, index, len(frames))
        pieces.append(chunk["data"])
    assert json.loads("".join(pieces)) == message


# -- manifest and launcher -----------------------------------------------------------------

def test_install_into_one_profile_writes_the_manifest_and_launcher(home, tmp_path):
    profile = tmp_path / "profile"
    result = iprdesk("install", "--user-data-dir", str(profile), home=home)
    path = profile / "NativeMessagingHosts" / f"{HOST_NAME}.json"
    assert str(path) in result.stdout
    launcher = home / "native" / "iprdesk-native-host"
    assert json.loads(path.read_text()) == {
        "name": "com.iprdesk.agent",
        "description": "iprdesk: the local agent of the iprdesk browser extension",
        "path": str(launcher),
        "type": "stdio",
        "allowed_origins": [ORIGIN],
    }
    script = launcher.read_text()
    assert script.startswith("#!/bin/sh\n")
    assert f"exec {sys.executable} -m iprdesk.native --home {home} \"$@\"" in script
    assert launcher.stat().st_mode & 0o777 == 0o700


def test_extra_extension_ids_are_allowed_origins(home, tmp_path):
    (home / "config.json").write_text(json.dumps({"extra_extension_ids": ["b" * 32]}))
    path = install_into_profile(tmp_path / "p", home)
    other = f"chrome-extension://{'b' * 32}/"
    assert json.loads(path.read_text())["allowed_origins"] == [ORIGIN, other]


def test_launcher_embeds_home_only_when_given(tmp_path):
    plain = write_launcher(tmp_path / "a", None, windows=False).read_text()
    assert "--home" not in plain and plain.rstrip().endswith('-m iprdesk.native "$@"')
    bat = write_launcher(tmp_path / "b", tmp_path / "my home", windows=True)
    assert bat.name == "iprdesk-native-host.bat"
    assert bat.read_bytes() == (f'@echo off\r\n"{sys.executable}" "-m" "iprdesk.native" '
                                f'"--home" "{tmp_path / "my home"}" %*\r\n').encode()


def test_host_manifest_names_the_launcher_and_origins(tmp_path):
    manifest = host_manifest(tmp_path / "x", [ORIGIN])
    assert manifest["path"] == str(tmp_path / "x") and manifest["allowed_origins"] == [ORIGIN]


# -- the host as Chrome runs it ------------------------------------------------------------

@pytest.fixture
def agent_home(home):
    yield home
    stop_agent(home)


# The launcher's `python -m iprdesk.native` and the command `iprdesk native-host`: one host.
@pytest.mark.parametrize("cli", [False, True], ids=["launcher", "cli"])
def test_host_starts_the_agent_and_hands_a_session_valid_while_the_port_is_open(agent_home, cli):
    home = agent_home
    command = [sys.executable, "-m", "iprdesk", "native-host", "--home", str(home)] if cli else None
    with NativeHost(home, ORIGIN, command) as host:
        session = host.session
        assert session["type"] == "session"
        assert session["agent_version"] == session["host_version"]
        info = read_info(home)
        assert info.managed and session["agent_url"] == f"http://127.0.0.1:{info.port}"
        token = session["token"]
        assert health(session["agent_url"], token, EXTENSION_ORIGIN) == 200
        host.send({"type": "ping"})
        assert host.read() == {"type": "pong"}
        host.send({"type": "nonsense"})
        unknown = host.read()
        assert (unknown["code"], unknown["key"], unknown["params"]) == (
            "unknown_message", "error.native.unknown_message", {"type": "nonsense"})
        host.send({"type": "ping"})  # the session stays
        assert host.read() == {"type": "pong"}
        stored = (home / "auth.json").read_text()
        assert token not in stored  # only its hash
        assert host.close() == 0
    assert health(session["agent_url"], token) == 401  # the port closed: the session is over
    assert AuthStore(home).verify(token) is None
    logs = "".join(p.read_text() for p in (home / "logs").iterdir())
    assert token not in logs


def test_another_extension_gets_nothing(agent_home):
    with NativeHost(agent_home, OTHER_ORIGIN) as host:
        assert host.session == {"type": "error", "code": "forbidden_origin",
                                "key": "error.native.forbidden_origin", "params": {},
                                "message": "This extension is not allowed to use iprdesk"}
        assert host.read() is None and host.close() == 1
    assert read_info(agent_home) is None  # not even an agent was started for it
    assert not (agent_home / "auth.json").exists()  # nor a session minted


def test_an_absurd_message_ends_the_session_with_a_clear_error(agent_home):
    with NativeHost(agent_home, ORIGIN) as host:
        token = host.session["token"]
        url = host.session["agent_url"]
        host.proc.stdin.write(struct.pack("=I", 2**30))
        host.proc.stdin.flush()
        error = host.read()
        assert error["code"] == "native_protocol" and "larger than" in error["message"]
        assert host.close() == 1
    assert health(url, token) == 401


def test_two_hosts_share_one_agent_and_each_has_its_own_session(agent_home):
    hosts = [None, None]

    def connect(i):
        hosts[i] = NativeHost(agent_home, ORIGIN)

    threads = [threading.Thread(target=connect, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    first, second = hosts
    try:
        assert first.session["agent_url"] == second.session["agent_url"]
        assert first.session["token"] != second.session["token"]
        first.close()
        url = second.session["agent_url"]
        assert health(url, first.session["token"]) == 401
        assert health(url, second.session["token"]) == 200  # still held by the other browser
    finally:
        second.close()


def test_host_reuses_an_agent_started_by_hand(home):
    with AgentProcess(home) as agent, NativeHost(home, ORIGIN) as host:
        assert host.session["agent_url"] == agent.url
        assert health(agent.url, host.session["token"]) == 200
        agent.stop()
        assert host.read() == {"type": "agent_lost"}  # the extension connects again
        assert host.close() == 0


def test_a_local_process_without_the_session_gets_nothing(agent_home):
    with NativeHost(agent_home, ORIGIN) as host:
        url = host.session["agent_url"]
        assert health(url) == 401
        assert health(url, "guessed-token") == 401
        # A web page: its Origin is refused before anything else.
        assert health(url, host.session["token"], "https://evil.example") == 403


def test_only_the_host_holds_a_session(agent_home):
    token_id, token = AuthStore(agent_home).new_session()
    with NativeHost(agent_home, ORIGIN) as host:
        url = host.session["agent_url"]
        # A minted session nobody holds is no credential.
        assert health(url, token) == 401

        def hold(headers):
            request = urllib.request.Request(url + "/v1/session/hold", method="POST", data=b"",
                                             headers=headers)
            try:
                urllib.request.urlopen(request, timeout=30)
            except urllib.error.HTTPError as e:
                return e.code

        # Not from a browser page, not even the extension's; not with a paired token.
        assert hold({"Authorization": f"Bearer {token}", "Origin": EXTENSION_ORIGIN}) == 401
        code, _ = AuthStore(agent_home).new_code()
        paired = AuthStore(agent_home).redeem(code)
        assert hold({"Authorization": f"Bearer {paired}"}) == 401
        assert hold({}) == 401


# -- lifetime ------------------------------------------------------------------------------

def test_a_managed_agent_nothing_holds_stops_by_itself(home):
    # A host starts agents with a 30 s grace period; by hand here with a short one.
    result = subprocess.run([sys.executable, "-m", "iprdesk", "agent", "--managed", "--grace",
                             "0.1", "--port", str(free_port()), "--home", str(home)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "no browser holds the agent and no folder is watched: stopping" in result.stderr
    assert not (home / "agent.json").exists()


async def test_the_lifetime_rule(home):
    auth = AuthStore(home)
    stopped = []

    async def holds(**kw):
        h = Holds(auth, grace_seconds=0, on_idle=lambda: stopped.append(kw), **kw)
        await h.start()
        return h

    # Started by hand: runs until stopped, held or not.
    by_hand = await holds(managed=False)
    # Managed but watching folders: keeps watching.
    watching = await holds(managed=True, watching=True)
    # Managed: stops once the last browser let go.
    managed = await holds(managed=True)
    token_id, token = auth.new_session()
    async with managed.hold(token_id):
        assert managed.holds(token_id)
        await asyncio.sleep(0.05)
        assert stopped == []  # held: the idle timer from start was cancelled
    assert not managed.holds(token_id) and auth.verify(token) is None  # revoked on let-go
    for _ in range(100):
        if stopped:
            break
        await asyncio.sleep(0.01)
    assert stopped == [{"managed": True}]
    for h in (by_hand, watching, managed):
        await h.stop()


async def test_a_managed_agent_stops_even_when_it_cannot_forget_the_ended_session(home):
    """The data directory vanished under a browser-started agent (a temporary profile wiped,
    a drive unplugged): forgetting the ended session fails, the agent still stops once idle."""
    import shutil

    auth = AuthStore(home)
    stopped = []
    managed = Holds(auth, managed=True, grace_seconds=0, on_idle=lambda: stopped.append(1))
    await managed.start()
    token_id, token = auth.new_session()
    async with managed.hold(token_id):
        shutil.rmtree(home)
    assert not managed.holds(token_id)  # refused from here on, whatever the file says
    for _ in range(500):
        if stopped:
            break
        await asyncio.sleep(0.01)
    assert stopped == [1]
    await managed.stop()


# -- two writers on one data directory -----------------------------------------------------

def test_a_browser_started_agent_and_the_cli_lose_nothing_writing_at_once(agent_home):
    """The browser's agent and `iprdesk case event` in a terminal record events on the same
    cases at the same time: every event of both is kept."""
    from iprdesk.casework.cases import CaseStore

    store = CaseStore(agent_home)
    ids = [store.new(complaint_id=f"CMP-{i}", store_id="S1", type="copyright",
                     complainant="Firm", products="p1", received="2026-11-01T00:00:00Z").id
           for i in range(6)]
    with NativeHost(agent_home, ORIGIN) as host:
        url, token = host.session["agent_url"], host.session["token"]
        failures = []

        def browser():
            for case_id in ids:
                request = urllib.request.Request(
                    f"{url}/v1/cases/{case_id}/events", method="POST",
                    data=json.dumps({"event": "responded"}).encode(),
                    headers={"Authorization": f"Bearer {token}", "Origin": EXTENSION_ORIGIN,
                             "Content-Type": "application/json"})
                with urllib.request.urlopen(request, timeout=60) as r:
                    if r.status != 200:
                        failures.append(r.status)

        thread = threading.Thread(target=browser)
        thread.start()
        for case_id in ids:
            iprdesk("case", "event", case_id, "offer_received", home=agent_home)
        thread.join()
    assert failures == []
    for case_id in ids:
        assert {"received", "responded", "offer_received"} <= set(store.get(case_id).events)


# -- what a browser's start runs -----------------------------------------------------------

CLICK = re.compile(r"\|\s+click(\.|$)", re.M)  # in `python -X importtime`'s list


def test_a_browsers_start_skips_the_command_lines_imports(agent_home, tmp_path):
    # What Chrome runs, the host and the agent it starts, is not the `iprdesk` command: click's
    # import would be on the path to the browser's first answer (bench/agent.py).
    command = [sys.executable, "-X", "importtime", "-m", "iprdesk.native", "--home",
               str(agent_home)]
    with NativeHost(agent_home, ORIGIN, command) as host:
        assert health(host.session["agent_url"], host.session["token"]) == 200
        host.proc.stdin.close()
        imports = host.proc.stderr.read().decode()
    assert "iprdesk.native.host" in imports and not CLICK.search(imports)

    # The agent as a host starts it on macOS and Windows (server/start.py), its imports listed.
    home = tmp_path / "agent"
    home.mkdir()
    token = AuthStore(home).redeem(AuthStore(home).new_code()[0])
    with open(tmp_path / "imports", "wb") as listed:
        agent = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "iprdesk.server",
                                  "--home", str(home)], stderr=listed)
    try:
        deadline = time.monotonic() + 60  # a bound for a loaded machine
        while (info := read_info(home)) is None and time.monotonic() < deadline:
            assert agent.poll() is None, (tmp_path / "imports").read_text()[-2000:]
            time.sleep(0.01)
        assert info.managed and health(info.url, token) == 200
    finally:
        agent.terminate()
    assert agent.wait(timeout=60) == 0
    imports = (tmp_path / "imports").read_text()
    assert "aiohttp.web" in imports and not CLICK.search(imports)
    # Not for a terminal: said so, without a traceback.
    misused = subprocess.run([sys.executable, "-m", "iprdesk.server"], capture_output=True,
                             text=True, timeout=60)
    assert misused.returncode == 1
    assert misused.stderr.startswith("usage: python -m iprdesk.server --home DIR")


def command_line(pid: int) -> str:
    """As `ps` shows it: the arguments (or the title written over them) joined by spaces."""
    return " ".join(Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")).strip()


@pytest.mark.skipif(sys.platform != "linux", reason="the host forks the agent on Linux only")
def test_the_agent_a_host_forks_has_nothing_of_the_hosts(agent_home):
    with NativeHost(agent_home, ORIGIN) as host:
        agent = read_info(agent_home).pid
        assert health(host.session["agent_url"], host.session["token"]) == 200
        # Its own session (Chrome ends the host's process group, not the agent), and none of
        # the host's descriptors: Chrome's pipes, the host's log, the start lock.
        assert os.getsid(agent) == agent != os.getsid(host.proc.pid)
        fds = {int(fd.name): os.readlink(fd) for fd in Path(f"/proc/{agent}/fd").iterdir()}
        assert [fds[fd] for fd in (0, 1, 2)] == ["/dev/null"] * 3
        assert not [path for path in fds.values()
                    if path.endswith(("native-host.log", "agent-start.lock"))]
        assert any(path.endswith("agent.log") for path in fds.values())  # its own log
        # Listed as itself (`ps`, task managers), not as the host it was forked from.
        assert command_line(agent) == f"iprdesk agent --managed --home {agent_home}"
        assert Path(f"/proc/{agent}/comm").read_text() == "iprdesk-agent\n"
    # The host is gone: the agent serves on, and a new host's start is not held up.
    with NativeHost(agent_home, ORIGIN) as again:
        assert again.session["type"] == "session" and read_info(agent_home).pid == agent


@pytest.mark.skipif(sys.platform != "linux", reason="the host forks the agent on Linux only")
def test_a_forked_agent_without_a_working_setproctitle_still_serves(agent_home, tmp_path,
                                                                     monkeypatch):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "setproctitle.py").write_text(
        "def setproctitle(title):\n    raise OSError('no room for a title')\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(broken), os.environ["PYTHONPATH"]]))
    with NativeHost(agent_home, ORIGIN) as host:
        assert health(host.session["agent_url"], host.session["token"]) == 200
        agent = read_info(agent_home).pid
        assert command_line(agent).endswith(f"-m iprdesk.native --home {agent_home} {ORIGIN} "
                                            "--parent-window=0")
    log = (agent_home / "logs" / "native-host.log").read_text()
    assert (f"{agent} WARNING: the agent keeps the host's process title: no room for a title"
            in log)


def test_the_agents_port_is_announced_whole_without_waiting_for_the_disk(tmp_path, monkeypatch):
    # A browser's first answer waits on agent.json; after a crash it counts for nothing (its
    # lock is gone), so it is written atomically but never fsynced (bench/NOTES.md).
    synced = []
    monkeypatch.setattr(os, "fsync", synced.append)
    slot = AgentSlot(tmp_path)
    slot.claim()
    try:
        slot.announce(AgentInfo(os.getpid(), 1234, "0.1.0", True))
        assert synced == []
        assert json.loads((tmp_path / "agent.json").read_text())["port"] == 1234
        assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
    finally:
        slot.release()
