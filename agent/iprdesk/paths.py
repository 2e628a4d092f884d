"""Where things live: the data directory (home) and the unpacked extension. (The shared data:
`iprdesk.text.shared_data`.)"""

import os
from pathlib import Path

from iprdesk.errors import IprdeskError

HOME_ENV = "IPRDESK_HOME"


class DataDirUnusable(IprdeskError):
    """The data directory cannot be made or written (a file in its place, no permission)."""

    code = "data_dir_unusable"
    status = 500


def home_location(explicit: str | os.PathLike | None = None) -> Path:
    """--home, else IPRDESK_HOME, else the platform's user data folder (not created)."""
    raw = explicit or os.environ.get(HOME_ENV)
    if not raw:
        import platformdirs  # only here: a command without a data directory skips its import

        raw = platformdirs.user_data_dir("iprdesk", False)
    return Path(raw).expanduser().resolve()


def resolve_home(explicit: str | os.PathLike | None = None) -> Path:
    """The data directory (`home_location`), created 0700; DataDirUnusable if it cannot be."""
    home = home_location(explicit)
    try:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        raise DataDirUnusable(key="error.home.unusable", params={"home": home}) from None
    return home


def extension_dir() -> Path:
    """The unpacked extension: packaged beside the code in a wheel, at the repo root in a
    checkout (the demo loads it into Chromium)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "extension", here.parents[1] / "extension"):
        if (candidate / "manifest.json").is_file():
            return candidate
    raise FileNotFoundError("iprdesk's extension folder is missing; reinstall iprdesk")
