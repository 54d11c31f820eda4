"""Facts about one enterprise, and the catalogue of fact names.

Facts format (JSON or a dict)::

    {
      "enterprise": "示例纺织有限公司",          # optional label
      "facts": {
        "employees": 120,                         # undated value, no source
        "is_sme": {"value": true, "source": "划型 2025"},
        "niche_years": {"value": 6, "year": 2025, "source": "企业填报"},
        "revenue": {"source": "审计报告", "by_year": {"2024": 2800, "2025": 3000}},
        "rd_expense": {"by_year": {"2025": {"value": 63, "source": "研发辅助账"}}},
        "registered_on": "2015-03-01"
      }
    }

A value is a number, a boolean, a string, a date (``YYYY-MM-DD`` for facts of type ``date``) or
``null`` (= not known). Money is in 万元, ratios are fractions (0.03 = 3 %).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

FACT_TYPES = ("number", "integer", "bool", "enum", "string", "date")
_DATA = Path(__file__).with_name("data")


@dataclass(frozen=True, slots=True)
class FactSpec:
    """One entry of the fact catalogue."""

    name: str
    label_zh: str
    label_en: str
    type: str
    unit: str = ""
    yearly: bool = False  # normally given per year (revenue) rather than once (registered_on)
    better: str = "none"  # "higher" | "lower" | "none": which way a gap may move it
    adjustable: bool = True  # may appear in a gap list
    values: tuple[str, ...] = ()  # enum values, worst first
    manual: bool = False  # a reviewer's judgement rather than a record
    description: str = ""


@dataclass(frozen=True, slots=True)
class FactValue:
    value: Any
    source: str | None = None
    year: int | None = None


class FactsError(ValueError):
    pass


def load_catalogue(path: Path | None = None) -> dict[str, FactSpec]:
    """The shipped fact catalogue (``data/facts.yaml``)."""
    path = path or _DATA / "facts.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {name: spec_from_dict(name, body) for name, body in raw["facts"].items()}


SPEC_KEYS = {f for f in FactSpec.__dataclass_fields__ if f != "name"}


def spec_from_dict(name: str, body: Mapping[str, Any]) -> FactSpec:
    kwargs = {k: v for k, v in body.items() if k in SPEC_KEYS}
    if "values" in kwargs:
        kwargs["values"] = tuple(str(v) for v in kwargs["values"])
    return FactSpec(name=name, **kwargs)


@dataclass(frozen=True, slots=True)
class Facts:
    """Facts of one enterprise: name -> (undated value or None, {year: value})."""

    enterprise: str
    undated: Mapping[str, FactValue]
    yearly: Mapping[str, Mapping[int, FactValue]]

    def names(self) -> set[str]:
        return set(self.undated) | set(self.yearly)

    def get(self, name: str, year: int | None) -> FactValue | None:
        if year is None:
            if name in self.undated:
                return self.undated[name]
            years = self.yearly.get(name)
            if years:
                return years[max(years)]
            return None
        by_year = self.yearly.get(name)
        if by_year and year in by_year:
            return by_year[year]
        return None

    def latest(self, name: str, not_after: int) -> FactValue | None:
        if name in self.undated:
            return self.undated[name]
        years = [y for y in self.yearly.get(name, {}) if y <= not_after]
        return self.yearly[name][max(years)] if years else None

    def with_value(self, name: str, year: int | None, value: Any) -> Facts:
        """A copy with one value set (used by gap search and property tests)."""
        if year is None:
            undated = dict(self.undated)
            undated[name] = FactValue(value, "what-if")
            return Facts(self.enterprise, undated, self.yearly)
        yearly = {k: dict(v) for k, v in self.yearly.items()}
        yearly.setdefault(name, {})[year] = FactValue(value, "what-if", year)
        return Facts(self.enterprise, self.undated, yearly)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape :func:`facts_from_dict` reads (a snapshot to store with a verdict)."""
        out: dict[str, Any] = {name: _fv_dict(fv) for name, fv in self.undated.items()}
        for name, years in self.yearly.items():
            out[name] = {
                "by_year": {
                    str(y): {k: v for k, v in _fv_dict(fv).items() if k != "year"}
                    for y, fv in sorted(years.items())
                }
            }
        return {"enterprise": self.enterprise, "facts": out}


def _fv_dict(fv: FactValue) -> dict[str, Any]:
    d: dict[str, Any] = {"value": fv.value.isoformat() if isinstance(fv.value, date) else fv.value}
    if fv.source:
        d["source"] = fv.source
    if fv.year is not None:
        d["year"] = fv.year
    return d


