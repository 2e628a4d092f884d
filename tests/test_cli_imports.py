"""A quick command starts quickly: `iprdesk strip one.jpg -o out/` imports what cleaning needs
and none of the agent, the vault, the browser tooling or the worker pool, `iprdesk vault list`
none of the bundles (their times are benchmarks, bench/strip.py and bench/vault_scale.py;
this is the behaviour behind them)."""

import subprocess
import sys

from tests import image_fixtures as fx
from tests.conftest import VAULT_PASSPHRASE

# Packages a one-file strip has no use for, each costing start-up time.
NOT_FOR_STRIP = ["aiohttp", "playwright", "cryptography", "numpy", "pypdf", "pillow_heif", "PIL",
                 "logging", "zoneinfo", "ctypes",
                 "multiprocessing", "concurrent", "pickle", "asyncio", "ssl", "platformdirs",
                 "iprdesk.server", "iprdesk.vault", "iprdesk.images", "iprdesk.urls",
                 "iprdesk.casework"]


def imported_by(*args) -> set[str]:
    """Every module the command imports, from the interpreter's own report (-X importtime)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "iprdesk", *map(str, args)],
                          capture_output=True, text=True, check=True)
    return {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
            if line.startswith("import time:") and "|" in line} - {"package"}


def test_strip_of_one_file_imports_nothing_it_does_not_use(tmp_path):
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(fx.photo_jpeg())
    modules = imported_by("strip", photo, "-o", tmp_path / "out")
    assert (tmp_path / "out" / "IMG_2041.jpg").exists()
    assert "iprdesk.metadata.formats.jpeg" in modules  # the report is the real one
    unwanted = {m for m in modules for p in NOT_FOR_STRIP if m == p or m.startswith(p + ".")}
    assert unwanted == set()


def test_vault_list_imports_neither_bundles_nor_content_detection(vault, vault_home,
                                                                  monkeypatch):
    """A listing (issue 16: < 0.5 s at 10,000 items) does not load what export, info,
    verify-bundle and an add without --kind use (e-mail parsing among it), nor cryptography's
    key serialization (its SSH format: raw keys come from the keys themselves)."""
    monkeypatch.setenv("IPRDESK_PASSPHRASE", VAULT_PASSPHRASE)
    vault.add(b"shot", {"kind": "screenshot"})
    modules = imported_by("vault", "list", "--home", vault_home)
    assert "iprdesk.vault.store" in modules  # the report is the real one
    assert {m for m in modules if m.split(".")[0] == "email"
            or m in ("iprdesk.vault.bundle", "iprdesk.documents.kinds",
                     "cryptography.hazmat.primitives.serialization")} == set()
