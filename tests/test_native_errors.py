"""The native host's errors reach the seller in their language: the host sends each one keyed
(`code`, `key`, plain `params`, the English `message` for support), and the extension words
every key it can send (`extension/lib/host-problem.js`) from its `_locales`, with the
command that helps. Real hosts fail here on purpose (a data directory that is a file, a
damaged config.json); e2e/test_native_errors.py shows the same in Chromium."""

import ast
import json
import os
import re
import string
import subprocess
import sys

import pytest

from iprdesk.paths import HOME_ENV
from iprdesk.text import shared_data
from tests.conftest import EXTENSION_ORIGIN, REPO
from tests.helpers import NativeHost

PACKAGE = REPO / "agent" / "iprdesk"
EXTENSION = REPO / "extension"
ORIGIN = EXTENSION_ORIGIN + "/"
LOCALES = {lang: json.loads((EXTENSION / f"_locales/{lang}/messages.json").read_text())
           for lang in ("en", "zh_CN")}


def literal_keys(path, function=None) -> set[str]:
    """Every `key="..."` given in `path` (in `function` only, if named)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if function:
        tree = next(n for n in ast.walk(tree)
                    if isinstance(n, ast.FunctionDef) and n.name == function)
    return {k.value.value for n in ast.walk(tree) if isinstance(n, ast.Call)
            for k in n.keywords if k.arg == "key" and isinstance(k.value, ast.Constant)}


def host_keys() -> set[str]:
    """What the host can send: its own errors, the data directory's, ensure_agent's, and
    config.json's on load."""
    return (literal_keys(PACKAGE / "native/host.py")
            | literal_keys(PACKAGE / "paths.py", "resolve_home")
            | literal_keys(PACKAGE / "native/agent_lock.py", "ensure_agent")
            | literal_keys(PACKAGE / "config.py", "load"))


def extension_table() -> dict[str, tuple[str, list[str]]]:
    """lib/host-problem.js's HOST_ERRORS: host key -> (message, the params it shows)."""
    text = (EXTENSION / "lib/host-problem.js").read_text()
    entry = r'\["(\w+)", \[([^\]]*)\]\]'
    names = lambda params: re.findall(r'"(\w+)"', params)  # noqa: E731
    consts = {name: (msg, names(params))
              for name, msg, params in re.findall(rf"const (\w+) = {entry};", text)}
    start = text.index("HOST_ERRORS = {")
    body = text[start:text.index("};", start)]
    table = {}
    for key, msg, params, const in re.findall(rf'"([\w.]+)": (?:{entry}|(\w+)),', body):
        table[key] = (msg, names(params)) if msg else consts[const]
    return table


def placeholders(template: str) -> set[str]:
    return {name.split("!")[0].split(":")[0]
            for _, name, _, _ in string.Formatter().parse(template) if name}


def test_the_table_is_read_whole():
    table = extension_table()
    assert table["error.native.agent_silent"] == ("hostErrorHold", [])
    assert table["error.agent.stopped_while_starting"] == ("hostErrorAgentStopped",
                                                          ["code", "log"])


def test_every_error_the_host_can_send_is_worded_by_the_extension():
    table = extension_table()
    keys = host_keys()
    assert {"error.home.unusable", "error.config.not_json", "error.native.agent_silent",
            "error.agent.start_timeout"} <= keys
    assert sorted(keys - set(table)) == []
    assert sorted(set(table) - keys) == []  # nothing left over from keys the host lost
    en = shared_data.load("messages/en.json")
    for key, (message, params) in table.items():
        # The params shown are params the host's message has, in the extension's message's
        # placeholder order, in both languages.
        assert set(params) <= placeholders(en[key]), key
        for lang, words in LOCALES.items():
            entry = words[message]
            assert len(entry.get("placeholders", {})) == len(params), (lang, message)
            assert "“iprdesk doctor”" in entry["message"], (lang, message)
    for lang, words in LOCALES.items():  # the words for a key of a newer iprdesk
        assert "“iprdesk doctor”" in words["hostErrorOther"]["message"], lang


def test_a_data_directory_that_is_a_file_is_a_keyed_error(tmp_path):
    home = tmp_path / "not-a-folder"
    home.write_text("")
    with NativeHost(home, ORIGIN) as host:
        assert host.session == {
            "type": "error", "code": "data_dir_unusable", "key": "error.home.unusable",
            "params": {"home": str(home)},
            "message": f"iprdesk cannot use its data folder {home}: it is not a folder, or "
                       "cannot be written. Make it a folder you can write to, or choose "
                       "another with --home or IPRDESK_HOME"}
        assert host.read() is None
        assert host.proc.wait(timeout=30) == 1
        assert host.proc.stderr.read() == b""  # no traceback, nothing but the message


def test_a_damaged_config_is_a_keyed_error_naming_the_file(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.json").write_text("{damaged")
    with NativeHost(home, ORIGIN) as host:
        error = host.session
        assert (error["type"], error["code"], error["key"]) == (
            "error", "bad_input", "error.config.not_json")
        # Only plain params travel: the JSON parser's exception is words the extension omits.
        assert error["params"] == {"path": str(home / "config.json")}
        assert host.close() == 1
    assert not (home / "agent.json").exists()  # no agent was started for it


@pytest.mark.parametrize("lang, said", [
    ("en", "error: iprdesk cannot use its data folder {home}: it is not a folder"),
    ("zh_CN", "error: iprdesk 无法使用其数据目录 {home}：它不是文件夹"),
])
def test_the_doctor_names_a_data_directory_it_cannot_use(tmp_path, lang, said):
    home = tmp_path / "not-a-folder"
    home.write_text("")
    result = subprocess.run([sys.executable, "-m", "iprdesk", "--lang", lang, "doctor"],
                            capture_output=True, text=True, env={**os.environ, HOME_ENV: str(home)})
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(said.format(home=home))
    assert len(result.stderr.splitlines()) == 1  # one line, no traceback
