"""`iprdesk vault ...`: the evidence vault from the command line.

The passphrase comes from `--passphrase-file F`, else `IPRDESK_PASSPHRASE` (for scripts),
else a hidden prompt. Adding and checking bundles never need it.
"""

import os
import sys
from pathlib import Path

import click

from iprdesk.atomic import atomic_writer
from iprdesk.casework.cases import CaseStore
from iprdesk.cli.common import (
    PASSPHRASE_ENV,
    echo_json,
    home_option,
    home_path,
    json_option,
    passphrase_file_option,
    printable,
    vault_passphrase,
    warn,
)
from iprdesk.documents.kinds import detect_kind
from iprdesk.errors import BadInput
from iprdesk.text import i18n
from iprdesk.timeutil import shown
from iprdesk.vault import KINDS, Vault, VaultExists
from iprdesk.vault.bundle import (
    export_bundle,
    parse_fingerprint,
    vault_fingerprint,
    verify_bundle,
)

# A page archive is known by its name (its content is HTML like any page's); every other
# file without --kind is filed by what its content shows (documents.kinds).
PAGE_SUFFIXES = (".mhtml", ".mht", ".html", ".htm")
MHTML = "application/x-mimearchive"
CONTENT_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                 ".webp": "image/webp", ".pdf": "application/pdf", ".mhtml": MHTML,
                 ".mht": MHTML, ".html": "text/html", ".htm": "text/html",
                 ".json": "application/json", ".txt": "text/plain", ".eml": "message/rfc822"}


def _new_passphrase(passphrase_file: str | None, prompt: str) -> str:
    """A new passphrase: from a file or $IPRDESK_PASSPHRASE, else typed twice on a terminal."""
    if passphrase_file or os.environ.get(PASSPHRASE_ENV) or not sys.stdin.isatty():
        return vault_passphrase(passphrase_file)
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True, err=True)


def _case_id(home, ref: str | None) -> str | None:
    """The id of the case a --case names (its id or complaint ID); an unknown one is an error
    listing the open cases, never a new label."""
    return None if ref is None else CaseStore(home_path(home)).resolve(ref).id


def _unlocked(home, passphrase_file) -> Vault:
    vault = Vault.open(home_path(home))
    vault.unlock(vault_passphrase(passphrase_file))
    return vault


@click.group()
def vault():
    """The encrypted evidence vault: add, list, export appeal bundles."""


@vault.command()
@passphrase_file_option
@home_option
def init(passphrase_file, home):
    """Create the vault (asks for a new passphrase)."""
    home = home_path(home)
    if Vault.exists(home):
        raise VaultExists(Vault.location(home))
    passphrase = _new_passphrase(passphrase_file, "New vault passphrase / 新的证据库密码")
    created = Vault.create(home, passphrase)
    kdf = created.header["kdf"]
    click.echo(f"Vault created in {created.root}.")
    click.echo(f"Passphrase key: Argon2id, {kdf['iterations']} passes over "
               f"{kdf['memory_kib'] // 1024} MiB, {kdf['lanes']} lanes.")
    click.echo("Keep the passphrase safe: without it nobody, including you, can read the "
               "evidence. Adding evidence never needs it.")
    click.echo(f"证据库已创建：{created.root}。请妥善保管密码：没有密码，任何人（包括您）都无法读取证据；"
               "添加证据不需要密码。")


@vault.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--case", default=None,
              help="Case this evidence belongs to (its id or complaint ID).")
@click.option("--kind", type=click.Choice(KINDS), default=None,
              help="What it is (default: detected from the content, else other; "
                   "`vault label --kind` changes it).")
