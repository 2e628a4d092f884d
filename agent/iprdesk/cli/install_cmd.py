"""`iprdesk install`, `uninstall` and `doctor`: registering the native host with the browsers,
undoing it, and saying what is wrong and how to fix it."""

from pathlib import Path

import click

from iprdesk import __version__
from iprdesk.cli.common import echo_json, home_option, home_path, json_option, text
from iprdesk.native import doctor as doctors
from iprdesk.native import platform as platforms
from iprdesk.native import register
from iprdesk.paths import extension_dir

EXTENSIONS_PAGE = "chrome://extensions"  # where every Chromium browser lists extensions


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
    for r in done.registered:
        click.echo(text("install.done_browser", browser=r.browser, path=r.manifest))
        if r.registry_key:
            click.echo(text("install.done_registry", key=r.registry_key))
    click.echo(text("install.launcher", path=done.launcher))
    click.echo(text("install.next", page=EXTENSIONS_PAGE, path=extension_dir()))


@click.command("uninstall")
@home_option
def uninstall(home):
    """Remove exactly what `iprdesk install` wrote (manifests, registry values, launcher);
    your data stays."""
    removed = register.uninstall(platforms.current(), Path(home) if home else None)
    for what in removed:
        click.echo(text("uninstall.removed", what=what))
    if not removed:
        click.echo(text("uninstall.nothing"))
    click.echo(text("uninstall.next", path=home_path(home)))


@click.command("doctor")
@json_option
@home_option
def doctor(as_json, home):
    """Check the installation: each browser's registration, the extension id it allows and
    the extension it runs, the versions, the data directory, the agent and its vault, with
    the fix for each problem. Exits 1 when there is a problem."""
    report = doctors.check(platforms.current(), home_path(home))
    if as_json:
        echo_json(report.to_json())
    else:
        for line in doctor_lines(report):
            click.echo(line)
    if report.problem_count:
        click.get_current_context().exit(1)


def doctor_lines(report: doctors.Report) -> list[str]:
    """The report in the CLI's language."""
    def say(key, **params):
        return text(key, page=EXTENSIONS_PAGE, **params)

    def problem(p: doctors.Problem, indent=""):
        return indent + say(p.key, **p.params)

    lines = [say("doctor.versions", agent=__version__, extension=report.extension_version,
                 path=report.extension_path),
             say("doctor.data_dir", path=report.data_dir)]
    agent = report.agent
    if agent is None:
        lines.append(say("doctor.agent.none"))
    else:
        lines.append(say("doctor.agent.browser" if agent.info.managed else "doctor.agent.terminal",
                         version=agent.info.version, pid=agent.info.pid, port=agent.info.port))
    lines += [problem(p, "  ") for p in report.about("agent")]
    if report.vault_items is None:
        lines.append(say("doctor.vault.none"))
    elif agent is None or agent.vault is None:
        lines.append(say("doctor.vault.no_agent", count=report.vault_items))
    else:
        lines.append(say("doctor.vault.unlocked" if agent.vault.get("unlocked")
                         else "doctor.vault.locked", count=report.vault_items))
    for b in report.browsers:
        if b.registered:
            lines.append(say("doctor.browser.registered", browser=b.name, path=b.manifest,
                             ids=", ".join(b.allowed) or "-"))
        elif b.found:
            lines.append(say("doctor.browser.not_registered", browser=b.name))
        else:
            lines.append(say("doctor.browser.absent", browser=b.name))
        for e in b.extensions:
            lines.append("  " + say("doctor.extension.loaded" if e.enabled
                                    else "doctor.extension.off",
                                    version=e.version or "?", profile=e.profile))
        lines += [problem(p, "  ") for p in b.problems]
    lines += [problem(p) for p in report.about("browsers")]
    count = report.problem_count
    lines.append(say("doctor.problems", count=count) if count else say("doctor.ok"))
    return lines


commands = [install, uninstall, doctor]
