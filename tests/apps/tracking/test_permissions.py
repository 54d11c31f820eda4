import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from jinxiu.apps.core.models import DataShare, ObjectPermission
from jinxiu.apps.production.models import Line, Style
from jinxiu.apps.tracking.ingest import events_ingest
from jinxiu.apps.tracking.models import (
    Attendance,
    Bundle,
    Device,
    FloorEvent,
    PieceRate,
    ProductionOrder,
)
from tests.apps.production.factories import make_line, make_style
from tests.apps.tracking.factories import make_device, make_floor, make_order, scan
from tests.helpers.factories import make_org, make_user
from tests.helpers.matrix import PermissionMatrix


def _style(org):
    return Style.objects.filter(organization=org).first() or make_style(org, code="M")


def _line(org):
    return Line.objects.filter(organization=org).first() or make_line(org, name="线")


def _order(org):
    return ProductionOrder.objects.filter(organization=org).first() or make_order(
        org, number=f"PO-{org.pk}", style=_style(org))


class TestProductionOrderPermissions(PermissionMatrix):
    model = ProductionOrder
    url_base = "tracking:productionorder"
    api_base = "productionorder"

    def make_object(self, organization):
        return make_order(organization, number=f"PO{ProductionOrder.objects.count() + 1}",
                          style=_style(organization))

    def form_data(self, organization):
        return {"organization": organization.pk, "number": f"N{ProductionOrder.objects.count()}",
                "style": _style(organization).pk, "quantity": 300, "status": "open"}

    def changed_field(self):
        return "customer", "某品牌"


class TestBundlePermissions(PermissionMatrix):
    model = Bundle
    url_base = "tracking:bundle"
    api_base = "bundle"

    def make_object(self, organization):
        from jinxiu.apps.core.changelog import change_context

        with change_context(user=None, source="system"):
            return Bundle.objects.create(organization=organization, order=_order(organization),
                                         number=Bundle.objects.count() + 1, size="M",
                                         quantity=20)

    def form_data(self, organization):
        return {"organization": organization.pk, "order": _order(organization).pk,
                "number": 900 + Bundle.objects.count(), "size": "L", "quantity": 10,
                "lay": 1, "ply_from": 1, "ply_to": 10}

    def changed_field(self):
        return "tag", "E2000017221101441890"


class TestDevicePermissions(PermissionMatrix):
    model = Device
    url_base = "tracking:device"
    api_base = "device"

    def make_object(self, organization):
        return make_device(organization, line=_line(organization),
                           name=f"{organization.name}扫描枪")[0]

    def form_data(self, organization):
        return {"organization": organization.pk, "name": "吊挂网关", "kind": "hanger",
                "line": _line(organization).pk, "station": "S2", "active": "on"}

    def changed_field(self):
        return "station", "S9"

    def export_marker(self, obj):
        return obj.name


# --- events: read-only facts; who sees them -------------------------------------------------
@pytest.fixture
def two_floors(regions):
    own, other = make_org("甲企业", region_code="350581"), make_org("乙企业", region_code="330302")
    a, b = make_floor(own), make_floor(other)
    events_ingest(device=a["device"], items=[scan("a1", 1), scan("a2", 2, operator="A2")])
    events_ingest(device=b["device"], items=[scan("b1", 1)])
    return own, other, a, b


def _seen(user, url="/api/tracking/events/"):
    api = APIClient()
    api.force_authenticate(user)
    return sorted(r["event_id"] for r in api.get(url).json()["results"])


@pytest.mark.django_db
def test_events_are_seen_by_their_enterprise_only(client, two_floors):
    own, other, _a, _b = two_floors
    member = make_user("m", memberships=[(own, "viewer")])
    stranger = make_user("s", memberships=[(other, "admin")])
    bureau = make_user("bureau", memberships=[(make_org("石狮市工信局", kind="bureau"), "admin")])
    assert _seen(member) == ["a1", "a2"]
    assert _seen(stranger) == ["b1"]
    assert _seen(bureau) == []
    event = FloorEvent.objects.get(event_id="a1")
    client.force_login(stranger)
    assert client.get(f"/tracking/events/{event.pk}/").status_code == 404
    client.force_login(member)
    assert client.get(f"/tracking/events/{event.pk}/").status_code == 200
    # events are never written through the API, not even by the owner's administrator
    admin = make_user("adm", memberships=[(own, "admin")])
    api = APIClient()
    api.force_authenticate(admin)
    assert api.patch(f"/api/tracking/events/{event.pk}/", {"quantity": 1},
                     format="json").status_code == 405
    assert api.delete(f"/api/tracking/events/{event.pk}/").status_code == 405
    assert api.post("/api/tracking/events/", json.dumps({}),
                    content_type="application/json").status_code == 405


