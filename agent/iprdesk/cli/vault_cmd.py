"""`iprdesk vault ...`: the evidence vault from the command line.

The passphrase comes from `--passphrase-file F`, else `IPRDESK_PASSPHRASE` (for scripts),
else a hidden prompt. Adding and checking bundles never need it.
"""

import os
import sys
from pathlib import Path

import click

from iprdesk.atomic import atomic_writer
from iprdesk.cli.common import (
    PASSPHRASE_ENV,
    echo_json,
    echo_json_rows,
    home_option,
    home_path,
    json_option,
    language,
    passphrase_file_option,
    printable,
    text,
    vault_passphrase,
    warn,
)
from iprdesk.errors import BadInput
from iprdesk.lazy import lazy_module
from iprdesk.text import i18n
from iprdesk.timeutil import shows, utc_now
from iprdesk.vault import KINDS, Vault, VaultExists

# Loaded when a command names a case or exports: their imports (the URL checker's HTTP client
# among them) would otherwise be most of every vault command's start.
bundle_report = lazy_module("iprdesk.casework.bundle_report")
cases = lazy_module("iprdesk.casework.cases")
# Loaded by the commands that use them: bundles (export, info, verify-bundle) and content
# detection (add without --kind; its e-mail parser alone is ~15 ms) are no part of a listing.
bundles = lazy_module("iprdesk.vault.bundle")
kinds = lazy_module("iprdesk.documents.kinds")

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
    return None if ref is None else cases.CaseStore(home_path(home)).resolve(ref).id


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
    passphrase = _new_passphrase(passphrase_file, text("vault.cli.new_passphrase_prompt"))
    created = Vault.create(home, passphrase)
    kdf = created.header["kdf"]
    click.echo(text("vault.cli.created", path=created.root))
    click.echo(text("vault.cli.kdf", passes=kdf["iterations"], mib=kdf["memory_kib"] // 1024,
                    lanes=kdf["lanes"]))
    click.echo(text("vault.cli.keep_passphrase"))


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
        echo_json([_summary(i.id, vars(i)) for i in items])
        return
    for item in items:
        click.echo(f"{item.id}  sha256:{item.sha256[:16]}  {item.kind:<10}  "
                   f"{printable(item.original_name)}")
    click.echo(text("vault.cli.added", count=len(items)), err=True)


def _detected_kind(path: Path) -> str:
    if path.suffix.lower() in PAGE_SUFFIXES:
        return "page"
    return kinds.detect_kind(path.read_bytes()).kind


def _summary(object_id: str, meta: dict) -> dict:
    """An item as --json lists it, from its metadata (an Item's vars or the vault's own)."""
    return {"id": object_id, "sha256": meta["sha256"], "kind": meta["kind"],
            "case": meta.get("case"), "original_name": meta.get("original_name"),
            "size": meta["size"], "captured_at": meta["captured_at"]}


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
    show = shows(language())  # once: the language, the template and each zone's name

    def line(object_id: str, meta: dict) -> str:
        name = meta.get("original_name") or meta.get("page_title") or ""
        return (f"{object_id}  {show(meta['captured_at'])}  {meta['kind']:<10}  "
                f"{meta.get('case') or '-':<12}  {meta['sha256'][:12]}  {printable(name)}")

    # Only the fields printed, made as the items are listed: no Item for each of 10,000.
    rows = opened.list(case=case, kind=kind, row=_summary if as_json else line)
    if opened.unreadable:
        warn(text("vault.cli.unreadable_items", count=len(opened.unreadable)))
    if as_json:
        echo_json_rows(rows)
    elif rows:
        click.echo("\n".join(rows))
    else:
        click.echo(text("vault.cli.no_evidence"))


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
    warn(text("vault.cli.wrote", path=output))


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
        echo_json(report.to_dict(language()))
    else:
        for line in report.recovered:
            click.echo(text("vault.cli.recovered", line=line.text(language())))
        for line in report.problems:
            click.echo(text("vault.cli.damaged", line=line.text(language())))
        for note in report.notes:
            click.echo(text("vault.cli.note", line=note.text(language())))
        if report.ok:
            click.echo(text("vault.cli.verified_deep" if deep else "vault.cli.verified",
                            objects=report.objects, entries=report.journal_entries))
        else:
            click.echo(text("vault.cli.problems", count=len(report.problems)))
    sys.exit(0 if report.ok else 1)


@vault.command()
@click.option("--case", default=None,
              help="The case to export, its id or complaint ID (default: all the evidence).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The bundle to write, e.g. appeal.zip.")
