"""`iprdesk doctor` against a profile real Chromium wrote: registered with `iprdesk install
--user-data-dir`, the unpacked extension loaded, and doctor reading the version the profile
runs from what Chromium saved (issue 12)."""

import json
import subprocess

from e2e.conftest import CHROMIUM, EXTENSION
from tests.helpers import iprdesk

SHIPPED = json.loads((EXTENSION / "manifest.json").read_text())["version"]


def test_doctor_finds_the_extension_chromium_loaded_in_a_registered_profile(tmp_path):
    home = tmp_path / "data"
    # A user of their own, with no browser but the profile folder given.
    env = {"HOME": str(tmp_path / "user"), "PATH": str(tmp_path / "no-programs"),
           "LANG": "en_US.UTF-8"}
    profile = tmp_path / "profile"
    iprdesk("install", "--user-data-dir", str(profile), home=home, env=env)
    before = iprdesk("doctor", home=home, env=env, check=False)
    assert before.returncode == 1
    assert "no browser has the iprdesk extension loaded. Fix: open chrome://extensions" \
        in before.stdout

    # Chromium loads the extension into the profile and exits once the page is drawn.
    subprocess.run([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
                    f"--user-data-dir={profile}", f"--load-extension={EXTENSION}",
                    f"--screenshot={tmp_path / 'blank.png'}", "about:blank"],
                   capture_output=True, check=True, timeout=120)

    report = json.loads(iprdesk("doctor", "--json", home=home, env=env).stdout)
    [folder] = [b for b in report["browsers"] if b["browser"] is None]
    assert folder["name"] == str(profile) and folder["registered"] and folder["launcher_ok"]
    assert folder["extension"] == [{"profile": "Default", "version": SHIPPED, "enabled": True}]
    assert report["problem_count"] == 0
    zh = iprdesk("doctor", home=home, env={**env, "LANG": "zh_CN.UTF-8"}).stdout
    assert f"iprdesk 扩展 {SHIPPED} 已在配置文件 Default 中加载" in zh and "未发现问题。" in zh
