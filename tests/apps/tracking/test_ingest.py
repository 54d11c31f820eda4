import json

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jinxiu.apps.tracking.ingest import IngestError, events_ingest
from jinxiu.apps.tracking.models import FloorEvent
from tests.apps.tracking.factories import make_floor, scan
from tests.helpers.factories import make_org

pytestmark = pytest.mark.django_db
URL = "/api/tracking/ingest/"


@pytest.fixture
def floor(regions):
    cache.clear()
    return make_floor(make_org("甲企业"))


def post(client, token, items, **extra):
    body = "\n".join(json.dumps(i, ensure_ascii=False) if isinstance(i, dict) else i
                     for i in items)
    return client.post(URL, body, content_type="application/x-ndjson",
                       HTTP_AUTHORIZATION=f"Device {token}", **extra)


def state():
    return sorted(FloorEvent.objects.values_list(
        "event_id", "kind", "bundle__code", "operation__code", "operator__employee_no",
        "quantity", "outcome", "defect_code", "station"))


def test_a_batch_is_stored_and_acknowledged_with_counts(client, floor):
    response = post(client, floor["token"], [
        scan("e1", 1), scan("e2", 2, op="2", qty=15),
        {"id": "m1", "type": "machine", "at": "2026-03-02T08:05:00+08:00", "state": "down",
         "reason": "断针"},
        {"id": "h1", "type": "hanger_in", "at": "2026-03-02T08:06:00+08:00",
         "bundle": "PO1-0002", "station": "S3"},
    ])
    assert response.status_code == 200, response.content
    assert response.json() == {"received": 4, "stored": 4, "duplicates": 0}
    assert state() == [
        ("e1", "scan", "PO1-0001", "1", "A1", 20, "good", "", "S1"),
        ("e2", "scan", "PO1-0001", "2", "A1", 15, "good", "", "S1"),
        ("h1", "hanger_in", "PO1-0002", None, None, 0, "", "", "S3"),
        ("m1", "machine", None, None, None, 0, "", "", "S1"),
    ]
    down = FloorEvent.objects.get(event_id="m1")
    assert (down.machine_state, down.reason) == ("down", "断针")


def test_a_resent_batch_is_stored_once(client, floor):
    batch = [scan("e1", 1), scan("e2", 2, op="2")]
    assert post(client, floor["token"], batch).json() == {
        "received": 2, "stored": 2, "duplicates": 0}
    assert post(client, floor["token"], [*batch, scan("e3", 3, op="3"), scan("e3", 3, op="3")]
                ).json() == {"received": 4, "stored": 1, "duplicates": 3}
    assert FloorEvent.objects.count() == 3


def test_one_bad_line_refuses_the_batch_with_reasons_and_stores_nothing(client, floor):
    response = post(client, floor["token"], [
        scan("e1", 1),
        scan("e2", 2, op="99"),
        scan("e3", 3, operator="Z9"),
        "{not json",
        scan("e5", 5, outcome="rework"),
        scan("e6", 6, qty=21),
        {"id": "e7", "type": "scan", "at": "2026-03-02 08:00", "bundle": "PO1-0001",
         "operation": "1", "operator": "A1"},
        {"id": "m1", "type": "machine", "at": "2026-03-02T08:05:00+08:00", "state": "down"},
        {"type": "teleport", "at": "2026-03-02T08:05:00+08:00"},
    ])
    assert response.status_code == 400
    assert response.json()["stored"] == 0
    errors = {(e["line"], e["field"]) for e in response.json()["errors"]}
    assert errors == {(4, "")}  # JSON syntax is checked first, before anything is read
    response = post(client, floor["token"], [
        scan("e1", 1), scan("e2", 2, op="99"), scan("e3", 3, operator="Z9"),
        scan("e5", 5, outcome="rework"), scan("e6", 6, qty=21),
        {"id": "e7", "type": "scan", "at": "2026-03-02 08:00", "bundle": "PO1-0001",
         "operation": "1", "operator": "A1"},
        {"id": "m1", "type": "machine", "at": "2026-03-02T08:05:00+08:00", "state": "down"},
        {"type": "teleport", "at": "2026-03-02T08:05:00+08:00"},
        scan("e9", 9, bundle="NOPE-1"),
    ])
    assert response.status_code == 400
    errors = {(e["line"], e["field"]): e["reason"] for e in response.json()["errors"]}
    assert set(errors) == {(2, "operation"), (3, "operator"), (4, "defect"), (5, "qty"),
                           (6, "at"), (7, "reason"), (8, "id"), (8, "type"), (9, "bundle")}
    assert errors[(5, "qty")] == "该扎只有 20 件。"
    assert errors[(2, "operation")] == "该扎的款式没有工序 99。"
    assert FloorEvent.objects.count() == 0


