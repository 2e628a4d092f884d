"""The extension's ES modules (service worker, popup, options, preflight, lib) have no import
cycle: a cycle makes one module's exports undefined while the other first runs."""

import re
from graphlib import CycleError, TopologicalSorter

from tests.conftest import REPO

EXTENSION = REPO / "extension"
ROOTS = ("background", "popup", "options", "case", "lib", "upload")
# `import x from "./a.js"`, `import { a, b } from "../b.js"`, `export { c } from "./c.js"`,
# `import "./side-effect.js"`, over several lines too.
IMPORT = re.compile(r"""^\s*(?:import|export)\s+(?:[^'";]*?\s+from\s+)?["']([^"']+)["']""",
                    re.MULTILINE | re.DOTALL)


def imports(path) -> set:
    text = path.read_text(encoding="utf-8")
    return {(path.parent / spec).resolve() for spec in IMPORT.findall(text)
            if spec.startswith(".")}


def graph(paths) -> dict:
    return {path.resolve(): imports(path) for path in paths}


def modules():
    return [p for root in ROOTS for p in sorted((EXTENSION / root).rglob("*.js"))]


def test_parser_reads_every_import_form(tmp_path):
    (tmp_path / "a.js").write_text('import { x,\n  y } from "./b.js";\nimport "./c.js";\n'
                                   "export { z } from './d.js';\nimport * as e from \"./e.js\";\n")
    assert {p.name for p in imports(tmp_path / "a.js")} == {"b.js", "c.js", "d.js", "e.js"}


def test_a_cycle_is_found(tmp_path):
    (tmp_path / "a.js").write_text('import { b } from "./b.js";\n')
    (tmp_path / "b.js").write_text('import { a } from "./a.js";\n')
    try:
        TopologicalSorter(graph([tmp_path / "a.js", tmp_path / "b.js"])).prepare()
    except CycleError:
        return
    raise AssertionError("the cycle a.js <-> b.js was not found")


def test_extension_modules_have_no_import_cycle():
    found = modules()
    assert any(p.name == "service-worker.js" for p in found)
    edges = graph(found)
    missing = {str(t.relative_to(EXTENSION)) for targets in edges.values() for t in targets
               if not t.exists()}
    assert not missing, f"imports of missing modules: {sorted(missing)}"
    try:
        TopologicalSorter(edges).prepare()
    except CycleError as e:
        cycle = " -> ".join(str(p.relative_to(EXTENSION)) for p in e.args[1])
        raise AssertionError(f"import cycle: {cycle}") from None
