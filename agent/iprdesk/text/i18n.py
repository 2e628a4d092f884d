"""The agent's own words in English and Simplified Chinese, from shared/messages/<lang>.json.

Messages are flat keys with `{name}` placeholders; both languages have the same keys and the
same placeholders (a test enforces it), so any message can be shown in either language.
A count picks its English noun with `{count:image|images}` (singular|plural); Chinese has
no plural and writes `{count}` only.
"""

import locale
import os

from iprdesk.text import shared_data

LANGUAGES = shared_data.LANGUAGES


class _Count(int):
    """A number that, given `{n:one|other}`, stands for the word that agrees with it."""

    def __format__(self, spec: str) -> str:
        if "|" in spec:
            one, other = spec.split("|", 1)
            return one if self == 1 else other
        return int.__format__(self, spec)


def fill(template: str, **params) -> str:
    """The template with its placeholders filled, counted nouns in the number's form."""
    return template.format(**{k: _Count(v) if type(v) is int else v for k, v in params.items()})


def text(key: str, lang: str = "en", **params) -> str:
    return fill(shared_data.load(f"messages/{lang}.json")[key], **params)


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
