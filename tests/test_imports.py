"""No product package imports the benchmark harness (it is a development tool, not installed)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("dashboard", "layers", "sahel_data")


def imported_modules(path: Path) -> list[str]:
    """Every module ``path`` imports, at any depth (function-level imports included)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("import_module", "__import__")
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append(node.args[0].value)
    return found


def product_files() -> list[Path]:
    return sorted(p for package in PRODUCT for p in (ROOT / package).rglob("*.py"))


def test_no_product_module_imports_benchmarks():
    offenders = [f"{path.relative_to(ROOT)}: {module}" for path in product_files() for module in imported_modules(path)
                 if module == "benchmarks" or module.startswith("benchmarks.")]
    assert offenders == []


def test_the_walk_sees_imports_at_every_depth(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom benchmarks.run import main\n\ndef f():\n    import benchmarks.load\n"
                      "    importlib.import_module('benchmarks.startup')\n", encoding="utf-8")
    assert imported_modules(sample) == ["os", "benchmarks.run", "benchmarks.load", "benchmarks.startup"]
    assert len(product_files()) > 50  # the walk finds the packages
