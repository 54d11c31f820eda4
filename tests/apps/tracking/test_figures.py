"""The formulas on a hand-worked shift.

Line 一号线, style with operations 1 合肩 20 s, 2 上领 30 s, 3 做门襟 40 s, 4 整烫 10 s.
Bundles PO1-0001 (20 pieces) and PO1-0002 (10 pieces). 陈红 (A1) works the day shift
08:00–17:00 (540 attended minutes) with 30 minutes waiting for work and 30 in a meeting
(480 on-standard minutes). Her scans:

  08:10  op 2, PO1-0001, 20 pieces                 counts 20
  08:20  op 2, PO1-0002, 10 pieces                 counts 10
  09:00  op 2, PO1-0001, 3 pieces REWORK (D03)     counts 0: a defect of hers
  09:30  op 2, PO1-0001, 3 pieces good             the repair: counts 0 (20 already counted)
  10:00  op 3, PO1-0001, 12 pieces                 a split bundle: counts 12
  18:00  op 1, PO1-0002, 10 pieces                 after clock-out: not in the shift's figures

李明 (A2) finishes the split bundle: 10:05 op 3, PO1-0001, 8 pieces (counts 8); his shift is
08:00–12:00 (240 minutes, no off-standard time).

陈红: earned = (30 × 30 s + 12 × 40 s) / 60 = 1380 s / 60 = 23 minutes;
performance = 23 / 480 = 0.0479; efficiency = 23 / 540 = 0.0426.
李明: earned = 8 × 40 s / 60 = 5.3333 minutes; performance = efficiency = 5.3333 / 240 = 0.0222.

Piece rates: op 1 ¥0.08, op 2 ¥0.12, op 3 ¥0.15 from 1 March and ¥0.18 from 2 March.
Pay on 2 March: 陈红 30 × 0.12 + 12 × 0.18 = 3.60 + 2.16 = ¥5.76 in the shift; the month adds
the evening's 10 × 0.08 = ¥0.80: ¥6.56. 李明: 8 × 0.18 = ¥1.44.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.production.models import Operation
from jinxiu.apps.tracking.figures import MachineEvent, downtime, wip_before
from jinxiu.apps.tracking.models import Attendance
from jinxiu.apps.tracking.selectors import (
    line_dashboard,
    operator_figures_for_day,
    pay_for_month,
)
from tests.apps.tracking.conftest import DAY, at
from tests.helpers.factories import make_org, make_user

pytestmark = pytest.mark.django_db
def test_operator_figures_on_the_worked_shift(worked):
    rows = {op.employee_no: f for op, f in operator_figures_for_day(user=worked["admin"],
                                                                     day=DAY)}
    a1, a2 = rows["A1"], rows["A2"]
    assert (a1.pieces, a1.repairs, a1.rework) == (42, 3, 3)
    assert a1.earned == Decimal("23.0000")
    assert (a1.attended, a1.off_standard_total, a1.on_standard) == (540, 60, 480)
    assert a1.off_standard == {"waiting_work": 30, "meeting": 30}
    assert a1.performance == Decimal("0.0479")
    assert a1.efficiency == Decimal("0.0426")
    assert a1.pay == Decimal("5.76")
    assert (a2.pieces, a2.earned, a2.performance, a2.efficiency, a2.pay) == (
        8, Decimal("5.3333"), Decimal("0.0222"), Decimal("0.0222"), Decimal("1.44"))


def test_month_pay_counts_every_good_piece_once(worked):
    rows = pay_for_month(user=worked["admin"], organization=worked["org"], year=2026, month=3)
    summary = {op.employee_no: (total, [(o.code, line.pieces, line.repairs, line.pay)
                                        for o, line in items]) for op, items, total in rows}
    assert summary == {
        "A1": (Decimal("6.56"), [("1", 10, 0, Decimal("0.80")), ("2", 30, 3, Decimal("3.60")),
                                 ("3", 12, 0, Decimal("2.16"))]),
        "A2": (Decimal("1.44"), [("3", 8, 0, Decimal("1.44"))]),
    }
    assert pay_for_month(user=worked["admin"], organization=worked["org"], year=2026,
                         month=4) == []


def test_an_operator_sees_only_their_own_figures_but_counted_correctly(worked):
    from django.contrib.contenttypes.models import ContentType

    from jinxiu.apps.core.models import ObjectPermission
    from jinxiu.apps.tracking.models import FloorEvent

    user = make_user("li.ming")
    perm = ObjectPermission.objects.create(
        name="李明本人", actions=["view"],
        constraints={"operator__employee_no": "A2", "organization_id": worked["org"].pk})
    perm.object_types.add(ContentType.objects.get_for_model(FloorEvent),
                          ContentType.objects.get_for_model(Attendance))
    perm.users.add(user)
    rows = operator_figures_for_day(user=user, day=DAY)
    assert [(op.employee_no, f.pieces, f.pay) for op, f in rows] == [("A2", 8, Decimal("1.44"))]
    pay = pay_for_month(user=user, organization=worked["org"], year=2026, month=3)
    assert [(op.employee_no, total) for op, _items, total in pay] == [("A2", Decimal("1.44"))]
    stranger = make_user("s", memberships=[(make_org("乙企业"), "admin")])
    assert operator_figures_for_day(user=stranger, day=DAY) == []


def test_line_dashboard_on_the_worked_day(worked):
    board = line_dashboard(user=worked["admin"], line=worked["line"], day=DAY, now=at(23))
    by_code = {row["op"].code: (row["done"], row["wip"]) for row in board["operations"]}
    # loaded: both bundles (30 pieces). Op 1 counted 10 (PO1-0002); op 2 counted 30; op 3 has
    # no predecessor in this bulletin: 30 loaded − 20 done; op 4 waits for ops 2 and 3: min(30,
    # 20) − 0 = 20.
    assert by_code == {"1": (10, 20), "2": (30, 0), "3": (20, 10), "4": (0, 20)}
    assert board["loaded"] == 30
    assert board["output"] == 0  # nothing reached the last operation (整烫) yet
    assert [(op.code, n) for op, n in board["defects_by_operation"]] == [("2", 3)]
    assert [(op.employee_no, n) for op, n in board["defects_by_operator"]] == [("A1", 3)]
    assert board["target_per_hour"] == 75.0  # 600 pieces over 480 minutes


def test_wip_downtime_and_bottleneck_arithmetic():
    assert wip_before([(1, []), (2, [1]), (3, [1]), (4, [2, 3])], {1: 50, 2: 40, 3: 30, 4: 25},
                      loaded=60) == {1: 10, 2: 10, 3: 20, 4: 5}
    t = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)
    events = [MachineEvent("S1", t, "running", ""),
              MachineEvent("S1", t + dt.timedelta(minutes=10), "down", "断针"),
              MachineEvent("S1", t + dt.timedelta(minutes=25), "running", ""),
              MachineEvent("S2", t + dt.timedelta(minutes=50), "down", "缺料"),
              MachineEvent("S1", t + dt.timedelta(minutes=40), "down", "断针")]
    assert downtime(events, until=t + dt.timedelta(minutes=60)) == {
        ("S1", "断针"): 35.0, ("S2", "缺料"): 10.0}


def test_attendance_rules(worked):
    a = Attendance(organization=worked["org"], operator=worked["a1"], date=DAY, shift="night",
                   clock_in=at(17), clock_out=at(9), off_standard={})
    with pytest.raises(ValidationError) as exc:
        a.full_clean()
    assert "clock_out" in exc.value.error_dict
    a.clock_out = at(20)
    a.off_standard = {"smoking": 10}
    with pytest.raises(ValidationError, match="smoking"):
        a.full_clean()
    a.off_standard = {"meeting": 200}
    with pytest.raises(ValidationError) as exc:
        a.full_clean()
    assert "off_standard" in exc.value.error_dict
    a.off_standard = {"meeting": 20}
    a.full_clean()
    assert a.attended_minutes == 180


def test_alerts_on_the_worked_day_at_half_past_ten(worked):
    """Window 10:00–10:30 (data/alert_rules.yaml: 30 minutes). Station S1 worked operations 2
    and 3 so far and made 12 + 8 = 20 pieces of operation 3 in the window: 10 per operation,
    against 30 × 60 / 48 s takt = 37.5 (alert below 0.9 × 37.5). 陈红 earned 12 × 40 s = 8
    minutes in 30 (27 %), 李明 8 × 40 s = 5.33 minutes (18 %): both under 60 %."""
    from jinxiu.apps.tracking.figures import AlertRules, floor_alerts
    from jinxiu.apps.tracking.models import FloorEvent
    from jinxiu.apps.tracking.selectors import _counted_for, _scans, _seconds

    scans = _scans(FloorEvent.objects.all())
    alerts = floor_alerts(scans, _counted_for(scans), _seconds({s.operation for s in scans}),
                          {}, takt_seconds=48.0, target_per_hour=75.0, until=at(10, 30),
                          rules=AlertRules())
    a1, a2 = worked["a1"].pk, worked["a2"].pk
    assert [(a.kind, a.subject, a.value, a.limit) for a in alerts] == [
        ("station", "S1", 10.0, 37.5), ("operator", a1, 0.27, 0.6), ("operator", a2, 0.18, 0.6)]
    # WIP over an hour of target (75 pieces) before an operation
    pile = floor_alerts([], {}, {}, {7: 80, 8: 75}, takt_seconds=48.0, target_per_hour=75.0,
                        until=at(10, 30), rules=AlertRules())
    assert [(a.kind, a.subject, a.value, a.limit) for a in pile] == [("wip", 7, 80, 75.0)]
    board = line_dashboard(user=worked["admin"], line=worked["line"], day=DAY, now=at(10, 30))
    assert len(board["alerts"]) == 3
    assert board["alerts"][0] == "工位 S1 在最近时段内每道工序做了 10.0 件，节拍要求 37.5 件。"


def test_rebalance_now_uses_the_observed_performance(client, worked,
                                                     django_capture_on_commit_callbacks):
    """Over the worked day 陈红 performed at 23 / 480 = 0.0479 and 李明 at 5.3333 / 240 =
    0.0222; the line's average is 0.0351, so the engine gets 1.37 and 0.63 (relative speed) on
    the machine types each can run. Best two-station split of 20/30/40/10 s with 1 → 2 → 4 and
    3 → 4: 李明 does 合肩 (20 s / 0.63 = 31.7 s), 陈红 the rest (80 s / 1.37 = 58.4 s)."""
    from jinxiu.apps.production.models import BalancePlan
    from jinxiu.apps.tracking.rebalance import (
        line_rebalance,
        observed_performance,
        observed_skills,
    )

    perf = observed_performance(user=worked["admin"], line=worked["line"], today=DAY)
    assert perf == {worked["a1"].pk: 1.37, worked["a2"].pk: 0.63}
    assert observed_skills([worked["a1"]], {worked["a1"].pk: 0.85}) == {
        "陈红 (A1)": {"lockstitch": 0.85}}
    with change_context(user=None, source="system"):
        for person in (worked["a1"], worked["a2"]):
            person.skills = {"lockstitch": 1.0, "overlock": 1.0, "iron": 1.0}
            person.save()
    with django_capture_on_commit_callbacks(execute=True):
        plan = line_rebalance(line=worked["line"], user=worked["admin"], today=DAY)
    plan.refresh_from_db()
    assert (plan.mode, plan.use_operator_skills, plan.style) == (
        "max_output", True, worked["order"].style)
    assert plan.status == "done", plan.job.error
    assert plan.result["observed_skills"]["陈红 (A1)"] == {
        "lockstitch": 1.37, "overlock": 1.37, "iron": 1.37}
    ops = {op.pk: op.code for op in Operation.objects.filter(style=plan.style)}
    assert [([ops[pk] for pk in st["operations"]], st["operator"])
            for st in plan.result["stations"]] == [(["1"], "李明 (A2)"),
                                                   (["2", "3", "4"], "陈红 (A1)")]
    assert plan.result["cycle_seconds"] == 58.4 and plan.result["proven_optimal"]
    client.force_login(worked["admin"])
    response = client.post(f"/tracking/lines/{worked['line'].pk}/rebalance/")
    assert response.status_code == 302
    assert response["Location"] == BalancePlan.objects.order_by("-pk").first().get_absolute_url()
    viewer = make_user("v", memberships=[(worked["org"], "viewer")])
    client.force_login(viewer)
    assert client.post(f"/tracking/lines/{worked['line'].pk}/rebalance/").status_code == 403
    assert BalancePlan.objects.count() == 2
