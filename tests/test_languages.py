"""One language at a time, the user's: the CLI's --lang and locale, the agent's Accept-Language,
and no Chinese words left in the code outside shared/messages (issue 11)."""

import ast
import asyncio
import re
import sys

import pytest
from bench.imagegen import jpeg, product_photo
from click.testing import CliRunner

from iprdesk.cli import main
from iprdesk.text import i18n
from tests import image_fixtures as fx
from tests.conftest import REPO
from tests.helpers import iprdesk
from tests.mockcdn import OLD_JPEG

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")

# (how the language is chosen, the language expected): --lang either way, or the locale alone.
CHOICES = [(["--lang", "en"], {}, "en"), (["--lang", "zh_CN"], {}, "zh_CN"),
           ([], {"LANG": "zh_CN.UTF-8"}, "zh_CN"), ([], {"LANG": "en_US.UTF-8"}, "en")]
IDS = ["--lang en", "--lang zh_CN", "LANG=zh_CN", "LANG=en_US"]


def _said(lang: str, key: str, **params) -> str:
    return i18n.text(key, lang, **params)


def assert_one_language(output: str, lang: str, *expected: tuple[str, dict]) -> None:
    """Every line of `output` in `lang` only: the expected messages in it and not in the other
    language, no line of both ("English / 中文"), and English output holds no Chinese at all."""
    other = "zh_CN" if lang == "en" else "en"
    for key, params in expected:
        assert _said(lang, key, **params) in output, (key, output)
        assert _said(other, key, **params) not in output, (key, output)
    for line in output.splitlines():
        assert " / " not in line, line  # how a line joined English and Chinese
        if lang == "en":
            assert not CJK.search(line), line


@pytest.fixture
def photos(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "shot.jpg").write_bytes(fx.photo_jpeg(size=(320, 240)))
    (folder / "plain.jpg").write_bytes(jpeg(product_photo(3, (320, 240))))
    (folder / "other.jpg").write_bytes(jpeg(product_photo(7, (320, 240))))
    return folder


def run(args, choice):
    flags, env, _ = choice
    return CliRunner().invoke(main, [*args, *flags], env={"LANGUAGE": None, "LC_ALL": None,
                                                         "LC_MESSAGES": None, **env})


@pytest.mark.parametrize("choice", CHOICES, ids=IDS)
def test_strip_inspect_compare_audit_and_case_speak_one_language(choice, photos, tmp_path, home):
    lang = choice[2]
    out = tmp_path / "out"
    r = run(["strip", str(photos / "shot.jpg"), str(photos / "plain.jpg"), "-o", str(out)], choice)
    assert r.exit_code == 0, r.output
    assert_one_language(r.output, lang, ("strip.done", {"cleaned": 1, "clean": 1, "failed": 0}))

    r = run(["compare", str(photos / "plain.jpg"), str(photos / "other.jpg")], choice)
    assert r.exit_code == 0, r.output
    assert _said(lang, "similar.verdict.different") in r.output
    assert_one_language(r.output, lang)

    r = run(["audit", str(photos), "--against", str(photos / "plain.jpg")], choice)
    assert r.exit_code == 1, r.output  # plain.jpg is itself in the folder
    assert_one_language(r.output, lang, ("similar.audited", {"count": 3, "matches": 1}))

    r = run(["case", "list"], choice)
    assert r.exit_code == 0, r.output
    assert_one_language(r.output, lang, ("case.none", {}))

    r = run(["strip", str(photos / "nothing-*.jpg"), "--in-place"], choice)
    assert r.exit_code == 2
    assert _said(lang, "strip.no_match", pattern=str(photos / "nothing-*.jpg")) in r.output


@pytest.mark.parametrize("choice", CHOICES, ids=IDS)
def test_vault_speaks_one_language_and_so_do_its_errors(choice, vault_home, tmp_path):
    lang = choice[2]
    r = run(["vault", "info", "--home", str(vault_home)], choice)
    assert r.exit_code == 0, r.output
    assert_one_language(r.output, lang, ("vault.cli.publish_fingerprint", {}))
    r = run(["vault", "list", "--home", str(vault_home)],
            (choice[0], {**choice[1], "IPRDESK_PASSPHRASE": "not the passphrase"}, lang))
    assert r.exit_code == 1
    assert r.output == f"error: {_said(lang, 'vault.error.wrong_passphrase')}\n"
    r = run(["vault", "verify", "--home", str(vault_home)], choice)
    assert r.exit_code == 0, r.output
    assert_one_language(r.output, lang)
    assert ("OK: " in r.output) == (lang == "en")
    assert ("证据库完好" in r.output) == (lang == "zh_CN")


@pytest.mark.parametrize("choice", CHOICES, ids=IDS)
async def test_check_urls_speaks_one_language(choice, cdn, tmp_path):
    lang = choice[2]
    ref = tmp_path / "old.jpg"
    ref.write_bytes(OLD_JPEG)
    r = await asyncio.to_thread(run, ["check-urls", f"{cdn.base}/old.jpg", f"{cdn.base}/gone-404",
                                      "--reference", str(ref), "--timeout", "5"], choice)
    assert r.exit_code == 1, r.output
    assert_one_language(r.output, lang, ("urls.verdict.live", {}), ("urls.verdict.dead", {}))
    r = await asyncio.to_thread(run, ["check-urls"], choice)
    assert r.exit_code == 2 and _said(lang, "urls.need_url") in r.output


