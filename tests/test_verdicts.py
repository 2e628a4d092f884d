"""URL verdict names exist once, in shared/verdicts.json: the agent and the extension read them."""

import ast
import json
import re

from iprdesk.text import shared_data
from iprdesk.urls import check as urlcheck
from tests.conftest import REPO

SHARED = shared_data.load("verdicts.json")
NAMES = set(SHARED["verdicts"])
# "unknown" also names an undated deadline or an unknown rejection code in the extension, so
# only the other verdicts are searched for there.
UNAMBIGUOUS = NAMES - {"unknown"}


def test_the_agent_uses_the_shared_lists():
    assert tuple(SHARED["verdicts"]) == urlcheck.VERDICTS
    assert set(SHARED["still_public"]) == urlcheck.STILL_PUBLIC
    assert set(SHARED["gone"]) == urlcheck.GONE
    assert urlcheck.STILL_PUBLIC | urlcheck.GONE < NAMES
    assert not urlcheck.STILL_PUBLIC & urlcheck.GONE
    assert shared_data.for_extension()["verdicts"] == SHARED


def test_the_api_description_and_the_texts_name_the_same_verdicts():
    spec = json.dumps(shared_data.load("openapi.json"))
    assert json.dumps(SHARED["verdicts"], indent=None) in spec
    assert json.dumps(["pending", *SHARED["verdicts"], "done"]) in spec
    for lang in ("en", "zh_CN"):
        texts = json.loads((REPO / f"extension/_locales/{lang}/messages.json").read_text())
        assert {f"urlState_{v.replace('-', '_')}" for v in NAMES} <= texts.keys(), lang


def test_no_agent_module_spells_out_a_list_of_verdicts():
    spelled = []
    for path in (REPO / "agent/iprdesk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict):
                elts = node.keys if isinstance(node, ast.Dict) else node.elts
                names = {e.value for e in elts if isinstance(e, ast.Constant)} & NAMES
                if len(names) > 1:
                    spelled.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not spelled


def test_no_extension_script_spells_out_a_verdict():
    names = "|".join(map(re.escape, sorted(UNAMBIGUOUS)))
    literal = re.compile(rf"""["'`]({names})["'`]""")
    spelled = [f"{path.relative_to(REPO)}:{text.count(chr(10), 0, m.start()) + 1}: {m[0]}"
               for path in (REPO / "extension").rglob("*.js")
               for text in [path.read_text(encoding="utf-8")]
               for m in literal.finditer(text)]
    assert not spelled
