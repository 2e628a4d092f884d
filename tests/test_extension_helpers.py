"""The extension's small helpers live once, in extension/lib/ (issue 11): building an element
(`el`, lib/dom-classic.js) and telling the user's language from the browser's
(lib/words-classic.js); every other script uses those."""

import re

from tests.conftest import REPO

EXTENSION = REPO / "extension"
# `function el(`, `const el = (...) =>`, `el = function`: a definition of the helper, not a
# variable that happens to hold an element.
EL_DEFINED = re.compile(r"function\s+el\s*\(|\bel\s*=\s*(?:function\b|\([^)]*\)\s*=>|\w+\s*=>)")
# The UI language read and then decided upon (Chinese or not); handing the raw tag on (the
# agent client's Accept-Language) is not a second detection.
LANGUAGE_DETECTED = re.compile(r"getUILanguage\(\)[^;\n]*zh")


def where(pattern) -> list[str]:
    return sorted(p.relative_to(EXTENSION).as_posix() for p in EXTENSION.rglob("*.js")
                  if pattern.search(p.read_text(encoding="utf-8")))


def test_el_is_defined_once():
    assert where(EL_DEFINED) == ["lib/dom-classic.js"]


def test_the_ui_language_is_detected_once():
    assert where(LANGUAGE_DETECTED) == ["lib/words-classic.js"]
