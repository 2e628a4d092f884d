"""`iprdesk install` / `uninstall` / `doctor` on every platform. Linux for real into a
temporary HOME (and a real agent for doctor to ask); Windows and macOS through a faked
platform layer (a stand-in `winreg`, a temporary home), asserting the exact keys, paths and
manifest contents they would get."""

import json
import os
import stat
import subprocess
import sys
import urllib.request

import pytest

from iprdesk.native import doctor, register
from iprdesk.native.platform import Platform
from iprdesk.paths import extension_dir
from iprdesk.server.pairing import AuthStore
from iprdesk.text import shared_data
from tests.conftest import VAULT_PASSPHRASE
from tests.helpers import AgentProcess, free_port, iprdesk

EXTENSION_ID = shared_data.extension_ids()[0]
ORIGIN = f"chrome-extension://{EXTENSION_ID}/"
HOST = "com.iprdesk.agent"
EXTENSION = extension_dir()
SHIPPED = json.loads((EXTENSION / "manifest.json").read_text())["version"]


def _load_extension(user_data, folder, profile="Default", disable_reasons=()):
    """The extension as Chrome records an unpacked one in a profile's Preferences."""
    (user_data / profile).mkdir(parents=True, exist_ok=True)
    (user_data / profile / "Preferences").write_text(json.dumps({"extensions": {"settings": {
        EXTENSION_ID: {"path": str(folder), "location": 4,
                       "disable_reasons": list(disable_reasons)}}}}))


class FakeWinreg:
    """The part of `winreg` registration uses, over a dict: {(hive, key): default value}."""

    HKEY_CURRENT_USER = "HKCU"
    KEY_WRITE = 0x20006
    REG_SZ = 1

    def __init__(self):
        self.values = {}

    class _Handle:
        def __init__(self, hive, key):
            self.hive, self.key = hive, key

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def CreateKeyEx(self, hive, key, reserved, access):  # noqa: N802 (winreg's names)
        assert access == self.KEY_WRITE and reserved == 0
        self.values.setdefault((hive, key), None)
        return self._Handle(hive, key)

    def SetValueEx(self, handle, name, reserved, kind, value):  # noqa: N802
        assert name == "" and kind == self.REG_SZ
        self.values[(handle.hive, handle.key)] = value

    def OpenKey(self, hive, key):  # noqa: N802
        if (hive, key) not in self.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return self._Handle(hive, key)

    def QueryValueEx(self, handle, name):  # noqa: N802
        return self.values[(handle.hive, handle.key)], self.REG_SZ

    def DeleteKey(self, hive, key):  # noqa: N802
        if (hive, key) not in self.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        del self.values[(hive, key)]


@pytest.fixture
def windows(tmp_path):
    appdata = tmp_path / "Users" / "li" / "AppData" / "Local"
    for folder in (r"Google\Chrome\User Data", r"Microsoft\Edge\User Data"):
        (appdata / folder.replace("\\", "/")).mkdir(parents=True)
    return Platform("windows", tmp_path / "Users" / "li", appdata, FakeWinreg())


def test_windows_gets_a_bat_launcher_one_manifest_and_a_registry_value_per_browser(
        windows, tmp_path):
    data = tmp_path / "data"
    done = register.install(windows, data)
    native = data / "native"
    manifest = native / f"{HOST}.json"
    assert windows.winreg.values == {
        ("HKCU", rf"Software\Google\Chrome\NativeMessagingHosts\{HOST}"): str(manifest),
        ("HKCU", rf"Software\Microsoft\Edge\NativeMessagingHosts\{HOST}"): str(manifest),
    }
    launcher = native / "iprdesk-native-host.bat"
    assert done.launcher == launcher
    assert json.loads(manifest.read_text()) == {
        "name": HOST, "description": "iprdesk: the local agent of the iprdesk browser extension",
        "path": str(launcher), "type": "stdio", "allowed_origins": [ORIGIN]}
    # Chrome runs the .bat with the origin (and --parent-window=N) as arguments.
    assert launcher.read_bytes() == (
        f'@echo off\r\n"{sys.executable}" "-m" "iprdesk.native" "--home" "{data}" %*\r\n'
    ).encode()
    assert [r.browser for r in done.registered] == ["Google Chrome", "Microsoft Edge"]

    # Another program registered Edge since: uninstall leaves its value alone.
    edge = ("HKCU", rf"Software\Microsoft\Edge\NativeMessagingHosts\{HOST}")
    windows.winreg.values[edge] = r"C:\other\host.json"
    removed = register.uninstall(windows, data)
    assert windows.winreg.values == {edge: r"C:\other\host.json"}
    assert rf"HKEY_CURRENT_USER\Software\Google\Chrome\NativeMessagingHosts\{HOST}" in removed
    assert not manifest.exists() and not launcher.exists()
    assert not (native / "installed.json").exists()


