"""What every CLI command shares: --home, --json output, --lang and the user's language,
error reporting."""

import json
import os
import re
import sys

import click

from iprdesk.errors import BadInput
from iprdesk.paths import resolve_home
from iprdesk.text import i18n

home_option = click.option(
    "--home",
    type=click.Path(file_okay=False),
    default=None,
    help="Data directory (default: $IPRDESK_HOME, else the platform's user data folder).",
)

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")

_LANG = "iprdesk.lang"  # the --lang given, in the click context's meta (shared by nested ones)


def _remember_lang(ctx: click.Context, param, value):
    if value:
        ctx.meta[_LANG] = value


def lang_option() -> click.Option:
    """--lang, which every command takes (cli/__init__.py adds it) as well as the group."""
    return click.Option(["--lang"], type=click.Choice(i18n.LANGUAGES), expose_value=False,
                        is_eager=True, callback=_remember_lang,
                        help="Language of the output: en or zh_CN (default: the user's "
                             "language, from the locale).")


def language() -> str:
    """The language the CLI speaks: --lang, else the user's (i18n.user_language)."""
    ctx = click.get_current_context(silent=True)
    return (ctx and ctx.meta.get(_LANG)) or i18n.user_language()


def text(key: str, **params) -> str:
    """A message of shared/messages in the CLI's language."""
    return i18n.text(key, language(), **params)


def home_path(home: str | None):
    return resolve_home(home)


def echo_json(value) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


_ROW = json.JSONEncoder(ensure_ascii=False, default=str)


def echo_json_rows(rows: list[dict]) -> None:
    """A JSON array of records, one a line: for lists that may run to 100,000 (the vault's),
    as json's indented output comes only from its pure-Python encoder, three times the C
    one's CPU (1.6 s against 0.5 s at 100,000 items)."""
    if not rows:
        click.echo("[]")
        return
    # The whole array in one call of the C encoder (a call per record costs 40% more): records
    # meet at "}, {", each breaks the line there, unless a value of theirs holds one too.
    array = _ROW.encode(rows)
    if array.count("}, {") == len(rows) - 1 and all(type(row) is dict for row in rows):
        click.echo("[\n  " + array[1:-1].replace("}, {", "},\n  {") + "\n]")
    else:
        click.echo("[\n" + ",\n".join("  " + _ROW.encode(row) for row in rows) + "\n]")


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def printable(text) -> str:
    """Text from a web page or someone else's file, safe to print on a terminal: control
    characters (escape sequences that retitle, clear or fill the clipboard; line breaks that
    forge a line of output) are shown as \\xNN instead of acting."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def warn(message: str) -> None:
    click.echo(message, err=True)


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


# Set by a command whose files are all closed and on disk once nothing but its exit is left:
# the program (iprdesk.cli.run) then ends without Python's teardown.
exit_is_all_that_is_left = False


def nothing_left_but_exit() -> None:
    global exit_is_all_that_is_left
    exit_is_all_that_is_left = True


PASSPHRASE_ENV = "IPRDESK_PASSPHRASE"  # noqa: S105 (the variable's name, not a secret)

passphrase_file_option = click.option(
    "--passphrase-file", type=click.Path(exists=True, dir_okay=False), default=None,
    help=f"Read the vault passphrase from this file (else ${PASSPHRASE_ENV}, else a prompt).")


def vault_passphrase(passphrase_file: str | None, *, required: bool = True,
                     prompt: bool = True) -> str | None:
    """The vault passphrase: --passphrase-file, else $IPRDESK_PASSPHRASE, else a hidden prompt
    on a terminal (unless `prompt` is off). Without any of them: None when not required, else
    a clear error."""
    if passphrase_file:
        with open(passphrase_file, encoding="utf-8") as f:
            return f.readline().rstrip("\r\n")
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if prompt and sys.stdin.isatty():
        return click.prompt(text("cli.passphrase_prompt"), hide_input=True)
    if required:
        raise BadInput(key="cli.passphrase_needed", params={"env": PASSPHRASE_ENV})
    return None
