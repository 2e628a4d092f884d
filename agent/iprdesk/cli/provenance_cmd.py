"""`iprdesk provenance`: where each product image came from, the documents behind it, and the
licence check (thin over iprdesk.provenance)."""

import asyncio
from pathlib import Path

import click

from iprdesk import timeutil
from iprdesk.casework.cases import CaseStore
from iprdesk.cli.common import (
    echo_json,
    home_option,
    home_path,
    json_option,
    language,
    passphrase_file_option,
    printable,
    stderr_is_terminal,
    text,
    vault_passphrase,
)
from iprdesk.config import Config
from iprdesk.errors import BadInput
from iprdesk.images import similar
from iprdesk.provenance import audit, catalogue, evidence, licence
from iprdesk.provenance.records import ORIGINS, ROLES, ProvenanceStore, checked_sha256, image_sha256
from iprdesk.vault import Vault

MARKS = {"pass": ("✓", "green"), "fail": ("✗", "red"), "unknown": ("?", "yellow")}


@click.group("provenance")
def provenance():
    """Where each product image came from (own photo, design, stock licence, contract,
    supplier), the documents that prove it, and the check of an image licence."""


def _image(value: str) -> str:
    """The SHA-256 an IMAGE argument names: a file's, or the hash itself."""
    path = Path(value)
    if path.is_file():
        return image_sha256(path)
    try:
        return checked_sha256(value)
    except BadInput:
        raise click.BadParameter(text("provenance.cli.bad_image", image=value),
                                 param_hint="IMAGE") from None


def _today():
    return timeutil.local(timeutil.utc_now()).date()


def _unlocked(home, passphrase_file) -> Vault:
    vault = Vault.open(home)
    vault.unlock(vault_passphrase(passphrase_file))
    return vault


def _echo_check(result: licence.LicenceCheck, title: str) -> None:
    lang = language()
    shown = result.to_dict(lang)
    click.echo(text("licence.heading", file=printable(title)))
    for finding in shown["findings"]:
        mark, colour = MARKS[finding["status"]]
        click.echo(f"  {click.style(mark, fg=colour)} " + text(
            "ui.field", label=finding["title"], value=finding["message"]))
        if finding["sentence"]:
            click.echo("      " + text("licence.said", sentence=printable(finding["sentence"])))
    if shown["read_problem"]:
        click.echo(shown["read_problem"])
    click.echo(text("licence.by_hand"))
    for item in shown["check_by_hand"]:
        click.echo(f"  - {printable(item)}")
    click.secho(text(f"licence.verdict.{result.status}"),
                fg=MARKS[result.status][1], bold=True)


@provenance.command("licence")
@click.argument("source", metavar="FILE|IMAGE")
@passphrase_file_option
@json_option
@home_option
def licence_cmd(source, passphrase_file, as_json, home):
    """Check an image licence for what makes it useless for selling: no commercial or
    e-commerce use, editorial use only, no product listings or merchandise, another licensee,
    no licence number, no licensor contact, an expired term.

    FILE is the licence (PDF or text). IMAGE (a product image whose record links a licence,
    or its SHA-256) checks that licence, read from the vault (unlocked with
    --passphrase-file, $IPRDESK_PASSPHRASE or a prompt). Exit 1 when a check fails."""
    home = home_path(home)
    seller = Config.load(home).seller()
    store = ProvenanceStore(home)
    path = Path(source)
    record = store.find(image_sha256(path) if path.is_file() else _image(source))
    if record is not None:
        result = evidence.licence_check(_unlocked(home, passphrase_file), record, seller,
                                        _today())
        title = record.name or record.image[:12]
    else:
        if not path.is_file():
            raise click.BadParameter(text("provenance.cli.no_licence_file", source=source),
                                     param_hint="FILE|IMAGE")
        evidence.too_large(path.stat().st_size, path.name)
        result = licence.check_licence(path.read_bytes(), seller, _today())
        title = path.name
    if as_json:
        echo_json(result.to_dict(language()))
    else:
        _echo_check(result, title)
    raise SystemExit(1 if result.status == "fail" else 0)


def _documents_option(role: str):
    return click.option(f"--{role}", f"{role}_docs", multiple=True, metavar="FILE|ITEM",
                        help=f"A {role} document of the image (repeatable): a file, sealed into "
                             "the vault (works locked), or the id of a vault item (needs the "
                             "passphrase).")


@provenance.command("set")
@click.argument("image", metavar="IMAGE")
@click.option("--origin", type=click.Choice(ORIGINS),
              help="Where the image came from: your own photo or design, a stock licence, a "
                   "designer or photographer under contract, or your supplier.")
@click.option("--name", help="The image's name (its file name by default).")
@click.option("--product", help="The product the image is listed on (empty to clear).")
@click.option("--case", "case_ref", help="The case it belongs to, by id or complaint ID.")
@click.option("--note", help="A note of your own (empty to clear).")
@_documents_option("original")
@_documents_option("licence")
@_documents_option("contract")
@_documents_option("invoice")
@passphrase_file_option
@json_option
@home_option
def set_cmd(image, origin, name, product, case_ref, note, original_docs, licence_docs,
            contract_docs, invoice_docs, passphrase_file, as_json, home):
    """Record where IMAGE (a file, or its SHA-256) came from and the documents behind it;
    what is not given stays as it was."""
    home = home_path(home)
    sha = _image(image)
    if name is None and Path(image).is_file():
        name = Path(image).name
    case = CaseStore(home).resolve(case_ref).id if case_ref else None
    given = {"original": original_docs, "licence": licence_docs, "contract": contract_docs,
             "invoice": invoice_docs}
    documents, vault = {}, None
    for role, refs in given.items():
        for ref in refs:
            vault = vault or Vault.open(home)
            if Path(ref).is_file():
                document = evidence.seal_document(vault, role, Path(ref), product=product,
                                                  case=case)
            else:
                if not vault.unlocked:
                    vault.unlock(vault_passphrase(passphrase_file))
                document = evidence.linked_document(vault, ref)
            documents.setdefault(role, []).append(document)
    record = ProvenanceStore(home).set(sha, origin=origin, name=name, product=product,
                                       case=case, note=note, documents=documents)
    if as_json:
        echo_json(record.to_dict())
    else:
        click.echo(text("provenance.saved", image=record.name or record.image[:12]))


