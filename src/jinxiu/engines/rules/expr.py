"""The criteria expression language: a small, safe subset of Python expression syntax.

Rule text is parsed with :func:`ast.parse` (``mode="eval"``) and every node is translated into
this module's own immutable node classes; anything outside the whitelist (attribute access,
lambdas, comprehensions, keyword arguments, unknown functions ...) is refused with its column.
Nothing is ever passed to ``eval``/``exec``.

Values are three-valued: a known Python value, or :class:`Unknown` naming the missing facts.
``and``/``or``/``not`` follow Kleene's logic (``False and ?`` is ``False``, ``True or ?`` is
``True``); arithmetic and comparisons with an unknown operand are unknown.

Syntax summary (see docs/engines/rules.md):

- facts: ``employees`` (latest value), ``revenue[-1]`` (the year before the assessment year,
  上年度), ``revenue[-2]``, ``revenue[2024]`` (an absolute year)
- numbers, strings ``'national'``, ``true``/``false`` (or ``True``/``False``)
- ``+ - * / ** %``, ``== != < <= > >=`` (chains allowed: ``0.03 <= x < 0.05``),
  ``x in ('a', 'b')``, ``and or not``, ``a if cond else b``
- functions: see :data:`FUNCTIONS`
"""

from __future__ import annotations

import ast
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

FactKey = tuple[str, int | None]  # (fact name, year or None for an undated value)


