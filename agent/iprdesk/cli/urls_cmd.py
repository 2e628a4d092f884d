"""`iprdesk check-urls`: are the complained images' old URLs really gone?"""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from iprdesk.cli.common import (
    echo_json,
    home_option,
    home_path,
    json_option,
    language,
    printable,
    stderr_is_terminal,
    text,
    warn,
)
from iprdesk.errors import BadInput
from iprdesk.images import similar
from iprdesk.lazy import lazy_module
from iprdesk.text import i18n
from iprdesk.timeutil import shown
from iprdesk.urls import check as urlcheck

# The cases, the watch list and the vault, loaded when a command needs them: a plain
# `check-urls` starts without them (its time counts in bench/urls.py's latency share).
cases = lazy_module("iprdesk.casework.cases")
old_urls = lazy_module("iprdesk.casework.old_urls")
urlrecord = lazy_module("iprdesk.urls.record")
urlwatch = lazy_module("iprdesk.urls.watch")


def _read_url_list(source: str) -> list[str]:
    """URLs from a file (or - for stdin), one per line; blank lines and # comments skipped."""
    if source == "-":
        text = click.get_text_stream("stdin").read()
    else:
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise click.BadParameter(text("urls.cannot_read", file=source, why=e),
                                     param_hint="--from") from e
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def _reference(value: str | None) -> str | bytes | None:
    if value is None or value.startswith(("http://", "https://")):
        return value
    try:
        return Path(value).read_bytes()
    except OSError as e:
        raise click.BadParameter(text("urls.cannot_read", file=value, why=e.strerror),
                                 param_hint="--reference") from e


def _verdict(name: str) -> str:
    return text(f"urls.verdict.{name}")


def _print_result(r: urlcheck.CheckResult) -> None:
    # Still public is what the seller must act on; gone is done (shared/verdicts.json).
    colour = "red" if r.verdict in urlcheck.STILL_PUBLIC else \
        "green" if r.verdict in urlcheck.GONE else None
    variant = "  " + text("urls.size_variant") if r.variant_of else ""
    click.echo(f"{click.style(_verdict(r.verdict), fg=colour, bold=bool(colour))}  "
               f"{r.url}{variant}")
    click.echo(f"    {r.reason[language()]}")
    if r.cache:
        click.echo(f"    {printable(r.cache[language()])}")
    for hop in r.redirects:
        click.echo(f"    {hop['status']} -> {hop['location']}")
    if r.verdict == "stale-cache":
        cache = ", ".join(f"{k}: {v}" for k, v in r.headers.items()
                          if k in ("age", "cache-control", "x-cache", "cf-cache-status"))
        click.echo(f"    {cache}")
    if r.recheck_after and r.verdict in urlcheck.STILL_PUBLIC | {"unknown"}:
        click.echo("    " + text("urls.recheck_after", when=r.recheck_after))


@click.command("check-urls")
@click.argument("urls", nargs=-1)
@click.option("--from", "from_file", metavar="FILE",
              help="Read more URLs from FILE, one per line (- for stdin).")
@click.option("--reference", metavar="IMAGE_OR_URL",
              help="The complained picture: a URL counts as live only while it serves this.")
@click.option("--timeout", type=click.FloatRange(0.1, 600), default=20, show_default=True,
              help="Seconds to wait for each answer.")
@click.option("--per-host", type=click.IntRange(1, 64), default=urlcheck.Options.per_host,
              show_default=True,
              help="Requests at once to one host.")
@click.option("--no-variants", is_flag=True,
              help="Do not add the other sizes of Joom CDN image URLs.")
@click.option("--record", is_flag=True, help="Store every result as evidence in the vault.")
@click.option("--case", "case_id", metavar="C",
              help="The case the evidence belongs to, its id or complaint ID (needed with "
                   "--record).")
@json_option
@home_option
def check_urls(urls, from_file, reference, timeout, per_host, no_variants, record, case_id,
               as_json, home):
    """Check that old image URLs are dead.

    One verdict per URL: dead, live, placeholder, stale-cache or unknown. Exits 0 when no URL
    is live or stale-cache, 1 when one is, 2 for usage errors.
    """
    raw = list(urls) + (_read_url_list(from_file) if from_file else [])
    if not raw:
        raise click.UsageError(text("urls.need_url"))
    if record and not case_id:
        raise click.UsageError(text("urls.record_needs_case"))
    if record:
        case_id = _case(home, case_id)
    try:
        checked = [urlcheck.parse_url(u) for u in raw]
    except BadInput as e:
        raise click.BadParameter(e.text(language()), param_hint="URL") from e
    ref = _reference(reference)
    # A record keeps each served picture's fingerprint; a plain check needs only the verdict.
    options = urlcheck.Options(timeout=timeout, per_host=per_host, variants=not no_variants,
                               fingerprints=record)
    if record:
        try:
            urlrecord.ensure_vault(home_path(home))
        except urlrecord.VaultUnavailable as e:
            raise click.UsageError(e.text(language())) from e

    with click.progressbar(length=len(checked), label=text("urls.checking"),
                           file=click.get_text_stream("stderr"),
                           hidden=as_json or not stderr_is_terminal()) as bar:
        try:
            results = asyncio.run(urlcheck.check_urls(
                checked, reference=ref, options=options, on_result=lambda _r: bar.update(1)))
        except BadInput as e:
            if e.code in ("bad_reference", "not_an_image"):
                raise click.BadParameter(e.text(language()), param_hint="--reference") from e
            raise
    if record:
        ids = urlrecord.record_results(home_path(home), case_id, results)
        warn(text("urls.recorded", count=len(ids), case=case_id))
    if as_json:
        echo_json([r.to_json() for r in results])
    else:
        for r in results:
            _print_result(r)
        counts = {v: sum(r.verdict == v for r in results) for v in urlcheck.VERDICTS}
        click.echo(i18n.joined((text("urls.count", count=n, verdict=_verdict(v))
                                for v, n in counts.items() if n), language()))
    if any(r.verdict in urlcheck.STILL_PUBLIC for r in results):
        click.get_current_context().exit(1)


