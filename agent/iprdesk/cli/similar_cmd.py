"""`iprdesk compare` and `iprdesk audit`: is a new image still the complained one?"""

import click

from iprdesk.cli.common import echo_json, json_option, stderr_is_terminal, warn
from iprdesk.images import similar

VERDICT_LABELS = {
    "same": "same picture / 同一图片",
    "near-duplicate": "near-duplicate / 近似重复",
    "different": "different picture / 不同图片",
}


def _describe(c: similar.Comparison) -> str:
    mirrored = ", mirrored / 镜像" if c.mirrored else ""
    return (f"{VERDICT_LABELS[c.verdict]} (pHash {c.phash}, dHash {c.dhash} of 64 bits "
            f"differ{mirrored})")


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
            raise click.BadParameter(error, param_hint="--against")
        references.append((path, fingerprint))
    if not references:
        raise click.BadParameter("no images found", param_hint="--against")
    files = similar.image_files(catalog)
    with click.progressbar(length=len(files), label="Checking images / 检查图片",
                           file=click.get_text_stream("stderr"),
                           hidden=not stderr_is_terminal() or as_json) as bar:
        matches, unreadable = similar.audit(files, references, workers,
                                            on_done=lambda: bar.update(1))
    if as_json:
        echo_json({"checked": len(files), "matches": [m.to_json() for m in matches],
                   "unreadable": [{"path": p, "error": e} for p, e in unreadable]})
    else:
        for m in matches:
            click.echo(f"{m.path}: {_describe(m.comparison)} of {m.complained}")
        for _path, error in unreadable:
            warn(f"skipped / 已跳过: {error}")
        click.echo(f"{len(files)} images checked, {len(matches)} match a complained image. / "
                   f"已检查 {len(files)} 张图片，{len(matches)} 张与被投诉图片相同或近似。")
    if matches:
        click.get_current_context().exit(1)


commands = [compare, audit]
