"""Floor accounts: an operator sees their own figures and pay, a supervisor their lines, with
no object permission set up by hand; other enterprises and the bureau see nothing."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.models import DataShare
from jinxiu.apps.production.models import Line
from jinxiu.apps.tracking.ingest import events_ingest
from jinxiu.apps.tracking.models import Attendance, FloorAccount, PieceRate
from jinxiu.apps.tracking.selectors import (
    line_dashboard,
    operator_figures_for_day,
    pay_for_month,
)
from tests.apps.production.factories import make_line, make_operator
from tests.apps.tracking.factories import T0, make_device, make_floor, scan
from tests.helpers.factories import make_org, make_user
from tests.helpers.matrix import PermissionMatrix

DAY = dt.date(2026, 3, 2)


def _line(org):
    return Line.objects.filter(organization=org).first() or make_line(org, name="线")


class TestFloorAccountPermissions(PermissionMatrix):
    model = FloorAccount
    url_base = "tracking:flooraccount"
    api_base = "flooraccount"

    def make_object(self, organization):
        n = FloorAccount.objects.count() + 1
        user = make_user(f"op-{organization.pk}-{n}")
        operator = make_operator(organization, name=f"工{n}", line=_line(organization))
        with change_context(user=None, source="system"):
            return FloorAccount.objects.create(organization=organization, user=user,
                                               operator=operator)

    def form_data(self, organization):
        user = make_user(f"sup-{organization.pk}-{uuid.uuid4().hex[:8]}")
        return {"organization": organization.pk, "username": user.username,
                "user": user.username, "lines": [_line(organization).pk], "notes": ""}

    def changed_field(self):
        return "notes", "夜班组长"

    def export_marker(self, obj):
        return str(obj.user)


@pytest.fixture
def floors(regions):
    """甲企业: line 一号线 (operators A1 陈红, A2 李明, bundles PO1-0001 20 pcs, PO1-0002 10
    pcs) and 二号线 with its own device; 乙企业 with a floor of its own."""
    own, other = make_org("甲企业", region_code="350581"), make_org("乙企业", region_code="330302")
    a, b = make_floor(own), make_floor(other)
    line2 = make_line(own, name="二号线")
    dev2, _token = make_device(own, line=line2, name="二号线扫描枪")
    ops = {op.code: op for op in a["order"].style.operations.all()}
    with change_context(user=None, source="system"):
        for code, rate in (("1", "0.10"), ("2", "0.20")):
            PieceRate.objects.create(organization=own, operation=ops[code],
                                     rate=Decimal(rate), valid_from=dt.date(2026, 1, 1))
        for operator in (a["a1"], a["a2"]):
            Attendance.objects.create(organization=own, operator=operator, date=DAY,
                                      clock_in=T0, clock_out=T0 + dt.timedelta(hours=8))
    events_ingest(device=a["device"], items=[
        scan("a1", 10), scan("a2", 20, op="2", operator="A2", qty=15),
        scan("a3", 30, op="2", qty=5)])
    events_ingest(device=dev2, items=[scan("c1", 40, bundle="PO1-0002", op="1",
                                          operator="A2")])
    events_ingest(device=b["device"], items=[scan("b1", 10)])
    return {"own": own, "other": other, "a": a, "b": b, "line2": line2}


def account(floors, username, operator=None, lines=()):
    user = make_user(username)
    with change_context(user=None, source="system"):
        acc = FloorAccount.objects.create(organization=floors["own"], user=user,
                                          operator=operator)
        acc.lines.set(lines)
    return type(user).objects.get(pk=user.pk)


def seen(user):
    api = APIClient()
    api.force_authenticate(user)
    return sorted(r["event_id"] for r in api.get("/api/tracking/events/").json()["results"])


def pay(user):
    return [(op.employee_no, str(total)) for op, _items, total in
            pay_for_month(user=user, year=2026, month=3)]


@pytest.mark.django_db
def test_an_operator_sees_only_their_own_scans_figures_and_pay(floors):
    """A2 scanned 15 at operation 2 (¥0.20) on 一号线 and 10 at operation 1 (¥0.10) on 二号线
    (bundle PO1-0002): ¥3.00 + ¥1.00 = ¥4.00. A1's ¥2.00 + ¥1.00 is not theirs to see."""
    user = account(floors, "li.ming", operator=floors["a"]["a2"])
    assert seen(user) == ["a2", "c1"]
    assert pay(user) == [("A2", "4.00")]
    figures = operator_figures_for_day(user=user, day=DAY)
    assert [(op.employee_no, f.pieces) for op, f in figures] == [("A2", 25)]
    admin = make_user("boss", memberships=[(floors["own"], "admin")])
    assert pay(admin) == [("A1", "3.00"), ("A2", "4.00")]


