"""`iprdesk strip` on a real batch: worker processes, one flush, nothing replaced until then.

Batches of four files or more are cleaned in worker processes (metadata/files.CleanBatch)
and put in place together by atomic.StagedFiles after one flush to disk.
"""

import contextlib
import errno
import json
import os

import pytest
from click.testing import CliRunner

from iprdesk import atomic
from iprdesk.cli import main
from iprdesk.metadata import files
from tests import image_fixtures as fx
from tests.helpers import CtrlCOffTheMainThread

pytestmark = [
    pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO"),
    pytest.mark.skipif(files._worker_count(8) < 2, reason="needs two CPUs and fork()"),
]


def strip(*args):
    result = CliRunner().invoke(main, ["strip", *map(str, args), "--json"],
                                catch_exceptions=False)
    return result.exit_code, json.loads(result.output)


@pytest.fixture
def batch(tmp_path):
    """Eight photos, each with metadata, in a folder of their own."""
    src = tmp_path / "src"
    src.mkdir()
    makers = [fx.photo_jpeg, fx.photo_png, fx.webp, fx.animated_gif]
    for i in range(8):
        data = makers[i % 4]()
        ext = {b"\xff\xd8": "jpg", b"\x89P": "png", b"RI": "webp", b"GI": "gif"}[data[:2]]
        (src / f"item{i}.{ext}").write_bytes(data)
    return sorted(src.iterdir())


def leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_a_batch_keeps_the_order_and_reports_each_failure(batch, tmp_path):
    twin = tmp_path / "twin" / batch[0].name  # same name as the first: must not overwrite it
    twin.parent.mkdir()
    twin.write_bytes(fx.photo_jpeg(model="Pixel 8"))
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(fx.photo_jpeg()[:2000])
    inputs = [*batch[:4], cut, twin, *batch[4:]]
    out = tmp_path / "clean"

    status, results = strip("-o", out, *inputs)

    assert status == 1
    assert [r["path"] for r in results] == [str(p) for p in inputs]
    errors = {r["path"]: r["error"]["code"] for r in results if "error" in r}
    assert errors == {str(cut): "truncated", str(twin): "exists"}
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in batch)
    for path in batch:
        cleaned = (out / path.name).read_bytes()
        assert fx.frames(cleaned) == fx.frames(path.read_bytes())
        assert files.strip_image(cleaned, path.name).report.clean
    assert (out / batch[0].name).read_bytes() != twin.read_bytes()


def test_files_are_put_in_place_only_after_one_flush(batch, tmp_path, monkeypatch):
    out = tmp_path / "clean"
    flushes = []

    def flush(temps):
        # Every cleaned file is written, none is in place yet.
        flushes.append((sorted(t.parent for t in temps), list(out.iterdir())))
        real_flush(temps)

    real_flush = atomic._flush
    monkeypatch.setattr(atomic, "_flush", flush)
    status, _ = strip("-o", out, *batch)
    assert status == 0
    [(folders, present)] = flushes
    assert folders == [out.resolve()] * len(batch)
    assert len(present) == len(batch)
    assert all(p.name.startswith(".") for p in present)  # only temp files before the flush
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in batch)


def test_a_failed_flush_replaces_nothing(batch, monkeypatch):
    originals = {p: p.read_bytes() for p in batch}

    def broken_disk(temps):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(atomic, "_flush", broken_disk)
    status, results = strip("--in-place", *batch)
    assert status == 1
    for result in results:
        assert result["error"]["code"] == "unwritable"
        assert "Input/output error" in result["error"]["message"]
    assert {p: p.read_bytes() for p in batch} == originals
    assert leftovers(batch[0].parent) == []


def test_an_interrupted_batch_changes_nothing_and_leaves_no_temp_files(batch):
    originals = {p: p.read_bytes() for p in batch}
    cleaning = files.CleanBatch(None)
    outcomes = cleaning.run(batch)
    taken = [next(outcomes), next(outcomes)]  # as if Ctrl-C came after the second file
    outcomes.close()
    assert [path for path, _, _ in taken] == batch[:2]
    cleaning.discard()
    assert {p: p.read_bytes() for p in batch} == originals
    assert leftovers(batch[0].parent) == []


def test_a_file_that_kills_its_worker_fails_alone(batch, tmp_path, monkeypatch):
    real_strip, parent = files.strip_image, os.getpid()

    def kills_its_worker_on_the_third(data, name, **kwargs):
        if name == batch[2].name and os.getpid() != parent:
            os._exit(70)  # as a crash in a decoder, or SIGBUS from a truncated mapped file
        return real_strip(data, name, **kwargs)

    monkeypatch.setattr(files, "strip_image", kills_its_worker_on_the_third)  # fork inherits
    out = tmp_path / "clean"
    result = CliRunner().invoke(main, ["strip", "-o", str(out), *map(str, batch), "--lang",
                                       "en"], catch_exceptions=False)
    assert result.exit_code == 1
    assert f"{batch[2]}: cleaning it stopped the process that read it" in result.output
    assert "Traceback" not in result.output
    assert "7 cleaned, 0 already clean, 1 failed" in result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in batch
                                                          if p != batch[2])
    for path in batch:  # the pending files the dead worker took along were cleaned again
        if path != batch[2]:
            assert real_strip((out / path.name).read_bytes(), path.name).report.clean


def test_ctrl_c_stops_a_batch_whose_worker_is_stuck_reading(batch, tmp_path, monkeypatch):
    """A worker stuck on a file that never ends (a stalled network share) is ended, not
    waited for, and Ctrl-C is seen even when it misses the main thread's wait for it."""
    stalled, parent = tmp_path / "stalled", os.getpid()
    os.mkfifo(stalled)
    real_strip = files.strip_image

    def stuck_on_the_first(data, name, **kwargs):
        if name == batch[0].name and os.getpid() != parent:
            stalled.read_bytes()  # blocks until someone opens the FIFO for writing
        return real_strip(data, name, **kwargs)

    monkeypatch.setattr(files, "strip_image", stuck_on_the_first)  # fork inherits
    workers = []
    monkeypatch.setattr(os, "fork", lambda real=os.fork: workers.append(pid := real()) or pid)
    originals = {p: p.read_bytes() for p in batch}
    cleaning, ctrl_c = files.CleanBatch(None), CtrlCOffTheMainThread(stalled)
    ctrl_c.start()
    with pytest.raises(KeyboardInterrupt), contextlib.closing(cleaning.run(batch)) as outcomes:
        try:
            list(outcomes)
        finally:
            ctrl_c.join()
    cleaning.discard()
    assert not ctrl_c.unblocked, "the batch slept on after Ctrl-C"
    assert workers
    for pid in workers:  # every worker, the stuck one too, was ended and reaped
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
    assert {p: p.read_bytes() for p in batch} == originals
    assert leftovers(batch[0].parent) == []
