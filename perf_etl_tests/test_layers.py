"""The layers of perf_etl point one way (docs/architecture.md, "Layers"): a package imports only the packages
of its own layer or below. Imports under `if TYPE_CHECKING:` do not count (they run nothing).

The imports that still point up are listed in KNOWN_UPWARD with why; issue 17 removes them one by one. The
test fails on a new upward import, and on a listed one that is gone (so the list only shrinks).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "perf_etl"

# Bottom to top. A unit is a subpackage or a top-level module of perf_etl.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("text", "settings", "pool"),  # characters, words, numbers; configuration; the worker pool
    ("models", "core_tables", "grid"),  # the rows and table grids every stage passes on
    ("tables",),  # table grids from pages, cells and flattened text; the 自评表's header words
    ("ingest",),  # reading: formats, engines, OCR
    ("normalize",),  # the one final text
    ("extract",),  # fields, and tables interpreted as indicators
    ("validate",),
    ("warehouse",),
    ("marts",),
    ("publish",),
    ("parallel", "stages", "landing_watch", "event_log", "instance", "review"),  # the stages, and running them
    ("defs", "commands", "cli"),  # the Dagster layer and the command line
)

# (importer, imported): why it still points up.
KNOWN_UPWARD: dict[tuple[str, str], str] = {}


def _layer_of() -> dict[str, int]:
    return {unit: i for i, units in enumerate(LAYERS) for unit in units}


def _unit(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "perf_etl" else None


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            guarded |= {id(inner) for inner in ast.walk(node)}
    return guarded


def _imported_units(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    guarded = _type_checking_nodes(tree)
    modules: list[str] = []
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from perf_etl import settings" imports perf_etl.settings
            names = [f"{node.module}.{a.name}" for a in node.names] if node.module == "perf_etl" else [node.module]
            modules += names
        elif isinstance(node, ast.Import):
            modules += [a.name for a in node.names]
    return {unit for unit in map(_unit, modules) if unit is not None}


def upward_imports() -> dict[tuple[str, str], list[str]]:
    """(importer, imported) -> the files with an import from a lower layer to a higher one."""
    layer = _layer_of()
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        importer = relative.parts[0].removesuffix(".py")
        if importer == "__init__":
            continue
        for imported in _imported_units(path):
            if imported != importer and layer[imported] > layer[importer]:
                found.setdefault((importer, imported), []).append(str(relative))
    return found


def test_every_unit_has_a_layer() -> None:
    units = {p.name.removesuffix(".py") for p in PACKAGE.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    assert units - {"__init__"} == set(_layer_of())


def test_imports_point_down_except_the_listed_ones() -> None:
    found = upward_imports()
    new = {edge: files for edge, files in found.items() if edge not in KNOWN_UPWARD}
    gone = set(KNOWN_UPWARD) - set(found)
    assert not new, f"imports pointing up a layer (docs/architecture.md, Layers): {new}"
    assert not gone, f"no longer pointing up, remove from KNOWN_UPWARD: {gone}"


def test_the_text_layer_imports_no_other_package() -> None:
    imported = set().union(*(_imported_units(p) for p in (PACKAGE / "text").glob("*.py")))
    assert imported <= {"text"}