def test_windows_brave_reads_chromes_key_chromium_its_own(windows, tmp_path):
    done = register.install(windows, tmp_path / "data", browsers=("brave", "chromium"))
    assert sorted(k for _, k in windows.winreg.values) == [
        rf"Software\Chromium\NativeMessagingHosts\{HOST}",
        rf"Software\Google\Chrome\NativeMessagingHosts\{HOST}",
    ]
    assert [r.browser for r in done.registered] == ["Chromium", "Brave"]


def test_windows_doctor_reads_the_registry(windows, tmp_path):
    data = tmp_path / "data"
    register.install(windows, data, browsers=("chrome",))
    by_id = {s.id: s for s in doctor.check(windows, data).browsers}
    assert by_id["chrome"].registered and by_id["chrome"].problems == []
    assert by_id["chrome"].allowed == [EXTENSION_ID]
    assert by_id["edge"].found and not by_id["edge"].registered
    assert by_id["edge"].problems == [doctor.Problem("doctor.problem.not_registered")]
    assert not by_id["brave"].found and by_id["brave"].problems == []


def test_macos_manifests_go_to_each_browsers_application_support_folder(tmp_path):
    home = tmp_path / "Users" / "li"
    support = home / "Library" / "Application Support"
    for folder in ("Google/Chrome", "BraveSoftware/Brave-Browser", "Chromium"):
        (support / folder).mkdir(parents=True)
    # Edge is installed but has not run yet: found by its bundle, its folder made for it.
    (tmp_path / "Applications" / "Microsoft Edge.app").mkdir(parents=True)
    mac = Platform("darwin", home, applications=(tmp_path / "Applications",))
    data = tmp_path / "data"
    done = register.install(mac, data)
    expected = [support / f / "NativeMessagingHosts" / f"{HOST}.json" for f in (
        "Google/Chrome", "Chromium", "Microsoft Edge", "BraveSoftware/Brave-Browser")]
    assert [r.manifest for r in done.registered] == expected
    launcher = data / "native" / "iprdesk-native-host"
    for path in expected:
        assert json.loads(path.read_text())["path"] == str(launcher)
        assert json.loads(path.read_text())["allowed_origins"] == [ORIGIN]
    assert launcher.read_text() == ("#!/bin/sh\n# Written by `iprdesk install`; Chrome runs it.\n"
                                    f"exec {sys.executable} -m iprdesk.native --home {data} "
                                    '"$@"\n')
    assert launcher.stat().st_mode & stat.S_IXUSR
    register.uninstall(mac, data)
    assert not any(p.exists() for p in expected) and not launcher.exists()
    assert (support / "Google/Chrome").is_dir()  # the browser's own folder stays
    assert (support / "Microsoft Edge").stat().st_mode & 0o777 == 0o700


def _linux_env(tmp_path, commands=()):
    """A user of their own, whose PATH holds only the browser programs named."""
    env = {k: v for k, v in os.environ.items() if k != "XDG_CONFIG_HOME"}
    env["HOME"] = str(tmp_path / "user")
    env["LANG"] = "en_US.UTF-8"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name in commands:
        (bin_dir / name).write_text("#!/bin/sh\n")
        (bin_dir / name).chmod(0o755)
    env["PATH"] = str(bin_dir)
    return env


