"""The native messaging host Chrome starts (registering it: install_cmd.py)."""

import sys

import click


@click.command("native-host", context_settings={"ignore_unknown_options": True})
@click.argument("chrome_args", nargs=-1, type=click.UNPROCESSED)
# Not the common --home: a data directory that cannot be used is the host's to report to the
# extension (keyed, in the user's language), not click's to print where nobody reads it.
@click.option("--home", default=None,
              help="Data directory (default: $IPRDESK_HOME, else the platform's user data folder).")
def native_host(chrome_args, home):
    """The native messaging host: Chrome runs it when the extension connects, with the
    extension's origin as first argument (the launcher `iprdesk install` writes runs the same
    host as `python -m iprdesk.native`). It speaks Chrome's framed JSON on stdin/stdout; not
    for use in a terminal."""
    from iprdesk.native.host import serve_chrome

    sys.exit(serve_chrome(home, chrome_args))


commands = [native_host]
