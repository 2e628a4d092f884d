import time
from datetime import UTC, datetime

import click

from iprdesk.cli.common import echo_json, home_option, home_path, json_option, language, text
from iprdesk.server.pairing import AuthStore
from iprdesk.timeutil import shown


@click.command()
@json_option
@home_option
def pair(as_json, home):
    """Show a one-time code to pair the browser extension (valid 10 minutes, 5 tries)."""
    code, expires = AuthStore(home_path(home)).new_code()
    if as_json:
        echo_json({"code": code, "expires": expires})
        return
    minutes = round((expires - time.time()) / 60)
    click.echo(text("pair.code", code=code))
    click.echo(text("pair.within", minutes=minutes))


@click.group()
def tokens():
    """List or revoke the extension tokens given out by pairing."""


@tokens.command("list")
@json_option
@home_option
def tokens_list(as_json, home):
    """List paired extensions."""
    items = AuthStore(home_path(home)).tokens()
    if as_json:
        echo_json([{"id": t.id, "label": t.label, "created": t.created} for t in items])
        return
    if not items:
        click.echo(text("tokens.none"))
    for t in items:
        created = shown(datetime.fromtimestamp(t.created, UTC), language())
        click.echo(text("tokens.line", id=t.id, label=t.label, created=created))


@tokens.command("revoke")
@click.argument("token_id")
@home_option
def tokens_revoke(token_id, home):
    """Revoke the token TOKEN_ID (from `tokens list`): that extension must pair again."""
    AuthStore(home_path(home)).revoke(token_id)
    click.echo(text("tokens.revoked", id=token_id))


commands = [pair, tokens]
