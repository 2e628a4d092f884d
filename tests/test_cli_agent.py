"""The agent and pairing commands, run as a user runs them (real processes, real sockets)."""

import json
import signal
import urllib.request

import pytest

from tests.conftest import EXTENSION_ORIGIN
from tests.helpers import AgentProcess, iprdesk, pairing_code


def call(url, path, *, method="GET", body=None, headers=None):
    req = urllib.request.Request(url + path, method=method, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.com"])
def test_agent_refuses_non_loopback_hosts(home, host):
    result = iprdesk("agent", "--host", host, home=home, check=False)
    assert result.returncode == 1
    assert "loopback" in result.stderr
    assert "Traceback" not in result.stderr


def test_agent_pairs_serves_and_stops_cleanly_on_sigterm(home):
    with AgentProcess(home) as agent:
        code = pairing_code(home)  # works while the agent runs
        status, body = call(agent.url, "/v1/pair", method="POST",
                            body=json.dumps({"code": code}).encode(),
                            headers={"Content-Type": "application/json",
                                     "Origin": EXTENSION_ORIGIN})
        assert status == 200
        token = body["token"]
        status, health = call(agent.url, "/v1/health",
                              headers={"Authorization": f"Bearer {token}"})
        assert status == 200 and health["paired"] is True
        assert agent.stop(signal.SIGTERM) == 0
    log = (home / "logs" / "agent.log").read_text()
    assert f"127.0.0.1:{agent.port}" in log
    assert "agent stopped" in log
    assert token not in log and code not in log
    assert token not in agent.output()


def test_agent_stops_cleanly_on_ctrl_c(home):
    agent = AgentProcess(home).start()
    assert agent.stop(signal.SIGINT) == 0


def test_startup_says_where_and_how_it_stops(home):
    agent = AgentProcess(home).start()
    agent.stop()
    out = agent.output()
    assert f"http://127.0.0.1:{agent.port}" in out
    assert str(home) in out
    assert "press Ctrl-C to stop" in out


def test_port_in_use_is_a_clear_error(home, tmp_path):
    other_home = tmp_path / "other"
    with AgentProcess(home) as running:
        result = iprdesk("agent", "--port", str(running.port), home=other_home, check=False)
    assert result.returncode == 1
    assert f"port {running.port}" in result.stderr and "Traceback" not in result.stderr


def test_one_agent_per_data_directory(home):
    with AgentProcess(home) as running:
        info = json.loads((home / "agent.json").read_text())
        assert info["pid"] == running.proc.pid and info["port"] == running.port
        assert info["managed"] is False
        second = iprdesk("agent", "--port", "1", home=home, check=False)
    assert second.returncode == 1
    assert "already running" in second.stderr and f"pid {running.proc.pid}" in second.stderr
    assert "Traceback" not in second.stderr
    assert not (home / "agent.json").exists()  # a stopped agent leaves no address behind


def test_pair_json_and_tokens_list_revoke(home):
    code = json.loads(iprdesk("pair", "--json", home=home).stdout)["code"]
    assert len(code.replace("-", "")) == 8
    from iprdesk.server.pairing import AuthStore

    AuthStore(home).redeem(code, label="chromium")
    listed = json.loads(iprdesk("tokens", "list", "--json", home=home).stdout)
    assert [t["label"] for t in listed] == ["chromium"]
    iprdesk("tokens", "revoke", listed[0]["id"], home=home)
    assert json.loads(iprdesk("tokens", "list", "--json", home=home).stdout) == []
    missing = iprdesk("tokens", "revoke", "nope", home=home, check=False)
    assert missing.returncode == 1 and "No token" in missing.stderr


def test_home_from_environment(tmp_path):
    import os
    import subprocess
    import sys

    target = tmp_path / "from-env"
    env = {**os.environ, "IPRDESK_HOME": str(target)}
    subprocess.run([sys.executable, "-m", "iprdesk", "pair"], env=env, check=True,
                   capture_output=True)
    assert (target / "auth.json").exists()


def test_usage_errors_exit_2(home):
    assert iprdesk("agent", "--port", "notaport", home=home, check=False).returncode == 2
