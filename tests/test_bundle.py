"""Appeal bundles: export, verify, and every way a bundle can be altered, malformed or hostile."""

import hashlib
import json
import re
import shutil
import subprocess
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from iprdesk.cli import main
from iprdesk.vault import Vault
from iprdesk.vault.bundle import export_bundle, vault_fingerprint, verify_bundle
from iprdesk.vault.crypto import KdfParams
from iprdesk.vault.errors import NotABundle
from tests.test_vault_cli import TERMINAL_ESCAPE, png, run


@pytest.fixture
def bundle(vault, tmp_path):
    vault.add(png(), {"kind": "screenshot", "case": "C-1", "content_type": "image/png",
                      "source_url": "https://merchant.joom.com/complaints/1",
                      "page_title": "Complaint <1>", "original_name": "shot.png",
                      "captured_at": "2026-03-01T08:00:00Z"})
    vault.add(b"%PDF agreement", {"kind": "agreement", "case": "C-1",
                                  "original_name": "../../etc/协议.pdf",
                                  "captured_at": "2026-03-02T08:00:00Z"})
    vault.add(b"%PDF agreement v2", {"kind": "agreement", "case": "C-1",
                                     "original_name": "协议.pdf",
                                     "captured_at": "2026-03-02T08:00:00Z"})
    vault.add(b"other case", {"kind": "receipt", "case": "C-2"})
    path = tmp_path / "appeal.zip"
    summary = export_bundle(vault, path, case="C-1")
    assert summary.files == 3
    return vault, path


