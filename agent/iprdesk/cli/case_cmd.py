"""`iprdesk case ...`, `iprdesk preflight`, `iprdesk draft`: thin commands over cases,
preflight and drafts."""

from pathlib import Path

import click

from iprdesk.atomic import atomic_write_bytes
from iprdesk.casework import case_provenance, cases, deadlines, drafts, notice, preflight
from iprdesk.cli.common import (
    echo_json,
    home_option,
    home_path,
    json_option,
    language,
    passphrase_file_option,
    printable,
    text,
    vault_passphrase,
)
from iprdesk.config import Config
from iprdesk.text import i18n
from iprdesk.timeutil import shown
from iprdesk.vault import Vault

STATE_STYLE = {"overdue": "red", "due": "yellow", "urgent": "red", "warning": "yellow",
               "ok": "green", "done": "green", "pending": None}




def deadline_line(item: dict, lang: str) -> str:
    state = i18n.text(f"case.state.{item['state']}", lang)
    label = item["label"][lang]
    if item["due"] is None:
        return i18n.text("case.deadline_line_open", lang, label=label, state=state)
    state = click.style(state, fg=STATE_STYLE[item["state"]])
    if item["state"] == "done":
        return i18n.text("case.deadline_line", lang, label=label, state=state,
                         when=shown(item["due"], lang))
    when = deadlines.countdown_text(item["seconds_left"], lang)
    return i18n.text("case.deadline_line_due", lang, label=label, state=state, when=when,
                     due=shown(item["due"], lang))


@click.group()
def case():
    """Open, list, show and close complaint cases and their deadlines.

    Wherever a command takes a CASE, the case id (c-1a2b3c4d) or the complaint ID works."""


@case.command("new")
@click.option("--complaint-id", required=True, help="The complaint's ID in the Merchant Panel.")
@click.option("--store-id", required=True, help="Your Joom store ID.")
@click.option("--type", "type_", required=True, type=click.Choice(cases.COMPLAINT_TYPES),
              help="copyright (images) or trademark (brand names, logos).")
@click.option("--complainant", required=True, help="Who complained (the rights holder or firm).")
@click.option("--products", required=True, help="Affected product IDs, comma separated.")
@click.option("--received", default=None,
              help="When the complaint arrived, ISO 8601 (default: now; no offset = UTC).")
@click.option("--old-url", "old_urls", multiple=True,
              help="Public URL of a complained image (repeatable), for the dead-URL check.")
@click.option("--court-case", default=None,
              help="The court's case number, when a lawsuit is behind the complaint.")
@click.option("--law-firm", default=None,
              help="The law firm acting for the complainant (default: the Schedule A firm the "
                   "complainant names, if any).")
@json_option
@home_option
def case_new(complaint_id, store_id, type_, complainant, products, received, old_urls,
             court_case, law_firm, as_json, home):
    """Open a case for a complaint; its deadlines start at --received."""
    new = cases.CaseStore(home_path(home)).new(
        complaint_id=complaint_id, store_id=store_id, type=type_, complainant=complainant,
        products=products, received=received, old_urls=list(old_urls), court_case=court_case,
        law_firm=law_firm)
    if as_json:
        echo_json({"id": new.id})
        return
    _opened(new, language())


def _opened(new: cases.Case, lang: str) -> None:
    click.echo(i18n.text("case.opened", lang, case=new.id, complaint=new.complaint_id))
    upcoming = new.next_deadline()
    if upcoming:
        click.echo(deadline_line(upcoming, lang))


def _where(source: dict, lang: str) -> str:
    part = source["part"]
    if part.startswith("pdf_page_"):
        return i18n.text("notice.part.pdf_page", lang, page=part.removeprefix("pdf_page_"))
    return i18n.text(f"notice.part.{part}", lang)


def _print_notice(proposal: dict, lang: str) -> None:
    click.echo(i18n.text("notice.heading", lang,
                         format=i18n.text(f"notice.format.{proposal['format']}", lang)))
    if proposal["problem"]:
        click.secho(i18n.text(f"notice.problem.{proposal['problem']}", lang), fg="yellow")
    for name in notice.FIELDS:
        found = proposal["fields"][name]
        label = i18n.text(f"notice.field.{name}", lang)
        if found["value"] is not None:
            value = found["value"]
            value = i18n.joined(value, lang) if isinstance(value, list) else value
            line = i18n.text("notice.found", lang, field=label, value=printable(value),
                             confidence=i18n.text(f"notice.confidence.{found['confidence']}",
                                                  lang),
                             where=_where(found["source"], lang),
                             excerpt=printable(found["source"]["excerpt"]))
        elif found["problem"] == "no_zone":
            line = click.style(i18n.text("notice.no_zone", lang, field=label,
                                         where=_where(found["source"], lang),
                                         excerpt=printable(found["source"]["excerpt"])),
                               fg="yellow")
        else:
            line = i18n.text("notice.empty", lang, field=label)
        click.echo("  " + line)
    if proposal["schedule_a_firm"]:
        click.secho("  " + i18n.text("case.schedule_a", lang, firm=proposal["schedule_a_firm"]),
                    fg="yellow")


