"""`iprdesk install`, `uninstall` and `doctor`: registering the native host with the browsers,
undoing it, and saying what is wrong and how to fix it."""

import json
from pathlib import Path

import click

from iprdesk import __version__
from iprdesk.cli.common import echo_json, home_option, home_path, json_option
from iprdesk.native import platform as platforms
from iprdesk.native import register
from iprdesk.paths import extension_dir
from iprdesk.text import i18n
from iprdesk.vault import Vault


@click.command("install")
@click.option("--user-data-dir", type=click.Path(file_okay=False), default=None,
              help="Register in this one browser profile folder only (a portable browser, "
                   "tests): its NativeMessagingHosts folder.")
@click.option("--browser", "browsers", multiple=True, type=click.Choice(register.BROWSER_IDS),
              help="Register with this browser even if it is not found (repeatable; default: "
                   "every browser found).")
@json_option
@home_option
def install(user_data_dir, browsers, as_json, home):
    """Register iprdesk with the browsers of this user, so the extension starts it by itself
    (Chrome, Chromium, Edge and Brave; on Windows also in the registry)."""
    done = register.install(platforms.current(), Path(home) if home else None,
                            browsers=browsers,
                            user_data_dir=Path(user_data_dir) if user_data_dir else None)
    if as_json:
        echo_json({"launcher": str(done.launcher), "registered": [
            {"browser": r.browser, "manifest": str(r.manifest), "registry_key": r.registry_key}
            for r in done.registered]})
        return
    lang = i18n.system_language()
    for r in done.registered:
        click.echo(i18n.text("install.done_browser", lang, browser=r.browser, path=r.manifest))
        if r.registry_key:
            click.echo(i18n.text("install.done_registry", lang, key=r.registry_key))
    click.echo(i18n.text("install.launcher", lang, path=done.launcher))
    click.echo(i18n.text("install.next", lang, page="chrome://extensions",
                         path=extension_dir()))


@click.command("uninstall")
@home_option
def uninstall(home):
    """Remove exactly what `iprdesk install` wrote (manifests, registry values, launcher);
    your data stays."""
    removed = register.uninstall(platforms.current(), Path(home) if home else None)
    lang = i18n.system_language()
    for what in removed:
        click.echo(i18n.text("uninstall.removed", lang, what=what))
    if not removed:
        click.echo(i18n.text("uninstall.nothing", lang))
    click.echo(i18n.text("uninstall.next", lang, path=home_path(home)))


@click.command("doctor")
@json_option
@home_option
def doctor(as_json, home):
    """Check the installation: each browser's registration and the extension id it allows,
    the versions, the data directory and the vault, with the fix for each problem.
    Exits 1 when there is a problem."""
    data_dir = home_path(home)
    statuses = register.browser_status(platforms.current(), data_dir)
    extension = json.loads((extension_dir() / "manifest.json").read_text(encoding="utf-8"))
    vault = Vault.open(data_dir).count() if Vault.exists(data_dir) else None
    problems = sum(len(s.problems) for s in statuses)
    none_registered = not any(s.registered for s in statuses)
    problems += none_registered + (vault is None)
    if as_json:
        echo_json({"version": __version__, "extension_version": extension["version"],
                   "extension_path": str(extension_dir()), "data_dir": str(data_dir),
                   "vault": {"exists": vault is not None, "objects": vault},
                   "browsers": [s.to_json() for s in statuses], "problems": problems})
    else:
        lang = i18n.system_language()
        click.echo(i18n.text("doctor.versions", lang, agent=__version__,
                             extension=extension["version"], path=extension_dir()))
        click.echo(i18n.text("doctor.data_dir", lang, path=data_dir))
        click.echo(i18n.text("doctor.vault.none", lang) if vault is None
                   else i18n.text("doctor.vault.present", lang, count=vault))
        for s in statuses:
            name = s.browser.name
            if s.registered:
                click.echo(i18n.text("doctor.browser.registered", lang, browser=name,
                                     path=s.manifest, ids=", ".join(s.allowed) or "-"))
            elif s.found:
                click.echo(i18n.text("doctor.browser.not_registered", lang, browser=name))
            else:
                click.echo(i18n.text("doctor.browser.absent", lang, browser=name))
            for key in s.problems:
                click.echo(i18n.text(key, lang, ids=", ".join(register.pinned_ids(data_dir))))
        if none_registered:
            click.echo(i18n.text("doctor.none_registered", lang))
        click.echo(i18n.text("doctor.problems", lang, count=problems) if problems
                   else i18n.text("doctor.ok", lang))
    if problems:
        click.get_current_context().exit(1)


commands = [install, uninstall, doctor]
