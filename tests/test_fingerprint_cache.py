"""`iprdesk audit` keeps fingerprints by content hash in the data directory: a second audit
decodes nothing it has seen, a damaged cache never stops an audit, Ctrl-C stops one cleanly."""

import hashlib
import json
import multiprocessing
import os
import pty
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from bench.imagegen import jpeg, product_photo
from click.testing import CliRunner

from iprdesk.cli import main
from iprdesk.cli.similar_cmd import _eta, _TimeLeft
from iprdesk.images import similar
from iprdesk.images.fingerprint_cache import FingerprintCache, cache_file
from tests.helpers import CtrlCOffTheMainThread, as_version_6


@pytest.fixture
def shop(tmp_path):
    """A catalogue of 12 pictures, one of them the complained one."""
    folder, complained = tmp_path / "shop", tmp_path / "complained"
    folder.mkdir()
    complained.mkdir()
    for seed in range(300, 312):
        (folder / f"p{seed}.jpg").write_bytes(jpeg(product_photo(seed, (320, 240))))
    (complained / "old.jpg").write_bytes((folder / "p305.jpg").read_bytes())
    return folder


def audit(shop, *args):
    r = CliRunner().invoke(main, ["audit", str(shop), "--against",
                                  str(shop.parent / "complained"), "--json", *args])
    assert r.exit_code == 1, r.output  # p305.jpg is the complained picture
    report = json.loads(r.output)
    assert [m["path"] for m in report["matches"]] == [str(shop / "p305.jpg")]
    return report


def test_a_second_audit_decodes_nothing_it_has_seen(shop, home, decodes):
    first = audit(shop, "--workers", "1")
    # The complained picture was read first; its copy in the catalogue came from the cache.
    assert first["from_cache"] == 1
    assert len(decodes) == 12
    decodes.clear()
    second = audit(shop, "--workers", "1")
    assert second["from_cache"] == 12 and decodes == []
    assert second["matches"] == first["matches"]
    # Keyed by content, not by name: an edited picture is read again, a renamed one is not.
    (shop / "p300.jpg").write_bytes(jpeg(product_photo(900, (320, 240))))
    (shop / "p301.jpg").rename(shop / "renamed.jpg")
    third = audit(shop, "--workers", "1")
    assert third["from_cache"] == 11 and decodes == [str(shop / "p300.jpg")]


@pytest.fixture
def compares(monkeypatch):
    """The content SHA-256 of every catalogue image compared with the complained ones."""
    seen = []
    real = similar.closest

    def spy(candidate, references):
        seen.append(candidate.sha256)
        return real(candidate, references)

    monkeypatch.setattr(similar, "closest", spy)
    return seen


def test_a_second_audit_against_the_same_images_compares_nothing(shop, home, compares,
                                                                  monkeypatch, tmp_path):
    first = audit(shop, "--workers", "1")
    assert len(compares) == 12
    compares.clear()
    second = audit(shop, "--workers", "1")
    assert compares == [] and second["matches"] == first["matches"]
    # An edited picture is compared anew, and only it.
    (shop / "p300.jpg").write_bytes(jpeg(product_photo(900, (320, 240))))
    audit(shop, "--workers", "1")
    assert compares == [similar.fingerprint_file(shop / "p300.jpg").sha256]
    # Any change to the comparison's code asks every question anew, with the same answers.
    changed = tmp_path / "similar.py"
    changed.write_text(Path(similar.__file__).read_text() + "\n# a rule changed\n")
    monkeypatch.setattr(similar, "__file__", str(changed))
    compares.clear()
    assert audit(shop, "--workers", "1")["matches"] == first["matches"]
    assert len(compares) == 12
    # So does a damaged entry.
    with sqlite3.connect(cache_file(home)) as db:
        db.execute("UPDATE verdicts SET verdict = '[7, {\"verdict\": 1'")
    compares.clear()
    assert audit(shop, "--workers", "1")["matches"] == first["matches"]
    assert len(compares) == 12
    # Against other complained images, each image is compared again.
    other = tmp_path / "other-complaint"
    other.mkdir()
    (other / "old.jpg").write_bytes((shop / "p301.jpg").read_bytes())
    compares.clear()
    r = CliRunner().invoke(main, ["audit", str(shop), "--against", str(other), "--json"])
    assert [m["path"] for m in json.loads(r.output)["matches"]] == [str(shop / "p301.jpg")]
    assert len(compares) == 12


def test_worker_processes_read_and_fill_the_cache(shop, home):
    assert audit(shop, "--workers", "2")["from_cache"] == 1
    assert audit(shop, "--workers", "2")["from_cache"] == 12
    with sqlite3.connect(cache_file(home)) as db:
        rows = db.execute("SELECT sha256, version FROM fingerprints").fetchall()
    assert len(rows) == 12 and {v for _, v in rows} == {similar.FINGERPRINT_VERSION}


def test_a_damaged_cache_file_is_set_aside_and_made_anew(shop, home):
    audit(shop)
    path = cache_file(home)
    path.write_bytes(b"not a database, " * 4096)
    assert audit(shop)["from_cache"] == 1  # nothing usable: every picture read again
    assert audit(shop)["from_cache"] == 12


