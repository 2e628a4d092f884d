"""The agent package has no import cycle. Imports inside functions count: they are how a cycle
is usually hidden."""

import ast
from graphlib import CycleError, TopologicalSorter

from tests.conftest import REPO

PACKAGE = REPO / "agent" / "iprdesk"


def module_name(path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.Module, name: str, is_package: bool, modules: set[str]) -> set[str]:
    """The iprdesk modules that importing `name` runs: each module it imports, and that
    module's packages unless they contain `name` (those are already running)."""
    targets = set()
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            # `from a import b` imports the module a.b when there is one, else a name of a.
            targets |= {f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                        for alias in node.names}
    found = set()
    for target in targets:
        parts = target.split(".")
        for i in range(1, len(parts) + 1):
            module = ".".join(parts[:i])
            if i == len(parts) or not (name == module or name.startswith(module + ".")):
                found.add(module)
    return {m for m in found if m in modules and m != name}


def graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(paths)
    return {name: imported(ast.parse(path.read_text(encoding="utf-8")), name,
                           path.name == "__init__.py", modules)
            for name, path in paths.items()}


def test_graph_sees_the_imports():
    g = graph()
    assert "iprdesk.urls.check" in g["iprdesk.urls.watch"]
    assert "iprdesk.text.shared_data" in g["iprdesk.urls.check"]


def test_the_agent_package_has_no_import_cycle():
    try:
        TopologicalSorter(graph()).prepare()
    except CycleError as e:
        raise AssertionError(f"import cycle: {' -> '.join(e.args[1])}") from None
