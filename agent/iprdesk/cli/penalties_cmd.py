"""`iprdesk penalties`: the penalty history seen on the account page, and the ladder."""

import click

from iprdesk.account.penalties import PenaltyHistory
from iprdesk.cli.common import echo_json, home_option, home_path, json_option, language, printable
from iprdesk.text import i18n
from iprdesk.timeutil import shown


def penalty_name(sighting: dict, lang: str) -> str:
    """What a sighting reports, in words."""
    if sighting["penalty"] == "block" and sighting["days"] is None:
        return i18n.text("penalties.kind.permanent", lang)
    return i18n.text(f"penalties.kind.{sighting['penalty']}", lang,
                     points=sighting["points"], days=sighting["days"])


@click.command("penalties")
@json_option
@home_option
def penalties(as_json, home):
    """Strikes, penalty points and store blocks seen on the account page (the extension
    records the banners), and where the store stands on Joom's ladder."""
    standing = PenaltyHistory(home_path(home)).standing()
    if as_json:
        echo_json(standing)
        return
    lang = language()
    click.secho(i18n.text("penalties.title", lang), bold=True)
    if standing["current"]:
        click.echo(i18n.text("penalties.standing", lang, step=standing["step"],
                             steps=len(standing["ladder"]),
                             label=standing["current"]["label"][lang]))
    else:
        click.echo(i18n.text("penalties.standing_none", lang))
    click.echo(i18n.text("penalties.next", lang, label=standing["next"]["label"][lang])
               if standing["next"] else i18n.text("penalties.last", lang))
    if standing["strikes"]:
        click.echo(i18n.text("penalties.strikes", lang, count=standing["strikes"]))
    click.secho(standing["warning"][lang], fg="yellow")
    if not standing["sightings"]:
        click.echo(i18n.text("penalties.none", lang))
    for s in standing["sightings"]:  # times in local time, or UTC with --utc
        what = penalty_name(s, lang)
        if s["stated_date"]:
            what = i18n.joined([what, i18n.text("penalties.stated", lang,
                                                date=s["stated_date"])], lang)
        click.echo("  " + i18n.text("penalties.sighting", lang, when=shown(s["first_seen"], lang),
                                    what=what, count=s["times_seen"],
                                    last=shown(s["last_seen"], lang)))
        click.echo(f"    {printable(s['text'])}")


commands = [penalties]
