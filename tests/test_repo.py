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
