"""`iprdesk backup` / `restore`: one file holds the data directory; a restore checks the whole
file before writing anything, never replaces what the backup lacks unless told to, and leaves
nothing half-restored."""

import hashlib
import json
import os
import zipfile

import pytest
from click.testing import CliRunner

from iprdesk import backup as backups
from iprdesk.casework.cases import CaseStore
from iprdesk.cli import main
from iprdesk.config import Config
from iprdesk.errors import Conflict
from iprdesk.provenance.records import ProvenanceStore
from iprdesk.urls import watch as urlwatch
from iprdesk.vault import Vault
from iprdesk.vault.crypto import KdfParams
from tests.conftest import VAULT_PASSPHRASE

URL = "https://img.joomcdn.net/0123456789abcdef01234567_1024_1024.jpeg"


def _fill(home, vault):
    config = Config.load(home)
    config.set_seller(name="Li Wei", company="Shenzhen Li Trading", store="LiStore")
    config.save(home)
    case = CaseStore(home).new(complaint_id="CMP-1", store_id="S-1", type="copyright",
                               complainant="Acme", products=["P1"])
    urlwatch.WatchList(home).add(case.id, [URL], variants=False)
    (home / "pagemap-local.json").write_text('{"version": 1, "taught": []}\n')
    evidence = vault.add(b"a bank slip", {"kind": "payment", "case": case.id})
    ProvenanceStore(home).set("ab" * 32, origin="own_photo", product="P1")
    # Of this computer only: never in a backup.
    (home / "auth.json").write_text('{"tokens": []}')
    (home / "logs").mkdir()
    (home / "logs" / "agent.log").write_text("log")
    return case, evidence


def _tree(home, parts=backups.PARTS):
    out = {}
    for part in parts:
        path = home / part
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for f in files:
            if f.name not in {".lock", *backups.VAULT_LOCAL}:  # of this computer, not backed up
                out[f.relative_to(home).as_posix()] = f.read_bytes()
    return out


@pytest.fixture
def filled(vault_home, vault):
    case, evidence = _fill(vault_home, vault)
    return vault_home, case, evidence


def test_a_backup_restores_everything_on_another_computer(filled, tmp_path):
    home, case, evidence = filled
    out = tmp_path / "backup.zip"
    summary = backups.make_backup(home, out)
    assert summary.vault and summary.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    names = zipfile.ZipFile(out).namelist()
    assert backups.MANIFEST in names and "data/auth.json" not in names
    assert not any("logs" in n or n.endswith(("/lock", "unlock-failures.json")) for n in names)

    other = tmp_path / "new-computer"
    other.mkdir()
    restored = backups.restore(other, out)
    assert restored.files == summary.files and restored.previous is None
    assert _tree(other) == _tree(home)
    assert not (other / "auth.json").exists()
    assert not any(p.name.startswith(".restore-") for p in other.iterdir())
    assert CaseStore(other).get(case.id).complainant == "Acme"
    assert Config.load(other).seller()["name"] == "Li Wei"
    assert [w.url for w in urlwatch.WatchList(other).list(case.id)] == [URL]
    assert ProvenanceStore(other).get("ab" * 32).origin == "own_photo"
    vault = Vault.open(other)
    vault.unlock(VAULT_PASSPHRASE)
    assert vault.read(evidence) == b"a bank slip"
    assert vault.verify().ok


def test_restoring_over_the_same_data_changes_nothing_and_needs_no_force(filled, tmp_path):
    home, _, _ = filled
    backups.make_backup(home, tmp_path / "b.zip")
    before = _tree(home)
    restored = backups.restore(home, tmp_path / "b.zip")
    assert _tree(home) == before
    assert _tree(home / restored.previous) == before  # kept aside all the same


def test_a_different_vault_is_not_replaced_without_force(filled, tmp_path):
    home, _, _ = filled
    backups.make_backup(home, tmp_path / "b.zip")
    other = tmp_path / "other"
    other.mkdir()
    Vault.create(other, "another passphrase here", kdf=KdfParams.floor())
    before = _tree(other)
    with pytest.raises(Conflict) as e:
        backups.restore(other, tmp_path / "b.zip")
    assert e.value.code == "other_vault" and "--force" in e.value.message
    assert _tree(other) == before and sorted(p.name for p in other.iterdir()) == ["vault"]

    restored = backups.restore(other, tmp_path / "b.zip", force=True)
    assert restored.replaced == ["vault"]
    kept = tmp_path / restored.previous / "vault" / "vault.json"
    assert kept.read_bytes() == before["vault/vault.json"]  # moved aside, not deleted
    assert (other / "vault" / "vault.json").read_bytes() == (home / "vault/vault.json").read_bytes()


