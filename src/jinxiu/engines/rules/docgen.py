"""Regenerate the tables of docs/engines/rules.md from the shipped rule sets and fact catalogue.

    python -m jinxiu.engines.rules.docgen docs/engines/rules.md

Tables sit between ``<!-- generated:NAME -->`` and ``<!-- /generated:NAME -->`` markers; a test
checks that the document is in sync with the data.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from jinxiu.engines.rules.loader import catalogue, load_shipped

MOVES = {"higher": "up", "lower": "down", "none": "either way"}


def tables() -> dict[str, str]:
    cat = catalogue()
    shipped = load_shipped()
    facts = [
        "| name | 中文 | meaning | type | unit | by year | gap moves |",
        "|---|---|---|---|---|---|---|",
    ]
    for n, s in cat.items():
        kind = s.type + (f" ({' / '.join(s.values)})" if s.values else "")
        moves = MOVES[s.better] if s.adjustable else "—"
        manual = " (manual)" if s.manual else ""
        yearly = "yes" if s.yearly else ""
        cells = [f"`{n}`", s.label_zh, s.label_en + manual, kind, s.unit, yearly, moves]
        facts.append("| " + " | ".join(cells) + " |")
    local = [
        f"| `{n}` | {s.label_zh} | {s.label_en} | {s.type} | `{rid}` |"
        for rid, rs in shipped.items()
        for n, s in rs.catalogue.items()
        if n not in cat
    ]
    if local:
        facts += [
            "",
            "Local facts declared inside shipped rule files:",
            "",
            "| name | 中文 | meaning | type | file |",
            "|---|---|---|---|---|",
            *local,
        ]
    assumptions = ["| rule set | version | id | assumption |", "|---|---|---|---|"]
    sets = [
        "| id | name | version | document (文号) | issuer | in force | confidence |",
        "|---|---|---|---|---|---|---|",
    ]
    for rid, rs in shipped.items():
        for v in rs.versions:
            assumptions += [f"| `{rid}` | {v.id} | `{a.id}` | {a.text} |" for a in v.assumptions]
            span = f"{v.effective_from} – {v.effective_to or 'open'}"
            sets.append(
                f"| `{rid}` | {rs.name} | {v.id} | {v.document} | {v.issuer} | {span} | "
                f"{v.confidence} |"
            )
    return {
        "sets": "\n".join(sets),
        "assumptions": "\n".join(assumptions),
        "facts": "\n".join(facts),
    }


def marker(name: str) -> re.Pattern[str]:
    return re.compile(rf"<!-- generated:{name} -->\n(.*?)\n<!-- /generated:{name} -->", re.S)


def update(text: str) -> str:
    for name, body in tables().items():
        pat = marker(name)
        if not pat.search(text):
            raise ValueError(f"marker generated:{name} is missing")
        text = pat.sub(
            lambda _m, n=name, b=body: f"<!-- generated:{n} -->\n{b}\n<!-- /generated:{n} -->",
            text,
        )
    return text


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "docs/engines/rules.md")
    path.write_text(update(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
