"""The native messaging host manifest and the launcher it names.

Chrome finds `com.iprdesk.agent.json` in a NativeMessagingHosts folder (or, on Windows, through
the registry), checks the caller's extension id against `allowed_origins` and runs `path` with
the caller's origin as first argument. `path` must be an executable Chrome can start (on
Windows not a `.py`), at a place that survives `pip install -U`: a launcher written into the
data directory's `native/` folder that runs this Python with `-m iprdesk.native` (the host
`iprdesk native-host` runs, without the CLI's imports: a browser's first answer waits on them).
"""

import os
import shlex
import sys
from pathlib import Path

from iprdesk.atomic import atomic_write_bytes, atomic_write_json
from iprdesk.config import Config
from iprdesk.paths import HOME_ENV, resolve_home
from iprdesk.text import shared_data

HOST_NAME = "com.iprdesk.agent"
MANIFEST_FILE = f"{HOST_NAME}.json"
LAUNCHER_NAME = "iprdesk-native-host"


def allowed_origins(home: Path) -> list[str]:
    """The pinned extension id and the data directory's `extra_extension_ids`."""
    ids = shared_data.extension_ids() + list(Config.load(home).extra_extension_ids)
    return [f"chrome-extension://{i}/" for i in dict.fromkeys(ids)]


def host_manifest(launcher: Path, origins: list[str]) -> dict:
    return {
        "name": HOST_NAME,
        "description": "iprdesk: the local agent of the iprdesk browser extension",
        "path": str(launcher),
        "type": "stdio",
        "allowed_origins": list(origins),
    }


def launcher_command(home: Path | None) -> list[str]:
    """What the launcher runs, before Chrome's own arguments."""
    command = [sys.executable, "-m", "iprdesk.native"]
    return command + (["--home", str(home)] if home is not None else [])


def write_launcher(folder: Path, home: Path | None, windows: bool | None = None) -> Path:
    """The launcher script in `folder`; `--home` is in it only when one was given."""
    windows = os.name == "nt" if windows is None else windows
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    command = launcher_command(home)
    if windows:
        path = folder / f"{LAUNCHER_NAME}.bat"
        quoted = " ".join(f'"{part}"' for part in command)
        atomic_write_bytes(path, f"@echo off\r\n{quoted} %*\r\n".encode())
    else:
        path = folder / LAUNCHER_NAME
        script = ("#!/bin/sh\n# Written by `iprdesk install`; Chrome runs it.\n"
                  f"exec {shlex.join(command)} \"$@\"\n")
        atomic_write_bytes(path, script.encode(), mode=0o700)
    return path


def launcher_home(home: Path | None, data_dir: Path) -> Path | None:
    """The data directory the launcher names: one chosen by --home or $IPRDESK_HOME (Chrome
    starts the launcher without the shell's variables), None for the default one."""
    return data_dir if home is not None or os.environ.get(HOME_ENV) else None


def launcher_folder(home: Path) -> Path:
    return home / "native"


def install_into_profile(user_data_dir: Path, home: Path | None) -> Path:
    """Register the host in one browser profile folder only (a portable browser, the tests):
    `<user-data-dir>/NativeMessagingHosts/com.iprdesk.agent.json`, its launcher in the data
    directory's `native/` folder (`home`: the --home given, None for the default one).
    Returns the manifest's path."""
    data_dir = resolve_home(home)
    launcher = write_launcher(launcher_folder(data_dir), launcher_home(home, data_dir))
    return write_manifest(profile_manifest_path(user_data_dir), launcher, data_dir)


def profile_manifest_path(user_data_dir: Path) -> Path:
    """Where a browser reads the manifest in one profile folder given by --user-data-dir."""
    return Path(user_data_dir) / "NativeMessagingHosts" / MANIFEST_FILE


def write_manifest(path: Path, launcher: Path, data_dir: Path) -> Path:
    """The manifest naming `launcher` and the origins `data_dir` allows, written at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_json(path, host_manifest(launcher, allowed_origins(data_dir)), mode=0o644)
    return path
