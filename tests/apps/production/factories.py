from decimal import Decimal

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.production.models import BalancePlan, Line, Operation, Operator, Style

# A small bulletin whose optimum is known by hand: total 100 s.
#   1 (20, overlock) -> 2 (30, lockstitch) -> 4 (10, iron)
#   3 (40, lockstitch) -> 4
SMALL = [("1", "合肩", "overlock", "20", []), ("2", "上领", "lockstitch", "30", ["1"]),
         ("3", "做门襟", "lockstitch", "40", []), ("4", "整烫", "iron", "10", ["2", "3"])]


def make_style(org, code="S1", ops=SMALL):
    with change_context(user=None, source="system"):
        style = Style.objects.create(organization=org, code=code, name=f"款式{code}")
        for seq, (op_code, name, machine, seconds, preds) in enumerate(ops, start=1):
            Operation.objects.create(organization=org, style=style, sequence=seq, code=op_code,
                                     name=name, machine_type=machine,
                                     standard_seconds=Decimal(seconds), predecessors=preds)
    return style


def make_demo_style(org, code, bulletin):
    """A style with a demo bulletin (``production.demo``: rows of code, name, machine,
    seconds, "predecessors,separated")."""
    return make_style(org, code=code, ops=[
        (op, name, machine, seconds, [p for p in preds.split(",") if p])
        for op, name, machine, seconds, preds in bulletin])


def make_line(org, name="一号线", **kw):
    with change_context(user=None, source="system"):
        return Line.objects.create(organization=org, name=name, **kw)


def make_operator(org, name="陈红", line=None, skills=None):
    with change_context(user=None, source="system"):
        return Operator.objects.create(organization=org, name=name, line=line,
                                       skills=skills or {"lockstitch": 1.0})


def make_plan(org, style=None, **kw):
    style = style or make_style(org)
    with change_context(user=None, source="system"):
        return BalancePlan.objects.create(organization=org, style=style,
                                          name=kw.pop("name", "方案"), **kw)
