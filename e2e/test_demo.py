"""`iprdesk demo` without a display: the real agent and Chromium, screenshots of every page."""

import os
import subprocess
import sys

from PIL import Image


def test_demo_saves_a_screenshot_of_each_annotated_page(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    out = tmp_path / "shots"
    result = subprocess.run([sys.executable, "-m", "iprdesk", "demo", "--screenshots", str(out)],
                            capture_output=True, text=True, env=env, timeout=240)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["1-complaints.png", "2-appeals.png", "3-account.png",
                     "4-popup-cases-and-drafts.png", "5-preflight.png"]
    for name in names:
        assert str(out / name) in result.stdout
        with Image.open(out / name) as image:
            # An annotated page, not a blank one: the open card adds colour.
            assert image.width >= 400 and len(image.convert("RGB").getcolors(1 << 20)) > 20
    assert "Demo data kept" not in result.stdout
