"""Atlas presets (四图五清单, 十个一, 七个一) from ``data/presets.yaml``: data, not code."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data" / "presets.yaml"
KINDS = ("chain_graph", "region_map", "technology_roadmap", "application_map", "gap_table",
         "key_enterprises", "technologies", "bottlenecks", "candidate_map", "key_projects",
         "key_platforms")


class PresetError(ValueError):
    pass


@dataclass(frozen=True)
class Section:
    title: str
    kind: str


@dataclass(frozen=True)
class Preset:
    id: str
    name: str
    source: str
    sections: tuple[Section, ...]


def parse_presets(data) -> dict[str, Preset]:
    out: dict[str, Preset] = {}
    for i, item in enumerate((data or {}).get("presets") or []):
        pid = str(item.get("id") or "")
        if not pid or not item.get("name") or not item.get("source"):
            raise PresetError(f"preset {i + 1}: id, name and source are required")
        sections = []
        for j, sec in enumerate(item.get("sections") or []):
            if sec.get("kind") not in KINDS:
                raise PresetError(f"preset {pid}, section {j + 1}: unknown kind "
                                  f"{sec.get('kind')!r} (known: {', '.join(KINDS)})")
            sections.append(Section(str(sec.get("title") or sec["kind"]), sec["kind"]))
        if not sections:
            raise PresetError(f"preset {pid}: no sections")
        out[pid] = Preset(pid, str(item["name"]), str(item["source"]).strip(),
                          tuple(sections))
    return out


@cache
def presets() -> dict[str, Preset]:
    with DATA.open(encoding="utf-8") as handle:
        return parse_presets(yaml.safe_load(handle))
