"""The house rules of kg/ (issue #29), read from the source with ast:

- no import cycle, lazy imports inside functions included (a submodule importing its own package's
  __init__, which imports it back, is a cycle too);
- data flows one way: a stage imports only stages before it (ingest → structure → extract → graph →
  index → query → serve; the export reads the graph stage's store), the build runner sits above
  ingest..index, the CLI above all;
- no module over 600 lines, no function over 80;
- imports at module top, unless the line says why it is lazy (a comment).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parent.parent / "kg"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80

# Each room and the rooms it may import (besides the shared utilities below and itself).
STAGES = ["ingest", "gazetteer", "structure", "extract", "graph", "index", "query"]
UTILITIES = {"errors", "atomic", "resources", "workspace", "forked", "vocab", "version"}
MAY_IMPORT = {stage: set(STAGES[:i]) for i, stage in enumerate(STAGES)}
MAY_IMPORT["gazetteer"] = set()  # below structure and extract, above nothing
MAY_IMPORT["structure"] = {"ingest", "gazetteer"}
MAY_IMPORT["build"] = {"ingest", "gazetteer", "structure", "extract", "graph", "index"}
# The export writes the graph stage's store out as files (it reads nothing the query layer makes);
# the query layer's KnowledgeGraph offers it as g.export(), so query may import export, not the reverse.
MAY_IMPORT["export"] = {"ingest", "gazetteer", "structure", "extract", "graph"}
MAY_IMPORT["query"] = {*MAY_IMPORT["query"], "export"}
MAY_IMPORT["serve"] = {*STAGES, "export"}
MAY_IMPORT["cli"] = {*STAGES, "build", "serve", "export", "__init__", "cli_progress"}
MAY_IMPORT["cli_progress"] = set()  # the build's progress lines, printed by the CLI
MAY_IMPORT["__main__"] = {"cli"}
MAY_IMPORT["__init__"] = {"query", "build"}  # kg.open() and kg.build()
for utility in UTILITIES:
    MAY_IMPORT[utility] = set(UTILITIES)


def modules() -> dict[str, Path]:
    found = {}
    for path in KG.rglob("*.py"):
        parts = path.relative_to(KG.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imported(name: str, path: Path, known: dict[str, Path]):
    """(line, module) for every kg module this one imports, at any depth of the code."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, *([node.module] if node.module else [])])
            targets = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known] or [base]
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield node.lineno, target


def room(name: str) -> str:
    parts = name.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def test_no_import_cycle():
    known = modules()
    edges = {name: {t for _, t in imported(name, path, known)} for name, path in known.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in edges:
        if v not in index:
            visit(v)
    assert not cycles, cycles


def test_data_flows_one_way():
    known = modules()
    wrong = []
    for name, path in known.items():
        mine = room(name)
        allowed = MAY_IMPORT.get(mine, set()) | UTILITIES | {mine}
        for line, target in imported(name, path, known):
            if room(target) not in allowed:
                wrong.append(f"{path.relative_to(KG.parent)}:{line} ({mine}) imports {target}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", sorted(KG.rglob("*.py")), ids=lambda p: str(p.relative_to(KG)))
def test_module_and_function_sizes(path):
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= MAX_MODULE_LINES
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for node in ast.walk(ast.parse(source))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long


@pytest.mark.parametrize("path", sorted(KG.rglob("*.py")), ids=lambda p: str(p.relative_to(KG)))
def test_imports_at_top_unless_the_line_says_why(path):
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    unexplained = [f"{node.lineno}: {lines[node.lineno - 1].strip()}"
                   for function in ast.walk(ast.parse(source))
                   if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
                   for node in ast.walk(function)
                   if isinstance(node, (ast.Import, ast.ImportFrom)) and "#" not in lines[node.lineno - 1]]
    assert not unexplained
