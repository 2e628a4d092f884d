"""What `iprdesk doctor` checks: each browser's registration and the extension it runs, the
versions, the data directory, the running agent and its vault. Every problem is a message key
of shared/messages that says what is wrong and the one thing that fixes it; the CLI renders
them in the user's language.

The running agent is found through `agent.json` and asked like the native host asks it: a
browser session minted in `auth.json` (this user's data directory is the credential), held
for the one question and revoked.
"""

import contextlib
import http.client
import json
from dataclasses import dataclass, field
from pathlib import Path

from iprdesk import __version__
from iprdesk.errors import IprdeskError
from iprdesk.native import manifest as host
from iprdesk.native import register
from iprdesk.native.agent_lock import AgentInfo, read_info
from iprdesk.native.platform import Platform
from iprdesk.paths import extension_dir
from iprdesk.server.pairing import AuthStore
from iprdesk.vault import Vault

ASK_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Problem:
    key: str  # shared/messages: what is wrong, then "Fix: ..."
    params: dict = field(default_factory=dict)
    topic: str = "browsers"  # what it is about: "agent" or "browsers"

    def to_json(self) -> dict:
        return {"key": self.key, "topic": self.topic,
                "params": {k: str(v) for k, v in self.params.items()}}


@dataclass(frozen=True)
class LoadedExtension:
    """The iprdesk extension in one profile of a browser, as the browser last saved it."""

    profile: str
    version: str | None  # None when its manifest cannot be read
    enabled: bool

    def to_json(self) -> dict:
        return {"profile": self.profile, "version": self.version, "enabled": self.enabled}


@dataclass
class BrowserStatus:
    """One browser of this user, or one profile folder `install --user-data-dir` registered
    in (then `id` is None and `name` the folder)."""

    id: str | None
    name: str
    found: bool
    manifest: Path
    registered: bool  # the manifest is where this browser looks (and, on Windows, named)
    allowed: list[str]  # the extension ids the manifest allows
    launcher_ok: bool  # the manifest's launcher exists and is this data directory's
    extensions: list[LoadedExtension]
    problems: list[Problem]

    def to_json(self) -> dict:
        return {"browser": self.id, "name": self.name, "found": self.found,
                "manifest": str(self.manifest), "registered": self.registered,
                "allowed_extension_ids": self.allowed, "launcher_ok": self.launcher_ok,
                "extension": [e.to_json() for e in self.extensions],
                "problems": [p.to_json() for p in self.problems]}


@dataclass
class AgentStatus:
    info: AgentInfo
    vault: dict | None  # GET /v1/vault's answer; None when the agent did not answer

    def to_json(self) -> dict:
        return {"pid": self.info.pid, "port": self.info.port, "version": self.info.version,
                "started_by_browser": self.info.managed, "answered": self.vault is not None,
                "vault": self.vault}


@dataclass
class Report:
    data_dir: Path
    extension_path: Path
    extension_version: str
    vault_items: int | None  # None: no vault
    agent: AgentStatus | None  # None: no agent running
    browsers: list[BrowserStatus]
    problems: list[Problem]  # not of one browser

    def about(self, topic: str) -> list[Problem]:
        return [p for p in self.problems if p.topic == topic]

    @property
    def problem_count(self) -> int:
        return len(self.problems) + sum(len(b.problems) for b in self.browsers)

    def to_json(self) -> dict:
        return {"version": __version__, "extension_version": self.extension_version,
                "extension_path": str(self.extension_path), "data_dir": str(self.data_dir),
                "vault": {"exists": self.vault_items is not None, "objects": self.vault_items,
                          "unlocked": bool(self.agent and self.agent.vault
                                           and self.agent.vault.get("unlocked"))},
                "agent": self.agent.to_json() if self.agent else None,
                "browsers": [b.to_json() for b in self.browsers],
                "problems": [p.to_json() for p in self.problems],
                "problem_count": self.problem_count}


def check(platform: Platform, data_dir: Path) -> Report:
    shipped = shipped_extension_version()
    browsers = [_browser_status(platform, data_dir, b, shipped) for b in register.BROWSERS]
    browsers += [_profile_status(Path(f), data_dir, shipped)
                 for f in register.Record.load(data_dir).profiles]
    problems = []
    if not any(b.registered for b in browsers):
        problems.append(Problem("doctor.none_registered"))
    elif not any(e.enabled for b in browsers for e in b.extensions):
        problems.append(Problem("doctor.problem.extension_not_loaded",
                                {"path": extension_dir()}))
    # No vault yet is no problem: cleaning uploads needs none, the popup creates it.
    vault_items = Vault.open(data_dir).count() if Vault.exists(data_dir) else None
    agent = None
    if (info := read_info(data_dir)) is not None:
        agent = AgentStatus(info, ask_vault(data_dir, info))
        if agent.vault is None:
            problems.append(Problem("doctor.problem.agent_silent",
                                    {"pid": info.pid, "port": info.port}, "agent"))
        if info.version != __version__:
            problems.append(Problem("doctor.problem.agent_outdated",
                                    {"running": info.version, "installed": __version__},
                                    "agent"))
    return Report(data_dir, extension_dir(), shipped, vault_items, agent, browsers, problems)


def shipped_extension_version() -> str:
    return _manifest_version(extension_dir()) or "?"


