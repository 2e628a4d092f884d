"""`iprdesk strip` and `iprdesk inspect` on real files."""

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from iprdesk.cli import main
from tests import image_fixtures as fx
from tests.conftest import REPO

pytestmark = pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO")


@pytest.fixture
def run():
    def invoke(*args):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return invoke


@pytest.fixture
def photos(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "IMG_2041.jpg").write_bytes(fx.photo_jpeg())
    (src / "shot.png").write_bytes(fx.photo_png())
    (src / "anim.gif").write_bytes(fx.animated_gif())
    return src


def test_out_dir_writes_clean_copies_and_leaves_originals(run, photos, tmp_path):
    originals = {p.name: p.read_bytes() for p in photos.iterdir()}
    out = tmp_path / "clean"
    result = run("strip", "-o", out, *sorted(photos.iterdir()), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Removed GPS location near Shanghai" in result.output
    assert "3 cleaned, 0 already clean, 0 failed" in result.output
    for name, data in originals.items():
        assert (photos / name).read_bytes() == data
        assert fx.frames((out / name).read_bytes()) == fx.frames(data)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp files left


def test_in_place_replaces_and_reports_already_clean(run, photos):
    target = photos / "IMG_2041.jpg"
    before = target.read_bytes()
    result = run("strip", "--in-place", target, "--json")
    assert result.exit_code == 0
    [report] = json.loads(result.output)
    assert report["written"] == str(target) and report["removed"]["gps"]
    assert fx.frames(target.read_bytes()) == fx.frames(before)
    stat = target.stat()
    again = run("strip", "--in-place", target, "--json")
    [report] = json.loads(again.output)
    assert report["clean"] is True and report["written"] is None
    assert target.stat().st_mtime_ns == stat.st_mtime_ns
    assert "was already clean" in run("strip", "--in-place", target, "--lang", "en").output


def test_failures_are_reported_and_the_rest_still_cleaned(run, photos, tmp_path):
    cut = photos / "cut.jpg"
    cut.write_bytes(fx.photo_jpeg()[:3000])
    out = tmp_path / "clean"
    result = run("strip", "-o", out, photos / "IMG_2041.jpg", cut, photos / "missing.png",
                 "--lang", "en")
    assert result.exit_code == 1
    assert "cut.jpg: the file is truncated" in result.output
    assert "missing.png: no such file" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in out.iterdir()) == ["IMG_2041.jpg"]
    assert cut.read_bytes() == fx.photo_jpeg()[:3000]
    assert "1 cleaned, 0 already clean, 2 failed" in result.output


def test_failed_in_place_leaves_the_original(run, tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 10)
    result = run("strip", "--in-place", bad, "--json", "--lang", "zh_CN")
    assert result.exit_code == 1
    [entry] = json.loads(result.output)
    assert entry["error"]["code"] == "truncated"
    assert entry["error"]["message"].startswith("bad.png：")
    assert bad.read_bytes() == b"\x89PNG\r\n\x1a\n" + b"\x00" * 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.png"]


@pytest.mark.parametrize("args", [[], ["--in-place", "-o", "x"]])
def test_usage_errors_exit_2(run, photos, args):
    assert run("strip", *args, photos / "shot.png").exit_code == 2
    assert run("strip").exit_code == 2


def test_same_name_twice_into_one_folder_fails_the_second(run, photos, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "shot.png").write_bytes(fx.photo_png(trailing=b"x"))
    out = tmp_path / "clean"
    result = run("strip", "-o", out, photos / "shot.png", other / "shot.png", "--lang", "en")
    assert result.exit_code == 1
    assert "another file named shot.png" in result.output
    assert fx.frames((out / "shot.png").read_bytes()) == fx.frames(fx.photo_png())


DAMAGED_HEIC = sorted((REPO / "tests/fuzz/regressions/heic").glob("*.bin"))