def test_bundle_layout_manifest_and_report(bundle, tmp_path):
    vault, path = bundle
    with zipfile.ZipFile(path) as zf:
        names = sorted(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        report = zf.read("report.html").decode()
        sums = zf.read("SHA256SUMS").decode()
    assert names == ["SHA256SUMS", "SHA256SUMS.sig", "agreement/20260302-080000_协议-2.pdf",
                     "agreement/20260302-080000_协议.pdf", "manifest.json", "report.html",
                     "screenshot/20260301-080000_shot.png", "signing-key.pem"]
    assert manifest["case"] == "C-1" and len(manifest["files"]) == 3
    shot = next(f for f in manifest["files"] if f["kind"] == "screenshot")
    assert shot["source_url"] == "https://merchant.joom.com/complaints/1"
    assert shot["captured_at"] == "2026-03-01T08:00:00Z" and shot["case"] == "C-1"
    assert "data:image/jpeg;base64," in report  # a thumbnail, inline: opens offline
    assert "Complaint &lt;1&gt;" in report and "<script" not in report
    assert "时间线" in report and "Timeline" in report
    # The report names the signing key as the seller publishes it (128 bits).
    fp = vault_fingerprint(vault)
    assert re.fullmatch(r"SHA256(:[0-9a-f]{4}){8}", fp)
    assert f'<code id="fingerprint">{fp}</code>' in report
    assert manifest["signing_key"]["fingerprint"] == fp
    # Any reviewer can check the files with coreutils alone.
    (tmp_path / "x").mkdir()
    with zipfile.ZipFile(path) as zf:
        zf.extractall(tmp_path / "x")
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "x",
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert sums.count("\n") == 6  # 3 files, the report, the manifest, the key
    # The export is in the journal, with the bundle's hash, under a signed checkpoint.
    last = vault.journal.read()[0][-1]
    assert last.op == "export" and "sig" in last.fields
    assert len(vault.sealed_fields(last)["objects"]) == 3


def test_the_report_says_when_it_was_exported_in_local_time(vault, tmp_path, local_zone):
    local_zone("Asia/Shanghai")
    vault.add(b"%PDF agreement", {"kind": "agreement", "case": "C-1"})
    export_bundle(vault, tmp_path / "appeal.zip", case="C-1")
    with zipfile.ZipFile(tmp_path / "appeal.zip") as zf:
        report = zf.read("report.html").decode()
    assert "(UTC+8) by iprdesk" in report and "（UTC+8）导出" in report
    assert "Z (UTC)" not in report


def test_bundle_verifies_by_cli(bundle, vault_home):
    _, path = bundle
    out = run(vault_home, "vault", "verify-bundle", str(path)).output
    assert "OK: 3 files intact; signature valid" in out and "this computer's vault" in out


def rewrite(path, change):
    """Rebuild the zip with `change(name, data) -> data | None` (None drops the member)."""
    with zipfile.ZipFile(path) as zf:
        members = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members:
            data = change(name, data)
            if data is not None:
                zf.writestr(name, data)


@pytest.mark.parametrize("change, expected", [
    (lambda n, d: d + b"x" if n.endswith("shot.png") else d,
     "screenshot/20260301-080000_shot.png was altered"),
    (lambda n, d: None if n.endswith("协议.pdf") else d,
     "agreement/20260302-080000_协议.pdf is missing"),
    (lambda n, d: d.replace(b'"C-1"', b'"C-3"') if n == "manifest.json" else d,
     "SHA256SUMS does not match manifest.json"),
    (lambda n, d: None if n == "SHA256SUMS.sig" else d,
     "SHA256SUMS.sig is missing: the bundle is not signed"),
    (lambda n, d: b"\0" * 64 if n == "SHA256SUMS.sig" else d,
     "the signature does not match SHA256SUMS"),
    (lambda n, d: None if n == "signing-key.pem" else d, "signing-key.pem is missing"),
    (lambda n, d: d.replace(b"Timeline", b"Tirneline") if n == "report.html" else d,
     "report.html was altered"),
    (lambda n, d: d[:-10] if n == "SHA256SUMS" else d,
     "the signature does not match SHA256SUMS"),
])
def test_bundle_alteration_is_named(bundle, change, expected):
    _, path = bundle
    rewrite(path, change)
    report = verify_bundle(path)
    assert not report.ok
    assert any(expected in p for p in report.problems), report.problems


def test_an_added_file_is_named(bundle, vault_home):
    _, path = bundle
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("receipt/fake.pdf", b"forged")
    result = run(vault_home, "vault", "verify-bundle", str(path), code=1)
    assert "ALTERED: receipt/fake.pdf is not in the manifest" in result.output


@pytest.fixture
def forgery(tmp_path):
    """A bundle of invented evidence, signed with a fresh key of the forger's own."""
    other = tmp_path / "forger-home"
    other.mkdir()
    forger = Vault.create(other, "forger passphrase", kdf=KdfParams.floor())
    forger.unlock("forger passphrase")
    forger.add(b"%PDF a settlement that never happened", {"kind": "agreement", "case": "C-1"})
    path = tmp_path / "forged.zip"
    export_bundle(forger, path, case="C-1")
    return forger, path


def test_a_bundle_signed_by_a_key_nobody_trusts_is_not_called_valid(forgery, bundle, vault_home,
                                                                      tmp_path):
    forger, path = forgery
    seller, _ = bundle
    home = tmp_path / "reviewer"  # no vault here
    home.mkdir()
    # Intact and correctly signed, by some key: but nothing says whose.
    report = verify_bundle(path)
    assert report.ok and report.trusted is None and not report.verified
    nobody = run(home, "vault", "verify-bundle", str(path), code=1).output
    assert f"signed by key {vault_fingerprint(forger)}" in nobody
    assert "NOT VERIFIED" in nobody and "signature valid" not in nobody
    # Against the seller's key (the vault in --home, or the fingerprint they published).
    mine = run(vault_home, "vault", "verify-bundle", str(path), code=1).output
    assert (f"ALTERED: signed by key {vault_fingerprint(forger)}, not by the trusted key "
            f"{vault_fingerprint(seller)}") in mine
    published = vault_fingerprint(seller).removeprefix("SHA256:").replace(":", "").upper()
    given = run(home, "vault", "verify-bundle", str(path), "--fingerprint", published, code=1)
    assert "not by the trusted key" in given.output
    as_json = json.loads(run(home, "vault", "verify-bundle", str(path), "--json", "--fingerprint",
                             vault_fingerprint(seller), code=1).output)
    assert as_json["ok"] is False and as_json["verified"] is False
    assert as_json["trusted"] is False and as_json["fingerprint"] == vault_fingerprint(forger)
    # Whoever trusts the forger's key gets a valid signature: that is what a signature means.
    theirs = run(home, "vault", "verify-bundle", str(path), "--fingerprint",
                 vault_fingerprint(forger)).output
    assert "OK: 1 file intact; signature valid" in theirs


@pytest.mark.parametrize("given", ["SHA256:1234", "e666:1b5c:3b11:9df5", "zz" * 16, ""])
def test_a_fingerprint_that_is_not_128_bits_is_a_usage_error(bundle, home, given):
    _, path = bundle
    out = run(home, "vault", "verify-bundle", str(path), "--fingerprint", given, code=2).output
    assert "32 hex digits (128 bits)" in out


def test_vault_info_and_status_show_the_fingerprint_reviewers_check(bundle, vault_home):
    vault, path = bundle
    fp = vault_fingerprint(vault)
    out = run(vault_home, "vault", "info").output
    assert f"Signing key fingerprint: {fp}" in out and "publish" in out
    out = run(vault_home, "vault", "info", "--lang", "zh_CN").output
    assert f"签名密钥指纹：{fp}" in out and "公布" in out and "publish" not in out
    assert json.loads(run(vault_home, "vault", "info", "--json").output)["fingerprint"] == fp
    assert verify_bundle(path, fp).verified


async def test_the_agents_vault_status_gives_the_fingerprint(vault, agent):
    r = await agent.get("/v1/vault")
    assert r.status == 200
    assert (await r.json())["fingerprint"] == vault_fingerprint(vault)


def test_not_a_bundle(tmp_path, vault_home):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    assert "not a readable zip" in run(vault_home, "vault", "verify-bundle", str(junk),
                                       code=1).output




def test_a_strangers_bundle_cannot_drive_the_terminal(home, tmp_path):
    bundle = tmp_path / "bundle.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("manifest.json", json.dumps({
            "format": "iprdesk-appeal-bundle", "version": 1,
            "signing_key": {"public_key": "00" * 32}, "files": [],
            "report": {"path": "report.html", "sha256": "00" * 32}}))
        zf.writestr(f"screenshot/a{TERMINAL_ESCAPE}.png", b"x")
    result = CliRunner().invoke(main, ["vault", "verify-bundle", str(bundle), "--home",
                                       str(home)])
    assert result.exit_code == 1
    assert "not in the manifest" in result.output
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", result.output), result.output