def _manifest_version(folder: Path) -> str | None:
    try:
        return str(json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def ask_vault(data_dir: Path, info: AgentInfo) -> dict | None:
    """The running agent's GET /v1/vault (locked or not), asked with a browser session held
    for the question; None if it does not answer."""
    from iprdesk.native.host import Hold  # the host's own way of holding the agent

    auth = AuthStore(data_dir)
    token_id, token = auth.new_session(label="iprdesk doctor")
    try:
        hold = Hold(info, token, timeout=ASK_TIMEOUT_SECONDS)
        try:
            connection = http.client.HTTPConnection("127.0.0.1", info.port,
                                                    timeout=ASK_TIMEOUT_SECONDS)
            connection.request("GET", "/v1/vault", headers={"Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            body = response.read()
            connection.close()
            return json.loads(body) if response.status == 200 else None
        finally:
            hold.close()
    except (OSError, ValueError, http.client.HTTPException, IprdeskError):
        return None
    finally:
        with contextlib.suppress(IprdeskError, OSError):
            auth.revoke(token_id, missing_ok=True)


def _browser_status(platform: Platform, data_dir: Path, browser: register.Browser,
                    shipped: str) -> BrowserStatus:
    path = register.manifest_path(platform, browser, data_dir)
    if platform.system == "windows":
        named = platform.default_value(register.registry_key(browser))
        registered = named is not None and Path(named).is_file()
        path = Path(named) if named else path
    else:
        registered = path.is_file()
    return _status(browser.id, browser.name, register.is_installed(platform, browser), path,
                   registered, register.data_folder(platform, browser), data_dir, shipped)


def _profile_status(folder: Path, data_dir: Path, shipped: str) -> BrowserStatus:
    path = host.profile_manifest_path(folder)
    return _status(None, str(folder), folder.is_dir(), path, path.is_file(), folder, data_dir,
                   shipped)


def _status(browser_id: str | None, name: str, found: bool, path: Path, registered: bool,
            user_data: Path, data_dir: Path, shipped: str) -> BrowserStatus:
    allowed, launcher_ok, problems = [], False, []
    pinned = pinned_ids(data_dir)
    if registered:
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
            allowed = [_extension_id(o) for o in manifest.get("allowed_origins", [])]
            launcher = Path(manifest.get("path", ""))
            launcher_ok = launcher.is_file() and launcher.parent == host.launcher_folder(data_dir)
        except (OSError, ValueError, AttributeError):
            problems.append(Problem("doctor.problem.manifest_damaged"))
        else:
            if not launcher_ok:
                problems.append(Problem("doctor.problem.launcher_missing"))
            if not set(pinned) <= set(allowed):
                problems.append(Problem("doctor.problem.extension_not_allowed",
                                        {"ids": ", ".join(pinned)}))
    elif found:
        problems.append(Problem("doctor.problem.not_registered"))
    extensions = loaded_extensions(user_data, pinned)
    for loaded in extensions:
        if not loaded.enabled:
            problems.append(Problem("doctor.problem.extension_off", {"profile": loaded.profile}))
        elif loaded.version != shipped:
            problems.append(Problem("doctor.problem.extension_outdated",
                                    {"profile": loaded.profile, "loaded": loaded.version or "?",
                                     "shipped": shipped, "path": extension_dir()}))
    return BrowserStatus(browser_id, name, found, path, registered, allowed, launcher_ok,
                         extensions, problems)


def _extension_id(origin: str) -> str:
    return origin.removeprefix("chrome-extension://").rstrip("/")


def pinned_ids(data_dir: Path) -> list[str]:
    """The extension ids a registration must allow (the pinned one and extra_extension_ids)."""
    return [_extension_id(o) for o in host.allowed_origins(data_dir)]


def loaded_extensions(user_data: Path, ids: list[str]) -> list[LoadedExtension]:
    """The iprdesk extension in each profile of a browser's user data folder, from what the
    browser saved in `<profile>/Preferences` (`extensions.settings.<id>`: `path`, an unpacked
    folder or one under `<profile>/Extensions/`, and `disable_reasons`)."""
    out = []
    for profile in _profiles(user_data):
        settings = {}
        for name in ("Secure Preferences", "Preferences"):
            with contextlib.suppress(OSError, ValueError, AttributeError):
                prefs = json.loads((profile / name).read_text(encoding="utf-8"))
                settings.update(prefs.get("extensions", {}).get("settings", {}))
        for extension_id in ids:
            entry = settings.get(extension_id)
            if not isinstance(entry, dict) or not entry.get("path"):
                continue
            folder = Path(str(entry["path"]))
            if not folder.is_absolute():
                folder = profile / "Extensions" / folder
            version = _manifest_version(folder) or (entry.get("manifest") or {}).get("version")
            disabled = entry.get("disable_reasons") or entry.get("state") == 0
            out.append(LoadedExtension(profile.name, version, not disabled))
    return out


def _profiles(user_data: Path) -> list[Path]:
    """The profile folders Chrome lists in `Local State`, else `Default` when it exists."""
    names = []
    with contextlib.suppress(OSError, ValueError, AttributeError):
        state = json.loads((user_data / "Local State").read_text(encoding="utf-8"))
        names = sorted(state.get("profile", {}).get("info_cache", {}))
    names = names or ["Default"]
    return [user_data / n for n in names if (user_data / n).is_dir()]
