from pathlib import Path

import pytest

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.demo import demo_load
from jinxiu.apps.tracking.models import Bundle, FloorEvent, ProductionOrder

pytestmark = pytest.mark.django_db


def test_demo_floor_has_bundles_and_a_board(client, settings):
    from jinxiu.apps.core.regions import region_load

    if not (Path(settings.JINXIU_REGION_DATA_DIR) / "areas.json").exists():
        pytest.skip("region data not built (run make assets)")
    region_load()
    with change_context(user=None, source="cli"):
        demo_load()
        events = FloorEvent.objects.count()
        demo_load()
    assert FloorEvent.objects.count() == events
    order = ProductionOrder.objects.get(number="DEMO-001")
    # 30 plies of M and L, 20 plies a bundle: 20 + 10 pieces per size
    assert list(Bundle.objects.filter(order=order).values_list("size", "quantity")) == [
        ("M", 20), ("M", 10), ("L", 20), ("L", 10)]
    from jinxiu.apps.core.models import User

    client.force_login(User.objects.get(username="knit"))
    assert client.get(f"/tracking/lines/{order.line_id}/board/").status_code == 200
    assert client.get("/tracking/figures/").status_code == 200
