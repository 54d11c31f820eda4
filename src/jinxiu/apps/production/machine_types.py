"""Machine types and which may share a station, from ``data/machine_types.yaml``: the
machines of garment sewing lines and of shoe factories' stitching (针车) and lasting (成型)
lines, each in a group that the choice lists and messages show it under."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from django.utils.functional import lazy
from django.utils.translation import get_language

from jinxiu.apps.core.tabular import norm_header

DATA = Path(__file__).parent / "data" / "machine_types.yaml"


@dataclass(frozen=True)
class MachineTypes:
    labels: dict[str, tuple[str, str]]  # code -> (zh, en)
    universal: frozenset[str]
    compatible: frozenset[frozenset[str]]
    # every name a bulletin may give a type, as ``name_key`` folds it -> code: the code, the
    # Chinese and English labels, the English label without its stitch class, the aliases
    names: dict[str, str] = field(default_factory=dict)
    groups: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (zh, en)
    group_of: dict[str, str] = field(default_factory=dict)  # type code -> group code
    # conveyor machines nobody staffs (烘箱, 冷冻机): their operations count the operator's
    # handling time only; they are among the universal types
    conveyor: frozenset[str] = frozenset()

    def code_for(self, name: str | None) -> str | None:
        """The type a bulletin's machine cell names (exactly, once folded), or None."""
        return self.names.get(name_key(name)) if name_key(name) else None

    def choices(self) -> list:
        """(group label, [(code, label), …]) per group, in the file's order (a select shows
        them as option groups; a file without groups gives the (code, label) pairs alone);
        the labels follow the active language when displayed."""
        if not self.groups:
            return [(code, _lazy_label(code)) for code in self.labels]
        return [(_lazy_group(group), [(code, _lazy_label(code)) for code in codes])
                for group, codes in self.by_group().items()]

    def by_group(self) -> dict[str, list[str]]:
        """Group code -> its type codes, both in the file's order (groups without types left
        out)."""
        out: dict[str, list[str]] = {g: [] for g in self.groups}
        for code in self.labels:
            out.setdefault(self.group_of.get(code, ""), []).append(code)
        return {g: codes for g, codes in out.items() if codes}

    def label(self, code: str | None) -> str:
        if not code:
            return ""
        return _pick(self.labels.get(code, (code, code)))

    def group_label(self, group: str) -> str:
        return _pick(self.groups.get(group, (group, group)))

    def can_share(self, a: str | None, b: str | None) -> bool:
        if a is None or b is None or a == b or a in self.universal or b in self.universal:
            return True
        return frozenset((a, b)) in self.compatible


def _pick(names: tuple[str, str]) -> str:
    """The Chinese or the English name, by the active language (Chinese by default)."""
    return names[0] if (get_language() or "zh-hans").startswith("zh") else names[1]


def _label_now(code: str) -> str:
    return machine_types().label(code)


def _group_now(group: str) -> str:
    return machine_types().group_label(group)


_lazy_label = lazy(_label_now, str)
_lazy_group = lazy(_group_now, str)


def name_key(text) -> str:
    """A name as compared: full-width forms folded (NFKC: "（" is "(", "Ｏ／Ｌ" is "o/l"),
    no whitespace, lower case."""
    return norm_header(text)


@cache
def machine_types() -> MachineTypes:
    return load_machine_types(DATA)


def load_machine_types(path: Path) -> MachineTypes:
    """The types of a machine-types file; ValueError where a name (label or alias) would
    stand for two types, a pair names an unknown type, or a type an unknown group (a file
    without groups puts every type in one group, "")."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    labels = {m["code"]: (m["zh"], m["en"]) for m in raw["machine_types"]}
    groups = {g["code"]: (g["zh"], g["en"]) for g in raw.get("groups") or []}
    group_of = {m["code"]: m.get("group", "") for m in raw["machine_types"]}
    stray = {code: g for code, g in group_of.items() if g not in groups and (groups or g)}
    if stray:
        raise ValueError(f"{path}: types in unknown groups: {stray}")
    names: dict[str, str] = {}
    for m in raw["machine_types"]:
        aliases = m.get("aliases") or []
        bad = [a for a in aliases if not isinstance(a, str) or not name_key(a)]
        if bad:  # YAML reads a bare yes/no/on/off/1 as no string
            raise ValueError(f"{path}: {m['code']}: aliases that are no names: {bad!r}")
        for name in (m["code"], m["zh"], m["en"], m["en"].split("(")[0], *aliases):
            key = name_key(name)
            if names.setdefault(key, m["code"]) != m["code"]:
                raise ValueError(f"{path}: “{name}” would name both {names[key]} and "
                                 f"{m['code']}")
    pairs = frozenset(frozenset(p) for p in raw["compatible"])
    for pair in pairs:
        unknown = set(pair) - set(labels)
        if unknown:
            raise ValueError(f"{path}: compatible pair names unknown types {sorted(unknown)}")
    conveyor = frozenset(raw.get("conveyor") or ())
    if conveyor - set(raw["universal"]):
        raise ValueError(f"{path}: conveyor types must be universal too: "
                         f"{sorted(conveyor - set(raw['universal']))}")
    return MachineTypes(labels, frozenset(raw["universal"]), pairs, names, groups, group_of,
                        conveyor)
