"""Immutable rule-set model (what a YAML file becomes) and verdict model (what evaluation gives)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from jinxiu.engines.rules.expr import Node
from jinxiu.engines.rules.facts import FactSpec

# --------------------------------------------------------------------------- rule sets


@dataclass(frozen=True, slots=True)
class Band:
    """One row of a points item: ``when`` (an expression) or ``min``/``max`` bounds on the
    item's ``value`` (inclusive), or neither (= otherwise). ``points`` is (low, high): a range
    when the official table leaves the exact score to an expert (e.g. 7–8)."""

    points: tuple[int | float, int | float]
    label: str = ""
    when: Node | None = None
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    title: str
    max: int | float
    group: str | None = None
    section: str = ""
    value: Node | None = None
    score_fact: str | None = None  # an expert's score, used when present
    bands: tuple[Band, ...] = ()
    assumption: str = ""
    note: str = ""
    unit: str = ""  # of the value ("ratio" shows as %)


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    title: str
    max: int | float | None = None  # cap on the group subtotal
    min: int | float | None = None  # the subtotal the pass rule requires


@dataclass(frozen=True, slots=True)
class PointsTable:
    items: tuple[Item, ...]
    groups: tuple[Group, ...]
    pass_mark: int | float | None
    strict: bool = False  # True: total must be > pass_mark (高企: 70分以上不含70分)


@dataclass(frozen=True, slots=True)
class Criterion:
    """A test (one expression), an all-of / any-of group, or a points table."""

    id: str
    title: str
    kind: str  # "test" | "all" | "any" | "points"
    section: str = ""
    test: Node | None = None
    children: tuple[Criterion, ...] = ()
    table: PointsTable | None = None
    assumption: str = ""  # non-empty: this criterion rests on an unconfirmed reading
    manual: bool = False  # needs a reviewer's input
    note: str = ""
    path: str = ""  # where it sits in the rule file


@dataclass(frozen=True, slots=True)
class Output:
    id: str
    title: str
    expr: Node
    unit: str = ""


@dataclass(frozen=True, slots=True)
class Assumption:
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Version:
    id: str
    title: str
    issuer: str
    document: str
    published: date | None
    effective_from: date
    effective_to: date | None
    kind: str = "qualification"  # or "classification"
    sources: tuple[str, ...] = ()
    confidence: str = ""
    note: str = ""
    assumptions: tuple[Assumption, ...] = ()
    derived: tuple[tuple[str, Node], ...] = ()
    criteria: tuple[Criterion, ...] = ()
    classes: tuple[Criterion, ...] = ()  # classification: first class that holds wins
    outputs: tuple[Output, ...] = ()
    content_hash: str = ""
    # lookup tables filled by the loader ("criteria": id -> Criterion, "derived": name -> Node)
    index: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def find(self, cid: str) -> Criterion | None:
        stack = list(self.criteria)
        while stack:
            c = stack.pop()
            if c.id == cid:
                return c
            stack.extend(c.children)
        return None


@dataclass(frozen=True, slots=True)
class RuleSet:
    id: str
    name: str
    name_en: str
    versions: tuple[Version, ...]
    catalogue: dict[str, FactSpec] = field(hash=False, compare=False)
    description: str = ""
    file: str = ""

    def version_on(self, on: date) -> Version:
        for v in self.versions:
            if v.in_force(on):
                return v
        spans = ", ".join(
            f"{v.id} ({v.effective_from} – {v.effective_to or 'open'})" for v in self.versions
        )
        raise NoVersionInForce(f"{self.id}: no version in force on {on} (versions: {spans})")

    def version(self, vid: str) -> Version:
        for v in self.versions:
            if v.id == vid:
                return v
        raise KeyError(f"{self.id}: no version {vid!r}")


class NoVersionInForce(LookupError):
    pass


# --------------------------------------------------------------------------- verdicts


class Status(StrEnum):
    QUALIFIES = "qualifies"
    FAILS = "does_not_qualify"
    UNKNOWN = "cannot_tell"


def status_of(value: bool | None) -> Status:
    if value is None:
        return Status.UNKNOWN
    return Status.QUALIFIES if value else Status.FAILS


@dataclass(frozen=True, slots=True)
class FactUse:
    """A fact value the verdict rests on."""

    name: str
    year: int | None
    value: Any
    source: str | None
    label: str = ""
    unit: str = ""


@dataclass(frozen=True, slots=True)
class Check:
    """One comparison: the value used, the operator and the threshold."""

    text: str
    value: Any
    op: str
    threshold: Any
    status: Status
    unit: str = ""


@dataclass(frozen=True, slots=True)
class ItemScore:
    id: str
    title: str
    group: str | None
    max: int | float
    points: tuple[int | float, int | float] | None  # (low, high); None = cannot tell
    value: Any = None
    band: str = ""
    facts: tuple[FactUse, ...] = ()
    missing: tuple[str, ...] = ()
    note: str = ""
    assumption: str = ""
    unit: str = ""


@dataclass(frozen=True, slots=True)
class GroupScore:
    id: str
    title: str
    low: float
    high: float
    max: float | None
    min: float | None
    status: Status


@dataclass(frozen=True, slots=True)
class Outcome:
    """A criterion as evaluated."""

    id: str
    title: str
    kind: str
    status: Status
    section: str = ""
    checks: tuple[Check, ...] = ()
    facts: tuple[FactUse, ...] = ()
    missing: tuple[str, ...] = ()  # e.g. "rd_expense[2025]"
    reason: str = ""
    children: tuple[Outcome, ...] = ()
    items: tuple[ItemScore, ...] = ()
    groups: tuple[GroupScore, ...] = ()
    total: tuple[float, float] | None = None
    pass_mark: float | None = None
    strict: bool = False
    assumption: str = ""
    manual: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class OutputValue:
    id: str
    title: str
    value: Any
    unit: str = ""
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Verdict:
    ruleset_id: str
    ruleset_name: str
    version: Version
    assessed_on: date
    status: Status
    criteria: tuple[Outcome, ...]
    enterprise: str = ""
    classification: str | None = None  # classification rule sets: the class id
    classification_title: str = ""
    classes: tuple[Outcome, ...] = ()
    outputs: tuple[OutputValue, ...] = ()
    missing: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()  # the assumptions this verdict rests on
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Change:
    """One fact that would have to change (a line of the gap list)."""

    fact: str
    year: int | None
    current: Any
    required: Any
    label: str = ""
    unit: str = ""
    action: str = "change"  # "raise" | "lower" | "set" | "provide"
    criterion: str = ""
    measure: str = ""  # the criterion's own measure before → after, e.g. "2.1 % → 3.0 %"

    @property
    def delta(self) -> float | None:
        if isinstance(self.current, int | float) and isinstance(self.required, int | float):
            if isinstance(self.current, bool) or isinstance(self.required, bool):
                return None
            return self.required - self.current
        return None


@dataclass(frozen=True, slots=True)
class GapList:
    """The smallest set of changes found that would make the firm qualify."""

    status: Status  # the verdict it was computed from
    changes: tuple[Change, ...] = ()
    feasible: bool = True  # False: no change of single facts was found for some criterion
    notes: tuple[str, ...] = ()
    effort: float = 0.0  # sum of the relative changes (a bool or enum change counts 1)

    @property
    def rank_key(self) -> tuple[int, int, float]:
        """Sort key for "closest to qualifying": feasible first, fewer changes, smaller ones."""
        return (0 if self.feasible else 1, len(self.changes), self.effort)
