"""Machine types and which may share a station, from ``data/machine_types.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.utils.functional import lazy
from django.utils.translation import get_language

DATA = Path(__file__).parent / "data" / "machine_types.yaml"


@dataclass(frozen=True)
class MachineTypes:
    labels: dict[str, tuple[str, str]]  # code -> (zh, en)
    universal: frozenset[str]
    compatible: frozenset[frozenset[str]]

    def choices(self) -> list[tuple[str, object]]:
        """(code, label) pairs; the labels follow the active language when displayed."""
        return [(code, _lazy_label(code)) for code in self.labels]

    def label(self, code: str | None) -> str:
        if not code:
            return ""
        zh_name, en = self.labels.get(code, (code, code))
        return zh_name if (get_language() or "zh-hans").startswith("zh") else en

    def can_share(self, a: str | None, b: str | None) -> bool:
        if a is None or b is None or a == b or a in self.universal or b in self.universal:
            return True
        return frozenset((a, b)) in self.compatible


def _label_now(code: str) -> str:
    return machine_types().label(code)


_lazy_label = lazy(_label_now, str)


@cache
def machine_types() -> MachineTypes:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    labels = {m["code"]: (m["zh"], m["en"]) for m in raw["machine_types"]}
    pairs = frozenset(frozenset(p) for p in raw["compatible"])
    for pair in pairs:
        unknown = set(pair) - set(labels)
        if unknown:
            raise ValueError(f"{DATA}: compatible pair names unknown types {sorted(unknown)}")
    return MachineTypes(labels, frozenset(raw["universal"]), pairs)
