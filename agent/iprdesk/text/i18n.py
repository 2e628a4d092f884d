"""The agent's own words in English and Simplified Chinese, from shared/messages/<lang>.json.

Messages are flat keys with `{name}` placeholders; both languages have the same keys and the
same placeholders (a test enforces it), so any message can be shown in either language.
A count picks its English noun with `{count:image|images}` (singular|plural); Chinese has
no plural and writes `{count}` only. A list parameter is joined as the language writes lists;
a Message parameter is rendered in the same language.
"""

import os
import re
import sys
from dataclasses import dataclass, field

from iprdesk.text import shared_data

LANGUAGES = shared_data.LANGUAGES


class _Count(int):
    """A number that, given `{n:one|other}`, stands for the word that agrees with it."""

    def __format__(self, spec: str) -> str:
        if "|" in spec:
            one, other = spec.split("|", 1)
            return one if self == 1 else other
        return int.__format__(self, spec)


def fill(template: str, /, **params) -> str:
    """The template with its placeholders filled, counted nouns in the number's form."""
    if "|" not in template:  # no counted noun: numbers format as they are (a listing's rows)
        return template.format(**params)
    return template.format(**{k: _Count(v) if type(v) is int else v for k, v in params.items()})


def template(key: str, lang: str = "en", /) -> str:
    """The message `key` in `lang` unfilled, for `fill` to fill many times (a listing's rows)."""
    return shared_data.load(f"messages/{lang}.json")[key]


def text(key: str, lang: str = "en", /, **params) -> str:
    """The message `key` in `lang`; a list parameter reads as that language's list, a Message
    parameter (a field's name, a detail) in that language too."""
    table = shared_data.load(f"messages/{lang}.json")
    return fill(table[key], **{k: _shown(v, table, lang) if isinstance(v, _RENDERED) else v
                               for k, v in params.items()})


def _shown(value, table: dict, lang: str):
    """A parameter as `lang` shows it: a Message in it, a list as it writes lists."""
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, list | tuple):
        return joined((_shown(v, table, lang) for v in value), lang)
    return value


def joined(items, lang: str = "en", /) -> str:
    """`items` as `lang` writes a list ("a, b" / "a、b"): the one list separator."""
    return shared_data.load(f"messages/{lang}.json")["ui.list_sep"].join(map(str, items))


def sentences(items, lang: str = "en", /) -> str:
    """Sentences one after the other as `lang` writes them: a space between English ones,
    none between Chinese ones (each ends in 。)."""
    return shared_data.load(f"messages/{lang}.json")["ui.sentence_sep"].join(map(str, items))


def known(key: str) -> bool:
    """Whether shared/messages has `key` (in every language: a test keeps them in step)."""
    return key in shared_data.load("messages/en.json")


@dataclass(frozen=True)
class Message:
    """A message kept to be shown later, rendered in the language of whoever reads it."""

    key: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        return text(self.key, lang, **self.params)


_RENDERED = (Message, list, tuple)  # the parameters _shown changes; text passes others as given


class ReportLine(str):
    """One line of a check's report (what `vault verify` and `verify-bundle` found): it reads
    as its English, as logs and scripts take it, and `text(lang)` is it in the reader's."""

    message: Message

    def __new__(cls, key: str, params: dict | None = None):
        message = Message(key, params or {})
        line = super().__new__(cls, message.text("en"))
        line.message = message
        return line

    def __getnewargs__(self):
        return self.message.key, self.message.params

    def text(self, lang: str = "en") -> str:
        return self.message.text(lang)


def both(key: str, **params) -> dict[str, str]:
    """The message in every language, for data whose reader picks one (JSON for the extension)."""
    return {lang: text(key, lang, **params) for lang in LANGUAGES}


def as_html(message: str, code_class: str | None = None) -> str:
    """A message for an HTML page: escaped, its `command`s as <code> elements."""
    import html  # here: a command that shows no page (`strip`) does not pay for its import

    attribute = f' class="{code_class}"' if code_class else ""
    return re.sub(r"`([^`]+)`", rf"<code{attribute}>\1</code>", html.escape(message))


def bilingual(key: str, **params) -> str:
    """English and Chinese side by side ("Timeline / ..."), for the one page read by two people
    at once: the appeal bundle's report, which the seller (reading Chinese) makes for Joom's
    reviewers (reading English). Anything else speaks one language."""
    return " / ".join(both(key, **params).values())


def language_of(tag: str | None) -> str:
    """The language of ours a locale or language tag asks for: zh_CN for any Chinese
    (`zh_CN.UTF-8`, `zh-CN`, `zh`), else en."""
    return "zh_CN" if (tag or "").strip().lower().startswith("zh") else "en"


def user_language(environ=None) -> str:
    """The language the user reads, as gettext finds it: the locale of LC_ALL, else LC_MESSAGES,
    else LANG ("C" or "POSIX" mean English), with LANGUAGE's first entry before it when set;
    with none of them, on Windows the user's display language; else English."""
    env = os.environ if environ is None else environ
    chosen = next((env[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(name)),
                  None)
    if chosen is None:
        return language_of(windows_ui_language()) if sys.platform == "win32" else "en"
    if chosen.split(".")[0] in ("C", "POSIX"):
        return "en"
    return language_of((env.get("LANGUAGE") or "").split(":")[0] or chosen)


def windows_ui_language() -> str | None:
    """The Windows user's display language as a locale name (zh_CN, en_US), None when unknown.
    The one system call behind it: tests fake this function."""
    import ctypes  # Windows only
    import locale

    return locale.windows_locale.get(ctypes.windll.kernel32.GetUserDefaultUILanguage())


def accepted_language(header: str | None) -> str:
    """The language an HTTP Accept-Language header prefers among ours (highest q first, ties in
    the order given); English without the header or when it names neither."""
    choices = []
    for i, part in enumerate((header or "").split(",")):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        if tag and weight > 0:
            choices.append((-weight, i, tag.strip()))
    for _, _, tag in sorted(choices):
        if tag.lower().startswith(("zh", "en")):
            return language_of(tag)
    return "en"
