"""Read the data shared by agent and extension (page map, hints, API description)."""

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "zh_CN")


def shared_dir() -> Path:
    """The shared data: packaged beside the code in a wheel, at the repo root in a checkout."""
    package = Path(__file__).resolve().parents[1]  # iprdesk/
    for candidate in (package / "shared", package.parents[1] / "shared"):
        if (candidate / "openapi.json").is_file():
            return candidate
    raise FileNotFoundError("iprdesk's shared data folder is missing; reinstall iprdesk")


@cache
def load(name: str):
    """A JSON file from shared/, parsed once per process."""
    return json.loads((shared_dir() / name).read_text(encoding="utf-8"))


def extension_ids() -> list[str]:
    """The extension id pinned by the manifest key."""
    return [load("extension.json")["id"]]


def for_extension() -> dict:
    """Everything the extension's overlays need, in both languages."""
    return {
        "pagemap": load("pagemap.json"),
        "hints": {lang: load(f"hints/{lang}.json") for lang in LANGUAGES},
        # The agent's own words (deadline states, Schedule A hint...), so overlays say the
        # same as the CLI; deadline rules and law firms for countdowns and hints.
        "messages": {lang: load(f"messages/{lang}.json") for lang in LANGUAGES},
        "deadlines": load("deadlines.json"),
        "lawfirms": load("lawfirms.json"),
        "joomcdn": load("joomcdn.json"),
        # Which URL verdicts mean "still public" or "gone", so the popup says what the CLI says.
        "verdicts": load("verdicts.json"),
        # The kinds of evidence and their names, so the extension offers and shows the same.
        "evidence_kinds": load("evidence_kinds.json"),
        # Joom's ladder, its warning and which account banners report a penalty.
        "penalties": load("penalties.json"),
    }
