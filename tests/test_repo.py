"""The README's promises hold: CI runs exactly its test command, and the layout is there."""

import re

from tests.conftest import REPO


def readme_commands():
    return re.findall(r"```sh\n(.+?)\n```", (REPO / "README.md").read_text())


def test_ci_runs_exactly_the_readme_test_command():
    install, test = readme_commands()[:2]
    assert "iprdesk agent" in install
    ci = (REPO / ".ci/run").read_text().strip().splitlines()
    assert ci[-1] == test


def test_layout():
    for path in ("pyproject.toml", "agent/iprdesk", "extension/manifest.json", "shared",
                 "tests", "e2e", "bench", ".ci/run", ".ci/setup"):
        assert (REPO / path).exists(), path


# Programs a test starts: the first word of a subprocess argv, or what shutil.which looks for.
PROGRAM = re.compile(r'(?:subprocess\.(?:run|Popen|check_output|check_call)\(\s*\[|which\()\s*'
                     r'"([A-Za-z0-9_.+-]+)"')
ON_EVERY_DEBIAN = {"sha256sum", "mount", "umount", "sh", "bash"}  # coreutils, util-linux
COMES_WITH = {"age-keygen": "age"}  # installed by the package of another checked command


def test_ci_setup_installs_every_program_the_tests_run():
    setup = (REPO / ".ci/setup").read_text()
    checked = set(re.findall(r"command -v ([A-Za-z0-9_.+-]+)", setup))
    readme = (REPO / "README.md").read_text()
    used = {name for folder in ("tests", "e2e") for path in (REPO / folder).rglob("*.py")
            for name in PROGRAM.findall(path.read_text(encoding="utf-8"))}
    missing = {p for p in used - ON_EVERY_DEBIAN if COMES_WITH.get(p, p) not in checked}
    assert not missing, f".ci/setup does not install {sorted(missing)}"
    for program in checked - {"fc-list"}:
        assert f"`{program}`" in readme, f"README's test section does not name {program}"
    # The zh_CN UI is laid out with a real Chinese font, as sellers in China have one.
    assert "fc-list :lang=zh" in setup and "fc-list :lang=zh" in readme