def test_a_damaged_heic_fails_alone_and_the_batch_goes_on(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "IMG_2041.jpg").write_bytes(fx.photo_jpeg())
    (src / "IMG_0001.HEIC").write_bytes(fx.heic())
    for i, path in enumerate(DAMAGED_HEIC):
        (src / f"IMG_9{i}.HEIC").write_bytes(path.read_bytes())
    # A real process, as a seller runs it: no traceback, JSON for every file.
    result = subprocess.run([sys.executable, "-m", "iprdesk", "strip", "--heic-to-jpeg",
                             "-o", str(out), str(src), "--json"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    reports = {r["file"]: r for r in json.loads(result.stdout)}
    assert sorted(reports) == sorted(p.name for p in src.iterdir())
    for i in range(len(DAMAGED_HEIC)):
        error = reports[f"IMG_9{i}.HEIC"]["error"]
        assert error["code"] == "damaged" and error["message"].startswith(f"IMG_9{i}.HEIC: ")
    assert sorted(p.name for p in out.iterdir()) == ["IMG_0001.jpg", "IMG_2041.jpg"]
    assert fx.frames((out / "IMG_2041.jpg").read_bytes()) == fx.frames(fx.photo_jpeg())


def test_heic_needs_the_flag(run, tmp_path):
    photo = tmp_path / "IMG_0001.HEIC"
    photo.write_bytes(fx.heic())
    refused = run("strip", "--in-place", photo, "--lang", "en")
    assert refused.exit_code == 1 and "--heic-to-jpeg" in refused.output
    done = run("strip", "--in-place", "--heic-to-jpeg", photo)
    assert done.exit_code == 0
    assert (tmp_path / "IMG_0001.jpg").read_bytes()[:2] == b"\xff\xd8"
    assert photo.exists()  # the original HEIC is kept


def test_inspect_changes_nothing(run, photos):
    target = photos / "IMG_2041.jpg"
    before = target.read_bytes()
    result = run("inspect", target, "--json")
    assert result.exit_code == 0
    [report] = json.loads(result.output)
    assert report["found"]["device"]["serial"] == "F2LXK9Q1ABCD"
    assert target.read_bytes() == before
    zh = run("inspect", target, "--lang", "zh_CN")
    assert "GPS 位置" in zh.output and "序列号" in zh.output


def test_real_command_line_exit_codes(photos, tmp_path):
    env = {**os.environ, "LANG": "zh_CN.UTF-8"}
    cmd = [sys.executable, "-m", "iprdesk", "strip", "-o", str(tmp_path / "o")]
    ok = subprocess.run([*cmd, str(photos / "shot.png")], capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stderr
    assert "已从 shot.png 中删除" in ok.stdout
    bad = subprocess.run([*cmd, str(tmp_path / "missing.jpg")], capture_output=True, text=True,
                         env=env)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr


# `python -m iprdesk ARGS` with a note at each step of its end: an atexit handler, and an
# object of __main__ that only Python's teardown frees.
_NOTED_END = """
import atexit, runpy, sys
notes = sys.argv[1]
class FreedInTeardown:
    def __del__(self, open=open, path=notes + ".teardown"):  # the module is cleared by then
        open(path, "w").close()
kept = FreedInTeardown()
atexit.register(lambda: open(notes + ".atexit", "w").close())
sys.argv = ["iprdesk", *sys.argv[2:]]
runpy.run_module("iprdesk", run_name="__main__")
"""


@pytest.mark.parametrize("ends_at_once", [True, False])
def test_the_program_ends_at_once_after_strip(photos, tmp_path, ends_at_once):
    """Once a strip's files are in place, the process ends without Python's teardown (its
    time is a benchmark, bench/strip.py): the atexit handlers still run, the output is all
    there and the exit status kept, workers or not. A command ended otherwise (a usage
    error) keeps the teardown."""
    notes = tmp_path / "notes"
    out = tmp_path / "o"
    # Four files: a batch in worker processes.
    args = (["-o", out, *sorted(photos.iterdir()), tmp_path / "missing.jpg"] if ends_at_once
            else [photos / "shot.png"])
    done = subprocess.run([sys.executable, "-c", _NOTED_END, str(notes), "strip",
                           *map(str, args), "--lang", "en"], capture_output=True, text=True)
    assert (notes.parent / "notes.atexit").exists()
    assert (notes.parent / "notes.teardown").exists() is not ends_at_once
    if ends_at_once:
        assert done.returncode == 1, done.stderr
        assert "3 cleaned, 0 already clean, 1 failed" in done.stdout
        assert "missing.jpg: no such file" in done.stderr
        assert sorted(p.name for p in out.iterdir()) == ["IMG_2041.jpg", "anim.gif", "shot.png"]
    else:
        assert done.returncode == 2 and "Usage:" in done.stderr

def test_in_place_through_a_symlink_cleans_the_target(run, photos):
    link = photos / "link.png"
    link.symlink_to(photos / "shot.png")
    assert run("strip", "--in-place", link).exit_code == 0
    assert link.is_symlink()
    assert b"Chen Jie" not in (photos / "shot.png").read_bytes()


def test_folders_and_patterns_stand_for_their_images(run, photos, tmp_path):
    (photos / "notes.txt").write_text("not an image")
    (photos / ".IMG_2041.jpg.x1y2.tmp").write_bytes(fx.photo_jpeg())  # a write in flight
    (photos / "sub").mkdir()
    (photos / "sub" / "IMG_2041.jpg").write_bytes(fx.photo_jpeg())  # a name met again
    inspected = json.loads(run("inspect", photos, "--json").output)
    assert [r["file"] for r in inspected] == ["IMG_2041.jpg", "anim.gif", "shot.png"]

    pattern = run("inspect", photos / "*.png", photos / "shot.png", "--json")
    assert [r["file"] for r in json.loads(pattern.output)] == ["shot.png"]  # each file once

    out = tmp_path / "clean"
    assert run("strip", photos, "-o", out).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["IMG_2041.jpg", "anim.gif", "shot.png"]


@pytest.mark.parametrize("lang, message", [("en", "no file matches"),
                                           ("zh_CN", "没有匹配的文件")])
def test_a_pattern_that_matches_nothing_is_a_usage_error(run, tmp_path, lang, message):
    result = run("strip", tmp_path / "*.jpg", "-o", tmp_path / "out", "--lang", lang)
    assert result.exit_code == 2 and message in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("inspect", empty).exit_code == 2