def test_token_rate_and_size_are_enforced(client, floor, settings):
    assert post(client, "nope.nope", [scan("e1", 1)]).status_code == 401
    assert client.post(URL, "", content_type="application/x-ndjson").status_code == 401
    floor["device"].active = False
    floor["device"].save()
    assert post(client, floor["token"], [scan("e1", 1)]).status_code == 401
    floor["device"].active = True
    floor["device"].save()
    settings.JINXIU_INGEST_RATE_PER_MINUTE = 2
    assert post(client, floor["token"], [scan("e1", 1)]).status_code == 200
    assert post(client, floor["token"], [scan("e2", 2)]).status_code == 200
    refused = post(client, floor["token"], [scan("e3", 3)])
    assert refused.status_code == 429 and int(refused["Retry-After"]) <= 60
    cache.clear()
    settings.JINXIU_INGEST_MAX_BYTES = 200
    big = post(client, floor["token"], [scan(f"x{i}", i) for i in range(5)])
    assert big.status_code == 413
    assert FloorEvent.objects.count() == 2


def test_events_from_another_enterprise_cannot_be_named(client, floor):
    other = make_floor(make_org("乙企业"))
    # the other enterprise's bundle has the same code PO1-0001 but is not reachable: the
    # event resolves to the sender's own bundle only
    post(client, other["token"], [scan("o1", 1)])
    event = FloorEvent.objects.get(event_id="o1")
    assert event.bundle == other["bundles"][0]
    assert event.organization_id == other["device"].organization_id


STREAM = [scan("s1", 1), scan("s2", 5, op="2"), scan("s3", 9, op="3", operator="A2", qty=12),
          scan("s4", 12, op="3", operator="A2", qty=8), scan("s5", 3, bundle="PO1-0002"),
          scan("s6", 20, op="1", outcome="rework", defect="D03", qty=2),
          {"id": "m1", "type": "machine", "at": "2026-03-02T08:30:00+08:00", "state": "idle"}]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.permutations(STREAM), st.lists(st.integers(0, len(STREAM) - 1), max_size=6),
       st.integers(1, 4))
def test_any_permutation_and_duplication_gives_the_same_state(floor, order, dupes, batches):
    FloorEvent.objects.all().delete()
    stream = list(order) + [STREAM[i] for i in dupes]
    size = max(1, len(stream) // batches)
    for start in range(0, len(stream), size):
        events_ingest(device=floor["device"], items=[dict(o) for o in stream[start:start + size]])
    assert FloorEvent.objects.count() == len(STREAM)
    if not hasattr(test_any_permutation_and_duplication_gives_the_same_state, "expected"):
        FloorEvent.objects.all().delete()
        events_ingest(device=floor["device"], items=[dict(o) for o in STREAM])
        test_any_permutation_and_duplication_gives_the_same_state.expected = state()
    assert state() == test_any_permutation_and_duplication_gives_the_same_state.expected


def test_too_many_lines_is_refused(floor, settings):
    settings.JINXIU_INGEST_MAX_LINES = 2
    with pytest.raises(IngestError) as exc:
        events_ingest(device=floor["device"], items=[scan(f"e{i}", i) for i in range(3)])
    assert exc.value.errors[0]["reason"] == "一个批次最多 2 个事件。"