def test_linux_for_real_install_doctor_uninstall(vault_home, tmp_path):
    env = _linux_env(tmp_path)
    config = tmp_path / "user" / ".config"
    for folder in ("google-chrome", "BraveSoftware/Brave-Browser"):
        (config / folder).mkdir(parents=True)
    hosts = config / "google-chrome" / "NativeMessagingHosts"
    hosts.mkdir()
    (hosts / "org.keepassxc.keepassxc_browser.json").write_text("{}")  # someone else's

    out = iprdesk("install", home=vault_home, env=env)
    chrome = hosts / f"{HOST}.json"
    brave = config / "BraveSoftware/Brave-Browser/NativeMessagingHosts" / f"{HOST}.json"
    assert str(chrome) in out.stdout and str(brave) in out.stdout
    assert not (config / "chromium").exists()  # not found, not created
    launcher = vault_home / "native" / "iprdesk-native-host"
    assert json.loads(chrome.read_text())["path"] == str(launcher)
    assert launcher.read_text().endswith(
        f"-m iprdesk.native --home {vault_home} \"$@\"\n")

    # Registered, but the extension is loaded nowhere yet: that is the next step.
    doctor = iprdesk("doctor", home=vault_home, env=env, check=False)
    assert doctor.returncode == 1
    assert ("no browser has the iprdesk extension loaded. Fix: open chrome://extensions, turn "
            f"on Developer mode, click Load unpacked and choose {EXTENSION}") in doctor.stdout
    _load_extension(config / "google-chrome", EXTENSION)
    doctor = iprdesk("doctor", "--json", home=vault_home, env=env)
    report = json.loads(doctor.stdout)
    assert report["problem_count"] == 0 and report["agent"] is None
    assert report["vault"] == {"exists": True, "objects": 0, "unlocked": False}
    assert [b["browser"] for b in report["browsers"] if b["registered"]] == ["chrome", "brave"]
    assert report["browsers"][0]["extension"] == [
        {"profile": "Default", "version": SHIPPED, "enabled": True}]
    assert "Agent: no agent running" in iprdesk("doctor", home=vault_home, env=env).stdout

    # A manifest that allows another extension is named, with its fix.
    chrome.write_text(json.dumps({**json.loads(chrome.read_text()),
                                  "allowed_origins": ["chrome-extension://" + "a" * 32 + "/"]}))
    doctor = iprdesk("doctor", home=vault_home, env=env, check=False)
    assert doctor.returncode == 1
    assert "it does not allow the iprdesk extension" in doctor.stdout
    assert "Fix: run iprdesk install" in doctor.stdout
    zh = iprdesk("doctor", home=vault_home, env={**env, "LANG": "zh_CN.UTF-8"}, check=False)
    assert "解决：运行 iprdesk install" in zh.stdout and "Fix:" not in zh.stdout

    iprdesk("uninstall", home=vault_home, env=env)
    assert not chrome.exists() and not brave.exists() and not launcher.exists()
    assert (hosts / "org.keepassxc.keepassxc_browser.json").exists()
    assert "Nothing to remove" in iprdesk("uninstall", home=vault_home, env=env).stdout


