"""iprdesk installed from a built wheel works with no repository around: the extension and
the shared data ship inside it, and the store zip of the extension is what a store takes."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from iprdesk import extension_package
from tests import image_fixtures as fx
from tests.conftest import REPO


def _run(*argv, cwd, env=None, timeout=300):
    out = subprocess.run([str(a) for a in argv], cwd=cwd, capture_output=True, text=True,
                         timeout=timeout, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    return out


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with iprdesk installed from a wheel built from this checkout. The venv
    sees the system's site-packages for the dependencies (they are what pip would fetch);
    iprdesk itself comes from the wheel."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"  # a copy, so that building never writes into the checkout
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", "__pycache__", "*.egg-info", "build", "dist", ".ruff_cache", "node_modules"))
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", base / "dist", source,
         cwd=base)
    wheel = next((base / "dist").glob("iprdesk-*.whl"))
    env_dir = base / "venv"
    # Without a pip of its own (ensurepip takes longer than the rest): this pip installs into it.
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    _run(sys.executable, "-m", "pip", "--python", bindir / "python", "install", "-q",
         "--no-deps", "--force-reinstall", wheel, cwd=base)
    shutil.rmtree(source)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "IPRDESK_HOME")}
    return {"wheel": wheel, "bin": bindir, "env": env, "cwd": base}


def test_the_wheel_carries_the_extension_and_the_shared_data(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    repo_files = [p.relative_to(REPO).as_posix() for folder in ("extension", "shared")
                  for p in (REPO / folder).rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts]
    missing = {f for f in repo_files if f"iprdesk/{f}" not in names}
    assert not missing


def test_the_installed_command_runs_from_the_installed_package(installed, tmp_path):
    iprdesk = installed["bin"] / "iprdesk"
    kw = {"cwd": tmp_path, "env": installed["env"]}
    where = _run(installed["bin"] / "python", "-c",
                 "import iprdesk; print(iprdesk.__file__)", **kw).stdout.strip()
    site = str(installed["cwd"] / "venv")
    assert where.startswith(site), where  # not this checkout
    folder = _run(iprdesk, "extension-path", **kw).stdout.strip()
    assert folder.startswith(site)
    manifest = json.loads(Path(folder, "manifest.json").read_text())
    assert manifest["manifest_version"] == 3
    assert "extension-path" in _run(iprdesk, "--help", **kw).stdout
    photo = tmp_path / "IMG_1.jpg"
    photo.write_bytes(fx.photo_jpeg())
    out = _run(iprdesk, "strip", photo, "-o", tmp_path / "clean", "--lang", "en",
               "--home", tmp_path / "home", **kw)
    assert "GPS" in out.stdout, out.stdout  # the strip read its words from the shared data
    assert b"Shanghai" not in (tmp_path / "clean" / "IMG_1.jpg").read_bytes()
    _run(iprdesk, "extension", "pack", "-o", tmp_path / "store.zip", **kw)
    assert zipfile.ZipFile(tmp_path / "store.zip").testzip() is None


def test_the_store_zip_has_the_manifest_at_its_root_without_the_key(tmp_path):
    names = extension_package.pack(tmp_path / "a.zip")
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        assert sorted(zf.namelist()) == names
        manifest = json.loads(zf.read("manifest.json"))
        for name in names:
            if name != "manifest.json":
                assert zf.read(name) == (REPO / "extension" / name).read_bytes(), name
    assert "key" not in manifest
    repo_manifest = json.loads((REPO / "extension/manifest.json").read_text())
    assert manifest == {k: v for k, v in repo_manifest.items() if k != "key"}
    assert "manifest.json" in names and "_locales/zh_CN/messages.json" in names


def test_the_store_zip_is_the_same_bytes_every_time(tmp_path):
    extension_package.pack(tmp_path / "a.zip")
    copy = tmp_path / "ext"
    shutil.copytree(REPO / "extension", copy)
    for path in copy.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))  # other times, another place
    (copy / ".DS_Store").write_bytes(b"finder litter")
    extension_package.pack(tmp_path / "b.zip", copy)
    digest = [hashlib.sha256((tmp_path / n).read_bytes()).hexdigest() for n in ("a.zip", "b.zip")]
    assert digest[0] == digest[1]
