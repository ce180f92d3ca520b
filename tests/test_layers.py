"""Dependencies point down only (docs/architecture.md): no layer imports one above it (the rules not the input
contract, the policy not the rules, ...), the computing layers never reach the presentation or the edges, and the
presentation never reaches the CLI. Every import counts, the lazy ones inside functions too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import medaid

PACKAGE = Path(medaid.__file__).resolve().parent

#: The edges: nothing below them in docs/architecture.md's table imports them.
_EDGES = ("medaid.present", "medaid.cli", "medaid.service")
#: The executors and what builds on them, from the lowest up.
_ABOVE_RULES = ("medaid.batch", "medaid.ledger", "medaid.district", "medaid.whatif", "medaid.dist")

#: Layer -> the packages it must not import. Policy data, money and errors are the bottom; the rules (the
#: reference) read only them, not the input contract that sits on top of the rules.
FORBIDDEN = {
    "medaid.money": ("medaid.policy", "medaid.rules", "medaid.contract", *_ABOVE_RULES, *_EDGES),
    "medaid.errors": ("medaid.policy", "medaid.rules", "medaid.contract", *_ABOVE_RULES, *_EDGES),
    "medaid.policy": ("medaid.rules", "medaid.contract", *_ABOVE_RULES, *_EDGES),
    "medaid.rules": ("medaid.contract", *_ABOVE_RULES, *_EDGES),
    "medaid.contract": ("medaid.batch", "medaid.district", "medaid.whatif", "medaid.dist", *_EDGES),
    "medaid.batch": ("medaid.ledger", "medaid.district", "medaid.whatif", "medaid.dist", *_EDGES),
    "medaid.ledger": ("medaid.batch", "medaid.district", "medaid.whatif", "medaid.dist", *_EDGES),
    "medaid.district": ("medaid.ledger", "medaid.whatif", "medaid.dist", *_EDGES),
    "medaid.whatif": ("medaid.ledger", "medaid.dist", *_EDGES),
    "medaid.dist": ("medaid.ledger", *_EDGES),
    "medaid.present": ("medaid.cli", "medaid.service"),
}


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function (``from a import b`` counts ``a`` and ``a.b``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def modules(package: str) -> list[Path]:
    """The files of ``package``: a folder's modules, or the one file of a module (``medaid.money``)."""
    folder = PACKAGE.joinpath(*package.split(".")[1:])
    single = folder.with_suffix(".py")
    return [single] if single.is_file() else sorted(folder.rglob("*.py"))


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_imports_sees_lazy_imports(tmp_path: Path) -> None:
    """The checker finds an import inside a function, and both forms of ``from`` import."""
    source = tmp_path / "m.py"
    source.write_text("import a.b\n\ndef f():\n    from medaid import cli\n    from medaid.present.table import x\n")
    assert {"a.b", "medaid", "medaid.cli", "medaid.present.table", "medaid.present.table.x"} == imports(source)


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_nothing_below_it(layer: str) -> None:
    """No module of ``layer`` imports a package below it."""
    files = modules(layer)
    assert files, f"{layer} has no modules"
    wrong = sorted(
        f"{path.relative_to(PACKAGE.parent)} imports {name}"
        for path in files
        for name in imports(path)
        for banned in FORBIDDEN[layer]
        if within(name, banned)
    )
    assert [] == wrong
