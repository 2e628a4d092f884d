import click

from iprdesk.cli.common import home_option, home_path
from iprdesk.server.run import run_agent


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Loopback address to listen on (127.0.0.1, ::1 or localhost).")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Port (default: 17321, or `port` in config.json).")
@click.option("-v", "--verbose", is_flag=True, help="Log every request.")
@click.option("--managed", is_flag=True, hidden=True,
              help="Started by the native host: stop once no browser holds the agent and no "
                   "folder is watched.")
@click.option("--grace", type=click.FloatRange(0, 3600), default=30.0, hidden=True,
              help="With --managed: seconds to wait after the last browser let go.")
@home_option
def agent(host, port, verbose, managed, grace, home):
    """Run the local agent (normally the browser starts it; run it by hand for watched
    folders or scripts: it then runs until stopped)."""
    run_agent(home_path(home), host, port, verbose, managed=managed, grace_seconds=grace)


commands = [agent]