@case.command("import")
@click.argument("source", type=click.File("rb"))
@click.option("--create", is_flag=True,
              help="Open the case (with the corrections given) instead of only showing it.")
@click.option("--complaint-id", default=None, help="Correct the complaint ID.")
@click.option("--store-id", default=None, help="Correct or give your Joom store ID.")
@click.option("--type", "type_", type=click.Choice(cases.COMPLAINT_TYPES), default=None,
              help="Correct or give the complaint type.")
@click.option("--complainant", default=None, help="Correct or give the complainant.")
@click.option("--products", default=None, help="Correct the product IDs, comma separated.")
@click.option("--received", default=None,
              help="Correct when the complaint arrived, ISO 8601 with its offset.")
@click.option("--court-case", default=None, help="Correct the court's case number.")
@click.option("--law-firm", default=None, help="Correct or give the complainant's law firm.")
@json_option
@home_option
def case_import(source, create, complaint_id, store_id, type_, complainant, products, received,
                court_case, law_firm, as_json, home):
    """Read a complaint notice (Joom's e-mail as .eml or text, or the TRO / complaint PDF; -
    reads standard input) and show the case it describes, each field with where it was
    found; --create opens it."""
    lang = language()
    read = notice.read_notice(source.read(notice.MAX_NOTICE_BYTES + 1))
    if not create:
        if as_json:
            echo_json(read.to_dict())
            return
        _print_notice(read.to_dict(), lang)
        click.echo(i18n.text("notice.create_hint", lang))
        return
    new = notice.create_case(cases.CaseStore(home_path(home)), read, complaint_id=complaint_id,
                             store_id=store_id, type=type_, complainant=complainant,
                             products=products, received=received, court_case=court_case,
                             law_firm=law_firm)
    if as_json:
        echo_json(new.to_dict())
        return
    _opened(new, lang)


@case.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include closed cases.")
@json_option
@home_option
def case_list(show_all, as_json, home):
    """Open cases, the most urgent first."""
    store, lang = cases.CaseStore(home_path(home)), language()
    items = store.by_urgency()
    if show_all:
        items += store.all("closed")
    if as_json:
        echo_json([c.to_dict() for c in items])
        return
    if not items:
        click.echo(i18n.text("case.none", lang))
    for c in items:
        upcoming = c.next_deadline()
        status = i18n.text(f"case.status.{c.status}", lang)
        line = f"{c.id}  {c.complaint_id}  {c.type:<9}  {status:<6}  {c.complainant}"
        click.echo(line)
        if upcoming:
            click.echo(f"    {deadline_line(upcoming, lang)}")


def _unlocked_vault(home, passphrase_file, *, prompt: bool):
    """The vault unlocked with the passphrase from the usual places, or None without one."""
    if not Vault.exists(home):
        return None
    passphrase = vault_passphrase(passphrase_file, required=False, prompt=prompt)
    if passphrase is None:
        return None
    vault = Vault.open(home)
    vault.unlock(passphrase)
    return vault


