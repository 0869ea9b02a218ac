"""The engine's layering, read from the import statements (no import-linter needed): the domain
imports nothing of ours, adapters never the service, the read side never the engine, reports no
SQL, and no import cycles outside the screens."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "sandbox"


def _graph() -> dict[str, set[str]]:
    files = {}
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        files[name] = path
    graph = {}
    for name, path in files.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        deps = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module if node.level == 0 else ".".join(
                    package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
                if base and base.startswith("sandbox"):
                    deps |= {f"{base}.{a.name}" if f"{base}.{a.name}" in files else base for a in node.names}
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name.startswith("sandbox")}
        graph[name] = {d for d in deps if d in files and d != name}
    return graph


GRAPH = _graph()


def imports(prefix: str) -> set[tuple[str, str]]:
    return {(m, d) for m, ds in GRAPH.items() if m == prefix or m.startswith(prefix + ".") for d in ds}


def test_the_domain_imports_nothing_of_ours():
    assert {(m, d) for m, d in imports("sandbox.domain") if not d.startswith("sandbox.domain")} == set()


def test_adapters_import_neither_the_service_nor_the_screens():
    assert {(m, d) for m, d in imports("sandbox.adapters") if d.startswith(("sandbox.service", "sandbox.ui"))} == set()


def test_the_read_side_and_the_service_never_import_the_engine():
    assert {(m, d) for m, d in imports("sandbox.views") if d == "sandbox.engine" or d.startswith("sandbox.service")} == set()
    assert {(m, d) for m, d in imports("sandbox.service") if d == "sandbox.engine"} == set()


def test_reports_read_no_database():
    assert {d for _, d in imports("sandbox.reports")} & {"sandbox.views", "sandbox.adapters.orm"} == set()


def test_no_import_cycles_outside_the_screens():
    graph = {m: {d for d in ds if not d.startswith("sandbox.ui")} for m, ds in GRAPH.items() if not m.startswith("sandbox.ui")}
    state: dict[str, int] = {}
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for dep in sorted(graph[module]):
            if state.get(dep) == 1:
                cycles.append(path[path.index(dep):] + [dep])
            elif dep not in state:
                visit(dep, path + [dep])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []
