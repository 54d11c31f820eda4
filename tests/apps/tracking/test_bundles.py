import pytest
from django.core.exceptions import ValidationError

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.tracking.forms import CutForm
from jinxiu.apps.tracking.services import bundles_cut
from jinxiu.apps.tracking.tickets import ticket_context
from tests.apps.tracking.factories import make_order
from tests.helpers.factories import make_org, make_user

pytestmark = pytest.mark.django_db


def test_a_lay_is_tied_into_bundles_of_consecutive_plies(regions):
    org = make_org("甲企业")
    order = make_order(org, number="PO7", quantity=180)
    with change_context(user=None, source="system"):
        bundles = bundles_cut(order=order, lay=1, plies=45, sizes={"S": 1, "M": 2, "L": 1},
                              bundle_plies=20, colour="藏青")
    # 4 marker copies × 45 plies = 180 pieces; each copy → plies 1–20, 21–40, 41–45
    assert [(b.code, b.size, b.quantity, b.ply_from, b.ply_to) for b in bundles] == [
        ("PO7-0001", "S", 20, 1, 20), ("PO7-0002", "S", 20, 21, 40), ("PO7-0003", "S", 5, 41, 45),
        ("PO7-0004", "M", 20, 1, 20), ("PO7-0005", "M", 20, 21, 40), ("PO7-0006", "M", 5, 41, 45),
        ("PO7-0007", "M", 20, 1, 20), ("PO7-0008", "M", 20, 21, 40), ("PO7-0009", "M", 5, 41, 45),
        ("PO7-0010", "L", 20, 1, 20), ("PO7-0011", "L", 20, 21, 40), ("PO7-0012", "L", 5, 41, 45),
    ]
    assert sum(b.quantity for b in bundles) == 180
    assert {b.colour for b in bundles} == {"藏青"}
    order.refresh_from_db()
    assert order.status == "cutting"
    with change_context(user=None, source="system"):
        more = bundles_cut(order=order, lay=2, plies=10, sizes={"XL": 1}, bundle_plies=20)
    assert [(b.code, b.quantity, b.lay) for b in more] == [("PO7-0013", 10, 2)]


def test_the_same_lay_is_not_cut_twice_and_nothing_is_written(regions):
    org = make_org("甲企业")
    order = make_order(org)
    with change_context(user=None, source="system"):
        bundles_cut(order=order, lay=1, plies=10, sizes={"M": 1}, bundle_plies=5)
        with pytest.raises(ValidationError, match="本订单第 1 床已分扎"):
            bundles_cut(order=order, lay=1, plies=10, sizes={"M": 1}, bundle_plies=5)
    assert order.bundles.count() == 2


def test_size_ratio_form_reads_chinese_punctuation_and_names_bad_parts():
    form = CutForm({"lay": 1, "plies": 30, "sizes": "S：1，M:2、L=1", "bundle_plies": 10})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["sizes"] == {"S": 1, "M": 2, "L": 1}
    form = CutForm({"lay": 1, "plies": 30, "sizes": "S:1, M两件", "bundle_plies": 10})
    assert not form.is_valid()
    assert "M两件" in form.errors["sizes"][0]


def test_ticket_has_one_coupon_per_operation_with_a_scannable_payload(regions):
    org = make_org("甲企业")
    order = make_order(org)
    with change_context(user=None, source="system"):
        bundles = bundles_cut(order=order, lay=1, plies=20, sizes={"M": 1}, bundle_plies=20)
    (ticket,) = ticket_context(bundles)
    assert [c.code for c in ticket["coupons"]] == ["1", "2", "3", "4"]
    assert ticket["coupons"][0].qr.startswith("data:image/svg+xml")


def test_order_page_cuts_and_prints_tickets(client, regions):
    org = make_org("甲企业")
    user = make_user(memberships=[(org, "admin")])
    order = make_order(org)
    client.force_login(user)
    response = client.post(f"/tracking/orders/{order.pk}/cut/",
                           {"lay": 1, "plies": 25, "sizes": "M:1, L:1", "bundle_plies": 20})
    assert response.status_code == 302
    assert list(order.bundles.values_list("size", "quantity")) == [
        ("M", 20), ("M", 5), ("L", 20), ("L", 5)]
    pdf = client.get(f"/tracking/orders/{order.pk}/tickets.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # a viewer may print but not cut
    viewer = make_user(memberships=[(org, "viewer")])
    client.force_login(viewer)
    assert client.post(f"/tracking/orders/{order.pk}/cut/",
                       {"lay": 2, "plies": 5, "sizes": "M:1", "bundle_plies": 20}
                       ).status_code == 403
    assert order.bundles.count() == 4
