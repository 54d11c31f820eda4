"""Reading and validating rule-set files (YAML).

Every problem is reported with the file, the line, the path inside the document
(``versions[1].criteria[2].test``) and the reason, and all problems of a file are collected
before :class:`RuleSetError` is raised, so a bureau editing a copy sees everything at once.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from jinxiu.engines.rules import expr as ex
from jinxiu.engines.rules.facts import (
    FACT_TYPES,
    SPEC_KEYS,
    FactSpec,
    load_catalogue,
    spec_from_dict,
)
from jinxiu.engines.rules.model import (
    Assumption,
    Band,
    Criterion,
    Group,
    Item,
    Output,
    PointsTable,
    RuleSet,
    Version,
)

DATA_DIR = Path(__file__).with_name("data")

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int | None
    path: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path or '(top)'}: {self.reason}"


class RuleSetError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in problems))


def _kind(v: Any) -> str:
    """How a YAML value is called in a problem message."""
    if isinstance(v, Mapping):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    if v is None:
        return "nothing"
    return f"{type(v).__name__} {v!r}"


def _canonical(raw: Any) -> Any:
    """The raw version with every mapping key as text (YAML allows 3: or true: as keys)."""
    if isinstance(raw, Mapping):
        return {str(k): _canonical(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return [_canonical(v) for v in raw]
    return raw


def _fmt(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML, with dates left as text so that a bad date is reported with its line."""


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


