import click

from iprdesk.cli.common import home_option, home_path
from iprdesk.server.run import run_agent


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Loopback address to listen on (127.0.0.1, ::1 or localhost).")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Port (default: 17321, or `port` in config.json).")
@click.option("-v", "--verbose", is_flag=True, help="Log every request.")
@home_option
def agent(host, port, verbose, home):
    """Run the local agent the browser extension talks to."""
    run_agent(home_path(home), host, port, verbose)


commands = [agent]
