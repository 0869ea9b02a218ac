"""The UI's shape: no module of ``sandbox.ui`` imports the adapters (the database), no import
cycle among the UI's modules (imports inside functions count too), and no screen gets the app."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[1] / "sandbox" / "ui"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(UI.parent.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it (``from x import y`` counts ``x.y`` when it is a module)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rsplit(".", 1)[0]
            target = (f"{base}.{node.module}" if node.module else base) if node.level else node.module
            found.add(target)
            found |= {f"{target}.{a.name}" for a in node.names}
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in UI.rglob("*.py")}
    return {name: {m for m in imports(path) if m in modules and m != name} for name, path in modules.items()}


def test_the_ui_never_imports_the_adapters():
    offenders = {name: sorted(m for m in imports(path) if m.startswith("sandbox.adapters"))
                 for name, path in ((module_name(p), p) for p in UI.rglob("*.py"))}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_import_cycle_among_the_ui_modules():
    g = graph()

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            here = todo.pop()
            for nxt in g[here]:
                if nxt == goal:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    cycles = sorted(f"{a} -> {b}" for a in g for b in g[a] if reaches(b, a))
    assert cycles == []


def test_no_screen_imports_the_app_or_the_guided_panel():
    g = graph()
    screens = [m for m in g if m.startswith("sandbox.ui.screens")]
    assert len(screens) > 20
    wrong = {m: sorted(g[m] & {"sandbox.ui.app", "sandbox.ui.guided"}) for m in screens}
    assert {k: v for k, v in wrong.items() if v} == {}
