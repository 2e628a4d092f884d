import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

import click

from iprdesk.cli.common import language, text
from iprdesk.demo.run import run_demo


@click.command()
@click.option("--headless", is_flag=True,
              help="Save screenshots instead of opening a window (the default without a display).")
@click.option("--screenshots", "out", type=click.Path(file_okay=False), default=None,
              help="Where the screenshots go (default: ./iprdesk-demo).")
@click.option("--keep", is_flag=True, help="Keep the demo's temporary data directory.")
def demo(headless, out, keep):
    """Show every feature on a demo Merchant Panel, no Joom account needed (the browser speaks
    the language of --lang, else the user's)."""
    headless = headless or not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    # Stopped by a signal, still stop the agent and remove the temporary data.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    home = Path(tempfile.mkdtemp(prefix="iprdesk-demo-"))
    try:
        saved = run_demo(home, headless=headless, lang=language(), echo=click.echo,
                         out=Path(out or "iprdesk-demo").resolve())
    finally:
        if keep:
            click.echo(text("demo.kept", path=home))
        else:
            shutil.rmtree(home, ignore_errors=True)
    if saved:
        click.echo(text("demo.screenshots"))
        for path in saved:
            click.echo(f"  {path}")


commands = [demo]
