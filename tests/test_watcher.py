"""The watched folder, with real files and real inotify events."""

import logging
import time

import pytest

from iprdesk.errors import BadInput
from iprdesk.metadata.watcher import FolderWatcher
from tests import image_fixtures as fx

pytestmark = pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO")


def wait_for(condition, timeout=60.0):
    """True as soon as condition() is; the bound only ends a broken test on a loaded machine."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def watched(tmp_path):
    src, out = tmp_path / "in", tmp_path / "in" / "clean"  # output inside the input
    src.mkdir()
    watcher = FolderWatcher(src, out, settle=0.3)
    watcher.start()
    yield src, out
    watcher.stop()


def test_slowly_written_image_in_a_subfolder_is_cleaned_once_complete(watched, caplog):
    src, out = watched
    caplog.set_level(logging.INFO, logger="iprdesk.watch")
    data = fx.photo_jpeg()
    (src / "2024" / "May").mkdir(parents=True)
    target = src / "2024" / "May" / "IMG_2041.jpg"
    with target.open("wb") as f:  # a slow copy: half, a pause, the rest
        f.write(data[: len(data) // 2])
        f.flush()
        time.sleep(0.15)
        f.write(data[len(data) // 2:])
    cleaned = out / "2024" / "May" / "IMG_2041.jpg"
    assert wait_for(cleaned.exists)
    assert fx.frames(cleaned.read_bytes()) == fx.frames(data)
    assert b"F2LXK9Q1ABCD" not in cleaned.read_bytes()
    assert "truncated" not in caplog.text
    # Its own output (inside the input) must not be picked up again: a file written after it
    # is cleaned after it, so once that one is out, the output was passed over.
    (src / "after.png").write_bytes(fx.photo_png())
    assert wait_for((out / "after.png").exists)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "2024/May/IMG_2041.jpg", "after.png"]


def test_non_images_skipped_failures_logged_and_the_watcher_goes_on(watched, caplog):
    src, out = watched
    caplog.set_level(logging.INFO, logger="iprdesk.watch")
    (src / "notes.txt").write_text("not a picture")
    (src / "broken.png").write_bytes(fx.photo_png()[:200])
    (src / ".IMG_1.jpg.part").write_bytes(fx.photo_jpeg())
    assert wait_for(lambda: "broken.png" in caplog.text)
    assert "broken.png: the file is truncated" in caplog.text
    (src / "next.gif").write_bytes(fx.animated_gif())
    assert wait_for((out / "next.gif").exists)
    assert not (out / "notes.txt").exists() and not (out / "broken.png").exists()
    assert not (out / ".IMG_1.jpg.part").exists()


def test_moved_in_file_is_cleaned(watched, tmp_path):
    src, out = watched
    outside = tmp_path / "download.png"
    outside.write_bytes(fx.photo_png())
    outside.rename(src / "shot.png")
    assert wait_for((out / "shot.png").exists)



# -- whoever can write into IN_DIR must not reach past IN_DIR or OUT_DIR ---------------------

def test_links_out_of_the_watched_folder_are_not_followed(tmp_path, caplog):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    caplog.set_level(logging.INFO, logger="iprdesk.watch")
    private = tmp_path / "private"
    private.mkdir()
    (private / "id-card.jpg").write_bytes(fx.photo_jpeg())
    (src / "link.jpg").symlink_to(private / "id-card.jpg")
    (src / "folder").symlink_to(private, target_is_directory=True)
    watcher = FolderWatcher(src, out, settle=0.5)
    watcher.start()
    try:
        # A file that was noticed, then swapped for a link before it settled.
        (src / "swap.jpg").write_bytes(fx.photo_png())
        assert wait_for(lambda: src / "swap.jpg" in watcher._pending)
        (src / ".swap").symlink_to(private / "id-card.jpg")
        (src / ".swap").rename(src / "swap.jpg")
        (src / "after.png").write_bytes(fx.photo_png())
        assert wait_for((out / "after.png").exists)
        assert wait_for(lambda: "swap.jpg" in caplog.text)
    finally:
        watcher.stop()
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["after.png"]
    assert "unexpected error" not in caplog.text
    assert "outside the watched folder" in caplog.text


def test_a_link_planted_in_the_output_folder_cannot_send_files_elsewhere(watched, tmp_path,
                                                                          caplog):
    src, out = watched  # OUT inside IN: whoever writes into IN can write into OUT
    caplog.set_level(logging.INFO, logger="iprdesk.watch")
    elsewhere = tmp_path / "autostart"
    elsewhere.mkdir()
    out.mkdir(exist_ok=True)
    (out / "sub").symlink_to(elsewhere, target_is_directory=True)
    (src / "sub").mkdir()
    (src / "sub" / "x.jpg").write_bytes(fx.photo_jpeg())
    (src / "y.png").write_bytes(fx.photo_png())
    assert wait_for((out / "y.png").exists)
    assert wait_for(lambda: "x.jpg" in caplog.text)
    assert list(elsewhere.iterdir()) == []
    assert "outside" in caplog.text


def test_a_fifo_does_not_hang_the_watcher(watched, caplog):
    import os

    src, out = watched
    caplog.set_level(logging.INFO, logger="iprdesk.watch")
    os.mkfifo(src / "pipe.jpg")
    assert wait_for(lambda: "pipe.jpg" in caplog.text)  # looked at, and passed over
    (src / "next.png").write_bytes(fx.photo_png())
    assert wait_for((out / "next.png").exists)

def test_output_folder_must_differ(tmp_path):
    with pytest.raises(BadInput):
        FolderWatcher(tmp_path, tmp_path)
    with pytest.raises(BadInput):
        FolderWatcher(tmp_path / "a" / "b", tmp_path / "a")


def test_watch_command_runs_until_terminated(tmp_path):
    import signal
    import subprocess
    import sys

    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "iprdesk", "watch", str(src), "--out", str(out),
                             "--lang", "en", "--home", str(tmp_path / "home")],
                            stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(out.exists)
        (src / "shot.png").write_bytes(fx.photo_png())
        assert wait_for((out / "shot.png").exists)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert "Watching" in err and "Removed" in err and "shot.png" in err
    assert "shot.png" in (tmp_path / "home" / "logs" / "watch.log").read_text()
