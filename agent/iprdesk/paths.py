"""Where things live: the data directory (home) and the shared data both sides use."""

import os
from pathlib import Path

HOME_ENV = "IPRDESK_HOME"


def home_location(explicit: str | os.PathLike | None = None) -> Path:
    """--home, else IPRDESK_HOME, else the platform's user data folder (not created)."""
    raw = explicit or os.environ.get(HOME_ENV)
    if not raw:
        import platformdirs  # only here: a command without a data directory skips its import

        raw = platformdirs.user_data_dir("iprdesk", False)
    return Path(raw).expanduser().resolve()


def resolve_home(explicit: str | os.PathLike | None = None) -> Path:
    """The data directory (`home_location`), created 0700."""
    home = home_location(explicit)
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    return home


def shared_dir() -> Path:
    """The shared data: packaged beside the code in a wheel, at the repo root in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "shared", here.parents[1] / "shared"):
        if (candidate / "openapi.json").is_file():
            return candidate
    raise FileNotFoundError("iprdesk's shared data folder is missing; reinstall iprdesk")


def extension_dir() -> Path:
    """The unpacked extension: packaged beside the code in a wheel, at the repo root in a
    checkout (the demo loads it into Chromium)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "extension", here.parents[1] / "extension"):
        if (candidate / "manifest.json").is_file():
            return candidate
    raise FileNotFoundError("iprdesk's extension folder is missing; reinstall iprdesk")
