"""The agent's own words in English and Simplified Chinese, from shared/messages/<lang>.json.

Messages are flat keys with `{name}` placeholders; both languages have the same keys and the
same placeholders (a test enforces it), so any message can be shown in either language.
"""

import locale
import os

from iprdesk import shared_data

LANGUAGES = shared_data.LANGUAGES


def text(key: str, lang: str = "en", **params) -> str:
    return shared_data.load(f"messages/{lang}.json")[key].format(**params)


def both(key: str, **params) -> dict[str, str]:
    return {lang: text(key, lang, **params) for lang in LANGUAGES}


def both_line(key: str, **params) -> str:
    """Both languages on one line: an error's message reaches a terminal and the extension."""
    return " / ".join(both(key, **params).values())


def system_language() -> str:
    """zh_CN when the user's locale is Chinese, else en (for CLI output)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(name)
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    current = locale.getlocale()[0] or ""
    return "zh_CN" if current.lower().startswith("zh") else "en"