@click.option("--note", default=None, help="A note kept with each file.")
@click.option("--complaint", "complaint_id", default=None, help="Complaint ID.")
@click.option("--product", "product_ids", multiple=True, help="Product ID (repeatable).")
@json_option
@home_option
def add(files, case, kind, note, complaint_id, product_ids, as_json, home):
    """Seal files into the vault (no passphrase needed)."""
    vault = Vault.open(home_path(home))
    case = _case_id(home, case)
    entries = []
    for name in files:
        path = Path(name)
        suffix = path.suffix.lower()
        entries.append((path, {"kind": kind or _detected_kind(path),
                               "case": case, "note": note, "complaint_id": complaint_id,
                               "product_ids": list(product_ids), "original_name": path.name,
                               "content_type": CONTENT_TYPES.get(suffix)}))
    items = vault.add_many(entries)
    if as_json:
        echo_json([_summary(i) for i in items])
        return
    for item in items:
        click.echo(f"{item.id}  sha256:{item.sha256[:16]}  {item.kind:<10}  "
                   f"{printable(item.original_name)}")
    click.echo(f"Added {len(items)} file(s). / 已添加 {len(items)} 个文件。", err=True)


def _detected_kind(path: Path) -> str:
    if path.suffix.lower() in PAGE_SUFFIXES:
        return "page"
    return detect_kind(path.read_bytes()).kind


def _summary(item) -> dict:
    return {"id": item.id, "sha256": item.sha256, "kind": item.kind, "case": item.case,
            "original_name": item.original_name, "size": item.size,
            "captured_at": item.captured_at}


@vault.command("list")
@click.option("--case", default=None, help="Only this case (its id or complaint ID).")
@click.option("--kind", type=click.Choice(KINDS), default=None, help="Only this kind.")
@passphrase_file_option
@json_option
@home_option
def list_(case, kind, passphrase_file, as_json, home):
    """List the evidence (needs the passphrase: names are encrypted)."""
    case = _case_id(home, case)
    opened = _unlocked(home, passphrase_file)
    items = opened.list(case=case, kind=kind)
    if opened.unreadable:
        n = len(opened.unreadable)
        warn(f"{n} item(s) could not be read (damaged or altered): run `iprdesk vault verify`."
             f" / {n} 项证据无法读取（已损坏或被篡改），请运行 `iprdesk vault verify`。")
    if as_json:
        echo_json([_summary(i) for i in items])
        return
    if not items:
        click.echo("No evidence. / 没有证据。")
        return
    for i in items:
        click.echo(f"{i.id}  {shown(i.captured_at, i18n.system_language())}  {i.kind:<10}  "
                   f"{i.case or '-':<12}  "
                   f"{i.sha256[:12]}  {printable(i.original_name or i.page_title or '')}")


@vault.command()
@click.argument("object_id")
@passphrase_file_option
@json_option
@home_option
def show(object_id, passphrase_file, as_json, home):
    """Show everything recorded about one piece of evidence."""
    item = _unlocked(home, passphrase_file).item(object_id)
    if as_json:
        echo_json(item.to_dict())
        return
    for key, value in item.to_dict().items():
        if value not in (None, [], ""):
            shown = ", ".join(value) if isinstance(value, list) else value
            click.echo(f"{key:>14}: {printable(shown)}")


@vault.command()
@click.argument("object_id")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the original file (- for standard output).")
@passphrase_file_option
@home_option
def get(object_id, output, passphrase_file, home):
    """Write out the original bytes of one piece of evidence."""
    vault = _unlocked(home, passphrase_file)
    if output == "-":
        for chunk in vault.chunks(object_id):
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        return
    # Written aside and renamed only once every chunk has authenticated.
    with atomic_writer(output) as f:
        for chunk in vault.chunks(object_id):
            f.write(chunk)
    warn(f"Wrote {output}.")


@vault.command()
@click.option("--deep", is_flag=True,
              help="Also decrypt every object and compare it with its capture hash "
                   "(needs the passphrase).")
@passphrase_file_option
@json_option
@home_option
def verify(deep, passphrase_file, as_json, home):
    """Check every object and the journal; name anything damaged (exit 1 if so)."""
    vault = _unlocked(home, passphrase_file) if deep else Vault.open(home_path(home))
    report = vault.verify(deep=deep)
    if as_json:
        echo_json(report.to_dict())
    else:
        for line in report.recovered:
            click.echo(f"recovered: {line}")
        for line in report.problems:
            click.echo(f"DAMAGED: {line}")
        for line in report.notes:
            click.echo(f"note: {line}")
        how = "decrypted and hash-checked" if deep else "hash-checked against the journal"
        if report.ok:
            click.echo(f"OK: {report.objects} objects {how}, journal of "
                       f"{report.journal_entries} entries intact. / 证据库完好。")
        else:
            click.echo(f"{len(report.problems)} problem(s) found. / 发现 {len(report.problems)} "
                       "处损坏或篡改。")
    sys.exit(0 if report.ok else 1)


