"""The hand-worked shift of test_figures.py's docstring, shared by the tracking tests."""

import datetime as dt
from decimal import Decimal

import pytest

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.production.models import Operation
from jinxiu.apps.tracking.ingest import events_ingest
from jinxiu.apps.tracking.models import Attendance, PieceRate
from tests.apps.tracking.factories import T0, make_floor, scan
from tests.helpers.factories import make_org, make_user

DAY = dt.date(2026, 3, 2)


def at(hh, mm=0):
    return T0.replace(hour=hh, minute=mm)


@pytest.fixture
def worked(regions):
    org = make_org("甲企业")
    floor = make_floor(org)
    style = floor["order"].style
    ops = {op.code: op for op in Operation.objects.filter(style=style)}
    with change_context(user=None, source="system"):
        Attendance.objects.create(organization=org, operator=floor["a1"], date=DAY,
                                  clock_in=at(8), clock_out=at(17),
                                  off_standard={"waiting_work": 30, "meeting": 30})
        Attendance.objects.create(organization=org, operator=floor["a2"], date=DAY,
                                  clock_in=at(8), clock_out=at(12))
        for code, rate, start in [("1", "0.08", 1), ("2", "0.12", 1), ("3", "0.15", 1),
                                  ("3", "0.18", 2)]:
            PieceRate.objects.create(organization=org, operation=ops[code], rate=Decimal(rate),
                                     valid_from=dt.date(2026, 3, start))
    events_ingest(device=floor["device"], items=[
        scan("e6", 600, op="1", bundle="PO1-0002", qty=10),  # 18:00, sent first: order is free
        scan("e1", 10, op="2"),
        scan("e2", 20, op="2", bundle="PO1-0002"),
        scan("e3", 60, op="2", qty=3, outcome="rework", defect="D03"),
        scan("e4", 90, op="2", qty=3),
        scan("e5", 120, op="3", qty=12),
        scan("e7", 125, op="3", qty=8, operator="A2"),
    ])
    return {**floor, "org": org, "admin": make_user("adm", memberships=[(org, "admin")])}


