"""No import circle (导入环) comes back: ``scripts/import_cycles.py`` over the whole package."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "import_cycles.py"


def _checker():
    spec = importlib.util.spec_from_file_location("import_cycles", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_import_circle():
    checker = _checker()
    found = checker.circles(checker.edges(checker.modules()))
    assert found == [], "import circles (a deferred import counts too): " + "; ".join(
        " ↔ ".join(circle) for circle in found
    )


def test_the_checker_sees_a_deferred_import_circle(tmp_path):
    checker = _checker()
    package = tmp_path / "sd" / "archive"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "low.py").write_text("def f():\n    from sd.archive.high import g\n")
    (package / "high.py").write_text("from sd.archive import low\n")
    (package / "alone.py").write_text("import os\n")
    found = checker.circles(checker.edges(checker.modules(tmp_path)))
    assert found == [["sd.archive.high", "sd.archive.low"]]
    top_level = checker.circles(checker.edges(checker.modules(tmp_path), top_level_only=True))
    assert top_level == []