@vault.command()
@click.option("--case", default=None,
              help="The case to export, its id or complaint ID (default: all the evidence).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The bundle to write, e.g. appeal.zip.")
@click.option("--include-superseded", is_flag=True,
              help="Also include documents a newer one of the same kind replaced (left out "
                   "and listed in the report by default).")
@passphrase_file_option
@json_option
@home_option
def export(case, output, include_superseded, passphrase_file, as_json, home):
    """Write a signed appeal bundle (zip) of a case's evidence."""
    summary = export_bundle(_unlocked(home, passphrase_file), output, case=_case_id(home, case),
                            include_superseded=include_superseded)
    if as_json:
        echo_json({"path": str(summary.path), "files": summary.files, "sha256": summary.sha256,
                   "fingerprint": summary.fingerprint, "superseded": summary.superseded})
        return
    click.echo(f"Wrote {summary.path}: {summary.files} files, signed by key "
               f"{summary.fingerprint}.")
    click.echo(f"已导出申诉证据包：{summary.path}（{summary.files} 个文件，签名密钥 "
               f"{summary.fingerprint}）。")
    if summary.superseded:
        n = len(summary.superseded)
        click.echo(f"Left out {n} superseded document(s) ({', '.join(summary.superseded)}); "
                   f"--include-superseded keeps them. / 已略去 {n} 份被取代的文件；"
                   "如需收入，请加 --include-superseded。")
    _publish_hint(summary.fingerprint)


def _publish_hint(fp: str) -> None:
    click.echo("Reviewers can tell your bundles from forgeries only by this fingerprint: publish "
               "it where they can see it is yours (store page, appeal e-mails). / 审核人员只能凭此"
               "指纹辨别证据包是否出自您：请在能证明身份的地方公布它（店铺页面、申诉邮件）。",
               err=True)


@vault.command()
@json_option
@home_option
def info(as_json, home):
    """Show the vault's folder, size and signing-key fingerprint (no passphrase needed)."""
    opened = Vault.open(home_path(home))
    fp = vault_fingerprint(opened)
    if as_json:
        echo_json({"path": str(opened.root), "objects": opened.count(), "fingerprint": fp})
        return
    click.echo(f"Vault / 证据库: {opened.root}")
    click.echo(f"Objects / 证据: {opened.count()}")
    click.echo(f"Signing key fingerprint / 签名密钥指纹: {fp}")
    _publish_hint(fp)


