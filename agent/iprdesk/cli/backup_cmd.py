"""`iprdesk backup` and `iprdesk restore`: the data directory in one file, for a reinstall or
a new computer."""

from pathlib import Path

import click

from iprdesk import backup as backups
from iprdesk.cli.common import echo_json, home_option, home_path, json_option, language
from iprdesk.text import i18n


@click.command("backup")
@click.option("-o", "--out", "out", required=True, type=click.Path(dir_okay=False),
              help="The backup file to write (a zip).")
@json_option
@home_option
def backup(out, as_json, home):
    """Back up cases, settings, URL watches, taught pages, the seller's details and the
    evidence vault (still encrypted) into one file with a manifest of hashes."""
    summary = backups.make_backup(home_path(home), Path(out))
    if as_json:
        echo_json(summary.to_json())
        return
    lang = language()
    click.echo(i18n.text("backup.written", lang, count=summary.files, bytes=summary.bytes,
                         path=out, sha256=summary.sha256))
    if summary.vault:
        click.echo(i18n.text("backup.vault_note", lang))


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True,
              help="Replace a different vault, or cases and evidence the backup does not "
                   "hold (what is replaced is moved aside into restore-previous-*, not "
                   "deleted).")
@json_option
@home_option
def restore(source, force, as_json, home):
    """Restore a backup made by `iprdesk backup`, checked whole before anything is written.
    Stop the agent first (close the browser, or stop `iprdesk agent`)."""
    restored = backups.restore(home_path(home), Path(source), force=force)
    if as_json:
        echo_json(restored.to_json())
        return
    lang = language()
    click.echo(i18n.text("backup.restored", lang, count=restored.files))
    if restored.previous:
        click.echo(i18n.text("backup.previous", lang, path=restored.previous))


commands = [backup, restore]
