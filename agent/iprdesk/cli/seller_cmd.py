"""`iprdesk seller`: who signs the drafted letters (the seller's name, company and store), and
the address and telephone number a counter-notice gives."""

import click

from iprdesk.cli.common import echo_json, home_option, home_path, json_option, text
from iprdesk.config import SELLER_FIELDS, Config


@click.group("seller")
def seller():
    """Who signs the drafted letters: your name, company, store name, address and phone."""


@seller.command("show")
@json_option
@home_option
def seller_show(as_json, home):
    """Show the seller's details used to sign the drafts."""
    details = Config.load(home_path(home)).seller()
    if as_json:
        echo_json(details)
        return
    for key in SELLER_FIELDS:
        click.echo(text("ui.field", label=text(f"seller.{key}"),
                        value=details[key] or text("seller.unset")))


@seller.command("set")
@click.option("--name", help="Your full name, as it signs the letters.")
@click.option("--company", help="Your company's registered name (empty to clear).")
@click.option("--store", help="Your store's name on Joom (empty to clear).")
@click.option("--address", help="Your postal address, in English on one line, for the "
              "counter-notice (empty to clear).")
@click.option("--phone", help="Your telephone number with its country code, for the "
              "counter-notice (empty to clear).")
@home_option
def seller_set(name, company, store, address, phone, home):
    """Set the seller's details; the options not given stay as they are."""
    values = {"name": name, "company": company, "store": store, "address": address,
              "phone": phone}
    if all(value is None for value in values.values()):
        raise click.UsageError(text("seller.need_one"))
    home = home_path(home)
    config = Config.load(home)
    config.set_seller(**values)
    config.save(home)
    click.echo(text("seller.saved"))


commands = [seller]
