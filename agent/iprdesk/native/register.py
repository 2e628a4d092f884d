"""Registering the native host with each browser of the current user, and undoing it.

Where Chrome, Chromium, Edge and Brave look for `com.iprdesk.agent.json`, per user:
- Linux: `~/.config/<browser>/NativeMessagingHosts/` (`$XDG_CONFIG_HOME` when set);
- macOS: `~/Library/Application Support/<browser>/NativeMessagingHosts/`;
- Windows: the registry value `HKCU\\Software\\<vendor>\\<browser>\\NativeMessagingHosts\\
  com.iprdesk.agent` (its default value), naming the manifest file, which lives with the
  launcher in the data directory's `native/` folder (a `.bat`: Chrome cannot start a `.py`).
A browser is found by its per-user data folder. The launcher and manifests stay valid after
`pip install -U` (they name this Python and `-m iprdesk.native`, not a file inside the package).

Everything written is listed in `<data dir>/native/installed.json`, so `uninstall` removes
exactly that (a registry value is deleted only while it still names our manifest).
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from iprdesk.atomic import atomic_write_json, remove_quietly
from iprdesk.errors import IprdeskError
from iprdesk.native import manifest as host
from iprdesk.native.platform import Platform
from iprdesk.paths import resolve_home

RECORD_FILE = "installed.json"


@dataclass(frozen=True)
class Browser:
    id: str
    name: str
    linux: str  # its folder under ~/.config
    macos: str  # its folder under ~/Library/Application Support
    windows_key: str  # the key under HKEY_CURRENT_USER it reads NativeMessagingHosts from
    windows_data: tuple[str, ...]  # its profiles' folder under %LOCALAPPDATA%
    commands: tuple[str, ...]  # its programs on Linux
    app: str  # its bundle on macOS


# Brave on Windows reads Chrome's key (as KeePassXC registers it); Edge and Chromium their own.
BROWSERS = (
    Browser("chrome", "Google Chrome", "google-chrome", "Google/Chrome",
            r"Software\Google\Chrome", ("Google", "Chrome", "User Data"),
            ("google-chrome", "google-chrome-stable"), "Google Chrome.app"),
    Browser("chromium", "Chromium", "chromium", "Chromium",
            r"Software\Chromium", ("Chromium", "User Data"),
            ("chromium", "chromium-browser"), "Chromium.app"),
    Browser("edge", "Microsoft Edge", "microsoft-edge", "Microsoft Edge",
            r"Software\Microsoft\Edge", ("Microsoft", "Edge", "User Data"),
            ("microsoft-edge", "microsoft-edge-stable"), "Microsoft Edge.app"),
    Browser("brave", "Brave", "BraveSoftware/Brave-Browser", "BraveSoftware/Brave-Browser",
            r"Software\Google\Chrome", ("BraveSoftware", "Brave-Browser", "User Data"),
            ("brave-browser", "brave"), "Brave Browser.app"),
)
BROWSER_IDS = tuple(b.id for b in BROWSERS)


class NoBrowserFound(IprdeskError):
    code = "no_browser_found"
    status = 404


def data_folder(platform: Platform, browser: Browser) -> Path:
    """The browser's per-user folder (it creates it when it first runs)."""
    if platform.system == "windows":
        return platform.local_appdata.joinpath(*browser.windows_data)
    if platform.system == "darwin":
        return platform.home / "Library" / "Application Support" / browser.macos
    return platform.config_home / browser.linux


def is_installed(platform: Platform, browser: Browser) -> bool:
    """Its per-user folder exists, or (Linux, macOS) its program is installed: a browser not
    started yet reads the manifest written into the folder it is about to create."""
    if data_folder(platform, browser).is_dir():
        return True
    if platform.system == "linux":
        return any(platform.has_command(c) for c in browser.commands)
    return platform.system == "darwin" and platform.has_application(browser.app)


def registry_key(browser: Browser) -> str:
    return rf"{browser.windows_key}\NativeMessagingHosts\{host.HOST_NAME}"


def manifest_path(platform: Platform, browser: Browser, data_dir: Path) -> Path:
    if platform.system == "windows":
        return host.launcher_folder(data_dir) / host.MANIFEST_FILE
    return data_folder(platform, browser) / "NativeMessagingHosts" / host.MANIFEST_FILE