@pytest.mark.django_db
def test_a_supervisor_sees_their_lines_only(floors, client):
    user = account(floors, "zhang.banzhang", lines=[floors["a"]["line"]])
    assert seen(user) == ["a1", "a2", "a3"]
    board = line_dashboard(user=user, line=floors["a"]["line"], day=DAY, now=T0.replace(hour=23))
    assert [(row["op"].code, row["done"]) for row in board["operations"]][:2] == [
        ("1", 20), ("2", 20)]
    figures = operator_figures_for_day(user=user, day=DAY)
    assert [op.employee_no for op, _f in figures] == ["A1", "A2"]
    client.force_login(user)
    assert client.get(f"/tracking/lines/{floors['a']['line'].pk}/board/").status_code == 200
    assert client.get(f"/tracking/lines/{floors['line2'].pk}/board/").status_code == 404


@pytest.mark.django_db
def test_other_enterprises_and_the_bureau_see_nothing_of_the_accounts_floor(floors):
    account(floors, "li.ming", operator=floors["a"]["a2"])
    stranger = make_user("s", memberships=[(floors["other"], "admin")])
    bureau_org = make_org("石狮市工信局", kind="bureau")
    bureau = make_user("bureau", memberships=[(bureau_org, "viewer")])
    assert seen(stranger) == ["b1"]
    assert seen(bureau) == []
    assert pay(bureau) == []
    assert FloorAccount.objects.restrict(stranger, "view").count() == 0
    assert FloorAccount.objects.restrict(bureau, "view").count() == 0
    # who is who on the floor is not production data: a production share does not reach it
    DataShare.objects.create(organization=floors["own"], grantee=bureau_org,
                             categories=["production"])
    bureau = type(bureau).objects.get(pk=bureau.pk)
    assert FloorAccount.objects.restrict(bureau, "view").count() == 0


@pytest.mark.django_db
def test_removing_the_account_takes_the_view_away(floors):
    user = account(floors, "li.ming", operator=floors["a"]["a2"])
    assert seen(user) == ["a2", "c1"]
    with change_context(user=None, source="system"):
        FloorAccount.objects.get(user=user).delete()
    assert seen(type(user).objects.get(pk=user.pk)) == []


@pytest.mark.django_db
def test_an_account_needs_an_operator_or_lines_of_its_own_enterprise(floors, client):
    admin = make_user("boss", memberships=[(floors["own"], "admin")])
    make_user("new.person")
    client.force_login(admin)
    url = "/tracking/accounts/add/"
    response = client.post(url, {"organization": floors["own"].pk, "username": "new.person"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["请把账号关联到操作工、产线，或两者。"]
    response = client.post(url, {"organization": floors["own"].pk, "username": "nobody",
                                 "lines": [floors["line2"].pk]})
    assert response.context["form"].errors["username"] == ["没有使用此用户名的有效用户。"]
    assert FloorAccount.objects.count() == 0
    response = client.post(url, {"organization": floors["own"].pk, "username": "new.person",
                                 "operator": floors["a"]["a1"].pk})
    assert response.status_code == 302
    assert FloorAccount.objects.get().operator == floors["a"]["a1"]