def test_a_damaged_entry_is_a_miss_and_is_replaced(shop, home, decodes):
    audit(shop, "--workers", "1")
    sha = similar.fingerprint_file(shop / "p300.jpg").sha256
    with sqlite3.connect(cache_file(home)) as db:
        db.execute("UPDATE fingerprints SET fingerprint = '{\"sha256\": 1' WHERE sha256 = ?",
                   (sha,))
        db.execute("UPDATE fingerprints SET fingerprint = '[1, 2]' WHERE sha256 != ?", (sha,))
    decodes.clear()
    # Every entry read anew: the complained picture first, then its copy from the new entry.
    assert audit(shop, "--workers", "1")["from_cache"] == 1
    assert len(decodes) == 12
    assert audit(shop, "--workers", "1")["from_cache"] == 12


def test_fingerprints_of_another_format_version_are_not_read(shop, home, monkeypatch):
    audit(shop)
    monkeypatch.setattr(similar, "FINGERPRINT_VERSION", similar.FINGERPRINT_VERSION + 1)
    assert audit(shop)["from_cache"] == 1
    with sqlite3.connect(cache_file(home)) as db:  # the old kind is dropped, not kept forever
        assert db.execute("SELECT DISTINCT version FROM fingerprints").fetchall() == [
            (similar.FINGERPRINT_VERSION,)]


def test_fingerprints_of_version_6_in_the_cache_are_made_anew_with_their_tilts(shop, home,
                                                                             decodes):
    """Version 7 added the further cuts (`_LADDER`) and the small turns (`tilts`): a
    version-6 fingerprint in the cache is not read as one of version 7 (it would compare
    without them, missing a copy cut 30 % or turned 7 degrees), it is computed anew and
    replaced."""
    assert similar.FINGERPRINT_VERSION == 7
    older = []
    for path in sorted(shop.iterdir()):
        stored = as_version_6(similar.fingerprint_file(path)).to_json()
        assert "tilts" not in stored and stored["version"] == 6
        older.append((stored["sha256"], json.dumps(stored)))
    cache = FingerprintCache(cache_file(home))
    cache.put_many(6, older)
    cache.close()
    decodes.clear()
    assert audit(shop, "--workers", "1")["from_cache"] == 1  # the complained picture's copy
    assert len(decodes) == 12
    with sqlite3.connect(cache_file(home)) as db:
        rows = db.execute("SELECT version, fingerprint FROM fingerprints").fetchall()
    assert len(rows) == 12 and {v for v, _ in rows} == {7}
    assert all(len(similar.Fingerprint.from_json(json.loads(f)).tilts) == len(similar._TILTS)
               for _, f in rows)


def test_an_unwritable_cache_does_not_stop_the_audit(shop, home):
    (home / "cache").write_text("a file where the cache folder goes")
    r = CliRunner().invoke(main, ["audit", str(shop), "--against",
                                  str(shop.parent / "complained")])
    assert r.exit_code == 1, r.output
    assert "The fingerprint cache cannot be used (" in r.output
    assert "12 images checked, 1 match a complained image." in r.output


# The SHA-256 of one generated picture's fingerprint (its JSON, keys sorted) in each
# FINGERPRINT_VERSION: a change to what fingerprint_image computes must come with a new
# version, or the cache would serve fingerprints of the old kind as if new. Bump the version
# and add its entry here (the failure prints the new hash).
KNOWN_FINGERPRINTS = {
    1: "6a97d0f44bb9a09664df4e0d871472f36dbc2cbc71060decc50217964a318acb",
    # the parts without a caption band (`banded`), and the version stored with them
    2: "7676936d5b7b41f8bb3fbdc0928f15d766880c2e48cce45638105f0eb18826d4",
    # the reference without a banner's share along each side (`sided`), the picture without
    # its banners (`banners`); without those two and at version 2, it hashes to 2's digest
    3: "ddf690bdc5588c102c3415f6ae241a8b75ba270d532ce6f2d697584a204b1725",
    # the middles of the whole and of the parts cut (`core`), whether it has no colour
    # (`grey`); without those two and at version 3, it hashes to 3's digest
    4: "7e670acc1ae9c2cc845300391cda44ddc292f067d283a845f86f1739d110ac31",
    # the value's hashes (`values`, and each part's two more); without them and at version
    # 4, it hashes to 4's digest
    5: "747c13a42600f70b7f6c61829b9fc035f79e604929b3c4d500d4d092b995ecde",
    # the turns (`turns`), the deeper parts of `_REGIONS` (each with its middle and its
    # parts without a caption band), the middle of the picture without its padding
    # (`trimmed_core`)
    6: "c01de518a958e3e510464a8115ce11651cae0145880ca949442949da4d79088a",
    # the further cuts of `_REGIONS` (`_LADDER`, each with its middle), the small turns
    # (`tilts`)
    7: "b34872e364f4dd3c5fee41c1523550e1845543a36f23a265347b68253bb5021d",
}