@pytest.mark.django_db
def test_a_supervisor_sees_their_line_and_an_operator_their_own_scans(two_floors):
    own, _other, a, _b = two_floors
    line_b = make_line(own, name="二号线")
    dev_b, _token = make_device(own, line=line_b, name="二号线扫描枪")
    events_ingest(device=dev_b, items=[scan("c1", 3, operator="A2")])
    ct = ContentType.objects.get_for_model(FloorEvent)
    supervisor = make_user("sup")
    perm = ObjectPermission.objects.create(name="一号线班长", actions=["view"],
                                           constraints={"line_id": a["line"].pk})
    perm.object_types.add(ct)
    perm.users.add(supervisor)
    assert _seen(supervisor) == ["a1", "a2"]
    operator_user = make_user("A2")
    perm = ObjectPermission.objects.create(name="本人", actions=["view"],
                                           constraints={"operator__employee_no": "A2",
                                                        "organization_id": own.pk})
    perm.object_types.add(ct)
    perm.users.add(operator_user)
    assert _seen(operator_user) == ["a2", "c1"]


@pytest.mark.django_db
def test_a_bureau_never_sees_events_even_when_the_enterprise_shares_production_data(
        two_floors):
    """A share gives daily aggregates (test_shared.py), never the scans themselves."""
    own, _other, _a, _b = two_floors
    bureau_org = make_org("石狮市工信局", kind="bureau")
    bureau = make_user("bureau", memberships=[(bureau_org, "viewer")])
    assert _seen(bureau) == []
    DataShare.objects.create(organization=own, grantee=bureau_org, categories=["production"])
    bureau = type(bureau).objects.get(pk=bureau.pk)
    assert _seen(bureau) == []


def _operator(org):
    from jinxiu.apps.production.models import Operator
    from tests.apps.production.factories import make_operator

    return Operator.objects.filter(organization=org).first() or make_operator(org, name="工")


def _operation(org):
    from jinxiu.apps.production.models import Operation

    return Operation.objects.filter(organization=org).first() or \
        _style(org).operations.first() or make_style(org, code="R").operations.first()


class TestAttendancePermissions(PermissionMatrix):
    model = Attendance
    url_base = "tracking:attendance"
    api_base = "attendance"

    def make_object(self, organization):
        from jinxiu.apps.core.changelog import change_context
        from tests.apps.tracking.factories import T0

        n = Attendance.objects.count()
        with change_context(user=None, source="system"):
            return Attendance.objects.create(
                organization=organization, operator=_operator(organization),
                date=dt.date(2026, 3, 2 + n), clock_in=T0 + dt.timedelta(days=n),
                clock_out=T0 + dt.timedelta(days=n, hours=8))

    def form_data(self, organization):
        return {"organization": organization.pk, "operator": _operator(organization).pk,
                "date": "2026-04-01", "shift": "day", "clock_in": "2026-04-01T20:00",
                "clock_out": "2026-04-02T04:00", "off_standard": "meeting: 15"}

    def api_data(self, organization):
        return {**self.form_data(organization), "off_standard": {"meeting": 15}}

    def changed_field(self):
        return "shift", "night"

    def export_marker(self, obj):
        return str(obj.date)


class TestPieceRatePermissions(PermissionMatrix):
    model = PieceRate
    url_base = "tracking:piecerate"
    api_base = "piecerate"

    def make_object(self, organization):
        from jinxiu.apps.core.changelog import change_context

        with change_context(user=None, source="system"):
            return PieceRate.objects.create(
                organization=organization, operation=_operation(organization),
                rate=Decimal("0.12"), valid_from=dt.date(2026, 1, 1 + PieceRate.objects.count()))

    def form_data(self, organization):
        return {"organization": organization.pk, "operation": _operation(organization).pk,
                "rate": "0.2500", "valid_from": "2026-05-01"}

    def changed_field(self):
        return "rate", Decimal("0.3000")

    def export_marker(self, obj):
        return str(obj.valid_from)
