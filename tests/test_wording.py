"""The words iprdesk shows, checked where a rule can be checked mechanically: Chinese
punctuation, one word per term, commands that stay commands, English plurals (issue 13)."""

import json
import re
import time

import pytest
from click.testing import CliRunner

from iprdesk.cli import case_cmd, main
from iprdesk.server.pairing import AuthStore
from iprdesk.text import i18n, shared_data
from tests.conftest import REPO

CJK = re.compile(r"[\u4e00-\u9fff]")
CODE = re.compile(r"`[^`]*`|“iprdesk [^”]*”|\{[^{}]*\}|\$\w+\$|https?://\S+|\[::1\]")


def _strings(value, path=""):
    """(path, text) of every string in a JSON value."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}[{i}]")
    elif isinstance(value, str):
        yield path, value


def _load(name):
    return json.loads((REPO / name).read_text(encoding="utf-8"))


def _pairs():
    """(where, English, Chinese) for every translated string of the product."""
    for name in ("hints", "messages"):
        en, zh = _load(f"shared/{name}/en.json"), _load(f"shared/{name}/zh_CN.json")
        en_flat = dict(_strings(en))
        for path, text in _strings(zh):
            yield f"{name}{path}", en_flat[path], text
    en, zh = (_load(f"extension/_locales/{lang}/messages.json") for lang in ("en", "zh_CN"))
    for key, entry in zh.items():
        yield f"_locales.{key}", en[key]["message"], entry["message"]
    for name in ("drafts.json", "deadlines.json", "penalties.json"):
        flat = dict(_strings(_load(f"shared/{name}")))
        for path, text in flat.items():
            if path.endswith(".zh_CN"):
                yield f"{name}{path}", flat[path.removesuffix(".zh_CN") + ".en"], text


PAIRS = list(_pairs())
CHINESE = [(where, zh) for where, _, zh in PAIRS if CJK.search(zh)]


def test_there_is_a_lot_to_check():
    assert len(CHINESE) > 300


@pytest.mark.parametrize(("where", "text"), CHINESE, ids=[w for w, _ in CHINESE])
def test_chinese_strings_use_chinese_punctuation(where, text):
    prose = CODE.sub("", text)
    # "(", ")", ":", ";" and "," next to Chinese text are ASCII where （）：；， belong.
    assert not re.search(r"[():;]|, ", prose), (where, text)


@pytest.mark.parametrize(("where", "en", "zh"), PAIRS, ids=[w for w, _, _ in PAIRS])
def test_commands_and_their_placeholders_are_not_translated(where, en, zh):
    # A command the seller types reads the same in both languages: FILE stays FILE.
    assert re.findall(r"`[^`]*`", en) == re.findall(r"`[^`]*`", zh), where
    assert (re.findall(r"--[\w-]+(?:/--[\w-]+)? [A-Z]+\b", en)
            == re.findall(r"--[\w-]+(?:/--[\w-]+)? [A-Z]+\b", zh)), where


def test_one_chinese_word_per_term():
    text = "\n".join(zh for _, zh in CHINESE)
    assert "口令" not in text  # the passphrase is 密码 everywhere
    assert "受益人" not in text  # a released party or beneficiary is a 受益方
    assert "收款方" not in text  # the payee on a bank slip is the 收款人
    assert "临时禁令" not in text  # a TRO is a 临时限制令, not an injunction
    assert "无损害声明" not in text  # "without prejudice" is 无损权利
    assert "缓存未过期" not in text  # a stale cache still serves the old image
    assert "附图" not in text  # sellers call the extra images 副图
    assert all("临时限制令" in zh for _, en, zh in PAIRS if re.search(r"\bTRO\b", en))
    # The browser calls the local agent 本地助手 (its state box says so), never 代理程序.
    assert not [w for w, zh in CHINESE if w.startswith("_locales.") and "代理" in zh]


def test_the_popups_case_field_shows_a_reference_iprdesk_takes():
    """Its example is a complaint ID (a case is found by it), not a label like CASE-2026-001
    that iprdesk would refuse."""
    for lang in ("en", "zh_CN"):
        example = _load(f"extension/_locales/{lang}/messages.json")[
            "evidenceCasePlaceholder"]["message"]
        assert "CASE-" not in example and re.search(r"\bCMP-\d{4}-\d\d-\d{4}\b", example)


def test_the_tro_banner_does_not_offer_a_counter_notice_against_a_court_order():
    hints = shared_data.for_extension()["hints"]
    for lang in ("en", "zh_CN"):
        banner = " ".join(text for _, text in _strings(
            {k: v for k, v in hints[lang].items() if k.startswith("banner.tro.")}))
        # A counter-notice may be named only to say that it does not lift the order.
        assert "counter-notice" not in banner or "does not lift a court order" in banner
        assert "反通知" not in banner or "不能解除法院命令" in banner
    assert "US lawyer" in " ".join(hints["en"]["banner.tro.steps"])
    assert "美国律师" in " ".join(hints["zh_CN"]["banner.tro.steps"])


def test_english_says_liability_not_guilt():
    text = json.dumps(_load("shared/drafts.json"), ensure_ascii=False)
    assert "admission of guilt" not in text and "承认责任" in text and "无损权利" in text


def test_the_page_map_knows_the_sellers_words_for_banners():
    page = shared_data.load("pagemap.json")["pages"]["account-health"]
    banners = {b["kind"]: b["phrases"]["zh_CN"] for b in page["banners"]}
    assert "临时限制令" in banners["tro"]
    assert "店铺已被暂停" in banners["suspended"]


COUNTED = [(key, text) for key, text in shared_data.load("messages/en.json").items()
           if "{count" in text or "{missing_count" in text]


@pytest.mark.parametrize(("key", "template"), COUNTED, ids=[k for k, _ in COUNTED])
def test_english_counts_agree_with_their_nouns(key, template):
    fields = {name: "x" for name in re.findall(r"\{(\w+)", template)}
    one = i18n.text(key, "en", **{**fields, "count": 1, "missing_count": 1})
    many = i18n.text(key, "en", **{**fields, "count": 3, "missing_count": 3})
    assert not re.search(r"\b1 (\w+ ){0,2}(images|URLs|IDs|items|sizes) ", one + " "), one
    assert "(s)" not in one + many
    assert not re.search(r"\b3 (\w+ ){0,2}(image|URL|ID|item|size)\b(?!s| URLs| IDs)", many), many


def test_extension_counts_go_through_the_plural_helper():
    en = _load("extension/_locales/en/messages.json")
    for key, entry in en.items():
        assert not re.search(r"\$\w+\$ (\w+ )?(items|sizes|images|URLs)\b", entry["message"]), key


def test_a_deadline_line_says_overdue_once_in_chinese_punctuation():
    item = {"state": "overdue", "label": {"en": "Respond", "zh_CN": "回复投诉"},
            "due": "2026-03-01 10:00", "seconds_left": -4 * 3600}
    line = case_cmd.deadline_line(item, "zh_CN")
    assert line.count("逾期") == 1, line
    assert not re.search(r"[():,]", re.sub(r"\x1b\[[0-9;]*m|\d\d:\d\d", "", line)), line
    assert "4 h ago" in case_cmd.deadline_line(item, "en")


def test_the_chinese_pairing_line_gives_the_real_validity(tmp_path, monkeypatch):
    real = AuthStore.new_code
    monkeypatch.setattr(AuthStore, "new_code", lambda self: (real(self)[0], time.time() + 300))
    # Through the group, which gives every command --lang (not only once another test did).
    out = CliRunner().invoke(main, ["pair", "--home", str(tmp_path), "--lang", "zh_CN"]).output
    assert "5 分钟" in out and "10 分钟" not in out and "minutes" not in out
    out = CliRunner().invoke(main, ["pair", "--home", str(tmp_path), "--lang", "en"]).output
    assert "5 minutes" in out and "分钟" not in out


def test_the_chinese_cli_joins_its_words_with_chinese_punctuation(home):
    from iprdesk.cli import main

    def run(*args):
        r = CliRunner().invoke(main, list(args), env={"LANG": "zh_CN.UTF-8"})
        return re.sub(r"\x1b\[[0-9;]*m", "", r.output)

    case_id = run("case", "new", "--json", "--complaint-id", "CMP-1", "--store-id", "S1",
                  "--type", "copyright", "--complainant", "Keith Vogt", "--products", "P1",
                  "--old-url", "https://img.example/a.jpg")
    case_id = json.loads(case_id)["id"]
    out = "\n".join([run("case", "show", case_id, "--lang", "zh_CN"),
                     run("draft", case_id, "joom_support", "--lang", "zh_CN"),
                     run("preflight", case_id, "--lang", "zh_CN")])
    assert "期限：" in out and "收件人：" in out
    # Chinese words are never followed or preceded by ASCII ":", "(" or ")".
    assert not re.search(r"[\u4e00-\u9fff][:(]|[)(][\u4e00-\u9fff]", out), out
