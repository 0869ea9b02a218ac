"""The project's layout: it carries its own documentation, its Python holds no Thai text (that
lives in the catalogue), and no hand-written module grows past 400 lines (docs/architecture.md)."""

import ast
import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
THIS = Path(__file__).resolve().relative_to(ROOT).as_posix()

# Words that point at documents a trainer who downloads the project does not have.
OUTSIDE = ("../shared", "shared/SPEC", "SPEC.md", "SCENARIOS.md", "SPEC §")
THAI = re.compile("[\u0e00-\u0e7f]")
MAX_LINES = 400
# [text](target) in Markdown; fenced code blocks and `inline code` are removed first.
LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")
# "docs/rules.md §5" or "rules.md §3.4" in code, comments and docs.
RULES_REF = re.compile(r"rules\.md §(\d+(?:\.\d+)*)")
# A table row that starts with a `code`: the actions and error codes of docs/exercises.md.
TABLE_CODE = re.compile(r"^\| `([a-z_][a-z0-9_.]*)`", re.M)


def project_files() -> list[str]:
    """Tracked files, and new files not yet added that git does not ignore."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    return sorted({f for f in out.split("\0") if f and (ROOT / f).is_file()})


def read_text(name: str) -> str | None:
    try:
        return (ROOT / name).read_text("utf-8")
    except UnicodeDecodeError:
        return None  # a binary file


def python_modules(*folders: str) -> list[str]:
    return [
        f for f in project_files()
        if f.endswith(".py") and f.split("/")[0] in folders and "/migrations/" not in f
    ]


def test_nothing_points_outside_the_repository():
    found = []
    for name in project_files():
        if name == THIS:
            continue
        text = read_text(name)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            found += [f"{name}:{number}: {word}" for word in OUTSIDE if word in line]
    assert not found, "point to docs/ instead:\n" + "\n".join(found)


def anchors(path: Path) -> set[str]:
    """The anchors of a Markdown page: its <a name="…"> tags and its headings' GitHub slugs."""
    text = path.read_text("utf-8")
    names = set(re.findall(r"<a (?:name|id)=\"([^\"]+)\"", text))
    for heading in re.findall(r"^#{1,6} (.+)$", FENCE.sub("", text), re.M):
        names.add(re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-"))
    return names


def test_markdown_links_resolve_inside_the_repository():
    broken = []
    for name in (f for f in project_files() if f.endswith(".md")):
        text = INLINE_CODE.sub("", FENCE.sub("", read_text(name) or ""))
        for target in LINK.findall(text):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
                continue  # a web address or mailto:
            file_part, _, fragment = target.partition("#")
            page = ROOT / name
            resolved = (page.parent / file_part).resolve() if file_part else page
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                broken.append(f"{name}: ({target})")
            elif fragment and resolved.suffix == ".md" and fragment not in anchors(resolved):
                broken.append(f"{name}: ({target}) has no anchor #{fragment}")
    assert not broken, "links that do not resolve inside the repository:\n" + "\n".join(broken)


def test_rules_section_references_exist():
    """Every "rules.md §N" anywhere in the project names a numbered heading of docs/rules.md."""
    rules = (ROOT / "docs" / "rules.md").read_text("utf-8")
    sections = set(re.findall(r"^#{2,4} (\d+(?:\.\d+)*)\.? ", rules, re.M))
    assert {"1", "5"} <= sections, "docs/rules.md lost its numbered sections"
    missing = []
    for name in project_files():
        text = read_text(name)
        if name == THIS or text is None:
            continue
        missing += [f"{name}: §{ref}" for ref in RULES_REF.findall(text) if ref not in sections]
    assert not missing, "references to sections docs/rules.md does not have:\n" + "\n".join(missing)


def thai_string_literals(source: str) -> list[int]:
    """Lines of string literals with Thai letters, docstrings aside (a docstring may quote a form's
    Thai name for the developer; a person never sees it)."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return sorted(
        node.lineno for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in docstrings and THAI.search(node.value)
    )


def test_no_thai_text_in_python_modules():
    found = []
    for name in python_modules("sandbox"):
        found += [f"{name}:{n}" for n in thai_string_literals((ROOT / name).read_text("utf-8"))]
    assert not found, (
        f"Thai text belongs in sandbox/catalogue/*.yaml; {len(found)} strings:\n" + "\n".join(found)
    )


def test_the_thai_check_sees_strings_but_not_docstrings():
    source = 'def f():\n    """สง.01 form."""\n    return "บันทึก"\n'
    assert thai_string_literals(source) == [3]


def test_no_module_over_400_lines():
    long = []
    for name in python_modules("sandbox", "bench"):
        lines = len((ROOT / name).read_text("utf-8").splitlines())
        if lines > MAX_LINES:
            long.append(f"{name}: {lines} lines")
    assert not long, f"split these modules (at most {MAX_LINES} lines):\n" + "\n".join(long)


def catalogue_error_codes() -> set[str]:
    codes = set()
    for path in (ROOT / "sandbox" / "catalogue").glob("*.yaml"):
        codes |= set((yaml.safe_load(path.read_text("utf-8")) or {}).get("errors") or {})
    return codes


def test_exercise_reference_keeps_in_step_with_the_engine():
    """docs/exercises.md documents every command and every error code the catalogue has, and
    names no action that is not a command."""
    from sandbox.commands import COMMANDS

    text = (ROOT / "docs" / "exercises.md").read_text("utf-8")
    actions_part = text.split('<a name="actions">')[1].split('<a name="expect">')[0]
    errors_part = text.split('<a name="errors">')[1]
    documented_actions = set(TABLE_CODE.findall(actions_part))
    documented_actions |= {a for row in re.findall(r"^\| `report\.\S+` / `(\S+)`", actions_part, re.M)
                           for a in [row.strip("`")]}
    assert documented_actions == set(COMMANDS), (
        f"not documented: {sorted(set(COMMANDS) - documented_actions)}; "
        f"not a command: {sorted(documented_actions - set(COMMANDS))}"
    )
    missing = catalogue_error_codes() - set(TABLE_CODE.findall(errors_part))
    assert not missing, f"error codes docs/exercises.md does not explain: {sorted(missing)}"
