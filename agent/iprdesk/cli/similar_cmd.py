"""`iprdesk compare` and `iprdesk audit`: is a new image still the complained one?"""

import click

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


@click.command()
@click.argument("catalog", type=click.Path(exists=True))
@click.option("--against", "complained", multiple=True, required=True,
              type=click.Path(exists=True),
              help="A complained image, or a folder of them (repeatable).")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Processes to use (default: one per core).")
@json_option
def audit(catalog, complained, workers, as_json):
    """Find every image in CATALOG (a folder) that is a near-duplicate of a complained image.

    Exits 1 when any image matches, 0 when none does.
    """
    references = []
    paths = [path for root in complained for path in similar.image_files(root)]
    for path, fingerprint, error in similar.fingerprint_many(paths, workers):
        if fingerprint is None:  # a complained image must be read, or the audit proves nothing
            raise click.BadParameter(error.text(language()), param_hint="--against")
        references.append((path, fingerprint))
    if not references:
        raise click.BadParameter(text("similar.no_images"), param_hint="--against")
    files = similar.image_files(catalog)
    with click.progressbar(length=len(files), label=text("similar.checking"),
                           file=click.get_text_stream("stderr"),
                           hidden=not stderr_is_terminal() or as_json) as bar:
        matches, unreadable = similar.audit(files, references, workers,
                                            on_done=lambda: bar.update(1))
    if as_json:
        echo_json({"checked": len(files), "matches": [m.to_json() for m in matches],
                   "unreadable": [{"path": p, "error": e.text(language())}
                                  for p, e in unreadable]})
    else:
        for m in matches:
            click.echo(text("similar.match", path=m.path, comparison=_describe(m.comparison),
                            complained=m.complained))
        for _path, error in unreadable:
            warn(text("similar.skipped", error=error.text(language())))
        click.echo(text("similar.audited", count=len(files), matches=len(matches)))
    if matches:
        click.get_current_context().exit(1)


commands = [compare, audit]
