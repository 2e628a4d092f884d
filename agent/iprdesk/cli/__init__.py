"""The `iprdesk` command: thin commands over the core library.

Each module under `iprdesk.cli` holds one concern and lists its click commands in
`commands`; they are added to the group here. An IprdeskError becomes a one-line message
on stderr and exit code 1; usage errors exit 2 (click's default).
"""

import click

from iprdesk import __version__
from iprdesk.cli import (
    agent_cmd,
    case_cmd,
    catalog_cmd,
    demo_cmd,
    pairing_cmd,
    similar_cmd,
    strip_cmd,
    urls_cmd,
    vault_cmd,
)
from iprdesk.errors import IprdeskError

COMMAND_MODULES = [agent_cmd, pairing_cmd, similar_cmd, urls_cmd, case_cmd, strip_cmd, vault_cmd,
                   demo_cmd, catalog_cmd]


class IprdeskGroup(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except IprdeskError as e:
            click.echo(f"error: {e.message}", err=True)
            ctx.exit(1)


@click.group(cls=IprdeskGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="iprdesk")
def main():
    """iprdesk: get your Joom store out of an image-copyright complaint."""


for _module in COMMAND_MODULES:
    for _command in _module.commands:
        main.add_command(_command)
