"""The `iprdesk` command: thin commands over the core library.

Each module under `iprdesk.cli` holds one concern and lists its click commands in
`commands`. The group imports a module only when one of its commands runs, so a quick
command does not pay for the imports of every other one (aiohttp, numpy, pypdf...).
Every command takes --lang (added here, so no module spells it out; the group takes it too):
the CLI prints one language, that one or the user's. An IprdeskError becomes a one-line
message on stderr in that language and exit code 1; usage errors exit 2 (click's default).
"""

import atexit
import importlib
import os
import sys

import click

from iprdesk import __version__
from iprdesk.cli import common
from iprdesk.cli.common import lang_option, language
from iprdesk.errors import IprdeskError

# Command name -> the module under iprdesk.cli that defines it.
COMMANDS = {
    "agent": "agent_cmd",
    "install": "install_cmd",
    "uninstall": "install_cmd",
    "doctor": "install_cmd",
    "native-host": "native_cmd",
    "pair": "pairing_cmd",
    "tokens": "pairing_cmd",
    "strip": "strip_cmd",
    "inspect": "strip_cmd",
    "watch": "strip_cmd",
    "vault": "vault_cmd",
    "compare": "similar_cmd",
    "audit": "similar_cmd",
    "check-urls": "urls_cmd",
    "url-watch": "urls_cmd",
    "catalog": "catalog_cmd",
    "case": "case_cmd",
    "preflight": "case_cmd",
    "draft": "case_cmd",
    "seller": "seller_cmd",
    "provenance": "provenance_cmd",
    "penalties": "penalties_cmd",
    "demo": "demo_cmd",
    "extension-path": "extension_cmd",
    "extension": "extension_cmd",
    "backup": "backup_cmd",
    "restore": "backup_cmd",
}


def command_module(name: str):
    return importlib.import_module(f"iprdesk.cli.{COMMANDS[name]}")


class IprdeskGroup(click.Group):
    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        return _with_lang(next(c for c in command_module(name).commands if c.name == name))

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except IprdeskError as e:
            click.echo(f"error: {e.text(language())}", err=True)
            ctx.exit(1)


def _show_utc(on: bool) -> None:
    # timeutil (and zoneinfo) is loaded by the commands that show times; until one has, the
    # default needs no setting, and `strip` does not pay for the import.
    if on or "iprdesk.timeutil" in sys.modules:
        from iprdesk import timeutil

        timeutil.show_utc(on)


def _with_lang(command: click.Command) -> click.Command:
    """The command, and each of its subcommands, taking --lang (once)."""
    if not any(p.name == "lang" for p in command.params):
        command.params.append(lang_option())
    for sub in getattr(command, "commands", {}).values():
        _with_lang(sub)
    return command


@click.group(cls=IprdeskGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="iprdesk")
@click.option("--utc", is_flag=True, expose_value=False, is_eager=True,
              callback=lambda ctx, param, value: _show_utc(value),
              help="Show every time as ISO 8601 UTC, for scripts (default: local time with "
                   "its zone).")
def main():
    """iprdesk: get your Joom store out of an image-copyright complaint."""


main.params.append(lang_option())


def run() -> None:
    """`iprdesk` as a program (the console script, `python -m iprdesk`): main(); once a
    command has said that nothing but its exit is left (common.nothing_left_but_exit), the
    process ends there, without Python's teardown. That teardown frees every module's objects
    through three full collections: 24M instructions, 7 % of a one-file `strip` and 8 % of a
    40-photo batch's parent (bench/NOTES.md), for memory the system takes back anyway. The
    atexit handlers run and the standard streams are flushed first, as in the teardown; with
    another thread still running (the teardown would wait for it), the teardown is kept."""
    try:
        main()
    except SystemExit as e:
        threading = sys.modules.get("threading")
        if (common.exit_is_all_that_is_left and isinstance(e.code, int)
                and (threading is None or threading.active_count() == 1)):
            atexit._run_exitfuncs()  # noqa: SLF001 - the teardown's first step, kept
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            except (OSError, ValueError):  # a closed pipe: let the teardown say so, as always
                raise e from None
            os._exit(e.code)
        raise