# -- hostile and malformed bundles -------------------------------------------------------------

def manifest_of(path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("manifest.json"))


def with_manifest(path, manifest) -> None:
    data = manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode()
    rewrite(path, lambda n, d: data if n == "manifest.json" else d)


class _Repeated:
    """A compressor for a stream of one block written over and over: the block deflated once,
    then a full flush (which resets the dictionary), so every repetition deflates to the same
    bytes, which are reused. The member stays a real deflate stream of every byte written
    (zipfile still counts and checksums them) without deflating 256 MiB for each test."""

    def __init__(self, block):
        deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.block = block
        self.deflated = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
        self.end = deflate.flush()

    def compress(self, data):
        assert data == self.block
        return self.deflated

    def flush(self):
        return self.end


def replace_with_bomb(path, name, size=256 << 20):
    """Rebuild the zip with member `name` inflating to `size` bytes of spaces (from ~260 KB)."""
    with zipfile.ZipFile(path) as zf:
        members = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    block = b" " * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in members:
            if member != name:
                zf.writestr(member, data)
                continue
            with zf.open(name, "w") as out:
                out._compressor = _Repeated(block)  # zipfile's own deflater, reused per block
                for _ in range(size // len(block)):
                    out.write(block)


def peak_memory(function):
    """(what `function()` returned or raised, the most Python memory it held at once)."""
    tracemalloc.start()
    try:
        try:
            result = function()
        except Exception as e:  # noqa: BLE001 - handed back to the test to check
            result = e
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("name, expected", [
    ("manifest.json", "not a valid iprdesk bundle: manifest.json is larger than any"),
    ("SHA256SUMS", "SHA256SUMS is larger than any iprdesk export writes"),
    ("SHA256SUMS.sig", "SHA256SUMS.sig is larger than any iprdesk export writes"),
    ("signing-key.pem", "signing-key.pem is larger than any iprdesk export writes"),
    ("report.html", "report.html was altered (it is larger than"),
    ("screenshot/20260301-080000_shot.png", "shot.png was altered (it is larger than"),
])
def test_a_member_that_inflates_hugely_is_refused_without_reading_it_whole(bundle, name,
                                                                          expected):
    _, path = bundle
    replace_with_bomb(path, name)
    result, peak = peak_memory(lambda: verify_bundle(path))
    assert peak < 48 << 20, f"{peak / 2**20:.0f} MiB held to refuse a {name} bomb"
    said = result.message if isinstance(result, NotABundle) else " ".join(result.problems)
    assert expected.lower() in said.lower(), said


def _set(path: str, value):
    """A change to one field of the manifest, given as a dotted path (files.0.sha256)."""
    def change(manifest):
        *parents, last = path.split(".")
        target = manifest
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if value is KeyError:
            del target[int(last) if isinstance(target, list) else last]
        elif isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
        return manifest
    return change


MALFORMED = {
    "files is an int": _set("files", 3),
    "files is a string": _set("files", "screenshot/a.png"),
    "an entry is a string": _set("files.0", "screenshot/a.png"),
    "a path is an int": _set("files.0.path", 7),
    "a path is empty": _set("files.0.path", ""),
    "an entry without sha256": _set("files.0.sha256", KeyError),
    "a sha256 that is a list": _set("files.0.sha256", ["00"]),
    "a sha256 that is not hex": _set("files.0.sha256", "zz" * 32),
    "a size that is text": _set("files.0.size", "12"),
    "a size that is negative": _set("files.0.size", -1),
    "a size that is a bool": _set("files.0.size", True),
    "no signing key": _set("signing_key", KeyError),
    "a signing key that is a string": _set("signing_key", "ed25519"),
    "a public key that is an int": _set("signing_key.public_key", 5),
    "a public key that is not hex": _set("signing_key.public_key", "xyz"),
    "a public key of the wrong length": _set("signing_key.public_key", "00" * 16),
    "no report": _set("report", KeyError),
    "a report that is a list": _set("report", []),
    "a case that is a dict": _set("case", {"a": 1}),
    "a version that is text": _set("version", "1"),
    "another format": _set("format", "something-else"),
    "a list": lambda m: [m],
    "null": lambda m: None,
}


@pytest.mark.parametrize("why", MALFORMED)
def test_a_malformed_manifest_is_not_a_valid_bundle(bundle, why):
    _, path = bundle
    with_manifest(path, MALFORMED[why](manifest_of(path)))
    with pytest.raises(NotABundle) as caught:
        verify_bundle(path)
    assert caught.value.message.startswith("Not a valid iprdesk bundle: ")


@pytest.mark.parametrize("raw", [b"", b"{", b"\xff\xfe", b"[" * 100_000 + b"]" * 100_000,
                                 b'{"format": "iprdesk-appeal-bundle", "version": 1e999}'],
                         ids=["empty", "cut", "not utf-8", "deeply nested", "huge number"])
def test_a_manifest_that_is_not_json_is_not_a_valid_bundle(bundle, raw):
    _, path = bundle
    with_manifest(path, raw)
    with pytest.raises(NotABundle):
        verify_bundle(path)


def test_the_cli_says_not_a_valid_bundle_in_the_users_language(bundle, home):
    _, path = bundle
    with_manifest(path, _set("files", 3)(manifest_of(path)))
    result = CliRunner().invoke(main, ["vault", "verify-bundle", str(path), "--home", str(home)])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("error: Not a valid iprdesk bundle: ")
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    result = CliRunner().invoke(main, ["vault", "verify-bundle", str(path), "--home", str(home),
                                       "--lang", "zh_CN"])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("error: 不是有效的 iprdesk 证据包：")
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit


def test_a_member_without_a_name_is_named_as_added(bundle):
    _, path = bundle
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr(zipfile.ZipInfo(""), b"forged")
    report = verify_bundle(path)  # was an IndexError from ZipInfo.is_dir
    assert "a file without a name is in the zip (added after export)" in report.problems


def test_a_zip_of_a_version_python_cannot_extract_is_not_a_bundle(bundle):
    _, path = bundle
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02")
    data[entry + 6:entry + 8] = (128).to_bytes(2, "little")  # needs zip version 12.8
    path.write_bytes(bytes(data))
    with pytest.raises(NotABundle, match="zip file version 12.8"):  # was NotImplementedError
        verify_bundle(path)


def test_a_bundle_without_a_manifest_is_not_a_valid_bundle(bundle):
    _, path = bundle
    rewrite(path, lambda n, d: None if n == "manifest.json" else d)
    with pytest.raises(NotABundle, match="no manifest.json"):
        verify_bundle(path)


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_many_duplicate_names_are_each_named_once_in_linear_time(bundle):
    _, path = bundle
    with zipfile.ZipFile(path, "a") as zf:
        for i in range(60_000):
            zf.writestr(f"other/{i}.txt", b"")
            zf.writestr(f"other/{i}.txt", b"")
    # The quadratic check took 26 s of CPU for these 60,000 names, the linear one ~2 s. CPU time,
    # not the clock: other jobs on the machine (CI beside others) must not fail it.
    started = time.process_time()
    problems = verify_bundle(path).problems
    assert time.process_time() - started < 12
    twice = [p for p in problems if "appears twice" in p]
    assert len(twice) == 60_000 and "other/59999.txt appears twice" in " ".join(twice)


# -- re-packed by an ordinary zip tool ---------------------------------------------------------

def unpacked(path, folder):
    subprocess.run(["unzip", "-q", str(path), "-d", str(folder)], check=True)
    return folder


def test_a_bundle_repacked_by_info_zip_verifies_and_says_so(bundle, vault_home, tmp_path):
    _, path = bundle
    folder = unpacked(path, tmp_path / "appeal")
    repacked = tmp_path / "repacked.zip"
    subprocess.run(["zip", "-q", "-r", str(repacked), "."], cwd=folder, check=True)
    with zipfile.ZipFile(repacked) as zf:  # what the real tool did
        names = zf.namelist()
        assert "agreement/" in names
        assert not any(i.flag_bits & 0x800 for i in zf.infolist())  # UTF-8 without the flag
    report = verify_bundle(repacked)
    assert report.ok, report.problems
    assert "folder entries were added" in report.repacked
    assert "names were stored without the UTF-8 flag" in report.repacked
    out = run(vault_home, "vault", "verify-bundle", str(repacked)).output
    assert "OK: 3 files" in out and "Re-packed after export" in out
    out = run(vault_home, "vault", "verify-bundle", str(repacked), "--lang", "zh_CN").output
    assert "证据包完整：3 个文件完好" in out and "重新打包" in out


def test_a_zipped_folder_of_the_bundle_verifies(bundle, tmp_path):
    _, path = bundle
    unpacked(path, tmp_path / "appeal")
    repacked = tmp_path / "folder.zip"
    subprocess.run(["zip", "-q", "-r", str(repacked), "appeal"], cwd=tmp_path, check=True)
    report = verify_bundle(repacked)
    assert report.ok, report.problems
    assert "everything was put in a folder (appeal/)" in report.repacked


class _NoUtf8Flag(zipfile.ZipInfo):
    """How a zip tool that ignores the UTF-8 flag stores a name: its bytes in `encoding`."""
    encoding = "utf-8"

    def _encodeFilenameFlags(self):  # noqa: N802 - zipfile's own hook
        return self.filename.encode(self.encoding), self.flag_bits & ~0x800


@pytest.mark.parametrize("encoding, note", [
    ("utf-8", "names were stored without the UTF-8 flag"),
    ("gbk", "2 files were stored under other names (found by their content)"),  # Windows
])
def test_names_stored_without_the_utf8_flag_verify(bundle, tmp_path, encoding, note):
    _, path = bundle
    repacked = tmp_path / "repacked.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(repacked, "w") as out:
        for info in source.infolist():
            copy = type("Info", (_NoUtf8Flag,), {"encoding": encoding})(info.filename,
                                                                        info.date_time)
            out.writestr(copy, source.read(info))
    report = verify_bundle(repacked)
    assert report.ok, report.problems
    assert note in report.repacked


def test_a_repacked_bundle_with_a_changed_or_missing_file_still_fails(bundle, tmp_path):
    _, path = bundle
    folder = unpacked(path, tmp_path / "appeal")
    agreement = next((folder / "agreement").glob("*协议.pdf"))
    agreement.write_bytes(b"%PDF forged")
    (folder / "agreement" / "20260302-080000_协议-2.pdf").unlink()
    repacked = tmp_path / "repacked.zip"
    subprocess.run(["zip", "-q", "-r", str(repacked), "."], cwd=folder, check=True)
    problems = verify_bundle(repacked).problems
    assert "agreement/20260302-080000_协议.pdf was altered (its SHA-256 differs from the " \
           "manifest)" in problems
    assert "agreement/20260302-080000_协议-2.pdf is missing (removed after export)" in problems


# -- checking a bundle with standard tools, and bundles of the older format --------------------

def readme_recipe() -> str:
    """The shell commands README gives for checking a bundle without iprdesk."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    after = readme[readme.index("Checking a bundle without iprdesk"):]
    start = after.index("```sh\n") + 6
    return after[start:after.index("\n```", start)]


def run_recipe(bundle_path, tmp_path):
    cwd = tmp_path / "reviewer"
    cwd.mkdir()
    shutil.copy(bundle_path, cwd / "appeal.zip")
    return subprocess.run(["bash", "-e", "-c", readme_recipe()], cwd=cwd, capture_output=True,
                          text=True)


def test_the_readme_recipe_checks_a_bundle_with_sha256sum_and_openssl(bundle, tmp_path):
    vault, path = bundle
    done = run_recipe(path, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    digits = vault_fingerprint(vault).removeprefix("SHA256:").replace(":", "")
    assert done.stdout.splitlines()[0].strip() == digits  # sha256sum --quiet says nothing
    assert "Signature Verified Successfully" in done.stdout


@pytest.mark.parametrize("forge", ["a file", "a file and its line in SHA256SUMS"])
def test_the_readme_recipe_fails_on_an_altered_bundle(bundle, tmp_path, forge):
    _, path = bundle
    forged = b"%PDF forged"
    name = "agreement/20260302-080000_协议.pdf"
    with zipfile.ZipFile(path) as zf:
        old = hashlib.sha256(zf.read(name)).hexdigest().encode()

    def change(member, data):
        if member == name:
            return forged
        if member == "SHA256SUMS" and forge != "a file":
            return data.replace(old, hashlib.sha256(forged).hexdigest().encode())
        return data

    rewrite(path, change)
    done = run_recipe(path, tmp_path)
    assert done.returncode != 0, done.stdout + done.stderr
    assert ("FAILED" in done.stdout) if forge == "a file" else \
        ("Signature Verification Failure" in done.stdout + done.stderr)


V1_BUNDLE = Path(__file__).parent / "bundles" / "v1-appeal.zip"  # made by iprdesk 0.1.0
V1_FINGERPRINT = "SHA256:e666:1b5c:3b11:9df5:e340:326a:ca9c:5247"


def test_a_bundle_of_the_older_format_verifies_and_says_so(home):
    report = verify_bundle(V1_BUNDLE, V1_FINGERPRINT)
    assert report.verified and report.version == 1 and report.files == 2
    out = run(home, "vault", "verify-bundle", str(V1_BUNDLE), "--fingerprint",
              V1_FINGERPRINT).output
    assert "Older format (version 1" in out and "OK: 2 files intact; signature valid" in out


def test_an_altered_bundle_of_the_older_format_fails(tmp_path):
    path = tmp_path / "v1.zip"
    shutil.copy(V1_BUNDLE, path)
    rewrite(path, lambda n, d: d.replace(b'"C-1"', b'"C-9"') if n == "manifest.json" else d)
    problems = verify_bundle(path, V1_FINGERPRINT).problems
    assert "the signature does not match manifest.json: the manifest was edited or the " \
           "signature replaced" in problems