@dataclass
class Record:
    """What install wrote: files (manifests, the launcher) and registry keys."""

    files: list[str] = field(default_factory=list)
    registry: list[dict] = field(default_factory=list)  # {"key", "value"}
    profiles: list[str] = field(default_factory=list)  # the --user-data-dir folders

    @classmethod
    def load(cls, data_dir: Path) -> "Record":
        try:
            raw = json.loads((_record_path(data_dir)).read_text(encoding="utf-8"))
            return cls(files=[str(f) for f in raw["files"]],
                       registry=[{"key": str(r["key"]), "value": str(r["value"])}
                                 for r in raw["registry"]],
                       profiles=[str(p) for p in raw.get("profiles", [])])
        except FileNotFoundError:
            return cls()
        except (ValueError, KeyError, TypeError) as e:
            raise IprdeskError(key="install.record_damaged",
                               params={"path": str(_record_path(data_dir))},
                               code="install_record_damaged", status=500) from e

    def add_file(self, path: Path) -> None:
        if str(path) not in self.files:
            self.files.append(str(path))

    def add_profile(self, folder: Path) -> None:
        if str(folder) not in self.profiles:
            self.profiles.append(str(folder))

    def add_key(self, key: str, value: str) -> None:
        self.registry = [r for r in self.registry if r["key"] != key]
        self.registry.append({"key": key, "value": value})

    def save(self, data_dir: Path) -> None:
        atomic_write_json(_record_path(data_dir), {"files": self.files,
                                                   "registry": self.registry,
                                                   "profiles": self.profiles})


def _record_path(data_dir: Path) -> Path:
    return host.launcher_folder(data_dir) / RECORD_FILE


@dataclass
class Registered:
    browser: str  # a browser's name, or the profile folder given
    manifest: Path
    registry_key: str | None = None


@dataclass
class Installation:
    launcher: Path
    registered: list[Registered]


def install(platform: Platform, home: Path | None, *, browsers: tuple[str, ...] = (),
            user_data_dir: Path | None = None) -> Installation:
    """Register the host: in one profile folder (`user_data_dir`), else for each browser in
    `browsers` (ids), else for every browser found. `home`: the --home given, or None for the
    default data directory (then the launcher names one only if $IPRDESK_HOME does)."""
    data_dir = resolve_home(home)
    record = Record.load(data_dir)
    windows = platform.system == "windows"
    launcher = host.write_launcher(host.launcher_folder(data_dir),
                                   host.launcher_home(home, data_dir), windows=windows)
    record.add_file(launcher)
    registered = []
    if user_data_dir is not None:
        path = host.write_manifest(host.profile_manifest_path(user_data_dir), launcher, data_dir)
        record.add_file(path)
        record.add_profile(Path(user_data_dir).resolve())
        registered.append(Registered(str(user_data_dir), path))
    else:
        for browser in _targets(platform, browsers):
            if not windows:  # a browser not started yet: its folder as it would make it
                data_folder(platform, browser).mkdir(parents=True, exist_ok=True, mode=0o700)
            path = host.write_manifest(manifest_path(platform, browser, data_dir), launcher,
                                       data_dir)
            record.add_file(path)
            key = None
            if windows:
                key = registry_key(browser)
                platform.set_default_value(key, str(path))
                record.add_key(key, str(path))
            registered.append(Registered(browser.name, path, key))
    record.save(data_dir)
    return Installation(launcher, registered)


def _targets(platform: Platform, wanted: tuple[str, ...]) -> list[Browser]:
    if wanted:
        return [b for b in BROWSERS if b.id in wanted]
    found = [b for b in BROWSERS if is_installed(platform, b)]
    if not found:
        looked = ", ".join(str(data_folder(platform, b)) for b in BROWSERS)
        raise NoBrowserFound(key="install.no_browser", params={"looked": looked})
    return found


def uninstall(platform: Platform, home: Path | None) -> list[str]:
    """Remove what install wrote (by its record); returns what was removed."""
    data_dir = resolve_home(home)
    record = Record.load(data_dir)
    removed = []
    for entry in record.registry:
        # Another program (or another data directory) may have registered since: leave it.
        if platform.default_value(entry["key"]) == entry["value"]:
            platform.delete_key(entry["key"])
            removed.append(rf"HKEY_CURRENT_USER\{entry['key']}")
    for name in record.files:
        path = Path(name)
        if path.exists():
            remove_quietly(path)
            removed.append(name)
    remove_quietly(_record_path(data_dir))
    return removed
