"""`iprdesk seller`: who signs the drafted letters (the seller's name, company and store)."""

import click

from iprdesk.cli.common import echo_json, home_option, home_path, json_option
from iprdesk.config import SELLER_FIELDS, Config
from iprdesk.text import i18n


@click.group("seller")
def seller():
    """Who signs the drafted letters: your name, company and store name."""


@seller.command("show")
@json_option
@home_option
def seller_show(as_json, home):
    """Show the seller's details used to sign the drafts."""
    details = Config.load(home_path(home)).seller()
    if as_json:
        echo_json(details)
        return
    lang = i18n.system_language()
    for key in SELLER_FIELDS:
        click.echo(f"{i18n.text(f'seller.{key}', lang)}: "
                   f"{details[key] or i18n.text('seller.unset', lang)}")


@seller.command("set")
@click.option("--name", help="Your full name, as it signs the letters.")
@click.option("--company", help="Your company's registered name (empty to clear).")
@click.option("--store", help="Your store's name on Joom (empty to clear).")
@home_option
def seller_set(name, company, store, home):
    """Set the seller's details; the options not given stay as they are."""
    if name is None and company is None and store is None:
        raise click.UsageError("give at least one of --name, --company, --store")
    home = home_path(home)
    config = Config.load(home)
    config.set_seller(name=name, company=company, store=store)
    config.save(home)
    click.echo(i18n.both_line("seller.saved"))


commands = [seller]