@click.option("--include-superseded", is_flag=True,
              help="Also include documents a newer one of the same kind replaced (left out "
                   "and listed in the report by default).")
@click.option("--with-provenance", is_flag=True,
              help="Also include the originals, licences, contracts and invoices that prove "
                   "where the case's images come from (their provenance records), listed in "
                   "the report. An original keeps its camera data and GPS location.")
@passphrase_file_option
@json_option
@home_option
def export(case, output, include_superseded, with_provenance, passphrase_file, as_json, home):
    """Write a signed appeal bundle (zip) of a case's evidence; its report begins with the
    case summary in the user's language (--lang)."""
    vault, case_id = _unlocked(home, passphrase_file), _case_id(home, case)
    lang = language()
    records, also = (bundle_report.provenance(home_path(home), case_id, vault)
                     if with_provenance else (None, []))
    summary = bundles.export_bundle(
        vault, output, case=case_id, include_superseded=include_superseded, also=also,
        summary=bundle_report.for_case(home_path(home), case_id, vault, lang, utc_now(),
                                       records),
        lang=lang, complaint=bundle_report.complaint_of(home_path(home), case_id))
    if as_json:
        echo_json({"path": str(summary.path), "files": summary.files, "sha256": summary.sha256,
                   "fingerprint": summary.fingerprint, "superseded": summary.superseded})
        return
    click.echo(text("vault.cli.exported", path=summary.path, files=summary.files,
                    fingerprint=summary.fingerprint))
    if summary.superseded:
        click.echo(text("vault.cli.superseded_left_out", count=len(summary.superseded),
                        files=summary.superseded))
    _publish_hint(summary.fingerprint)


def _publish_hint(fp: str) -> None:
    click.echo(text("vault.cli.publish_fingerprint"), err=True)


@vault.command()
@json_option
@home_option
def info(as_json, home):
    """Show the vault's folder, size and signing-key fingerprint (no passphrase needed)."""
    opened = Vault.open(home_path(home))
    fp = bundles.vault_fingerprint(opened)
    if as_json:
        echo_json({"path": str(opened.root), "objects": opened.count(), "fingerprint": fp})
        return
    click.echo(text("vault.cli.info_path", path=opened.root))
    click.echo(text("vault.cli.info_objects", count=opened.count()))
    click.echo(text("vault.cli.info_fingerprint", fingerprint=fp))
    _publish_hint(fp)


def _fingerprint_option(ctx, param, value):
    try:
        return None if value is None else bundles.parse_fingerprint(value)
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
    whose = text("vault.cli.trusted_given")
    if trusted is None and Vault.exists(home_path(home)):
        trusted = bundles.vault_fingerprint(Vault.open(home_path(home)))
        whose = text("vault.cli.trusted_vault")
    report = bundles.verify_bundle(bundle, trusted)
    if as_json:
        echo_json({**report.to_dict(language()), "trusted_fingerprint": trusted})
        sys.exit(0 if report.verified else 1)
    for line in report.problems:
        click.echo(text("vault.cli.altered", line=printable(line.text(language()))))
    if report.version == 1:
        click.echo(text("vault.cli.old_format"))
    if report.ok and report.repacked:
        click.echo(text("vault.cli.repacked", how=printable(
            i18n.joined([r.text(language()) for r in report.repacked], language()))))
    if report.verified:
        click.echo(text("vault.cli.bundle_verified", files=report.files,
                        fingerprint=report.fingerprint, whose=whose))
    elif report.ok:
        click.echo(text("vault.cli.bundle_intact", files=report.files,
                        fingerprint=report.fingerprint))
        click.echo(text("vault.cli.bundle_unverified"))
    else:
        click.echo(text("vault.cli.bundle_problems", count=len(report.problems)))
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
        new = click.prompt(text("vault.cli.new_passphrase"), hide_input=True,
                           confirmation_prompt=True, err=True)
    else:
        raise BadInput(key="vault.cli.new_passphrase_needed")
    vault.passwd(old, new)
    click.echo(text("vault.cli.passphrase_changed"))


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
        raise click.UsageError(text("vault.cli.say_what_to_change"))
    item = _unlocked(home, passphrase_file).relabel(object_id, changes)
    if as_json:
        echo_json(item.to_dict())
        return
    click.echo(text("vault.cli.relabelled", id=item.id, old=object_id))


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
        click.confirm(text("vault.cli.confirm_delete", id=item.id, kind=item.kind,
                           name=printable(item.original_name or item.page_title)),
                      abort=True, err=True)
    vault.delete(item.id)
    click.echo(text("vault.cli.deleted", id=item.id))


commands = [vault]
