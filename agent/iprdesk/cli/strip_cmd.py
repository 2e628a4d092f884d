"""`iprdesk strip`, `iprdesk inspect` and `iprdesk watch`: thin commands over iprdesk.metadata."""

import contextlib
from pathlib import Path

import click

from iprdesk.cli.common import (
    echo_json,
    home_option,
    home_path,
    json_option,
    language,
    nothing_left_but_exit,
    stderr_is_terminal,
    text,
    warn,
)
from iprdesk.metadata import BadImage, inspect_image
from iprdesk.metadata.files import CleanBatch, NoMatch, expand_inputs, read_image
from iprdesk.text.i18n import LANGUAGES


def _progress(items, label: str, show: bool, length: int | None = None):
    if not show:
        return _NoProgress(items)
    return click.progressbar(items, length=length, label=label,
                             file=click.get_text_stream("stderr"))


def _languages(lang: str, as_json: bool) -> tuple[str, ...]:
    """The languages of each report's text: all for --json (a script picks), else the one
    printed (the other's words are then never read)."""
    return LANGUAGES if as_json else (lang,)


def _error_entry(error: BadImage, path: Path) -> dict:
    return {"file": path.name, "path": str(path), "error": {
        "code": error.code, "message": error.text(language())}}


class _NoProgress:
    def __init__(self, items):
        self.items = items

    def __enter__(self):
        return self.items

    def __exit__(self, *exc):
        return False


def _inputs(args) -> list[Path]:
    """Files, folders (the images directly in them) and patterns, as files."""
    try:
        found = expand_inputs(list(args))
    except NoMatch as e:
        raise click.UsageError(text("strip.no_match", pattern=e.pattern)) from None
    if not found:
        raise click.UsageError(text("strip.no_image", args=" ".join(map(str, args))))
    return found


def _print_results(results: list[dict], lang: str, heading) -> None:
    """Each file's summary (through `heading(result, summary)`) and details; errors on stderr."""
    for result in results:
        if "error" in result:
            warn(f"✗ {result['error']['message']}")
            continue
        text = result["text"][lang]
        click.echo(heading(result, text["summary"]))
        for line in text["lines"]:
            click.echo(f"    {line}")


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write each cleaned file as DIR/<same file name>.")
@click.option("--in-place", is_flag=True, help="Replace each file atomically.")
@click.option("--heic-to-jpeg", is_flag=True,
              help="Convert HEIC/HEIF photos to clean JPEGs (the Panel does not take HEIC).")
@json_option
@home_option
def strip(files, out_dir, in_place, heic_to_jpeg, as_json, home):
    """Remove GPS, camera, names and other metadata from images, keeping every pixel.

    FILES may be files, folders (the images directly in each) or patterns such as
    photos/*.jpg. JPEG, PNG, WebP and GIF are rewritten without re-encoding; the colour
    profile and the orientation are kept. Exit status: 0 all cleaned, 1 some failed, 2 usage
    error.
    """
    lang = language()
    if bool(out_dir) == in_place:
        raise click.UsageError(text("strip.one_target"))
    files = _inputs(files)
    batch = CleanBatch(out_dir, heic_to_jpeg=heic_to_jpeg)
    show_progress = len(files) > 1 and not as_json and stderr_is_terminal()
    try:
        with contextlib.closing(batch.run(files)) as outcomes, \
                _progress(outcomes, text("strip.progress"), show_progress, len(files)) as items:
            results = [_error_entry(outcome, path) if isinstance(outcome, BadImage) else
                       {**outcome.to_dict(_languages(lang, as_json)), "path": str(path),
                        "written": str(dest) if dest else None}
                       for path, outcome, dest in items]
    except BaseException:  # Ctrl-C: no file has changed yet, and no temp file stays behind
        batch.discard()
        raise
    failed = batch.commit()  # every file in place at once, after one flush to disk
    results = [_error_entry(failed[path], path) if path in failed and "error" not in result
               else result for path, result in zip(files, results, strict=True)]
    counts = {"cleaned": 0, "clean": 0, "failed": 0}
    for result in results:
        counts["failed" if "error" in result else "clean" if result["clean"] else "cleaned"] += 1
    if as_json:
        echo_json(results)
    else:
        def heading(result, summary):
            where = (text("strip.wrote", path=result["written"]) if result["written"]
                     else text("strip.unchanged"))
            return f"✓ {summary}{text('strip.where', where=where)}"

        _print_results(results, lang, heading)
        if len(files) > 1:
            click.echo(text("strip.done", **counts))
    nothing_left_but_exit()  # every cleaned file is in place and on disk
    click.get_current_context().exit(1 if counts["failed"] else 0)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@json_option
@home_option
def inspect(files, as_json, home):
    """Show the metadata `iprdesk strip` would remove, without changing anything.

    FILES may be files, folders (the images directly in each) or patterns such as
    photos/*.jpg.
    """
    lang = language()
    files = _inputs(files)
    results, found, failed = [], 0, 0
    show_progress = len(files) > 1 and not as_json and stderr_is_terminal()
    with _progress(files, text("strip.checking"), show_progress, len(files)) as items:
        for path in items:
            try:
                report = inspect_image(read_image(path), path.name)
            except BadImage as e:
                failed += 1
                results.append(_error_entry(e, path))
                continue
            found += not report.clean
            results.append({**report.to_dict(_languages(lang, as_json)), "path": str(path)})
    if as_json:
        echo_json(results)
    else:
        _print_results(results, lang, lambda result, summary: summary)
        if len(files) > 1:
            click.echo(text("strip.inspected", n=len(files), found=found, failed=failed))
    click.get_current_context().exit(1 if failed else 0)


@click.command()
@click.argument("in_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder that receives the cleaned copies (sub-folders mirrored).")
@click.option("--heic-to-jpeg", is_flag=True, help="Convert HEIC/HEIF photos to clean JPEGs.")
@home_option
def watch(in_dir, out_dir, heic_to_jpeg, home):
    """Clean every image that appears in IN_DIR (and its sub-folders) into --out.

    What it does is printed and logged to logs/watch.log in the data directory.
    """
    # Here, not at the top: `strip` of one file does not pay for logging and threads.
    import logging
    import signal
    import threading

    from iprdesk.metadata.watcher import FolderWatcher

    lang = language()
    logs = home_path(home) / "logs"
    logs.mkdir(exist_ok=True, mode=0o700)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S",
                        handlers=[logging.StreamHandler(),
                                  logging.FileHandler(logs / "watch.log", encoding="utf-8")])
    watcher = FolderWatcher(in_dir, out_dir, heic_to_jpeg=heic_to_jpeg, lang=lang)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    watcher.start()
    warn(text("strip.watching", src=in_dir, out=out_dir))
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()


commands = [strip, inspect, watch]
