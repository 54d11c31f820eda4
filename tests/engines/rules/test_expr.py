"""The expression language: parsing, refusal of unsafe syntax, three-valued logic."""

from __future__ import annotations

from datetime import date

import pytest

from jinxiu.engines.rules import expr as ex


class Ctx(ex.Context):
    def __init__(self, values: dict, on: date = date(2026, 6, 30)) -> None:
        self.values = values
        self.on = on
        self.records: list[ex.CompareRecord] = []

    def lookup(self, ref: ex.Ref):
        year = (
            ref.year
            if ref.year is not None
            else (self.on.year + ref.rel if ref.rel is not None else None)
        )
        key = (ref.name, year)
        if key in self.values:
            return self.values[key]
        return ex.Unknown(frozenset({key}))

    def series(self, name, years):
        return [self.lookup(ex.Ref(name=name, year=y)) for y in years]

    def criterion(self, func, cid):
        return ex.Unknown(reason="none")

    def record(self, rec):
        self.records.append(rec)


def run(text: str, **values):
    parsed = {}
    for k, v in values.items():
        name, _, year = k.partition("__")
        parsed[(name, int(year) if year else None)] = v
    return ex.evaluate(ex.parse(text), Ctx(parsed))


def test_arithmetic_and_comparison():
    assert run("rd_expense[-1] / revenue[-1] >= 0.03", rd_expense__2025=90, revenue__2025=3000)
    assert not run("rd_expense[-1] / revenue[-1] >= 0.03", rd_expense__2025=89, revenue__2025=3000)
    assert run("0.03 <= x < 0.05", x=0.04)
    assert not run("0.03 <= x < 0.05", x=0.05)
    assert run("x in ('a', 'b')", x="a")
    assert run("x not in ('a', 'b')", x="c")
    assert run("2 ** 3 == 8 and 7 % 2 == 1 and -x == -1", x=1)
    assert run("'big' if x >= 10 else 'small'", x=3) == "small"


def test_years_absolute_relative_and_series():
    assert run("revenue[2024] + revenue[-1]", revenue__2024=1, revenue__2025=2) == 3
    assert run("total(revenue, -3, -1)", revenue__2023=1, revenue__2024=2, revenue__2025=3) == 6
    assert run("avg(revenue, -2, -1)", revenue__2024=2, revenue__2025=4) == 3
    growth = run("avg_growth(revenue, 2)", revenue__2023=100, revenue__2024=110, revenue__2025=132)
    assert growth == pytest.approx(0.15)
    assert run("cagr(revenue, 2)", revenue__2023=100, revenue__2025=121, revenue__2024=1) == (
        pytest.approx(0.10)
    )
    assert run("max(all_years(revenue, -2, -1))", revenue__2024=5, revenue__2025=3) == 5


def test_kleene_logic_with_unknowns():
    # false and unknown = false; true or unknown = true
    assert run("a and b", a=False) is False
    assert run("a or b", a=True) is True
    unknown = run("a and b", a=True)
    assert isinstance(unknown, ex.Unknown)
    assert unknown.missing == {("b", None)}
    assert isinstance(run("not b"), ex.Unknown)
    assert isinstance(run("x + 1 > 2"), ex.Unknown)


def test_division_by_zero_is_cannot_tell_with_reason():
    out = run("a / b > 1", a=1, b=0)
    assert isinstance(out, ex.Unknown)
    assert "division by zero" in out.reason


def test_functions():
    assert run("division(code)", code="C1711") == 17
    assert run("division(code)", code="1830") == 18
    assert run("coalesce(a, 5)") == 5
    assert run("coalesce(a, 5)", a=2) == 2
    assert run("min(a, 3)", a=1) == 1
    assert run("days_since(d)", d=date(2025, 6, 30)) == 365


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os').system('true')", "only plain function names can be called"),
        ("__import__('os')", "unknown function '__import__'"),
        ("open('/etc/passwd')", "unknown function 'open'"),
        ("revenue.__class__", "unsupported syntax: Attribute"),
        ("[x for x in y]", "unsupported syntax: ListComp"),
        ("lambda: 1", "unsupported syntax: Lambda"),
        ("revenue[x]", "a year index must be an integer"),
        ("revenue[-1", "syntax error"),
        ("round(x, ndigits=2)", "takes no keyword arguments"),
        ("total(revenue, -1)", "total() takes 3 arguments, got 2"),
        ("total(revenue[-1], -2, -1)", "needs a bare fact name"),
        ("x in y", "'in' needs a literal list"),
        ("", "empty expression"),
        ("营业收入 > 1", "ASCII"),
    ],
)
def test_unsafe_or_malformed_is_refused(text, message):
    with pytest.raises(
        ex.ExprError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
    ):
        ex.parse(text)


def test_comparisons_are_recorded_as_evidence():
    ctx = Ctx({("x", 2025): 2.0})
    ex.evaluate(ex.parse("x[-1] >= 3"), ctx)
    (rec,) = ctx.records
    assert (rec.text, rec.value, rec.op, rec.threshold, rec.outcome) == (
        "x[-1] >= 3",
        2.0,
        ">=",
        3,
        False,
    )


def test_boundaries_survive_binary_floating_point():
    # 4.02 / 134 = 0.03 on paper, 0.029999999999999995 in floating point
    assert 4.02 / 134 < 0.03
    assert run("a / b >= 0.03", a=4.02, b=134) is True
    assert run("a / b > 0.03", a=4.02, b=134) is False
    assert run("a / b == 0.03", a=4.02, b=134) is True
    assert run("a / b <= 0.055", a=6.105, b=111) is True  # 0.05500000000000001
    assert run("a / b >= 0.03", a=4.01, b=134) is False
