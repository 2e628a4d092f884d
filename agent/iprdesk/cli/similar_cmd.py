"""`iprdesk compare` and `iprdesk audit`: is a new image still the complained one?"""

import contextlib

import click

from iprdesk.cli import common
from iprdesk.cli.common import echo_json, json_option, language, stderr_is_terminal, text, warn
from iprdesk.images import similar


def _describe(c: similar.Comparison) -> str:
    return text("similar.mirrored_comparison" if c.mirrored else "similar.comparison",
                verdict=text(f"similar.verdict.{c.verdict}"), phash=c.phash, dhash=c.dhash)


@click.command()
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.argument("new", type=click.Path(exists=True, dir_okay=False))
@json_option
def compare(old, new, as_json):
    """Is NEW the same picture as OLD, a near-duplicate (crop, mirror, text...) or different?"""
    result = similar.compare(similar.fingerprint_file(old), similar.fingerprint_file(new))
    if as_json:
        echo_json({"old": old, "new": new, **result.to_json()})
    else:
        click.echo(_describe(result))


# The time left is judged on the last minute's pace. Click's own ETA divides by the average
# since the start: when an audit again finds thousands of images in the cache in its first
# seconds, it said "about 3 min left" with half an hour to go, and took many minutes to catch up.
_PACE_SECONDS = 60.0


class _TimeLeft:
    """The seconds an audit of `total` images has left, at the pace of the last minute."""

    def __init__(self, total: int, clock=None):
        import time
        from collections import deque

        self.total, self.clock, self.done = total, clock or time.monotonic, deque()

    def checked(self, count: int) -> None:
        now = self.clock()
        self.done.append((now, count))
        while now - self.done[0][0] > _PACE_SECONDS:
            self.done.popleft()

    def seconds(self) -> float | None:
        """None until a pace is measured (a second of progress), or when all are checked."""
        if not self.done:
            return None
        (start, first), (end, last) = self.done[0], self.done[-1]
        if end - start < 1 or last == first or last >= self.total:
            return None
        return (self.total - last) * (end - start) / (last - first)


def _eta(left: _TimeLeft) -> str | None:
    """The time left, as the user reads it, once a pace is measured."""
    from iprdesk.casework.deadlines import duration_text

    seconds = left.seconds()
    if seconds is None:
        return None
    if seconds < 60:
        return text("similar.eta_under_minute")
    return text("similar.eta", duration=duration_text(int(seconds) + 59, language()))


def _references(complained, workers, cache) -> list[tuple[str, similar.Fingerprint]]:
    references = []
    paths = [path for root in complained for path in similar.image_files(root)]
    with contextlib.closing(similar.fingerprint_many(paths, workers, cache=cache)) as taken:
        for path, fingerprint, error in taken:
            if fingerprint is None:  # a complained image must be read, or the audit is void
                raise click.BadParameter(error.text(language()), param_hint="--against")
            references.append((path, fingerprint))
    if not references:
        raise click.BadParameter(text("similar.no_images"), param_hint="--against")
    return references


@click.command()
@click.argument("catalog", type=click.Path(exists=True))
@click.option("--against", "complained", multiple=True, required=True,
              type=click.Path(exists=True),
              help="A complained image, or a folder of them (repeatable).")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Processes to use (default: one per core).")
@common.home_option
@json_option
def audit(catalog, complained, workers, home, as_json):
    """Find every image in CATALOG (a folder) that is a near-duplicate of a complained image.

    Fingerprints are kept in the data directory by the SHA-256 of each file's content, so an
    audit again decodes only new or changed images. Ctrl-C stops it (exit code 130) and keeps
    the fingerprints taken. Exits 1 when any image matches, 0 when none does.
    """
    from iprdesk.images.fingerprint_cache import FingerprintCache

    files = similar.image_files(catalog)
    checked, bar, left = 0, None, _TimeLeft(len(files))

    def one_done():
        nonlocal checked
        checked += 1
        left.checked(checked)
        bar.update(1)

    with FingerprintCache.in_home(common.home_path(home)) as cache:
        if cache.problem:
            warn(text("similar.cache_unusable", why=cache.problem))
        cache.forget_other_versions(similar.FINGERPRINT_VERSION)
        try:
            references = _references(complained, workers, cache)
            with click.progressbar(length=len(files), label=text("similar.checking"),
                                   file=click.get_text_stream("stderr"), show_pos=True,
                                   show_eta=False, item_show_func=lambda _: _eta(left),
                                   hidden=not stderr_is_terminal() or as_json) as bar:
                report = similar.audit(files, references, workers, on_done=one_done,
                                       cache=cache)
        except KeyboardInterrupt:
            warn(text("similar.interrupted", checked=checked, count=len(files)))
            if not cache.problem:
                warn(text("similar.interrupted_kept"))
            click.get_current_context().exit(130)
    if as_json:
        echo_json({"checked": len(files), "from_cache": report.from_cache,
                   "matches": [m.to_json() for m in report.matches],
                   "unreadable": [{"path": p, "error": e.text(language())}
                                  for p, e in report.unreadable]})
    else:
        for m in report.matches:
            click.echo(text("similar.match", path=m.path, comparison=_describe(m.comparison),
                            complained=m.complained))
        for _path, error in report.unreadable:
            warn(text("similar.skipped", error=error.text(language())))
        click.echo(text("similar.audited", count=len(files), matches=len(report.matches)))
    if report.matches:
        click.get_current_context().exit(1)


commands = [compare, audit]