@case.command("show")
@click.argument("case_id", metavar="CASE")
@passphrase_file_option
@json_option
@home_option
def case_show(case_id, passphrase_file, as_json, home):
    """A case's facts, every deadline, and its documents in the vault (listed when the
    passphrase is given with --passphrase-file or $IPRDESK_PASSPHRASE)."""
    home = home_path(home)
    c, lang = cases.CaseStore(home).resolve(case_id), language()
    vault = _unlocked_vault(home, passphrase_file, prompt=False)
    documents = None if vault is None else vault.list(case=c.id)
    data = c.to_dict()
    if as_json:
        if documents is not None:
            data["documents"] = [{"id": d.id, "kind": d.kind, "original_name": d.original_name,
                                  "captured_at": d.captured_at, "sha256": d.sha256}
                                 for d in documents]
        echo_json(data)
        return
    def field(name):
        return i18n.text(f"case.field.{name}", lang)

    click.echo(i18n.text("case.heading", lang, case=c.id,
                         status=i18n.text(f"case.status.{c.status}", lang)))
    rows = [(field("complaint"), c.complaint_id), (field("store"), c.store_id),
            (field("type"), i18n.text(f"case.type.{c.type}", lang)),
            (field("complainant"), c.complainant)]
    rows += [(field("law_firm"), c.law_firm)] if c.law_firm else []
    rows += [(field("products"), i18n.joined(c.products, lang))]
    rows += [(deadlines.event_names()[name][lang], shown(when, lang))
             for name, when in c.events.items()]
    rows += [(field("old_url"), url) for url in c.old_urls]
    for key, value in rows:
        click.echo("  " + i18n.text("ui.field", lang, label=key, value=value))
    if data["schedule_a_firm"]:
        click.secho("  " + i18n.text("case.schedule_a", lang, firm=data["schedule_a_firm"]),
                    fg="yellow")
    click.echo(i18n.text("ui.heading", lang, label=i18n.text("case.deadlines", lang)))
    for item in data["deadlines"]:
        click.echo(f"  {deadline_line(item, lang)}")
    if documents is None:
        key = "case.documents_locked" if Vault.exists(home) else "case.documents_none"
        click.echo(i18n.text(key, lang, case=c.id))
    elif not documents:
        click.echo(i18n.text("case.documents_none", lang, case=c.id))
    else:
        click.echo(i18n.text("ui.heading", lang, label=i18n.text("case.documents", lang)))
        for d in documents:
            click.echo(f"  {d.id[:12]}  {d.kind:<10} {shown(d.captured_at, lang)}  "
                       f"{printable(d.original_name or '')}")


@case.command("event")
@click.argument("case_id", metavar="CASE")
@click.argument("event", type=click.Choice([n for n in deadlines.event_names() if n != "received"]))
@click.option("--at", default=None, help="When it happened, ISO 8601 (default: now).")
@json_option
@home_option
def case_event(case_id, event, at, as_json, home):
    """Record what happened (offer received, images replaced...); deadlines follow."""
    store = cases.CaseStore(home_path(home))
    c = store.record_event(store.resolve(case_id).id, event, at)
    if as_json:
        echo_json(c.to_dict())
        return
    lang = language()
    click.echo(i18n.text("case.recorded", lang, event=deadlines.event_names()[event][lang],
                         case=c.id, at=c.events[event]))


@case.command("urls")
@click.argument("case_id", metavar="CASE")
@click.argument("urls", nargs=-1, required=True)
@home_option
def case_urls(case_id, urls, home):
    """Add public URLs of the complained images, for the dead-URL check."""
    store = cases.CaseStore(home_path(home))
    c = store.add_urls(store.resolve(case_id).id, list(urls))
    click.echo(i18n.text("case.urls_count", language(), case=c.id,
                         count=len(c.old_urls)))


@case.command("law-firm")
@click.argument("case_id", metavar="CASE")
@click.argument("name", required=False)
@click.option("--clear", is_flag=True, help="Say that no law firm acts for the complainant.")
@home_option
def case_law_firm(case_id, name, clear, home):
    """Correct the law firm acting for the complainant (whom the letters are written to)."""
    if bool(name) == clear:
        raise click.UsageError(text("case.law_firm_usage"))
    store = cases.CaseStore(home_path(home))
    c = store.set_law_firm(store.resolve(case_id).id, None if clear else name)
    click.echo(text("case.law_firm_set", case=c.id, firm=c.law_firm) if c.law_firm
               else text("case.law_firm_cleared", case=c.id))


@case.command("close")
@click.argument("case_id", metavar="CASE")
@home_option
def case_close(case_id, home):
    """Close a case: its deadlines stop warning."""
    store = cases.CaseStore(home_path(home))
    c = store.close(store.resolve(case_id).id)
    click.echo(i18n.text("case.closed_now", language(), case=c.id))


def _documents(paths) -> list[preflight.Document]:
    return [preflight.Document(Path(p).name, Path(p).read_bytes()) for p in paths]


existing_file = click.Path(exists=True, dir_okay=False)


def preflight_inputs(command):
    """The options giving the preflight its inputs, shared by `preflight` and `draft`."""
    for option in reversed((
        click.option("--agreement", "agreements", multiple=True, type=existing_file,
                     help="The signed settlement agreement (PDF), instead of the vault's "
                          "(repeatable)."),
        click.option("--payment", "payments", multiple=True, type=existing_file,
                     help="The payment proof (PDF), instead of the vault's (repeatable: the last "
                          "given supersedes the ones before, as a corrected bank slip)."),
        click.option("--new-image", "new_images", multiple=True, type=existing_file,
                     help="A replacement image you will upload (repeatable)."),
        click.option("--complained-image", "complained_images", multiple=True,
                     type=existing_file, help="An image named in the complaint (repeatable)."),
        passphrase_file_option,
    )):
        command = option(command)
    return command