class ExprError(ValueError):
    """A malformed expression; ``col`` is the 0-based column in the expression text."""

    def __init__(self, message: str, *, col: int | None = None) -> None:
        super().__init__(message)
        self.col = col


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value that cannot be told: the facts that are missing, or why."""

    missing: frozenset[FactKey] = frozenset()
    reason: str = ""

    def merge(self, other: Unknown) -> Unknown:
        reason = "; ".join(r for r in (self.reason, other.reason) if r)
        return Unknown(self.missing | other.missing, reason)


def merge_unknowns(values: list[Any]) -> Unknown:
    missing: frozenset[FactKey] = frozenset()
    reasons: list[str] = []
    for value in values:
        if value.__class__ is Unknown:
            if value.missing:
                missing = (missing | value.missing) if missing else value.missing
            if value.reason:
                reasons.append(value.reason)
    return Unknown(missing, "; ".join(reasons))


# --------------------------------------------------------------------------- nodes


@dataclass(frozen=True, slots=True)
class Node:
    text: str = field(default="", compare=False)
    # the compiled closure, set on first evaluation (see _compile)
    fn: Any = field(default=None, compare=False, repr=False, hash=False)


@dataclass(frozen=True, slots=True)
class Const(Node):
    value: Any = None


@dataclass(frozen=True, slots=True)
class Ref(Node):
    """A fact (or derived value). ``rel`` is a year offset from the assessment year, ``year`` an
    absolute year; both None means the latest value (or the undated one)."""

    name: str = ""
    rel: int | None = None
    year: int | None = None


@dataclass(frozen=True, slots=True)
class Unary(Node):
    op: str = ""
    operand: Node = field(default_factory=Const)


@dataclass(frozen=True, slots=True)
class BinOp(Node):
    op: str = ""
    left: Node = field(default_factory=Const)
    right: Node = field(default_factory=Const)


@dataclass(frozen=True, slots=True)
class BoolOp(Node):
    op: str = ""  # "and" | "or"
    values: tuple[Node, ...] = ()


@dataclass(frozen=True, slots=True)
class Compare(Node):
    op: str = ""  # one of == != < <= > >= in not in
    left: Node = field(default_factory=Const)
    right: Node = field(default_factory=Const)


@dataclass(frozen=True, slots=True)
class IfExp(Node):
    test: Node = field(default_factory=Const)
    body: Node = field(default_factory=Const)
    orelse: Node = field(default_factory=Const)


@dataclass(frozen=True, slots=True)
class Call(Node):
    func: str = ""
    args: tuple[Node, ...] = ()


# --------------------------------------------------------------------------- functions


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    name: str
    min_args: int
    max_args: int | None
    series: bool  # first argument is a fact name taken as a yearly series
    doc: str


FUNCTIONS: dict[str, FunctionSpec] = {
    spec.name: spec
    for spec in (
        FunctionSpec("min", 1, None, False, "smallest argument"),
        FunctionSpec("max", 1, None, False, "largest argument"),
        FunctionSpec("abs", 1, 1, False, "absolute value"),
        FunctionSpec("round", 1, 2, False, "round(x, digits)"),
        FunctionSpec("total", 3, 3, True, "total(fact, from, to): sum over years from..to"),
        FunctionSpec("avg", 3, 3, True, "avg(fact, from, to): mean over years from..to"),
        FunctionSpec(
            "all_years", 3, 3, True, "all_years(fact, from, to): the years as a list (for min/max)"
        ),
        FunctionSpec(
            "avg_growth",
            2,
            2,
            True,
            "avg_growth(fact, n): mean of the n yearly growth rates ending at year -1",
        ),
        FunctionSpec(
            "cagr", 2, 2, True, "cagr(fact, n): compound annual growth over n years to year -1"
        ),
        FunctionSpec("days_since", 1, 1, False, "days from a date fact to the assessment date"),
        FunctionSpec(
            "division", 1, 1, False, "GB/T 4754 大类 (2-digit division) of an industry code"
        ),
        FunctionSpec("coalesce", 1, None, False, "the first known argument"),
        FunctionSpec("passed", 1, 1, False, "passed('criterion_id'): that criterion's verdict"),
        FunctionSpec("points", 1, 1, False, "points('table_id'): that points table's total"),
    )
}

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.Mod: "%"}
_CMPOPS = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}
_NAME_CONSTS = {"true": True, "false": False, "True": True, "False": False, "none": None}


# --------------------------------------------------------------------------- parsing


def parse(text: str) -> Node:
    """Parse expression text into nodes, or raise :class:`ExprError`."""
    if not isinstance(text, str) or not text.strip():
        raise ExprError("empty expression")
    source = text.strip()
    if len(source) > MAX_LENGTH:
        raise ExprError(f"expression longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        col = (exc.offset - 1) if exc.offset else None
        raise ExprError(f"syntax error: {exc.msg}", col=col) from None
    except (RecursionError, MemoryError):
        raise ExprError(f"expression nested deeper than {MAX_DEPTH} levels") from None
    if _depth(tree.body) > MAX_DEPTH:
        raise ExprError(f"expression nested deeper than {MAX_DEPTH} levels")
    return _convert(tree.body, source)


MAX_LENGTH = 4000  # characters; official criteria are one line each
MAX_DEPTH = 60  # evaluation and gap search recurse over the tree


def _depth(tree: ast.AST) -> int:
    """Nesting depth of a parsed expression, without recursion."""
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        if d <= MAX_DEPTH:
            stack.extend((child, d + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _seg(node: ast.AST, source: str) -> str:
    return ast.get_source_segment(source, node) or ""


def _int_literal(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub | ast.UAdd)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is int
    ):
        return -node.operand.value if isinstance(node.op, ast.USub) else node.operand.value
    return None


def _convert(node: ast.AST, source: str) -> Node:
    text = _seg(node, source)
    col = getattr(node, "col_offset", None)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool | int | float | str) or node.value is None:
            return Const(text=text, value=node.value)
        raise ExprError(f"unsupported constant {node.value!r}", col=col)
    if isinstance(node, ast.Name):
        if node.id in _NAME_CONSTS:
            return Const(text=text, value=_NAME_CONSTS[node.id])
        if not node.id.isascii():
            raise ExprError(f"fact names are ASCII snake_case, got {node.id!r}", col=col)
        return Ref(text=text, name=node.id)
    if isinstance(node, ast.Subscript):
        if not isinstance(node.value, ast.Name):
            raise ExprError("only a fact name can take a [year]", col=col)
        index = _int_literal(node.slice)
        if index is None:
            raise ExprError(
                "a year index must be an integer: [-1] = the year before the assessment year, "
                "[2024] = that year",
                col=getattr(node.slice, "col_offset", col),
            )
        if index >= 1900:
            return Ref(text=text, name=node.value.id, year=index)
        if -50 <= index <= 0:
            return Ref(text=text, name=node.value.id, rel=index)
        raise ExprError(f"year index {index} is neither an offset (-50..0) nor a year", col=col)
    if isinstance(node, ast.UnaryOp):
        operand = _convert(node.operand, source)
        if isinstance(node.op, ast.Not):
            return Unary(text=text, op="not", operand=operand)
        if isinstance(node.op, ast.USub):
            if isinstance(operand, Const) and isinstance(operand.value, int | float):
                return Const(text=text, value=-operand.value)
            return Unary(text=text, op="-", operand=operand)
        if isinstance(node.op, ast.UAdd):
            return operand
        raise ExprError("unsupported unary operator", col=col)
    if isinstance(node, ast.BinOp):
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise ExprError(f"unsupported operator {type(node.op).__name__}", col=col)
        return BinOp(
            text=text, op=op, left=_convert(node.left, source), right=_convert(node.right, source)
        )
    if isinstance(node, ast.BoolOp):
        op = "and" if isinstance(node.op, ast.And) else "or"
        return BoolOp(text=text, op=op, values=tuple(_convert(v, source) for v in node.values))
    if isinstance(node, ast.Compare):
        parts: list[Compare] = []
        left = _convert(node.left, source)
        for op_node, right_node in zip(node.ops, node.comparators, strict=True):
            op = _CMPOPS.get(type(op_node))
            if op is None:
                raise ExprError(f"unsupported comparison {type(op_node).__name__}", col=col)
            if op in ("in", "not in"):
                right = _convert_collection(right_node, source)
            else:
                right = _convert(right_node, source)
            seg = f"{left.text} {op} {right.text}"
            parts.append(Compare(text=seg, op=op, left=left, right=right))
            left = right
        if len(parts) == 1:  # keep the original spelling as its text
            return Compare(text=text, op=parts[0].op, left=parts[0].left, right=parts[0].right)
        return BoolOp(text=text, op="and", values=tuple(parts))
    if isinstance(node, ast.IfExp):
        return IfExp(
            text=text,
            test=_convert(node.test, source),
            body=_convert(node.body, source),
            orelse=_convert(node.orelse, source),
        )
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise ExprError("only plain function names can be called", col=col)
        spec = FUNCTIONS.get(node.func.id)
        if spec is None:
            raise ExprError(
                f"unknown function {node.func.id!r} (known: {', '.join(sorted(FUNCTIONS))})",
                col=col,
            )
        if node.keywords:
            raise ExprError(f"{spec.name}() takes no keyword arguments", col=col)
        n = len(node.args)
        if n < spec.min_args or (spec.max_args is not None and n > spec.max_args):
            want = (
                str(spec.min_args)
                if spec.min_args == spec.max_args
                else f"{spec.min_args}..{spec.max_args or 'n'}"
            )
            raise ExprError(f"{spec.name}() takes {want} arguments, got {n}", col=col)
        args = tuple(_convert(a, source) for a in node.args)
        if spec.series and not (isinstance(args[0], Ref) and args[0].rel is None):
            raise ExprError(f"{spec.name}() needs a bare fact name first, e.g. revenue", col=col)
        if spec.series and not all(isinstance(a, Const) and type(a.value) is int for a in args[1:]):
            raise ExprError(f"{spec.name}(): year offsets and counts must be integers", col=col)
        if spec.name in ("passed", "points") and not (
            isinstance(args[0], Const) and isinstance(args[0].value, str)
        ):
            raise ExprError(f"{spec.name}() takes a criterion id in quotes", col=col)
        return Call(text=text, func=spec.name, args=args)
    if isinstance(node, ast.Tuple | ast.List):
        raise ExprError("a list is only allowed after 'in'", col=col)
    raise ExprError(f"unsupported syntax: {type(node).__name__}", col=col)


def _convert_collection(node: ast.AST, source: str) -> Const:
    if not isinstance(node, ast.Tuple | ast.List | ast.Set):
        raise ExprError("'in' needs a literal list, e.g. x in ('a', 'b')", col=node.col_offset)
    values = []
    for elt in node.elts:
        item = _convert(elt, source)
        if not isinstance(item, Const):
            raise ExprError("the list after 'in' may hold constants only", col=elt.col_offset)
        values.append(item.value)
    return Const(text=_seg(node, source), value=tuple(values))


# --------------------------------------------------------------------------- walking


def walk(node: Node):
    """Yield every node of the tree."""
    yield node
    if isinstance(node, Unary):
        yield from walk(node.operand)
    elif isinstance(node, BinOp | Compare):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, BoolOp):
        for v in node.values:
            yield from walk(v)
    elif isinstance(node, IfExp):
        yield from walk(node.test)
        yield from walk(node.body)
        yield from walk(node.orelse)
    elif isinstance(node, Call):
        for a in node.args:
            yield from walk(a)


def names(node: Node) -> set[str]:
    """Fact/derived names referenced by an expression."""
    return {n.name for n in walk(node) if isinstance(n, Ref)}


def criterion_refs(node: Node) -> set[str]:
    """Criterion ids referenced through passed()/points()."""
    return {
        n.args[0].value  # type: ignore[attr-defined]
        for n in walk(node)
        if isinstance(n, Call) and n.func in ("passed", "points")
    }


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True, slots=True)
class CompareRecord:
    """One comparison as it was evaluated: the evidence behind a verdict."""

    text: str
    value: Any  # the left side (Unknown when missing)
    op: str
    threshold: Any  # the right side
    outcome: bool | None  # None = cannot tell


class Context:
    """What an expression needs from the outside world. The evaluator subclasses this."""

    on: date
    explain: bool = True  # record comparisons (evidence); off for fast batch runs

    def lookup(self, ref: Ref) -> Any:  # pragma: no cover - interface
        raise NotImplementedError

    def series(self, name: str, years: list[int]) -> list[Any]:  # pragma: no cover
        raise NotImplementedError

    def criterion(self, func: str, cid: str) -> Any:  # pragma: no cover - interface
        raise NotImplementedError

    def record(self, rec: CompareRecord) -> None:
        pass


def _arith(op: str, a: Any, b: Any) -> Any:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        if b == 0:
            return Unknown(reason="division by zero")
        return a / b
    if op == "%":
        if b == 0:
            return Unknown(reason="division by zero")
        return a % b
    if op == "**":
        try:
            result = a**b
        except (OverflowError, ZeroDivisionError):
            return Unknown(reason="arithmetic overflow")
        if isinstance(result, complex):
            return Unknown(reason="root of a negative number")
        return result
    raise ExprError(f"unknown operator {op}")  # pragma: no cover


def _compare(op: str, a: Any, b: Any) -> bool | Unknown:
    # 4.02 / 134 is 3 % on paper but 0.0299999… in binary floating point: numbers that agree to
    # nine significant digits count as equal, so "不低于 3%" holds exactly at the boundary
    if (
        (a.__class__ is float or b.__class__ is float)
        and _is_num(a)
        and _is_num(b)
        and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    ):
        return op in ("==", "<=", ">=")
    try:
        if op == "==":
            return a == b
        if op == "!=":
            return a != b
        if op == "in":
            return a in b
        if op == "not in":
            return a not in b
        if op == "<":
            return a < b
        if op == "<=":
            return a <= b
        if op == ">":
            return a > b
        if op == ">=":
            return a >= b
    except TypeError:
        return Unknown(reason=f"cannot compare {type(a).__name__} with {type(b).__name__}")
    raise ExprError(f"unknown comparison {op}")  # pragma: no cover


def at_least(a: Any, b: Any) -> bool:
    """a ≥ b with the same floating-point tolerance as comparisons in expressions."""
    return _compare(">=", a, b) is True


def at_most(a: Any, b: Any) -> bool:
    return _compare("<=", a, b) is True


def _is_num(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def evaluate(node: Node, ctx: Context) -> Any:
    """Evaluate ``node``; returns a value or :class:`Unknown`."""
    fn = node.fn
    if fn is None:
        fn = _compile(node)
    return fn(ctx)


def _compile(node: Node) -> Callable[[Context], Any]:
    """Turn a node into a closure (once per node): no per-call dispatch on the node type."""
    fn = _build(node)
    object.__setattr__(node, "fn", fn)
    return fn


def _child(node: Node) -> Callable[[Context], Any]:
    return node.fn or _compile(node)


def _build(node: Node) -> Callable[[Context], Any]:
    if isinstance(node, Const):
        value = node.value
        return lambda ctx: value
    if isinstance(node, Ref):
        return lambda ctx: ctx.lookup(node)
    if isinstance(node, Unary):
        operand = _child(node.operand)
        if node.op == "not":

            def not_(ctx: Context) -> Any:
                v = operand(ctx)
                return v if v.__class__ is Unknown else not v

            return not_

        def neg(ctx: Context) -> Any:
            v = operand(ctx)
            if v.__class__ is Unknown:
                return v
            if not _is_num(v):
                return Unknown(reason=f"'-' needs a number, got {v!r}")
            return -v

        return neg
    if isinstance(node, BinOp):
        left, right, op, text = _child(node.left), _child(node.right), node.op, node.text

        def binop(ctx: Context) -> Any:
            a = left(ctx)
            b = right(ctx)
            if a.__class__ is Unknown or b.__class__ is Unknown:
                return merge_unknowns([a, b])
            if not (_is_num(a) and _is_num(b)):
                return Unknown(reason=f"'{op}' needs numbers in {text}")
            return _arith(op, a, b)

        return binop
    if isinstance(node, BoolOp):
        parts = [_child(v) for v in node.values]
        decisive = node.op == "or"  # the value that settles the group

        def boolop(ctx: Context) -> Any:
            unknowns: list[Any] = []
            for part in parts:
                v = part(ctx)
                if v.__class__ is Unknown:
                    unknowns.append(v)
                elif bool(v) is decisive:
                    return decisive
            return merge_unknowns(unknowns) if unknowns else (not decisive)

        return boolop
    if isinstance(node, Compare):
        left, right, op, text = _child(node.left), _child(node.right), node.op, node.text

        def compare(ctx: Context) -> Any:
            a = left(ctx)
            b = right(ctx)
            if a.__class__ is Unknown or b.__class__ is Unknown:
                out: Any = merge_unknowns([a, b])
                outcome = None
            else:
                out = _compare(op, a, b)
                outcome = None if out.__class__ is Unknown else bool(out)
            if ctx.explain:
                ctx.record(CompareRecord(text, a, op, b, outcome))
            return out

        return compare
    if isinstance(node, IfExp):
        test, body, orelse = _child(node.test), _child(node.body), _child(node.orelse)

        def ifexp(ctx: Context) -> Any:
            t = test(ctx)
            if t.__class__ is Unknown:
                return t
            return body(ctx) if t else orelse(ctx)

        return ifexp
    if isinstance(node, Call):
        return lambda ctx: _call(node, ctx)
    raise ExprError(f"cannot evaluate {type(node).__name__}")  # pragma: no cover


def _series_years(ctx: Context, first: int, last: int) -> list[int]:
    base = ctx.on.year
    return list(range(base + first, base + last + 1))


def _call(node: Call, ctx: Context) -> Any:
    f = node.func
    if f in ("passed", "points"):
        return ctx.criterion(f, node.args[0].value)  # type: ignore[attr-defined]
    spec = FUNCTIONS[f]
    if spec.series:
        name = node.args[0].name  # type: ignore[attr-defined]
        ints = [a.value for a in node.args[1:]]  # type: ignore[attr-defined]
        if f in ("total", "avg", "all_years"):
            years = _series_years(ctx, ints[0], ints[1])
        else:  # avg_growth / cagr: n growth steps ending at year -1
            years = _series_years(ctx, -1 - ints[0], -1)
        if not years:
            return Unknown(reason=f"{node.text}: empty year range")
        values = ctx.series(name, years)
        if any(isinstance(v, Unknown) for v in values):
            return merge_unknowns(values)
        if f == "total":
            return sum(values)
        if f == "avg":
            return sum(values) / len(values)
        if f == "all_years":
            return tuple(values)
        if f == "avg_growth":
            rates = []
            for prev, cur in itertools.pairwise(values):
                if prev == 0:
                    return Unknown(reason=f"{node.text}: a base year is zero")
                rates.append(cur / prev - 1)
            return sum(rates) / len(rates)
        n = ints[0]
        if values[0] <= 0 or values[-1] < 0:
            return Unknown(reason=f"{node.text}: needs positive values")
        return (values[-1] / values[0]) ** (1 / n) - 1
    args = [evaluate(a, ctx) for a in node.args]
    if f == "coalesce":
        for a in args:
            if not isinstance(a, Unknown) and a is not None:
                return a
        return merge_unknowns(args)
    if any(isinstance(a, Unknown) for a in args):
        return merge_unknowns(args)
    if f in ("min", "max"):
        flat: list[Any] = []
        for a in args:
            flat.extend(a if isinstance(a, tuple) else [a])
        return (min if f == "min" else max)(flat)
    if f == "abs":
        return abs(args[0])
    if f == "round":
        return round(args[0], int(args[1]) if len(args) > 1 else 0)
    if f == "days_since":
        if not isinstance(args[0], date):
            return Unknown(reason=f"{node.text}: not a date")
        return (ctx.on - args[0]).days
    if f == "division":
        code = str(args[0]).strip().upper().lstrip("ABCDEFGHIJKLMNOPQRST")
        if len(code) < 2 or not code[:2].isdigit():
            return Unknown(reason=f"{node.text}: not a GB/T 4754 code: {args[0]!r}")
        return int(code[:2])
    raise ExprError(f"unknown function {f}")  # pragma: no cover


def is_number(x: Any) -> bool:
    return _is_num(x) and not (isinstance(x, float) and math.isnan(x))
