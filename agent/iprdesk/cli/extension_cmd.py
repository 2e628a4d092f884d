"""`iprdesk extension-path` and `iprdesk extension pack`: the browser extension that ships
inside the installed package."""

from pathlib import Path

import click

from iprdesk import extension_package
from iprdesk.cli.common import language
from iprdesk.paths import extension_dir
from iprdesk.text import i18n


@click.command("extension-path")
def extension_path():
    """Print the extension folder to choose in Chrome's "Load unpacked"."""
    click.echo(str(extension_dir()))


@click.group("extension")
def extension():
    """The browser extension shipped with iprdesk."""


@extension.command("pack")
@click.option("-o", "--out", "out", required=True, type=click.Path(dir_okay=False),
              help="The zip to write (for a Chrome Web Store upload).")
def extension_pack(out):
    """Write the extension as the zip a Chrome Web Store upload takes (manifest at its root,
    without the development `key`; the same bytes for the same release)."""
    names = extension_package.pack(Path(out))
    click.echo(i18n.text("extension.packed", language(), path=out, count=len(names)))


commands = [extension_path, extension]
