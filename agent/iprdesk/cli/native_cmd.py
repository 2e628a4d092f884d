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
    """The native messaging host: Chrome runs it (through the launcher `iprdesk install`
    wrote) when the extension connects, with the extension's origin as first argument.
    It speaks Chrome's framed JSON on stdin/stdout; not for use in a terminal."""
    from iprdesk.native.host import run_host

    origin = next((a for a in chrome_args if not a.startswith("--")), "")
    # Unbuffered stdin: a reader thread blocked in it cannot hold a buffer's lock at exit.
    stdin = open(sys.stdin.fileno(), "rb", buffering=0, closefd=False)  # noqa: SIM115
    sys.exit(run_host(home, origin, stdin, sys.stdout.buffer))


commands = [native_host]
