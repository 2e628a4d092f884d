"""A quick command starts quickly: `iprdesk strip one.jpg -o out/` imports what cleaning needs
and none of the agent, the vault, the browser tooling, the worker pool or the other formats'
handlers, and reads the words of the one language it prints; `iprdesk vault list` imports
none of the bundles (their times are benchmarks, bench/strip.py and bench/vault_scale.py;
this is the behaviour behind them)."""

import json
import os
import site
import subprocess
import sys

from tests import image_fixtures as fx
from tests.conftest import REPO, VAULT_PASSPHRASE

# Packages a one-file strip has no use for, each costing start-up time.
NOT_FOR_STRIP = ["aiohttp", "playwright", "cryptography", "numpy", "pypdf", "pillow_heif", "PIL",
                 "logging", "zoneinfo", "ctypes",
                 "multiprocessing", "concurrent", "pickle", "asyncio", "ssl", "platformdirs",
                 "tempfile", "shutil", "random", "bz2", "lzma", "html", "signal",
                 "iprdesk.server", "iprdesk.vault", "iprdesk.images", "iprdesk.urls",
                 "iprdesk.casework", "iprdesk.workers", "iprdesk.metadata.formats.png",
                 "iprdesk.metadata.formats.webp", "iprdesk.metadata.formats.gif",
                 "iprdesk.metadata.formats.heic"]

# The command run as `python -m iprdesk` runs it; at exit, every module loaded (sys.modules:
# also those imported through importlib, which `-X importtime` does not list) and each file
# of shared/ read, into the file named by argv[1].
_RUN = """
import atexit, json, runpy, sys
from iprdesk.text import shared_data
report, sys.argv = sys.argv[1], ["iprdesk", *sys.argv[2:]]
read, load = [], shared_data.load
shared_data.load = lambda name: read.append(name) or load(name)
atexit.register(lambda: open(report, "w").write(json.dumps(
    {"modules": sorted(sys.modules), "read": read})))
runpy.run_module("iprdesk", run_name="__main__")
"""


def run(tmp_path, *args) -> tuple[set[str], list[str], str]:
    """Modules loaded and shared files read by `iprdesk ARGS`, and what it printed."""
    report = tmp_path / "report.json"
    # -S, the installed packages found by their folders: without the start-up hooks of this
    # machine's site-packages (a .pth here imports certifi, and with it tempfile and shutil),
    # as a fresh virtual environment starts.
    path = os.pathsep.join([str(REPO / "agent"), *site.getsitepackages()])
    done = subprocess.run([sys.executable, "-S", "-c", _RUN, str(report), *map(str, args)],
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": path})
    seen = json.loads(report.read_text())
    return set(seen["modules"]), seen["read"], done.stdout


def test_strip_of_one_file_imports_nothing_it_does_not_use(tmp_path):
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(fx.photo_jpeg())
    modules, read, printed = run(tmp_path, "strip", photo, "-o", tmp_path / "out", "--lang", "en")
    assert (tmp_path / "out" / "IMG_2041.jpg").exists()
    assert "Removed GPS location near Shanghai" in printed
    assert "iprdesk.metadata.formats.jpeg" in modules  # the report is the real one
    unwanted = {m for m in modules for p in NOT_FOR_STRIP if m == p or m.startswith(p + ".")}
    assert unwanted == set()
    assert "messages/en.json" in read and "messages/zh_CN.json" not in read


def test_a_png_loads_the_handlers_tried_before_its_own_and_not_the_rest(tmp_path):
    picture = tmp_path / "shot.png"
    picture.write_bytes(fx.photo_png())
    modules, _, printed = run(tmp_path, "strip", picture, "-o", tmp_path / "out", "--lang",
                              "zh_CN")
    assert (tmp_path / "out" / "shot.png").exists() and "shot.png" in printed
    formats = {m.rsplit(".", 1)[1] for m in modules if m.startswith("iprdesk.metadata.formats.")}
    assert formats == {"jpeg", "png"}


def test_strip_json_still_holds_the_report_in_both_languages(tmp_path):
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(fx.photo_jpeg())
    _, read, printed = run(tmp_path, "strip", photo, "-o", tmp_path / "out", "--json")
    [report] = json.loads(printed)
    assert report["text"]["en"]["summary"].startswith("Removed GPS location near Shanghai")
    assert "上海" in report["text"]["zh_CN"]["summary"]
    assert "messages/zh_CN.json" in read


def test_vault_list_imports_neither_bundles_nor_content_detection(vault, vault_home,
                                                                  monkeypatch, tmp_path):
    """A listing (issue 16: < 0.5 s at 10,000 items) does not load what export, info,
    verify-bundle and an add without --kind use (e-mail parsing among it), nor cryptography's
    key serialization (its SSH format: raw keys come from the keys themselves)."""
    monkeypatch.setenv("IPRDESK_PASSPHRASE", VAULT_PASSPHRASE)
    vault.add(b"shot", {"kind": "screenshot"})
    modules, _, _ = run(tmp_path, "vault", "list", "--home", vault_home)
    assert "iprdesk.vault.store" in modules  # the report is the real one
    assert {m for m in modules if m.split(".")[0] == "email"
            or m in ("iprdesk.vault.bundle", "iprdesk.documents.kinds",
                     "cryptography.hazmat.primitives.serialization")} == set()