def test_evidence_or_cases_added_since_the_backup_are_not_replaced_without_force(filled,
                                                                                 tmp_path):
    home, case, _ = filled
    backups.make_backup(home, tmp_path / "b.zip")
    vault = Vault.open(home)
    vault.add(b"captured after the backup", {"kind": "other"})
    CaseStore(home).new(complaint_id="CMP-2", store_id="S-1", type="copyright",
                        complainant="Other", products=["P2"])
    before = _tree(home)
    with pytest.raises(Conflict) as e:
        backups.restore(home, tmp_path / "b.zip")
    assert e.value.code == "restore_would_replace"
    assert _tree(home) == before


def _rewrite(src, dst, *, members=None, manifest=None):
    """A copy of the backup `src` with some members (name -> bytes or None to drop) or the
    manifest changed."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == backups.MANIFEST and manifest is not None:
                m = json.loads(data)
                manifest(m)
                data = json.dumps(m).encode()
            if members and info.filename in members:
                change = members.pop(info.filename)
                data = change(data) if callable(change) else change
                if data is None:
                    continue
            zout.writestr(info.filename, data)
        for name, data in (members or {}).items():
            zout.writestr(name, data)
    return dst


@pytest.mark.parametrize("change, expected", [
    (lambda p, d: _rewrite(p, d, members={
        "data/config.json": lambda b: b.replace(b"Li Wei", b"Li Wex")}),
     "config.json was altered"),
    (lambda p, d: _rewrite(p, d, members={"data/../../evil.json": b"{}"}),
     "is in the zip but not in the manifest"),
    (lambda p, d: _rewrite(p, d, manifest=lambda m: m["files"].append(
        {"path": "../../evil.json", "size": 2, "sha256": "0" * 64})),
     "is not a path a backup holds"),
    (lambda p, d: _rewrite(p, d, manifest=lambda m: m["files"].append(
        {"path": "/etc/passwd", "size": 2, "sha256": "0" * 64})),
     "is not a path a backup holds"),
    (lambda p, d: _rewrite(p, d, manifest=lambda m: m["files"].append(
        {"path": "vault/objects/../../../x", "size": 2, "sha256": "0" * 64})),
     "is not a path a backup holds"),
    (lambda p, d: _rewrite(p, d, members={"data/cases/c-0000aaaa.json": b"{}"}),
     "is in the zip but not in the manifest"),
    (lambda p, d: _rewrite(p, d, manifest=lambda m: m.update(format="something")),
     "not an iprdesk backup manifest"),
    (lambda p, d: _rewrite(p, d, manifest=lambda m: m.update(version=99)),
     "format version 99"),
    (lambda p, d: _rewrite(p, d, manifest=lambda m: m["files"].pop(0)),
     "is in the zip but not in the manifest"),
    (lambda p, d: _rewrite(p, d, manifest=lambda m: m.update(vault={"x25519": "00",
                                                                     "ed25519": "00"})),
     "other keys than its manifest"),
    (lambda p, d: _rewrite(p, d, members={backups.MANIFEST: b"[not json"}),
     "does not read as JSON"),
    (lambda p, d: (d.write_bytes(b"PK\x03\x04 not really a zip"), d)[1], "not a zip file"),
])
def test_a_damaged_or_hostile_backup_writes_nothing(filled, tmp_path, change, expected):
    home, _, _ = filled
    good = backups.make_backup(home, tmp_path / "good.zip").path
    bad = change(good, tmp_path / "bad.zip")
    target = tmp_path / "target"
    target.mkdir()
    with pytest.raises(backups.NotABackup) as e:
        backups.restore(target, bad)
    assert expected in e.value.message
    assert list(target.iterdir()) == []
    assert not (tmp_path / "evil.json").exists()


def test_a_member_that_inflates_beyond_its_declared_size_is_stopped(filled, tmp_path):
    """A zip bomb: the manifest and the zip's own headers say 2 bytes; the data inflates to
    64 MiB. The restore reads at most the declared size of it."""
    home, _, _ = filled
    good = backups.make_backup(home, tmp_path / "good.zip").path
    bomb = b"\0" * (64 << 20)
    bad = _rewrite(good, tmp_path / "bad.zip", members={"data/pagemap-local.json": bomb},
                   manifest=lambda m: next(f for f in m["files"]
                                           if f["path"] == "pagemap-local.json").update(
                       size=2, sha256=hashlib.sha256(b"{}").hexdigest()))
    # Make the local header and the central directory claim 2 bytes too, as a bomb would.
    raw = bytearray(bad.read_bytes())
    with zipfile.ZipFile(bad) as zf:
        info = zf.getinfo("data/pagemap-local.json")
    size = len(bomb).to_bytes(4, "little")
    raw = raw.replace(size, (2).to_bytes(4, "little"))
    bad.write_bytes(bytes(raw))
    assert zipfile.ZipFile(bad).getinfo("data/pagemap-local.json").file_size == 2
    assert info.compress_size < 1 << 20
    target = tmp_path / "target"
    target.mkdir()
    with pytest.raises(backups.NotABackup) as e:
        backups.restore(target, bad)
    assert "pagemap-local.json" in e.value.message
    assert list(target.iterdir()) == []


def test_a_failure_while_moving_into_place_puts_everything_back(filled, tmp_path, monkeypatch):
    home, _, _ = filled
    backups.make_backup(home, tmp_path / "b.zip")
    Vault.open(home).add(b"newer evidence", {"kind": "other"})
    before = _tree(home)
    real_rename = os.rename

    def failing(src, dst):
        if str(src).endswith(os.sep + "vault") and ".restore-" in str(src):
            raise OSError(5, "Input/output error")
        return real_rename(src, dst)

    monkeypatch.setattr(backups.os, "rename", failing)
    with pytest.raises(OSError):
        backups.restore(home, tmp_path / "b.zip", force=True)
    assert _tree(home) == before
    assert not [p for p in home.iterdir() if p.name.startswith((".restore-", "restore-prev"))]


def test_cli_backup_restore_and_url_watch_remove(filled, tmp_path):
    home, case, _ = filled
    run = CliRunner().invoke
    out = tmp_path / "b.zip"
    result = run(main, ["backup", "-o", str(out), "--home", str(home)], env={"LANG": "en_US"})
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output and "passphrase" in result.output
    result = run(main, ["url-watch", "remove", "--case", case.id, URL, "--home", str(home)],
                 env={"LANG": "zh_CN.UTF-8"})
    assert result.exit_code == 0, result.output
    assert "已停止监控" in result.output
    assert urlwatch.WatchList(home).list(case.id) == []
    result = run(main, ["restore", str(out), "--home", str(home)], env={"LANG": "en_US"})
    assert result.exit_code == 1 and "--force" in result.output  # the watch it would undo
    result = run(main, ["restore", str(out), "--force", "--json", "--home", str(home)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["replaced"]
    assert [w.url for w in urlwatch.WatchList(home).list(case.id)] == [URL]


async def test_routes_download_a_backup_and_restore_an_upload(filled, agent, tmp_path):
    home, case, evidence = filled
    r = await agent.post("/v1/backup")
    assert r.status == 200 and r.content_type == "application/zip"
    data = await r.read()
    assert r.headers["X-Backup-SHA256"] == hashlib.sha256(data).hexdigest()
    assert "attachment" in r.headers["Content-Disposition"]

    urlwatch.WatchList(home).remove(case.id, URL)
    r = await agent.post("/v1/restore", data=data, headers={"Content-Type": "application/zip"})
    assert r.status == 409 and (await r.json())["error"]["code"] == "restore_would_replace"
    assert urlwatch.WatchList(home).list(case.id) == []  # nothing written
    r = await agent.post("/v1/restore?force=1", data=data,
                         headers={"Content-Type": "application/zip"})
    assert r.status == 200, await r.text()
    assert (await r.json())["vault"] is True
    assert [w.url for w in urlwatch.WatchList(home).list(case.id)] == [URL]

    r = await agent.post("/v1/restore", data=b"not a zip",
                         headers={"Content-Type": "application/zip"})
    assert r.status == 400 and (await r.json())["error"]["code"] == "not_a_backup"
    r = await agent.post("/v1/restore", json={"a": 1})
    assert r.status == 415