def _echo_record(record) -> None:
    click.echo(text("ui.heading", label=printable(record.name or record.image[:12])))
    origin = text(f"provenance.origin.{record.origin}") if record.origin else \
        text("provenance.origin.unset")
    rows = [("provenance.field.origin", origin), ("provenance.field.image", record.image),
            ("provenance.field.product", record.product), ("provenance.field.case", record.case),
            ("provenance.field.note", record.note)]
    for key, value in rows:
        if value:
            click.echo("  " + text("ui.field", label=text(key), value=printable(value)))
    for role in ROLES:
        for document in record.documents.get(role, []):
            click.echo("  " + text("ui.field", label=text(f"provenance.role.{role}"),
                                   value=text("provenance.document", item=document.item,
                                              name=printable(document.name or "-"),
                                              sha256=document.sha256 or "-")))
    if not any(record.documents.values()):
        click.echo("  " + text("provenance.no_documents"))


@provenance.command("show")
@click.argument("image", metavar="IMAGE")
@json_option
@home_option
def show_cmd(image, as_json, home):
    """Show the provenance record of IMAGE (a file, or its SHA-256)."""
    record = ProvenanceStore(home_path(home)).get(_image(image))
    if as_json:
        echo_json(record.to_dict())
    else:
        _echo_record(record)


@provenance.command("list")
@click.option("--product", help="Only the images of this product.")
@click.option("--case", "case_ref", help="Only the images of this case (id or complaint ID).")
@json_option
@home_option
def list_cmd(product, case_ref, as_json, home):
    """List the provenance records."""
    home = home_path(home)
    case = CaseStore(home).resolve(case_ref).id if case_ref else None
    records = ProvenanceStore(home).all(product=product, case=case)
    if as_json:
        echo_json([r.to_dict() for r in records])
        return
    if not records:
        click.echo(text("provenance.none"))
    for record in records:
        _echo_record(record)


@provenance.command("audit")
@click.argument("folders", nargs=-1, type=click.Path(exists=True), metavar="[DIR...]")
@click.option("--catalogue", "catalogue_flag", is_flag=True,
              help="Audit the Merchant API catalogue of the stores kept by "
                   "`iprdesk catalog store-add` instead of folders.")
@click.option("--store", "store_names", multiple=True, metavar="NAME",
              help="With --catalogue: only this store (repeat for more); all by default.")
@passphrase_file_option
@json_option
@home_option
def audit_cmd(folders, catalogue_flag, store_names, passphrase_file, as_json, home):
    """List every image in DIR (sub-folders too), or with --catalogue every image of the
    stores' products, without a provenance record, or whose record's licence fails the
    licence check (read from the vault when a passphrase is given by --passphrase-file or
    $IPRDESK_PASSPHRASE; else those licences are left unchecked).
    Exit 1 when any image has no record or a failing licence."""
    if bool(folders) == catalogue_flag:
        raise click.UsageError(text("provenance.audit.folders_or_catalogue"))
    home = home_path(home)
    vault = None
    if Vault.exists(home):
        passphrase = vault_passphrase(passphrase_file, required=False, prompt=False)
        if passphrase is not None:
            vault = Vault.open(home)
            vault.unlock(passphrase)
    verdict_of = audit.judge(home, vault=vault, seller=Config.load(home).seller(),
                             today=_today())
    alike = []
    if catalogue_flag:
        stores = catalogue.stores_to_audit(home, Config.load(home).merchant_api_url,
                                           list(store_names) or None)
        listed = asyncio.run(catalogue.list_images(stores))
    else:
        listed = [p for folder in folders for p in similar.image_files(folder)]
    with click.progressbar(length=len(listed), label=text("provenance.audit.checking"),
                           file=click.get_text_stream("stderr"),
                           hidden=not stderr_is_terminal() or as_json) as bar:
        if catalogue_flag:
            found, alike = asyncio.run(catalogue.audit_listed(listed, verdict_of,
                                                              on_done=lambda: bar.update(1)))
        else:
            found = audit.audit(listed, verdict_of, on_done=lambda: bar.update(1))
    failing = [a for a in found if a.verdict in audit.FAILING]
    if as_json:
        echo_json({"checked": len(found), "images": [a.to_dict() for a in found],
                   "alike_across_stores": [pair.to_dict() for pair in alike]})
    else:
        def where(item):
            return printable(item.path) if item.path else text(
                "provenance.audit.where", store=item.store, product=item.product, url=item.url)
        for item in found:
            if item.verdict != "recorded":
                click.echo(text(f"provenance.audit.{item.verdict}", path=where(item)))
        for pair in alike:
            click.echo(text("provenance.audit.alike", first=where(pair.first),
                            second=where(pair.second)))
        click.echo(text("provenance.audit.summary", count=len(found), failing=len(failing)))
    raise SystemExit(1 if failing else 0)


commands = [provenance]