def _line_map(text: str) -> dict[Path_, int]:
    lines: dict[Path_, int] = {}
    try:
        root = yaml.compose(text, Loader=_BaseLoader)
    except yaml.YAMLError:
        return lines

    def visit(node: yaml.Node, path: Path_, depth: int) -> None:
        if depth > 40:
            return
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    lines.setdefault((*path, key.value, "__key__"), key.start_mark.line + 1)
                    visit(value, (*path, key.value), depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                visit(value, (*path, i), depth + 1)

    if root is not None:
        visit(root, (), 0)
    return lines


RULESET_KEYS = {"id", "name", "name_en", "description", "facts", "versions"}
VERSION_KEYS = {
    "id",
    "title",
    "issuer",
    "document",
    "published",
    "effective_from",
    "effective_to",
    "kind",
    "sources",
    "confidence",
    "note",
    "assumptions",
    "derived",
    "criteria",
    "classes",
    "outputs",
}
CRITERION_KEYS = {
    "id",
    "title",
    "section",
    "test",
    "all",
    "any",
    "points",
    "assumption",
    "manual",
    "note",
    "when",
}
POINTS_KEYS = {"pass", "pass_above", "groups", "items"}
ITEM_KEYS = {
    "id",
    "title",
    "group",
    "max",
    "section",
    "value",
    "score_fact",
    "bands",
    "assumption",
    "note",
    "unit",
}
BAND_KEYS = {"points", "label", "when", "min", "max"}


class _Builder:
    def __init__(self, file: str, text: str, catalogue: Mapping[str, FactSpec]) -> None:
        self.file = file
        self.lines = _line_map(text)
        self.problems: list[Problem] = []
        self.catalogue: dict[str, FactSpec] = dict(catalogue)

    # -- reporting
    def err(self, path: Path_, reason: str, *, key: bool = False) -> None:
        line = None
        if key and (*path, "__key__") in self.lines:
            line = self.lines[(*path, "__key__")]
        else:
            p = path
            while p and p not in self.lines:
                p = p[:-1]
            line = self.lines.get(p)
        self.problems.append(Problem(self.file, line, _fmt(path), reason))

    def keys(self, raw: Mapping[str, Any], allowed: set[str], path: Path_) -> None:
        for k in raw:
            if k not in allowed:
                near = difflib.get_close_matches(str(k), sorted(allowed), n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                self.err((*path, str(k)), f"unknown key {k!r}{hint}", key=True)

    def mapping(self, raw: Any, path: Path_, what: str) -> Mapping[str, Any] | None:
        if not isinstance(raw, Mapping):
            self.err(path, f"{what} must be a mapping (key: value), got {_kind(raw)}")
            return None
        return raw

    def seq(self, raw: Mapping[str, Any], key: str, path: Path_, what: str) -> list[Any]:
        """``raw[key]`` as a list (empty when absent); anything else is reported."""
        v = raw.get(key)
        if v is None:
            return []
        if not isinstance(v, list):
            self.err((*path, key), f"{key} must be a list of {what}, got {_kind(v)}")
            return []
        return v

    def name(self, v: Any, path: Path_, what: str) -> str | None:
        """An identifier (text), or None with a problem reported."""
        if not isinstance(v, str) or not v:
            self.err(path, f"{what} must be a name (text), got {v!r}")
            return None
        return v

    def text(self, raw: Mapping[str, Any], key: str, path: Path_, *, required: bool) -> str:
        v = raw.get(key)
        if v is None:
            if required:
                self.err(path, f"missing required key {key!r}")
            return ""
        if not isinstance(v, str | int | float) or isinstance(v, bool):
            self.err((*path, key), f"{key} must be text")
            return ""
        return str(v)

    def date_(
        self, raw: Mapping[str, Any], key: str, path: Path_, *, required: bool
    ) -> date | None:
        v = raw.get(key)
        if v is None:
            if required:
                self.err(path, f"missing required key {key!r}")
            return None
        if isinstance(v, date):
            return v
        try:
            return date.fromisoformat(str(v))
        except ValueError:
            self.err((*path, key), f"{key} must be a date YYYY-MM-DD, got {v!r}")
            return None

    def number(self, v: Any, path: Path_, what: str) -> float | int | None:
        if isinstance(v, bool) or not isinstance(v, int | float):
            self.err(path, f"{what} must be a number, got {v!r}")
            return None
        return v

    # -- expressions
    def expression(self, raw: Any, path: Path_, known: set[str]) -> ex.Node | None:
        if isinstance(raw, bool):
            raw = "true" if raw else "false"
        if not isinstance(raw, str):
            self.err(path, f"an expression must be text, got {raw!r}")
            return None
        try:
            node = ex.parse(raw)
        except ex.ExprError as exc:
            col = f" at column {exc.col + 1}" if exc.col is not None else ""
            self.err(path, f"malformed expression {raw.strip()!r}{col}: {exc}")
            return None
        for n in ex.walk(node):
            if isinstance(n, ex.Ref):
                if n.name in self.derived_names:
                    if n.rel is not None or n.year is not None:
                        self.err(path, f"derived value {n.name!r} takes no [year]")
                elif n.name not in self.catalogue:
                    near = difflib.get_close_matches(n.name, sorted(self.catalogue), n=1)
                    hint = f" (did you mean {near[0]!r}?)" if near else ""
                    self.err(path, f"unknown fact {n.name!r}{hint}")
            if (
                isinstance(n, ex.Compare)
                and isinstance(n.left, ex.Ref)
                and isinstance(n.right, ex.Const)
                and n.left.name in self.catalogue
                and self.catalogue[n.left.name].type == "enum"
            ):
                allowed = self.catalogue[n.left.name].values
                vals = n.right.value if isinstance(n.right.value, tuple) else (n.right.value,)
                for v in vals:
                    if v not in allowed:
                        self.err(path, f"{n.left.name} has no value {v!r} (one of {allowed})")
        self.expr_refs.append((path, node))
        return node

    # -- criteria
    def criterion(self, raw: Any, path: Path_) -> Criterion | None:
        m = self.mapping(raw, path, "a criterion")
        if m is None:
            return None
        self.keys(m, CRITERION_KEYS, path)
        cid = self.text(m, "id", path, required=True)
        if cid:
            if cid in self.ids:
                self.err((*path, "id"), f"duplicate criterion id {cid!r}")
            self.ids[cid] = "?"
        title = self.text(m, "title", path, required=False) or cid
        kinds = [k for k in ("test", "when", "all", "any", "points") if k in m]
        if len(kinds) != 1:
            self.err(
                path,
                "a criterion needs exactly one of test / all / any / points"
                + (f" (has {', '.join(kinds)})" if kinds else ""),
            )
            return None
        kind = "test" if kinds[0] == "when" else kinds[0]
        manual = m.get("manual", False)
        if not isinstance(manual, bool):
            self.err((*path, "manual"), "manual must be true or false")
            manual = False
        common = {
            "id": cid,
            "title": title,
            "section": self.text(m, "section", path, required=False),
            "assumption": self.assumption(m, path),
            "note": self.text(m, "note", path, required=False),
            "manual": manual,
            "path": _fmt(path),
        }
        if kind == "test":
            node = self.expression(m[kinds[0]], (*path, kinds[0]), self.all_names)
            self.ids[cid] = "test"
            return Criterion(kind="test", test=node, **common) if node else None
        if kind in ("all", "any"):
            children_raw = m[kind]
            if not isinstance(children_raw, list) or not children_raw:
                self.err((*path, kind), f"{kind} must be a non-empty list of criteria")
                return None
            children = [self.criterion(c, (*path, kind, i)) for i, c in enumerate(children_raw)]
            self.ids[cid] = kind
            return Criterion(
                kind=kind, children=tuple(c for c in children if c is not None), **common
            )
        table = self.points(m["points"], (*path, "points"))
        self.ids[cid] = "points"
        return Criterion(kind="points", table=table, **common) if table else None

    def assumption(self, m: Mapping[str, Any], path: Path_) -> str:
        """An assumption is free text, or the id of one of the version's assumptions."""
        text = self.text(m, "assumption", path, required=False)
        return self.assumption_texts.get(text, text)

    def points(self, raw: Any, path: Path_) -> PointsTable | None:
        m = self.mapping(raw, path, "points")
        if m is None:
            return None
        self.keys(m, POINTS_KEYS, path)
        if "pass" in m and "pass_above" in m:
            self.err(path, "give either pass (total ≥ mark) or pass_above (total > mark)")
        mark_raw = m.get("pass_above", m.get("pass"))
        mark = None
        if mark_raw is not None:
            mark = self.number(mark_raw, (*path, "pass"), "pass")
        groups: list[Group] = []
        for i, g in enumerate(self.seq(m, "groups", path, "groups")):
            gp = (*path, "groups", i)
            gm = self.mapping(g, gp, "a group")
            if gm is None:
                continue
            self.keys(gm, {"id", "title", "max", "min"}, gp)
            gid = self.text(gm, "id", gp, required=True)
            gmax = self.number(gm["max"], (*gp, "max"), "max") if "max" in gm else None
            gmin = self.number(gm["min"], (*gp, "min"), "min") if "min" in gm else None
            groups.append(Group(gid, self.text(gm, "title", gp, required=False) or gid, gmax, gmin))
        group_ids = {g.id for g in groups}
        items: list[Item] = []
        items_raw = m.get("items")
        if not isinstance(items_raw, list) or not items_raw:
            self.err(path, "points needs a non-empty list of items")
            return None
        for i, it in enumerate(items_raw):
            item = self.item(it, (*path, "items", i), group_ids)
            if item:
                items.append(item)
        total_max = sum(i.max for i in items)
        if mark is not None and mark > total_max:
            self.err((*path, "pass"), f"pass mark {mark} is above the maximum total {total_max}")
        for g in groups:
            gsum = sum(i.max for i in items if i.group == g.id)
            if g.min is not None and g.min > min(gsum, g.max if g.max is not None else gsum):
                self.err(path, f"group {g.id!r}: minimum {g.min} is above its maximum {gsum}")
        return PointsTable(tuple(items), tuple(groups), mark, strict="pass_above" in m)

    def item(self, raw: Any, path: Path_, group_ids: set[str]) -> Item | None:
        m = self.mapping(raw, path, "an item")
        if m is None:
            return None
        self.keys(m, ITEM_KEYS, path)
        iid = self.text(m, "id", path, required=True)
        if iid in self.ids:
            self.err((*path, "id"), f"duplicate id {iid!r}")
        self.ids[iid] = "item"
        imax = self.number(m.get("max"), (*path, "max"), "max")
        group = m.get("group")
        if group is not None and not isinstance(group, str):
            self.err((*path, "group"), f"group must be a group id (text), got {group!r}")
            group = None
        elif group is not None and group not in group_ids:
            self.err((*path, "group"), f"unknown group {group!r} (groups: {sorted(group_ids)})")
        value = (
            self.expression(m["value"], (*path, "value"), self.all_names) if "value" in m else None
        )
        score_fact = m.get("score_fact")
        if score_fact is not None and not isinstance(score_fact, str):
            self.err((*path, "score_fact"), f"score_fact must be a fact name, got {score_fact!r}")
            score_fact = None
        elif score_fact is not None and score_fact not in self.catalogue:
            self.err((*path, "score_fact"), f"unknown fact {score_fact!r}")
        bands: list[Band] = []
        for j, b in enumerate(self.seq(m, "bands", path, "bands")):
            band = self.band(b, (*path, "bands", j), has_value=value is not None, imax=imax)
            if band:
                bands.append(band)
        if not bands and score_fact is None:
            self.err(path, "an item needs bands or a score_fact")
        if imax is None:
            return None
        return Item(
            id=iid,
            title=self.text(m, "title", path, required=False) or iid,
            max=imax,
            group=group,
            section=self.text(m, "section", path, required=False),
            value=value,
            score_fact=score_fact,
            bands=tuple(bands),
            assumption=self.assumption(m, path),
            note=self.text(m, "note", path, required=False),
            unit=self.text(m, "unit", path, required=False) or self.guess_unit(value),
        )

    def _derived_cycles(self, path: Path_) -> None:
        """Refuse derived values that depend on each other in a circle."""
        deps = {
            n: ex.names(node) & set(self.derived_raw_nodes)
            for n, node in self.derived_raw_nodes.items()
        }
        state: dict[str, int] = {}  # 1 = on the stack, 2 = done

        def visit(n: str, trail: list[str]) -> None:
            if state.get(n) == 2:
                return
            if state.get(n) == 1:
                cycle = [*trail[trail.index(n) :], n]
                self.err(
                    (*path, "derived", n),
                    "derived values refer to each other: " + " → ".join(cycle),
                )
                return
            state[n] = 1
            for d in sorted(deps[n]):
                if d != n:
                    visit(d, [*trail, n])
            state[n] = 2

        for n in deps:
            visit(n, [])

    def guess_unit(self, node: ex.Node | None, depth: int = 0) -> str:
        """ "ratio" for a quotient or growth rate (shown as %), else the fact's unit."""
        if node is None or depth > 10:
            return ""
        if isinstance(node, ex.BinOp) and node.op == "/":
            return "ratio"
        if isinstance(node, ex.Call) and node.func in ("avg_growth", "cagr"):
            return "ratio"
        if isinstance(node, ex.Ref):
            if node.name in self.derived_raw_nodes:
                return self.guess_unit(self.derived_raw_nodes[node.name], depth + 1)
            spec = self.catalogue.get(node.name)
            return spec.unit if spec else ""
        return ""

    def band(self, raw: Any, path: Path_, *, has_value: bool, imax: Any) -> Band | None:
        m = self.mapping(raw, path, "a band")
        if m is None:
            return None
        self.keys(m, BAND_KEYS, path)
        pts = m.get("points")
        if isinstance(pts, list) and len(pts) == 2:
            lo = self.number(pts[0], (*path, "points"), "points")
            hi = self.number(pts[1], (*path, "points"), "points")
        else:
            lo = hi = self.number(pts, (*path, "points"), "points")
        if lo is None or hi is None:
            return None
        if lo > hi:
            self.err((*path, "points"), f"points range {lo}–{hi} is reversed")
        if isinstance(imax, int | float) and hi > imax:
            self.err((*path, "points"), f"{hi} points is above the item maximum {imax}")
        when = self.expression(m["when"], (*path, "when"), self.all_names) if "when" in m else None
        bmin = self.number(m["min"], (*path, "min"), "min") if "min" in m else None
        bmax = self.number(m["max"], (*path, "max"), "max") if "max" in m else None
        if (bmin is not None or bmax is not None) and not has_value:
            self.err(path, "min/max bands need the item's value expression")
        if when is not None and (bmin is not None or bmax is not None):
            self.err(path, "a band has either when or min/max, not both")
        return Band((lo, hi), self.text(m, "label", path, required=False), when, bmin, bmax)

    # -- versions
    def version(self, raw: Any, path: Path_) -> Version | None:
        m = self.mapping(raw, path, "a version")
        if m is None:
            return None
        self.keys(m, VERSION_KEYS, path)
        self.ids: dict[str, str] = {}
        self.expr_refs: list[tuple[Path_, ex.Node]] = []
        self.assumption_texts: dict[str, str] = {}
        assumptions_raw = self.seq(m, "assumptions", path, "assumptions")
        for a in assumptions_raw:
            if isinstance(a, Mapping) and isinstance(a.get("id"), str):
                self.assumption_texts[a["id"]] = f"{a['id']}: {a.get('text', '')}"
        derived_raw = m.get("derived") or {}
        if not isinstance(derived_raw, Mapping):
            self.err((*path, "derived"), "derived must be a mapping name: expression")
            derived_raw = {}
        self.derived_names = set(derived_raw)
        for name in derived_raw:
            if name in self.catalogue:
                self.err((*path, "derived", name), f"derived {name!r} hides a fact", key=True)
        self.all_names = set(self.catalogue) | self.derived_names
        derived = []
        self.derived_raw_nodes: dict[str, ex.Node] = {}
        for name, text in derived_raw.items():
            node = self.expression(text, (*path, "derived", name), self.all_names)
            if node is not None:
                self.derived_raw_nodes[str(name)] = node
                if name in ex.names(node):
                    self.err((*path, "derived", name), f"derived {name!r} refers to itself")
                derived.append((str(name), node))
        self._derived_cycles(path)
        kind = m.get("kind", "qualification")
        if kind not in ("qualification", "classification"):
            self.err((*path, "kind"), "kind must be qualification or classification")
        criteria = []
        for i, c in enumerate(self.seq(m, "criteria", path, "criteria")):
            crit = self.criterion(c, (*path, "criteria", i))
            if crit:
                criteria.append(crit)
        classes = []
        for i, c in enumerate(self.seq(m, "classes", path, "classes")):
            crit = self.criterion(c, (*path, "classes", i))
            if crit:
                classes.append(crit)
        if kind == "classification" and not m.get("classes"):
            self.err(path, "a classification version needs classes")
        if kind == "qualification" and not m.get("criteria"):
            self.err(path, "a qualification version needs criteria")
        if kind == "qualification" and m.get("classes"):
            self.err((*path, "classes"), "classes belong to kind: classification")
        outputs = []
        for i, o in enumerate(self.seq(m, "outputs", path, "outputs")):
            op = (*path, "outputs", i)
            om = self.mapping(o, op, "an output")
            if om is None:
                continue
            self.keys(om, {"id", "title", "expr", "unit"}, op)
            node = self.expression(om.get("expr"), (*op, "expr"), self.all_names)
            if node:
                oid = self.text(om, "id", op, required=True)
                outputs.append(
                    Output(
                        oid,
                        self.text(om, "title", op, required=False) or oid,
                        node,
                        self.text(om, "unit", op, required=False),
                    )
                )
        for epath, node in self.expr_refs:
            for call in ex.walk(node):
                if isinstance(call, ex.Call) and call.func in ("passed", "points"):
                    target = call.args[0].value  # type: ignore[attr-defined]
                    kind_of = self.ids.get(target)
                    if kind_of is None or kind_of == "item":
                        self.err(epath, f"{call.func}({target!r}): no such criterion")
                    elif call.func == "points" and kind_of != "points":
                        self.err(epath, f"points({target!r}): that criterion is not a points table")
        assumptions = []
        for i, a in enumerate(assumptions_raw):
            ap = (*path, "assumptions", i)
            am = self.mapping(a, ap, "an assumption")
            if am is not None:
                self.keys(am, {"id", "text"}, ap)
                assumptions.append(
                    Assumption(
                        self.text(am, "id", ap, required=True),
                        self.text(am, "text", ap, required=True),
                    )
                )
        sources = m.get("sources") or []
        if not isinstance(sources, list):
            self.err((*path, "sources"), "sources must be a list")
            sources = []
        vid = self.text(m, "id", path, required=True)
        start = self.date_(m, "effective_from", path, required=True)
        end = self.date_(m, "effective_to", path, required=False)
        if start and end and end < start:
            self.err(
                (*path, "effective_to"), f"effective_to {end} is before effective_from {start}"
            )
        canonical = json.dumps(_canonical(raw), sort_keys=True, ensure_ascii=False, default=str)
        if start is None:
            return None
        index: dict[str, Any] = {
            "derived": dict(derived),
            "criteria": {},
            "units": {name: self.guess_unit(node) for name, node in derived},
        }
        stack = [*criteria, *classes]
        while stack:
            c = stack.pop()
            index["criteria"][c.id] = c
            stack.extend(c.children)
        return Version(
            index=index,
            id=vid,
            title=self.text(m, "title", path, required=True),
            issuer=self.text(m, "issuer", path, required=True),
            document=self.text(m, "document", path, required=True),
            published=self.date_(m, "published", path, required=False),
            effective_from=start,
            effective_to=end,
            kind=kind if kind in ("qualification", "classification") else "qualification",
            sources=tuple(str(s) for s in sources),
            confidence=self.text(m, "confidence", path, required=False),
            note=self.text(m, "note", path, required=False),
            assumptions=tuple(assumptions),
            derived=tuple(derived),
            criteria=tuple(criteria),
            classes=tuple(classes),
            outputs=tuple(outputs),
            content_hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16],
        )

    def ruleset(self, raw: Any) -> RuleSet | None:
        m = self.mapping(raw, (), "a rule set file")
        if m is None:
            return None
        self.keys(m, RULESET_KEYS, ())
        rid = self.text(m, "id", (), required=True)
        facts_raw = m.get("facts") or {}
        if not isinstance(facts_raw, Mapping):
            got = _kind(facts_raw)
            self.err(("facts",), f"facts must be a mapping name: definition, got {got}")
            facts_raw = {}
        for name, body in facts_raw.items():
            fp = ("facts", name)
            bm = self.mapping(body, fp, "a fact")
            if bm is None:
                continue
            self.keys(bm, SPEC_KEYS, fp)
            if bm.get("type") not in FACT_TYPES:
                self.err((*fp, "type"), f"type must be one of {', '.join(FACT_TYPES)}")
                continue
            try:
                self.catalogue[str(name)] = spec_from_dict(str(name), bm)
            except TypeError as exc:
                self.err(fp, f"bad fact definition: {exc}")
        versions_raw = m.get("versions")
        if not isinstance(versions_raw, list) or not versions_raw:
            self.err((), "missing required key 'versions' (a non-empty list)")
            return None
        versions: list[Version] = []
        seen: set[str] = set()
        for i, v in enumerate(versions_raw):
            ver = self.version(v, ("versions", i))
            if ver is None:
                continue
            if ver.id in seen:
                self.err(("versions", i, "id"), f"duplicate version id {ver.id!r}")
            seen.add(ver.id)
            versions.append(ver)
        ordered = sorted(enumerate(versions), key=lambda p: p[1].effective_from)
        for (_, a), (j, b) in itertools.pairwise(ordered):
            if a.effective_to is None or b.effective_from <= a.effective_to:
                self.err(
                    ("versions", j, "effective_from"),
                    f"version {b.id!r} (from {b.effective_from}) overlaps version {a.id!r} "
                    f"({a.effective_from} – {a.effective_to or 'open'}); set {a.id!r}'s "
                    "effective_to before it",
                )
        return RuleSet(
            id=rid,
            name=self.text(m, "name", (), required=True),
            name_en=self.text(m, "name_en", (), required=False),
            versions=tuple(sorted(versions, key=lambda v: v.effective_from)),
            catalogue=self.catalogue,
            description=self.text(m, "description", (), required=False),
            file=self.file,
        )


_CATALOGUE: dict[str, FactSpec] | None = None


def catalogue() -> dict[str, FactSpec]:
    """The shipped fact catalogue, loaded once."""
    global _CATALOGUE
    if _CATALOGUE is None:
        _CATALOGUE = load_catalogue()
    return _CATALOGUE


def parse_ruleset(
    text: str, *, file: str = "<text>", facts: Mapping[str, FactSpec] | None = None
) -> RuleSet:
    """Parse and validate rule-set YAML text; raises :class:`RuleSetError`."""
    builder = _Builder(file, text, facts if facts is not None else catalogue())
    try:
        raw = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleSetError([Problem(file, line, "", f"not valid YAML: {problem}")]) from None
    result = builder.ruleset(raw)
    if builder.problems or result is None:
        raise RuleSetError(builder.problems or [Problem(file, None, "", "empty rule set")])
    return result


def load_ruleset(path: str | Path, *, facts: Mapping[str, FactSpec] | None = None) -> RuleSet:
    """Load a rule-set file, or a shipped one by id (``load_ruleset("high_tech")``)."""
    p = Path(path)
    if not p.exists() and (DATA_DIR / f"{path}.yaml").exists():
        p = DATA_DIR / f"{path}.yaml"
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleSetError([Problem(str(path), None, "", f"cannot read: {exc.strerror}")]) from None
    return parse_ruleset(text, file=str(path), facts=facts)


def shipped_ids() -> list[str]:
    return sorted(p.stem for p in DATA_DIR.glob("*.yaml") if p.stem != "facts")


def load_shipped() -> dict[str, RuleSet]:
    return {rid: load_ruleset(DATA_DIR / f"{rid}.yaml") for rid in shipped_ids()}
