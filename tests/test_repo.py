"""The README's promises hold: CI runs exactly its test command, and the layout is there."""

import json
import re

from tests.conftest import REPO


def readme_commands():
    return re.findall(r"```sh\n(.+?)\n```", (REPO / "README.md").read_text())


def test_ci_runs_exactly_the_readme_test_command():
    install, test = readme_commands()[:2]
    # The first installs into a venv, leaves iprdesk on PATH and registers it with the
    # browsers, which start it (issue 12: no terminal to keep open).
    assert "python3 -m venv" in install and "~/.local/bin" in install
    assert install.endswith("&& iprdesk install")
    ci = (REPO / ".ci/run").read_text().strip().splitlines()
    assert ci[-1] == test


def test_layout():
    for path in ("pyproject.toml", "agent/iprdesk", "extension/manifest.json", "shared",
                 "tests", "e2e", "bench", ".ci/run", ".ci/setup"):
        assert (REPO / path).exists(), path


PACKAGE = REPO / "agent" / "iprdesk"
# The modules that belong to no one capability; everything else lives in a package.
TOP_MODULES = {"__init__", "__main__", "errors", "paths", "atomic", "config", "timeutil",
               "locking",  # the one file lock of every store (auth, cases, URLs, vault, agent)
               "workers",  # the worker processes of every batch (strip, audit)
               "lazy"}  # modules loaded on first use, for an agent at rest
# Named in CONTRIBUTING but kept in the agent's data directory, not in the repository.
DATA_DIRECTORY_FILES = {"config.json"}
PATH_LIKE = re.compile(r"^[\w.{},<>/-]+(?::\w+)?$")


def layout_bullets():
    """(indent, backticked names) of each bullet of CONTRIBUTING's Layout section."""
    text = (REPO / "CONTRIBUTING.md").read_text()
    section = text.split("## Layout", 1)[1].split("\n## ", 1)[0]
    bullets = re.split(r"\n(?=\s*- )", section)
    return [(len(b) - len(b.lstrip(" \n")), re.findall(r"`([^`]+)`", b)) for b in bullets]


def named_paths():
    """Each path-like name of the Layout section with the folders it is named in: a bullet
    that starts with a folder (`text/`) holds the names after it, in its sub-bullets too."""
    roots = []  # (indent, folder) of the bullets around the current one
    for indent, names in layout_bullets():
        roots = [(i, r) for i, r in roots if i < indent]
        outer = [r for _, r in roots] or [REPO]
        first = names[0] if names else ""
        inner = [r / first for r in (outer[-1], REPO)
                 if first.endswith("/") and (r / first).is_dir()][:1]
        roots.append((indent, (inner or outer[-1:])[0]))
        for name in names:
            path = name.split(":", 1)[0]
            if PATH_LIKE.match(name) and not path.startswith("/") and (
                    path.endswith("/") or re.search(r"\.(py|js|json|html|css|md)$", path)):
                yield [REPO, *outer, *inner], path


def expand(name):
    """`messages/{en,zh_CN}.json` -> both names; `routes/<concern>.py` -> a glob."""
    braces = re.search(r"\{([^}]*)\}", name)
    if braces:
        for part in braces.group(1).split(","):
            yield from expand(name[:braces.start()] + part + name[braces.end():])
    else:
        yield re.sub(r"<[^>]+>", "*", name)


def exists(roots, name):
    """In one of the folders it is named in, or below the innermost; a name with a folder in
    it (`background/catalog-cache.js`) anywhere in the repository."""
    name = name.rstrip("/")
    return (name in DATA_DIRECTORY_FILES or any(next(r.glob(name), None) for r in roots)
            or next(roots[-1].rglob(name), None) is not None
            or ("/" in name and next(REPO.rglob(name), None) is not None))


def test_contributing_names_only_paths_that_exist():
    missing = sorted({f"{roots[-1].relative_to(REPO)}: {name}" for roots, name in named_paths()
                      for each in expand(name) if not exists(roots, each)})
    assert not missing, f"CONTRIBUTING's layout names what is not there: {missing}"


def test_contributing_names_every_package():
    segments = {part for roots, path in named_paths()
                if any(r.is_relative_to(PACKAGE) for r in roots)
                for part in path.rstrip("/").split("/")}
    packages = sorted(p.parent.relative_to(PACKAGE) for p in PACKAGE.rglob("__init__.py")
                      if p.parent != PACKAGE)
    unnamed = [str(p) for p in packages if p.name not in segments]
    assert not unnamed, f"CONTRIBUTING's layout does not name the packages {unnamed}"


def test_no_module_at_the_top_of_the_package_but_the_shared_ones():
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert set(top) <= TOP_MODULES, f"{set(top) - TOP_MODULES} belong in a capability package"


def test_each_page_module_runs_on_the_panel():
    manifest = json.loads((REPO / "extension" / "manifest.json").read_text())
    [panel] = [s for s in manifest["content_scripts"] if s.get("run_at") == "document_idle"]
    listed = panel["js"]
    for script in {js for s in manifest["content_scripts"] for js in s["js"]}:
        assert (REPO / "extension" / script).is_file(), script
    pages = sorted((REPO / "extension" / "content" / "pages").glob("*.js"))
    assert pages
    for page in pages:
        assert f"content/pages/{page.name}" in listed, page.name
        # Registered with the router, and before it starts (main.js comes last).
        assert "iprdesk.registerPage(" in page.read_text(), page.name
        assert listed.index(f"content/pages/{page.name}") < listed.index("content/main.js")


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
