"""Every error the core raises speaks the user's language: it is given as a message key of
shared/messages and its parameters, never as a bare English string (issue 11).

A static scan over agent/iprdesk: a call of an IprdeskError class (any subclass, found by
reading the class definitions) takes no string literal or f-string as a positional argument,
and every literal `key=` / `Message("...")` names a message whose placeholders are the
parameters given. Then real errors, through the CLI and the agent, in both languages."""

import ast
import re
import string

import pytest

from iprdesk.text import i18n, shared_data
from tests.conftest import REPO
from tests.helpers import open_case

PACKAGE = REPO / "agent" / "iprdesk"

def _trees():
    return {p.relative_to(PACKAGE).as_posix(): ast.parse(p.read_text(encoding="utf-8"))
            for p in sorted(PACKAGE.rglob("*.py"))}


def _error_classes(trees) -> set[str]:
    bases: dict[str, set[str]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(
                    ast.unparse(b).rsplit(".", 1)[-1] for b in node.bases)
    errors, grown = {"IprdeskError"}, True
    while grown:
        grown = False
        for name, of in bases.items():
            if name not in errors and of & errors:
                errors.add(name)
                grown = True
    return errors


def _called(node: ast.Call) -> str | None:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _is_text(node) -> bool:
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    return isinstance(node, ast.Call) and _called(node) in ("format", "join")


# What is wrong, said to a person, without being an IprdeskError: why an image cannot be
# cleaned (the file name is added by metadata.BadImage) and the helpers that make one from a
# detail, why vault bytes do not authenticate (crypto.Damaged); each takes a Message. A line
# of a check's report (vault verify, verify-bundle) is a ReportLine, never a bare text.
MESSAGE_CARRIERS = {"ImageProblem", "truncated", "damaged", "damaged_profile", "Damaged"}
REPORT_LISTS = {"problems", "recovered", "repacked"}


def _report_line_texts(node) -> bool:
    """`<x>.problems.append(<a text>)` and the like, `return [<a text>]` aside."""
    f = node.func
    return isinstance(f, ast.Attribute) and f.attr in ("append", "extend", "add") \
        and isinstance(f.value, ast.Attribute) and f.value.attr in REPORT_LISTS \
        and any(_is_text(a) for a in node.args)


def _bare_texts(trees) -> dict[str, list[str]]:
    """module -> the calls of an error class with a text as positional argument."""
    errors = (_error_classes(trees) | MESSAGE_CARRIERS) - {"DiskFull"}  # a key's last part
    found: dict[str, list[str]] = {}
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _report_line_texts(node):
                found.setdefault(name, []).append(f"{node.lineno}: {ast.unparse(node)[:120]}")
            if not (isinstance(node, ast.Call) and _called(node) in errors):
                continue
            # ImageProblem(code, message): the code is a text, the message must not be.
            args = node.args[1:] if _called(node) == "ImageProblem" else node.args
            if any(_is_text(a) for a in args):
                found.setdefault(name, []).append(f"{node.lineno}: {ast.unparse(node)[:120]}")
    return found


def test_no_error_is_a_bare_english_string():
    assert _bare_texts(_trees()) == {}


def _placeholders(template: str) -> set[str]:
    return {name.split("!")[0].split(":")[0]
            for _, name, _, _ in string.Formatter().parse(template) if name}


def _keyed(trees):
    """(where, key, parameter names) of every error or Message built from a literal key."""
    errors = _error_classes(trees)
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = _called(node)
            kw = {k.arg: k.value for k in node.keywords}
            if called in errors and isinstance(kw.get("key"), ast.Constant):
                key, params = kw["key"].value, kw.get("params")
            elif called in ("Message", "ReportLine") and node.args \
                    and isinstance(node.args[0], ast.Constant):
                key, params = node.args[0].value, node.args[1] if len(node.args) > 1 else None
            else:
                continue
            if params is None:
                names = set()
            elif isinstance(params, ast.Dict) and all(isinstance(k, ast.Constant)
                                                      for k in params.keys):
                names = {k.value for k in params.keys}
            else:
                continue  # built elsewhere: rendered by the tests that raise it
            yield f"{name}:{node.lineno}", key, names


def test_every_keyed_error_names_a_message_with_its_placeholders():
    en = shared_data.load("messages/en.json")
    keyed = list(_keyed(_trees()))
    assert len(keyed) > 50
    for where, key, names in keyed:
        assert key in en, (where, key)
        assert _placeholders(en[key]) == names, (where, key)


def test_the_scan_sees_a_bare_string(tmp_path):
    tree = ast.parse('class Oops(BadInput):\n    pass\n\nraise Oops(f"{x} is wrong")\n'
                     'raise truncated("it ends early")\n'
                     'report.problems.append(f"{x} is missing")\n')
    assert len(_bare_texts({"x.py": tree, **_trees()})["x.py"]) == 3


# -- real errors, in both languages ----------------------------------------------------------

ZH = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "Give at least one product ID (--products P1,P2,...)"),
    ("zh_CN", "请至少填写一个商品 ID（--products P1,P2,...）"),
])
def test_cli_errors_are_in_the_users_language(home, lang, expected):
    from click.testing import CliRunner

    from iprdesk.cli import main

    result = CliRunner().invoke(main, ["case", "new", "--lang", lang, "--home", str(home),
                                       "--complaint-id", "CMP-1", "--store-id", "S1",
                                       "--type", "copyright", "--complainant", "Bright Lens",
                                       "--products", ","])
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {expected}"


def test_a_field_name_inside_an_error_follows_the_language(home):
    from click.testing import CliRunner

    from iprdesk.cli import main

    args = ["case", "new", "--home", str(home), "--complaint-id", "CMP 1", "--store-id", "S1",
            "--type", "copyright", "--complainant", "Bright Lens", "--products", "P1"]
    en = CliRunner().invoke(main, [*args, "--lang", "en"]).output.strip()
    zh = CliRunner().invoke(main, [*args, "--lang", "zh_CN"]).output.strip()
    assert en == ("error: Complaint ID 'CMP 1' is not valid: use letters, digits and . _ : - "
                  "(at most 100 characters)")
    assert zh == ("error: 投诉编号“CMP 1”无效：只能使用字母、数字、点、下划线、冒号和连字符"
                  "（最多 100 个字符）")


async def test_agent_errors_are_in_the_requests_language(home, agent):
    case = open_case(home, "CMP-42")
    answers = {}
    for lang in ("en", "zh-CN"):
        r = await agent.post(f"/v1/cases/{case.id}/events", json={"event": "no_such_event"},
                             headers={"Accept-Language": lang})
        assert r.status == 400
        answers[lang] = (await r.json())["error"]
    assert answers["en"]["code"] == answers["zh-CN"]["code"] == "bad_input"
    assert answers["en"]["key"] == answers["zh-CN"]["key"] == "error.case.unknown_event"
    assert answers["en"]["message"].startswith("Unknown event 'no_such_event'; one of: ")
    assert answers["zh-CN"]["message"].startswith("未知事件“no_such_event”，可选：")
    assert not ZH.search(answers["en"]["message"])


def test_a_list_parameter_reads_as_each_language_writes_lists():
    assert i18n.text("error.request.unknown_fields", "en", unknown=["a", "b"]) == \
        "Unknown field(s): a, b"
    assert i18n.text("error.request.unknown_fields", "zh_CN", unknown=["a", "b"]) == \
        "未知字段：a、b"