def test_the_fingerprint_version_pins_what_a_fingerprint_is():
    got = similar.fingerprint_image(product_photo(42, (480, 360))).to_json()
    digest = hashlib.sha256(json.dumps(got, sort_keys=True).encode()).hexdigest()
    assert digest == KNOWN_FINGERPRINTS[similar.FINGERPRINT_VERSION], digest


def test_cache_reader_never_creates_or_repairs(tmp_path):
    path = tmp_path / "cache" / "fingerprints.sqlite"
    reader = FingerprintCache(path, reader=True)
    assert reader.problem is not None and not path.parent.exists()
    path.parent.mkdir()
    path.write_bytes(b"junk" * 1000)
    assert FingerprintCache(path, reader=True).problem is not None
    assert path.read_bytes() == b"junk" * 1000


@pytest.mark.parametrize(("lang", "minute", "hour"), [
    ("en", "under a minute left", "about 1 h 2 min left"),
    ("zh_CN", "预计不到 1 分钟", "预计还需 1 小时 2 分钟"),
])
def test_the_progress_bar_says_the_time_left_in_the_users_language(lang, minute, hour):
    import click

    now = [0.0]
    with click.Context(main) as ctx:
        ctx.meta["iprdesk.lang"] = lang
        left = _TimeLeft(1000, clock=lambda: now[0])
        left.checked(1)
        assert _eta(left) is None  # no pace measured yet
        now[0] = 10.0
        left.checked(901)  # 90 a second: 99 left take a second
        assert _eta(left) == minute
        left.checked(1000)
        assert _eta(left) is None  # all checked
        now[0] = 0.0
        left = _TimeLeft(1000, clock=lambda: now[0])
        left.checked(937)
        now[0] = 60.0
        left.checked(938)  # one a minute: 62 left take 62 minutes
        assert _eta(left) == hour


def test_the_time_left_follows_the_last_minute_not_a_fast_start():
    """An audit again finds the images read before in the cache in seconds, then reads the
    rest at the decoder's pace: the time left is that pace's, not the run's average."""
    now = [0.0]
    left = _TimeLeft(10_000, clock=lambda: now[0])
    left.checked(0)
    now[0] = 2.0
    left.checked(3000)  # from the cache
    for second in range(3, 3 + 120):  # then 5 a second
        now[0] = float(second)
        left.checked(3000 + 5 * (second - 2))
    assert left.seconds() == pytest.approx((10_000 - 3600) / 5)  # click's average said 217 s


def _read(fd, out: bytearray, until: bytes | None = None) -> None:
    """Read the terminal into `out` until `until` appears, or (None) to the end."""
    while until is None or until not in out:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the terminal's other end closed
            chunk = b""
        if not chunk:
            assert until is None, f"{until!r} never came; got {bytes(out)!r}"
            return
        out += chunk


def test_ctrl_c_stops_the_audit_with_130_and_keeps_what_was_read(shop, home):
    """Ctrl-C as a terminal sends it (to the whole process group, the workers too), while a
    worker is stuck on a file that never ends (a FIFO: a stalled network share)."""
    os.mkfifo(shop / "zz-stalled.jpg")
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "iprdesk", "audit", str(shop), "--against",
         str(shop.parent / "complained"), "--workers", "2", "--home", str(home)],
        stdin=terminal, stdout=terminal, stderr=terminal, start_new_session=True)
    os.close(terminal)
    out = bytearray()
    try:
        _read(controller, out, until=b"12/13")  # every picture but the stalled one is read
        os.killpg(proc.pid, signal.SIGINT)
        _read(controller, out)
        assert proc.wait(timeout=60) == 130
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        os.close(controller)
    said = out.decode()
    assert "Audit stopped: 12 of 13 images checked." in said
    assert "The fingerprints read so far are kept in the data directory" in said
    assert "Traceback" not in said and "KeyboardInterrupt" not in said
    (shop / "zz-stalled.jpg").unlink()
    assert audit(shop)["from_cache"] == 12


def test_ctrl_c_that_misses_the_main_threads_wait_still_stops_the_audit(shop, home):
    """The race behind an audit that printed 12/13, got Ctrl-C and never ended: the main
    thread slept in one long wait for the stalled picture's worker, which only a signal
    landing on it during that wait breaks."""
    os.mkfifo(shop / "zz-stalled.jpg")
    ctrl_c, done = CtrlCOffTheMainThread(shop / "zz-stalled.jpg"), []
    files = similar.image_files(shop)
    references = [("old.jpg", similar.fingerprint_file(shop.parent / "complained" / "old.jpg"))]

    def one_done():
        done.append(1)
        if len(done) == 12:  # the main thread goes on to wait for the stalled picture
            ctrl_c.start()

    with FingerprintCache.in_home(home) as cache, pytest.raises(KeyboardInterrupt):
        try:
            similar.audit(files, references, workers=2, on_done=one_done, cache=cache)
        finally:
            ctrl_c.join()
    assert not ctrl_c.unblocked, "the audit slept on after Ctrl-C"
    assert len(done) == 12 and multiprocessing.active_children() == []  # workers ended
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    (shop / "zz-stalled.jpg").unlink()
    assert audit(shop)["from_cache"] == 12  # what was read before Ctrl-C was kept
