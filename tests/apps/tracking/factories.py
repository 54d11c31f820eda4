import datetime as dt

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.tracking.models import Device, ProductionOrder
from jinxiu.apps.tracking.services import bundles_cut, device_rotate_token
from tests.apps.production.factories import make_line, make_operator, make_style

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def make_order(org, number="PO1", style=None, line=None, quantity=100):
    style = style or make_style(org, code=f"ST-{number}")
    with change_context(user=None, source="system"):
        return ProductionOrder.objects.create(organization=org, number=number, style=style,
                                              line=line, quantity=quantity)


def make_device(org, line=None, name="扫描枪1", station="S1", kind="scanner"):
    line = line or make_line(org, name=f"{org.name}线")
    with change_context(user=None, source="system"):
        device = Device.objects.create(organization=org, name=name, line=line,
                                       station=station, kind=kind)
        token = device_rotate_token(device=device)
    return device, token


def make_floor(org):
    """A line with two operators (A1 陈红, A2 李明), a device, an order of the small style
    (operations 1 合肩 20 s, 2 上领 30 s, 3 做门襟 40 s, 4 整烫 10 s) cut into bundles:
    lay 1, 30 plies, M:1, 20 plies a bundle → PO1-0001 (20 pcs), PO1-0002 (10 pcs)."""
    line = make_line(org, name=f"{org.name}一号线")
    a1 = make_operator(org, name="陈红", line=line)
    a2 = make_operator(org, name="李明", line=line)
    with change_context(user=None, source="system"):
        a1.employee_no, a2.employee_no = "A1", "A2"
        a1.save()
        a2.save()
        order = make_order(org, line=line)
        bundles = bundles_cut(order=order, lay=1, plies=30, sizes={"M": 1}, bundle_plies=20)
    device, token = make_device(org, line=line)
    return {"line": line, "a1": a1, "a2": a2, "order": order, "bundles": bundles,
            "device": device, "token": token}


def scan(eid, minutes, bundle="PO1-0001", op="1", operator="A1", qty=None, **kw):
    obj = {"id": eid, "type": "scan", "at": (T0 + dt.timedelta(minutes=minutes)).isoformat(),
           "bundle": bundle, "operation": op, "operator": operator, **kw}
    if qty is not None:
        obj["qty"] = qty
    return obj