def _run_preflight(home, c, agreements, payments, new_images, complained_images,
                   vault) -> list[preflight.Check]:
    inputs = preflight.gather(
        home, c, agreement=_documents(agreements) or None, payment=_documents(payments) or None,
        new_images=[Path(p) for p in new_images],
        complained_images=[Path(p) for p in complained_images], vault=vault)
    return preflight.run(c, inputs)


@click.command("preflight")
@click.argument("case_id", metavar="CASE")
@preflight_inputs
@click.option("--html", "html_out", type=click.Path(dir_okay=False),
              help="Also write a report page to this file.")
@json_option
@home_option
def preflight_cmd(case_id, agreements, payments, new_images, complained_images,
                  passphrase_file, html_out, as_json, home):
    """Check an appeal before you file it. Exit 0 when ready, 1 when not.

    The agreement, payment proof and recorded URL checks come from the case's evidence in the
    vault (unlocked with --passphrase-file, $IPRDESK_PASSPHRASE or a prompt), unless given
    as files."""
    home, lang = home_path(home), language()
    c = cases.CaseStore(home).resolve(case_id)
    checks = _run_preflight(home, c, agreements, payments, new_images, complained_images,
                            _unlocked_vault(home, passphrase_file, prompt=True))
    result = preflight.report(c, checks, lang)
    if html_out:
        atomic_write_bytes(html_out, preflight.render_html(c, checks, lang).encode(), mode=0o644)
    if as_json:
        echo_json(result)
    else:
        status_colour = {"pass": "green", "fail": "red", "unknown": "yellow"}
        click.echo(i18n.text("preflight.heading", lang, title=i18n.text("preflight.title", lang),
                             case=c.id, complaint=c.complaint_id, store=c.store_id))
        for check in result["checks"]:
            label = i18n.text(f"preflight.status.{check['status']}", lang).upper()
            click.echo(f"  {click.style(f'{label:<8}', fg=status_colour[check['status']])}"
                       + i18n.text("ui.field", lang, label=check["title"], value=check["message"]))
        click.secho(result["summary"], fg="green" if result["ready"] else "red", bold=True)
        if html_out:
            click.echo(i18n.text("preflight.report_written", lang,
                                 path=Path(html_out).resolve()))
    raise SystemExit(0 if result["ready"] else 1)


@click.command("draft")
@click.argument("case_id", metavar="CASE")
@click.argument("name", type=click.Choice(drafts.names()))
@preflight_inputs
@json_option
@home_option
def draft(case_id, name, agreements, payments, new_images, complained_images,
          passphrase_file, as_json, home):
    """A message for the case: settlement_intent (to the firm), joom_support, or
    counter_notice (to Joom, for images that are your own).

    It states a fact (images replaced, old URLs dead, agreement, payment) only when the
    preflight, run on the same inputs as `iprdesk preflight`, confirms it, and a fact about a
    sealed original (camera, capture time, hash) only when iprdesk read it from the original
    in the vault; otherwise the letter holds a [TO COMPLETE: ...] gap saying why. Signed with
    `iprdesk seller` details."""
    home, lang = home_path(home), language()
    c = cases.CaseStore(home).resolve(case_id)
    vault = _unlocked_vault(home, passphrase_file, prompt=False)
    checks = _run_preflight(home, c, agreements, payments, new_images, complained_images,
                            vault)
    originals = case_provenance.originals(home, c, vault) if name == "counter_notice" else []
    result = drafts.render(c, name, checks, Config.load(home).seller(), originals=originals)
    if as_json:
        echo_json(result)
        return
    click.secho(result["title"][lang], bold=True)
    if result["cautions"]:
        click.secho(i18n.text("draft.cautions", lang), fg="red", bold=True)
        for caution in result["cautions"]:
            click.echo(f"  - {caution[lang]}")
    for label, value in (("draft.to", result["to"][lang]), ("draft.subject", result["subject"])):
        click.echo(i18n.text("ui.field", lang, label=i18n.text(label, lang), value=value))
    click.echo()
    click.echo(result["body"])
    if result["gaps"]:
        click.secho("\n" + i18n.text("draft.gaps", lang, count=len(result["gaps"])),
                    fg="yellow", bold=True)
        for gap in result["gaps"]:
            click.echo(f"  - {gap['explain'][lang]}")
    click.echo("\n" + i18n.text("draft.explain", lang))
    for n, p in enumerate(result["paragraphs"], 1):
        click.echo(f"  {n}. {p['explain'][lang]}")
    click.echo("\n" + i18n.text("draft.terms", lang))
    for term in result["terms"]:
        click.echo("  " + i18n.text("ui.field", lang, label=term["term"],
                                    value=term["explain"][lang]))


commands = [case, preflight_cmd, draft]
