"""What every CLI command shares: --home, --json output, error reporting."""

import json
import sys

import click

from iprdesk.paths import resolve_home

home_option = click.option(
    "--home",
    type=click.Path(file_okay=False),
    default=None,
    help="Data directory (default: $IPRDESK_HOME, else the platform's user data folder).",
)

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def home_path(home: str | None):
    return resolve_home(home)


def echo_json(value) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def warn(message: str) -> None:
    click.echo(message, err=True)


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()
