"""docs/engines/rules.md lists every shipped rule set, assumption and fact name."""

from __future__ import annotations

from pathlib import Path

from jinxiu.engines.rules.docgen import update

DOC = Path(__file__).resolve().parents[3] / "docs" / "engines" / "rules.md"


def test_generated_tables_are_in_sync():
    text = DOC.read_text(encoding="utf-8")
    assert update(text) == text, "run: python -m jinxiu.engines.rules.docgen docs/engines/rules.md"