def test_linux_one_profile_folder_only_and_no_browser_found(home, tmp_path):
    env = _linux_env(tmp_path)
    profile = tmp_path / "portable-profile"
    iprdesk("install", "--user-data-dir", str(profile), home=home, env=env)
    assert (profile / "NativeMessagingHosts" / f"{HOST}.json").is_file()
    assert not (tmp_path / "user" / ".config").exists()
    iprdesk("uninstall", home=home, env=env)
    assert not (profile / "NativeMessagingHosts" / f"{HOST}.json").exists()

    failed = iprdesk("install", home=home, env=env, check=False)
    assert failed.returncode == 1 and "No Chrome, Chromium, Edge or Brave" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_xdg_config_home_is_where_linux_browsers_look(home, tmp_path):
    env = {**_linux_env(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    (tmp_path / "xdg" / "chromium").mkdir(parents=True)
    iprdesk("install", home=home, env=env)
    assert (tmp_path / "xdg/chromium/NativeMessagingHosts" / f"{HOST}.json").is_file()


def test_linux_a_browser_installed_but_never_started_is_found_by_its_program(home, tmp_path):
    env = _linux_env(tmp_path, commands=("chromium",))
    out = iprdesk("install", home=home, env=env)
    folder = tmp_path / "user" / ".config" / "chromium"
    assert str(folder / "NativeMessagingHosts" / f"{HOST}.json") in out.stdout
    assert folder.stat().st_mode & 0o777 == 0o700  # as Chromium itself would make it
    assert not (tmp_path / "user" / ".config" / "google-chrome").exists()


def test_a_data_directory_chosen_by_iprdesk_home_is_named_in_the_launcher(tmp_path, monkeypatch):
    data = tmp_path / "chosen"
    monkeypatch.setenv("IPRDESK_HOME", str(data))
    linux = Platform("linux", tmp_path / "user", path=str(tmp_path))
    done = register.install(linux, None, user_data_dir=tmp_path / "profile")
    assert done.launcher.read_text().endswith(f"-m iprdesk.native --home {data} \"$@\"\n")
    monkeypatch.delenv("IPRDESK_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    done = register.install(linux, None, user_data_dir=tmp_path / "profile")
    assert done.launcher.read_text().endswith('-m iprdesk.native "$@"\n')


def test_doctor_asks_the_running_agent_whether_the_vault_is_locked(vault_home, tmp_path):
    env = _linux_env(tmp_path)
    profile = tmp_path / "profile"
    iprdesk("install", "--user-data-dir", str(profile), home=vault_home, env=env)
    _load_extension(profile, EXTENSION)
    with AgentProcess(vault_home, env=env) as agent:
        report = json.loads(iprdesk("doctor", "--json", home=vault_home, env=env).stdout)
        assert report["agent"] == {"pid": agent.proc.pid, "port": agent.port,
                                   "version": SHIPPED, "started_by_browser": False,
                                   "answered": True, "vault": report["agent"]["vault"]}
        assert report["agent"]["vault"]["unlocked"] is False
        assert report["problem_count"] == 0
        [folder] = [b for b in report["browsers"] if b["browser"] is None]
        assert folder["name"] == str(profile) and folder["registered"]
        out = iprdesk("doctor", home=vault_home, env=env).stdout
        assert f"Agent: running, version {SHIPPED} (pid {agent.proc.pid}, port {agent.port}), " \
               "started with iprdesk agent" in out
        assert "Evidence vault: 0 items, locked (unlock it in the extension's popup" in out

        auth = AuthStore(vault_home)
        token = auth.redeem(auth.new_code()[0])
        _post(agent.port, "/v1/vault/unlock", token, {"passphrase": VAULT_PASSPHRASE})
        zh = iprdesk("doctor", home=vault_home, env={**env, "LANG": "zh_CN.UTF-8"}).stdout
        assert "证据库：0 项，已解锁" in zh and "未发现问题。" in zh
        # The question's session is gone with it: only the paired token is left.
        assert [t.label for t in auth.tokens()] == ["extension"]
        assert all(not e.get("session") for e in
                   json.loads((vault_home / "auth.json").read_text())["tokens"])


def _post(port, path, token, body):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def test_doctor_names_an_agent_that_does_not_answer_or_is_of_another_version(home, tmp_path):
    env = _linux_env(tmp_path)
    # A process holds the data directory's agent lock and announces a port nobody listens on.
    port = free_port()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, json; from iprdesk.locking import try_hold; "
        f"fd = try_hold({str(home / 'agent.lock')!r}); "
        f"open({str(home / 'agent.json')!r}, 'w').write(json.dumps("
        f"{{'pid': 4242, 'port': {port}, 'version': '0.0.1', 'managed': True}})); "
        "print('held', flush=True); sys.stdin.read()")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        doctor_run = iprdesk("doctor", home=home, env=env, check=False)
        report = json.loads(iprdesk("doctor", "--json", home=home, env=env,
                                    check=False).stdout)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert doctor_run.returncode == 1
    assert report["agent"]["answered"] is False and report["agent"]["started_by_browser"]
    assert {p["key"] for p in report["problems"] if p["topic"] == "agent"} == {
        "doctor.problem.agent_silent", "doctor.problem.agent_outdated"}
    out = doctor_run.stdout
    assert f"the agent (pid 4242, port {port}) does not answer. Fix: end process 4242" in out
    assert (f"the running agent is version 0.0.1, iprdesk installed here is {SHIPPED}. Fix: "
            "close every browser window") in out
    assert "Evidence vault: not created yet (create it in the extension's popup" in out
    # Nothing was minted for a question never asked... and nothing is left of one asked.
    assert not (home / "auth.json").exists() or all(
        not e.get("session") for e in json.loads((home / "auth.json").read_text())["tokens"])


def test_doctor_names_an_extension_turned_off_or_older_than_iprdesk_ships(home, tmp_path):
    env = _linux_env(tmp_path)
    chrome = tmp_path / "user" / ".config" / "google-chrome"
    chrome.mkdir(parents=True)
    iprdesk("install", home=home, env=env)
    old = tmp_path / "old-extension"
    old.mkdir()
    (old / "manifest.json").write_text(json.dumps({"version": "0.0.9"}))
    (chrome / "Local State").write_text(json.dumps({"profile": {"info_cache": {
        "Default": {}, "Profile 1": {}}}}))
    _load_extension(chrome, old, "Default")
    _load_extension(chrome, EXTENSION, "Profile 1", disable_reasons=[1])
    report = doctor.check(Platform("linux", tmp_path / "user", path=env["PATH"]), home)
    [status] = [b for b in report.browsers if b.id == "chrome"]
    assert status.extensions == [doctor.LoadedExtension("Default", "0.0.9", True),
                                 doctor.LoadedExtension("Profile 1", SHIPPED, False)]
    assert [p.key for p in status.problems] == ["doctor.problem.extension_outdated",
                                                "doctor.problem.extension_off"]
    zh = iprdesk("doctor", home=home, env={**env, "LANG": "zh_CN.UTF-8"}, check=False).stdout
    assert ("问题：配置文件 Default 运行的扩展版本为 0.0.9，iprdesk 随附的是 "
            f"{SHIPPED}。解决：在 chrome://extensions 中点击该扩展的重新加载按钮") in zh
    assert ("问题：iprdesk 扩展在配置文件 Profile 1 中已停用。"
            "解决：在 chrome://extensions 中启用它") in zh
