"""The native messaging side of the CLI: the host Chrome starts, and registering it."""

import sys
from pathlib import Path

import click

from iprdesk.cli.common import home_option, home_path, language
from iprdesk.text import i18n


@click.command("native-host", context_settings={"ignore_unknown_options": True})
@click.argument("chrome_args", nargs=-1, type=click.UNPROCESSED)
@home_option
def native_host(chrome_args, home):
    """The native messaging host: Chrome runs it (through the launcher `iprdesk install`
    wrote) when the extension connects, with the extension's origin as first argument.
    It speaks Chrome's framed JSON on stdin/stdout; not for use in a terminal."""
    from iprdesk.native.host import run_host

    origin = next((a for a in chrome_args if not a.startswith("--")), "")
    # Unbuffered stdin: a reader thread blocked in it cannot hold a buffer's lock at exit.
    stdin = open(sys.stdin.fileno(), "rb", buffering=0, closefd=False)  # noqa: SIM115
    sys.exit(run_host(home_path(home), origin, stdin, sys.stdout.buffer))


@click.command()
@click.option("--user-data-dir", type=click.Path(file_okay=False), required=True,
              help="Register in this one browser profile folder only (a portable browser, "
                   "tests): its NativeMessagingHosts folder.")
@home_option
def install(user_data_dir, home):
    """Register iprdesk with the browser, so the extension starts it by itself."""
    from iprdesk.native.manifest import install_into_profile

    path = install_into_profile(Path(user_data_dir), Path(home) if home else None)
    click.echo(i18n.text("install.registered", language(), path=str(path)))


commands = [native_host, install]