def test_the_group_takes_lang_before_the_command_and_a_subprocess_reads_the_locale(vault_home):
    r = CliRunner().invoke(main, ["--lang", "zh_CN", "vault", "info", "--home", str(vault_home)])
    assert r.exit_code == 0 and _said("zh_CN", "vault.cli.publish_fingerprint") in r.output
    # The one given last wins: the command's over the group's.
    r = CliRunner().invoke(main, ["--lang", "zh_CN", "vault", "info", "--home", str(vault_home),
                                  "--lang", "en"])
    assert _said("en", "vault.cli.publish_fingerprint") in r.output, r.output
    done = iprdesk("vault", "info", home=vault_home, env={"LANG": "zh_CN.UTF-8"})
    assert_one_language(done.stdout + done.stderr, "zh_CN", ("vault.cli.publish_fingerprint", {}))


def test_every_command_and_subcommand_takes_lang():
    from iprdesk.cli import COMMANDS, IprdeskGroup

    def walk(command):
        yield command
        for sub in getattr(command, "commands", {}).values():
            yield from walk(sub)

    group = IprdeskGroup()
    for name in COMMANDS:
        for command in walk(group.get_command(None, name)):
            assert [p.name for p in command.params].count("lang") == 1, command.name


# -- how the user's language is found -----------------------------------------------------------

@pytest.mark.parametrize(("env", "expected"), [
    ({}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LC_ALL": "en_GB.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "en"),
    ({"LANGUAGE": "zh_CN:en_US", "LANG": "en_US.UTF-8"}, "zh_CN"),
    ({"LANGUAGE": "zh_CN"}, "en"),  # no locale is the C locale, which LANGUAGE does not change
    ({"LANGUAGE": "zh_CN", "LC_ALL": "POSIX", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"LANG": "zh_TW.UTF-8"}, "zh_CN"),  # Simplified is the Chinese iprdesk has
])
def test_the_locale_variables_in_gettexts_order(env, expected, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert i18n.user_language(env) == expected


@pytest.mark.parametrize(("ui", "expected"), [("zh_CN", "zh_CN"), ("en_US", "en"), (None, "en")])
def test_on_windows_the_users_display_language(ui, expected, monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(i18n, "windows_ui_language", lambda: ui)
    assert i18n.user_language({}) == expected
    # A locale variable set by hand still decides (Git Bash, MSYS).
    assert i18n.user_language({"LANG": "en_US.UTF-8"}) == "en"


@pytest.mark.parametrize(("header", "expected"), [
    (None, "en"), ("", "en"), ("zh-CN", "zh_CN"), ("zh-CN,zh;q=0.9,en;q=0.8", "zh_CN"),
    ("en-US,en;q=0.9,zh-CN;q=0.8", "en"), ("fr-FR,zh;q=0.5", "zh_CN"), ("fr, de", "en"),
    ("en;q=0.2, zh-CN;q=0.7", "zh_CN"), ("zh-CN;q=0, en", "en"), ("zh;q=bad, en", "en"),
])
def test_accept_language_picks_the_preferred_of_ours(header, expected):
    assert i18n.accepted_language(header) == expected


# -- the agent answers in the extension's language -------------------------------------------

async def test_a_json_error_is_in_the_language_the_extension_asks_for(agent):
    r = await agent.get("/v1/vault/items")
    english = (await r.json())["error"]
    r = await agent.get("/v1/vault/items", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    chinese = (await r.json())["error"]
    assert english == {"code": "vault_missing", "key": "vault.error.missing",
                       "message": i18n.text("vault.error.missing", "en")}
    assert chinese == {**english, "message": i18n.text("vault.error.missing", "zh_CN")}
    assert not CJK.search(english["message"]) and "证据库" in chinese["message"]


async def test_the_front_doors_own_errors_follow_the_language_too(agent):
    r = await agent.get("/v1/cases", auth=False, headers={"Accept-Language": "zh-CN"})
    assert r.status == 401
    assert (await r.json())["error"]["message"] == i18n.text("error.unauthorized", "zh_CN")
    r = await agent.get("/v1/cases", auth=False)
    assert (await r.json())["error"]["message"] == i18n.text("error.unauthorized", "en")


# -- no Chinese in the code ------------------------------------------------------------------

# Modules whose Chinese is not words shown to anyone but patterns that read what others wrote
# in Chinese: agreements and payment slips (the preflight), a document's kind (its cues), a
# scanning app's stamp (the PDF reader), the Panel's penalty banners, an image licence's
# clauses and fields (the licence check; its phrases are shared/licence_terms.json).
NOT_SHOWN = {"casework/preflight/checks.py", "documents/kinds.py", "documents/pdf.py",
             "account/penalties.py", "casework/notice.py", "provenance/licence.py"}


def _strings_with_chinese(path):
    """(line, text) of each string literal with Chinese in it, docstrings aside (read by
    programmers, not shown)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and CJK.search(node.value) and id(node) not in docs:
            yield node.lineno, node.value


def test_no_module_holds_chinese_words_outside_shared_messages():
    package = REPO / "agent" / "iprdesk"
    found = {}
    for path in sorted(package.rglob("*.py")):
        name = path.relative_to(package).as_posix()
        if name in NOT_SHOWN:
            continue
        found.update({f"{name}:{line}": text for line, text in _strings_with_chinese(path)})
    assert found == {}


@pytest.mark.parametrize("name", sorted(NOT_SHOWN))
def test_the_guard_sees_chinese_where_it_is(name):
    assert list(_strings_with_chinese(REPO / "agent/iprdesk" / name))
