"""What registration needs to know of the computer: which system, the user's home folder,
the per-user application data folder, the browsers' programs, and the Windows registry. The
one small module tests replace (a fake `winreg`, a temporary home, a `PATH` of their own) to
check what Windows or macOS would get.
"""

import contextlib
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Platform:
    system: str  # "linux", "darwin" or "windows"
    home: Path  # the user's home folder
    local_appdata: Path | None = None  # %LOCALAPPDATA% (Windows only)
    winreg: object = None  # the `winreg` module (Windows only) or a stand-in with its API
    xdg_config_home: Path | None = None  # $XDG_CONFIG_HOME (Linux), when set
    path: str | None = None  # where commands are looked for (None: this process's $PATH)
    applications: tuple[Path, ...] = ()  # macOS: the folders .app bundles are installed in

    @property
    def config_home(self) -> Path:
        """Where Linux browsers keep their per-user folders."""
        return self.xdg_config_home or self.home / ".config"

    def has_command(self, name: str) -> bool:
        return shutil.which(name, path=self.path) is not None

    def has_application(self, bundle: str) -> bool:
        return any((folder / bundle).is_dir() for folder in self.applications)

    # -- the registry (Windows): HKEY_CURRENT_USER only ----------------------------------

    def set_default_value(self, key: str, value: str) -> None:
        """HKCU\\<key> (created if missing) gets `value` as its default value."""
        with self.winreg.CreateKeyEx(self.winreg.HKEY_CURRENT_USER, key, 0,
                                     self.winreg.KEY_WRITE) as handle:
            self.winreg.SetValueEx(handle, "", 0, self.winreg.REG_SZ, value)

    def default_value(self, key: str) -> str | None:
        """HKCU\\<key>'s default value, None when the key does not exist."""
        try:
            with self.winreg.OpenKey(self.winreg.HKEY_CURRENT_USER, key) as handle:
                return self.winreg.QueryValueEx(handle, "")[0]
        except OSError:  # FileNotFoundError: no such key
            return None

    def delete_key(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.winreg.DeleteKey(self.winreg.HKEY_CURRENT_USER, key)


def current() -> Platform:
    if sys.platform == "win32":
        import winreg

        appdata = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Platform("windows", Path.home(), Path(appdata), winreg)
    if sys.platform == "darwin":
        return Platform("darwin", Path.home(),
                        applications=(Path("/Applications"), Path.home() / "Applications"))
    xdg = os.environ.get("XDG_CONFIG_HOME")
    return Platform("linux", Path.home(), xdg_config_home=Path(xdg) if xdg else None)