def _fingerprint_option(ctx, param, value):
    try:
        return None if value is None else parse_fingerprint(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from e


@vault.command("verify-bundle")
@click.argument("bundle", type=click.Path(dir_okay=False, exists=True))
@click.option("--fingerprint", "trusted", default=None, metavar="FINGERPRINT",
              callback=_fingerprint_option,
              help="The signing-key fingerprint the seller published (`iprdesk vault info` "
                   "shows a vault's); default: the key of the vault in --home, if any.")
@json_option
@home_option
def verify_bundle_(bundle, trusted, as_json, home):
    """Check an appeal bundle's files, its signature, and that a trusted key made it.

    Exit 0 only when every file is intact and the signing key is the trusted one: a bundle
    anyone signed with a key of their own is reported, not passed."""
    whose = "the fingerprint given / 与所给指纹一致"
    if trusted is None and Vault.exists(home_path(home)):
        trusted = vault_fingerprint(Vault.open(home_path(home)))
        whose = "this computer's vault / 本机证据库的密钥"
    report = verify_bundle(bundle, trusted)
    if as_json:
        echo_json({**report.to_dict(), "trusted_fingerprint": trusted})
        sys.exit(0 if report.verified else 1)
    for line in report.problems:
        click.echo(f"ALTERED: {printable(line)}")
    if report.version == 1:
        click.echo("Older format (version 1, from an earlier iprdesk): its signature covers "
                   "manifest.json alone, without a context label; checked all the same. / "
                   "旧版格式的证据包，仍可校验。")
    if report.ok and report.repacked:
        click.echo(f"Re-packed after export ({printable('; '.join(report.repacked))}); every "
                   "file is intact. / 证据包导出后被重新打包，所有文件完好。")
    if report.verified:
        click.echo(f"OK: {report.files} files intact; signature valid, signed by key "
                   f"{report.fingerprint}: {whose}. / 证据包完整，签名有效。")
    elif report.ok:
        click.echo(f"Intact: {report.files} files match the manifest, signed by key "
                   f"{report.fingerprint}. / 文件完整，签名密钥 {report.fingerprint}。")
        click.echo("NOT VERIFIED: nothing says whose key that is (anyone can sign a bundle with "
                   "a key of their own). Compare it with the fingerprint the seller published: "
                   "iprdesk vault verify-bundle --fingerprint FINGERPRINT BUNDLE / 未验证签名者"
                   "（任何人都能用自己的密钥签名）：请用 --fingerprint 提供卖家公布的指纹再校验。")
    else:
        click.echo(f"{len(report.problems)} problem(s): this bundle is not as its signer "
                   "exported it. / 证据包在导出后被修改，或并非由可信密钥签名。")
    sys.exit(0 if report.verified else 1)


@vault.command()
@click.option("--new-passphrase-file", type=click.Path(dir_okay=False, exists=True),
              default=None, help="Read the new passphrase from this file (else a prompt).")
@passphrase_file_option
@home_option
def passwd(new_passphrase_file, passphrase_file, home):
    """Change the passphrase (re-wraps the keys; the evidence is not re-encrypted)."""
    vault = Vault.open(home_path(home))
    old = vault_passphrase(passphrase_file)
    if new_passphrase_file:
        new = vault_passphrase(new_passphrase_file)
    elif sys.stdin.isatty():
        new = click.prompt("New passphrase / 新密码", hide_input=True, confirmation_prompt=True,
                           err=True)
    else:
        raise BadInput("Give the new passphrase with --new-passphrase-file. / "
                       "请用 --new-passphrase-file 提供新密码。")
    vault.passwd(old, new)
    click.echo("Passphrase changed. / 密码已更改。")


@vault.command()
@click.argument("object_id")
@click.option("--case", default=None,
              help="New case, its id or complaint ID (empty text removes it).")
@click.option("--kind", type=click.Choice(KINDS), default=None, help="New kind.")
@click.option("--note", default=None, help="New note.")
@click.option("--complaint", "complaint_id", default=None, help="New complaint ID.")
@click.option("--product", "product_ids", multiple=True, help="Product ID (repeatable; replaces).")
@passphrase_file_option
@json_option
@home_option
def label(object_id, case, kind, note, complaint_id, product_ids, passphrase_file, as_json, home):
    """Change the case, kind, note, complaint or products recorded for one piece of evidence.

    The content and its SHA-256 stay as captured; the item gets a new id (printed), and the
    journal records the change."""
    if case:
        case = _case_id(home, case)
    changes = {k: v for k, v in {"case": case, "kind": kind, "note": note,
                                 "complaint_id": complaint_id}.items() if v is not None}
    if product_ids:
        changes["product_ids"] = list(product_ids)
    if not changes:
        raise click.UsageError("say what to change: --case, --kind, --note, --complaint or "
                               "--product")
    item = _unlocked(home, passphrase_file).relabel(object_id, changes)
    if as_json:
        echo_json(item.to_dict())
        return
    click.echo(f"{item.id}  (was {object_id}; the content and its SHA-256 are unchanged)")
    click.echo("已更新证据信息（内容和 SHA-256 不变）。", err=True)


@vault.command()
@click.argument("object_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@passphrase_file_option
@home_option
def delete(object_id, yes, passphrase_file, home):
    """Remove one piece of evidence (the journal keeps a signed record of it)."""
    vault = _unlocked(home, passphrase_file)
    item = vault.item(object_id)
    if not yes:
        click.confirm(f"Delete {item.id} ({item.kind}, {item.original_name or item.page_title})?"
                      " / 确定删除？", abort=True, err=True)
    vault.delete(item.id)
    click.echo(f"Deleted {item.id}. / 已删除。")


commands = [vault]