def _case(home, ref: str) -> str:
    """The id of the case `ref` names (its id or complaint ID); UnknownCase lists the open
    cases, so a typo never starts a new label."""
    return cases.CaseStore(home_path(home)).resolve(ref).id


@click.group("url-watch")
def url_watch():
    """Old URLs of a case, re-checked hourly until dead and again after moderation (~96 h).

    The running agent does the scheduled checks; these commands add, list and check now.
    """


def _print_watched(w: urlwatch.Watched) -> None:
    lang = language()
    last = (text("urls.last_checked", when=shown(w.last["checked_at"], lang)) if w.last
            else text("urls.not_checked"))
    nxt = text("urls.next_check", when=shown(w.next_check_at, lang)) if w.next_check_at else ""
    click.echo(f"{_verdict(w.state)}  {w.url}\n    {last}{nxt}")


CASE_HELP = "The case: its id or complaint ID."


@url_watch.command("add")
@click.option("--case", "case_id", required=True, metavar="C", help=CASE_HELP)
@click.argument("urls", nargs=-1, required=True)
@click.option("--reference", metavar="IMAGE",
              help="The complained picture (default: the first image the URL serves).")
@click.option("--no-variants", is_flag=True, help="Do not add Joom CDN size variants.")
@json_option
@home_option
def url_watch_add(case_id, urls, reference, no_variants, as_json, home):
    """Watch URLS, old image URLs of case C (and their Joom CDN sizes), until they are dead.

    The running agent checks them hourly and once more after moderation; `url-watch check`
    checks them now."""
    ref = _reference(reference)
    if isinstance(ref, str):
        raise click.BadParameter(text("urls.reference_image"), param_hint="--reference")
    case_id = _case(home, case_id)
    try:
        fp = similar.fingerprint_bytes(ref, reference) if ref else None
        added = urlwatch.WatchList(home_path(home)).add(case_id, list(urls), fp,
                                                        variants=not no_variants)
    except BadInput as e:
        raise click.UsageError(e.text(language())) from e
    if as_json:
        echo_json([w.to_json() for w in added])
    else:
        click.echo(text("urls.watching", count=len(added), case=case_id))


@url_watch.command("list")
@click.option("--case", "case_id", metavar="C", help="Only this case (its id or complaint ID).")
@json_option
@home_option
def url_watch_list(case_id, as_json, home):
    """Each watched URL's last verdict and next check."""
    if case_id is not None:
        case_id = _case(home, case_id)
    watched = urlwatch.WatchList(home_path(home)).list(case_id)
    if as_json:
        echo_json([w.to_json() for w in watched])
        return
    if not watched:
        click.echo(text("urls.none_watched"))
    for w in watched:
        _print_watched(w)


@url_watch.command("remove")
@click.option("--case", "case_id", required=True, metavar="C", help=CASE_HELP)
@click.argument("url")
@click.option("--forget-picture", is_flag=True,
              help="Forget the complained picture URL served too: new uploads are no longer "
                   "compared with it (by default it is kept among the case's references).")
@home_option
def url_watch_remove(case_id, url, forget_picture, home):
    """Stop watching URL (and its Joom CDN sizes) for case C, and take it off the case's old
    URLs so that it is not watched again."""
    case_id = _case(home, case_id)
    _, picture = old_urls.forget(home_path(home), case_id, url, keep_picture=not forget_picture)
    click.echo(text("urlwatch.removed", url=url, case=case_id))
    if picture:
        click.echo(text(f"urlwatch.picture_{picture}"))


@url_watch.command("check")
@click.option("--case", "case_id", required=True, metavar="C", help=CASE_HELP)
@json_option
@home_option
def url_watch_check(case_id, as_json, home):
    """Check every watched URL of case C now (recorded in the vault when it exists).

    Exits 1 when a URL is still live or in a stale cache.
    """
    case_id = _case(home, case_id)
    watched = urlwatch.WatchList(home_path(home)).list(case_id)
    if not watched:
        raise click.UsageError(text("urls.case_watches_none", case=case_id))
    updated = asyncio.run(old_urls.check(home_path(home), watched))
    if as_json:
        echo_json([w.to_json() for w in updated])
    else:
        for w in updated:
            _print_watched(w)
    if any(w.last["verdict"] in urlcheck.STILL_PUBLIC for w in updated):
        click.get_current_context().exit(1)


commands = [check_urls, url_watch]
