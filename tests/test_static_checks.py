"""mypy on the domain, the hub and the analytics (STYLE.md), ruff on the whole tree."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_motcua_and_sync() -> None:
    proc = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_ruff() -> None:
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "motcua", "sync", "diagnostics", "demo", "bench", "kiosk",
                           "printer_drivers", "counter_display", "scanners", "ui"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:]


# ------------------------------------------------------------------ import cycles and module size
MAX_LINES = 700
"""No module passes this many lines (STYLE.md)."""

ALLOWED_CYCLES: list[frozenset[str]] = [
    # Known cycles, each to be broken (issue #12); a cycle found must lie inside one of these groups, so
    # the list only shrinks. Remove a group when its cycle is gone.
]

ALLOWED_LONG: dict[str, int] = {
    # Known modules over MAX_LINES, with the most lines they may have until they are split (issue #12).
}


def _project_modules() -> dict[str, Path]:
    """Every module of the packages pyproject.toml ships, by dotted name."""
    import tomllib

    include = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"][
        "find"]["include"]
    mods: dict[str, Path] = {}
    for pattern in include:
        for path in (ROOT / pattern.rstrip("*")).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            mods[".".join(parts)] = path
    return mods


def _imports(mods: dict[str, Path]) -> dict[str, set[str]]:
    """Which project modules each module imports: at the top, in functions and under TYPE_CHECKING alike."""
    import ast

    def owner(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for mod, path in mods.items():
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps |= {o for a in node.names if (o := owner(a.name))}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                for a in node.names:  # `from pkg import module` imports the module
                    o = owner(f"{base}.{a.name}") if f"{base}.{a.name}" in mods else owner(base)
                    if o:
                        deps.add(o)
        deps.discard(mod)
        graph[mod] = deps
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(group)
    return found


def test_the_cycle_finder_finds_a_cycle_through_type_checking_and_function_imports() -> None:
    graph = {"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}, "a.w": {"a.x"}, "b": set()}
    assert _cycles(graph) == [{"a.x", "a.y", "a.z"}]
    mods = _project_modules()
    deps = _imports(mods)
    # kiosk.automation imports kiosk.app only under TYPE_CHECKING: it still counts
    assert "kiosk.app" in deps["kiosk.automation"]
    # counter_display.board imports ui.feed... through ui.bridge; and relative imports resolve
    assert {"ui.bridge", "counter_display.state"} <= deps["counter_display.board"]


def test_no_import_cycles_between_project_modules() -> None:
    bad = [sorted(group) for group in _cycles(_imports(_project_modules()))
           if not any(group <= allowed for allowed in ALLOWED_CYCLES)]
    assert bad == [], f"import cycles (imports under TYPE_CHECKING and inside functions count): {bad}"


def test_ui_imports_neither_device_app() -> None:
    deps = _imports(_project_modules())
    bad = {m: sorted(d for d in ds if d.split(".")[0] in ("kiosk", "counter_display"))
           for m, ds in deps.items() if m.split(".")[0] == "ui"}
    assert {m: d for m, d in bad.items() if d} == {}


def test_no_module_over_700_lines() -> None:
    sizes = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in _project_modules().items()}
    over = {m: n for m, n in sizes.items() if n > ALLOWED_LONG.get(m, MAX_LINES)}
    assert over == {}, f"modules over {MAX_LINES} lines (or over their allowance): {over}"
    stale = sorted(m for m in ALLOWED_LONG if sizes.get(m, 0) <= MAX_LINES)
    assert stale == [], f"these are short now: remove them from ALLOWED_LONG: {stale}"
