"""Every command module's commands are reachable, and only their own module is imported."""

import pkgutil
import subprocess
import sys

import iprdesk.cli
from iprdesk.cli import COMMANDS, main


def test_every_command_of_every_module_is_registered():
    modules = {m.name for m in pkgutil.iter_modules(iprdesk.cli.__path__) if m.name != "common"}
    assert set(COMMANDS.values()) == modules
    for module_name in modules:
        module = __import__(f"iprdesk.cli.{module_name}", fromlist=["commands"])
        for command in module.commands:
            assert COMMANDS.get(command.name) == module_name, command.name
            assert main.get_command(None, command.name) is command


def test_a_quick_command_does_not_import_the_others():
    code = ("import sys; from iprdesk.cli import main\n"
            "try: main(['pair', '--help'])\n"
            "except SystemExit: pass\n"
            "print(sorted(m for m in sys.modules if m.startswith(('aiohttp', 'numpy', 'pypdf'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def _all_commands():
    """(path, command) for every command and sub-command, groups included."""
    import click

    stack = [(name, main.get_command(None, name)) for name in COMMANDS]
    while stack:
        path, command = stack.pop()
        yield path, command
        if isinstance(command, click.Group):
            stack += [(f"{path} {name}", sub) for name, sub in command.commands.items()]


def test_every_command_and_option_says_what_it_is_for():
    for path, command in _all_commands():
        assert (command.help or "").strip(), f"iprdesk {path} has no help text"
        for param in command.params:
            if param.param_type_name == "option":
                assert (param.help or "").strip(), f"iprdesk {path} {param.opts[0]}: no help"