def _coerce(name: str, value: Any, spec: FactSpec | None, where: str) -> Any:
    if value is None or spec is None:
        return value
    t = spec.type
    if t == "bool":
        if isinstance(value, bool):
            return value
        raise FactsError(f"{where}: {name} is a yes/no fact, got {value!r}")
    if t in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise FactsError(f"{where}: {name} must be a number, got {value!r}")
        return value
    if t == "date":
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise FactsError(f"{where}: {name} must be a date YYYY-MM-DD, got {value!r}") from None
    if t == "enum":
        if str(value) not in spec.values:
            raise FactsError(
                f"{where}: {name} must be one of {', '.join(spec.values)}, got {value!r}"
            )
        return str(value)
    return str(value)


_PLAIN = (int, float, bool, str, date)


def _is_map(x: Any) -> bool:
    return x.__class__ is dict or isinstance(x, Mapping)  # dict first: abc checks are slow


def _one(name: str, raw: Any, spec: FactSpec | None, where: str, source: str | None) -> FactValue:
    if _is_map(raw):
        unknown = set(raw) - {"value", "source", "year"}
        if unknown:
            raise FactsError(f"{where}: unknown keys {sorted(unknown)} (use value/source/year)")
        year = raw.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            raise FactsError(f"{where}: year must be an integer, got {year!r}")
        return FactValue(
            _coerce(name, raw.get("value"), spec, where), raw.get("source") or source, year
        )
    return FactValue(_coerce(name, raw, spec, where), source)


def facts_from_dict(
    data: Mapping[str, Any], *, catalogue: Mapping[str, FactSpec] | None = None
) -> tuple[Facts, list[str]]:
    """Build :class:`Facts`; returns (facts, warnings). Raises :class:`FactsError` on bad shape.

    Names missing from ``catalogue`` are kept but reported as warnings (typos are common)."""
    if not isinstance(data, Mapping):
        raise FactsError("facts: the top level must be an object")
    body = data.get("facts", data) if "facts" in data else data
    if not isinstance(body, Mapping):
        raise FactsError("facts: 'facts' must be an object of fact name -> value")
    enterprise = str(data.get("enterprise", "")) if "facts" in data else ""
    undated: dict[str, FactValue] = {}
    yearly: dict[str, dict[int, FactValue]] = {}
    warnings: list[str] = []
    for name, raw in body.items():
        spec = catalogue.get(name) if catalogue is not None else None
        if catalogue is not None and spec is None:
            warnings.append(f"facts.{name}: not a known fact name (ignored by the rules)")
        where = f"facts.{name}"
        if _is_map(raw) and "by_year" in raw:
            extra = set(raw) - {"by_year", "source"}
            if extra:
                raise FactsError(f"{where}: unknown keys {sorted(extra)} beside by_year")
            if not _is_map(raw["by_year"]):
                raise FactsError(f"{where}.by_year: must be an object of year -> value")
            years: dict[int, FactValue] = {}
            source = raw.get("source")
            for y, v in raw["by_year"].items():
                try:
                    year = y if y.__class__ is int else int(y)
                except (TypeError, ValueError):
                    raise FactsError(f"{where}.by_year: {y!r} is not a year") from None
                if v is None or v.__class__ in _PLAIN:  # the common case, without a path text
                    try:
                        years[year] = FactValue(_coerce(name, v, spec, where), source, year)
                        continue
                    except FactsError:
                        pass  # raised again below with the year in the path
                fv = _one(name, v, spec, f"{where}.by_year.{y}", source)
                years[year] = FactValue(fv.value, fv.source, year)
            yearly[name] = years
            continue
        fv = _one(name, raw, spec, where, None)
        if fv.year is not None:
            yearly.setdefault(name, {})[fv.year] = fv
        else:
            undated[name] = fv
            if spec is not None and spec.yearly and fv.value is not None:
                warnings.append(
                    f"{where}: given without a year; criteria that read a year "
                    f"({name}[-1] ...) will treat it as missing — use by_year"
                )
    return Facts(enterprise, undated, yearly), warnings


def load_facts(
    path: str | Path, *, catalogue: Mapping[str, FactSpec] | None = None
) -> tuple[Facts, list[str]]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FactsError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    try:
        return facts_from_dict(data, catalogue=catalogue)
    except FactsError as exc:
        raise FactsError(f"{path}: {exc}") from None
