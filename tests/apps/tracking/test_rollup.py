"""The line tallies kept at ingestion give exactly the board computed from the scans, for any
stream: out of order, late, duplicated, split into batches any way."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jinxiu.apps.tracking.figures import Scan, counted_pieces
from jinxiu.apps.tracking.ingest import events_ingest
from jinxiu.apps.tracking.models import FloorEvent, LineTally
from jinxiu.apps.tracking.rollup import tallies_rebuild
from jinxiu.apps.tracking.selectors import line_dashboard
from tests.apps.tracking.conftest import DAY, at
from tests.apps.tracking.factories import make_floor, scan
from tests.helpers.factories import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor(regions):
    org = make_org("甲企业")
    floor = make_floor(org)
    floor["admin"] = make_user("boss", memberships=[(org, "admin")])
    return floor


def tallies():
    return sorted(LineTally.objects.values_list("line_id", "hour", "operation_id",
                                                "operator_id", "station", "scans", "pieces",
                                                "rework"))


def stored_counts():
    return dict(FloorEvent.objects.filter(kind="scan").values_list("event_id", "counted"))


def reference_counts():
    rows = FloorEvent.objects.filter(kind="scan").values_list(
        "device_id", "event_id", "occurred_at", "bundle_id", "bundle__quantity", "operation_id",
        "operator_id", "quantity", "outcome")
    counted = counted_pieces([Scan(key=(r[0], r[1]), at=r[2], bundle=r[3], bundle_qty=r[4],
                                   operation=r[5], operator=r[6], quantity=r[7],
                                   good=r[8] == "good") for r in rows])
    return {key[1]: n for key, n in counted.items()}


def boards_agree(floor, now):
    fast = line_dashboard(user=floor["admin"], line=floor["line"], day=DAY, now=now)
    slow = line_dashboard(user=floor["admin"], line=floor["line"], day=DAY, now=now,
                          from_scans=True)
    assert fast == slow
    return fast


@st.composite
def event(draw, n):
    rework = draw(st.booleans()) and draw(st.integers(0, 4)) == 0
    extra = {"outcome": "rework", "defect": "D03"} if rework else {}
    return scan(f"e{n}", draw(st.integers(-30, 15 * 60)),
                bundle=draw(st.sampled_from(["PO1-0001", "PO1-0002"])),
                op=draw(st.sampled_from(["1", "2", "3", "4"])),
                operator=draw(st.sampled_from(["A1", "A2"])),
                qty=draw(st.integers(1, 10)), station=draw(st.sampled_from(["S1", "S2", ""])),
                **extra)


@st.composite
def stream(draw):
    events = [draw(event(n)) for n in range(draw(st.integers(1, 40)))]
    resent = draw(st.lists(st.sampled_from(events), max_size=8))
    arrival = draw(st.permutations(events + resent))
    cuts = sorted(draw(st.lists(st.integers(1, len(arrival)), max_size=5)))
    return arrival, cuts


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stream(), st.sampled_from([(8, 40), (10, 30), (12, 0), (23, 0)]))
def test_tallies_and_counted_pieces_equal_the_computation_from_the_scans(floor, data, hhmm):
    FloorEvent.objects.all().delete()
    LineTally.objects.all().delete()
    arrival, cuts = data
    for start, end in zip([0, *cuts], [*cuts, len(arrival)], strict=True):
        if start < end:
            events_ingest(device=floor["device"], items=[dict(o) for o in arrival[start:end]])
    assert stored_counts() == reference_counts()
    incremental = tallies()
    assert sum(t[5] for t in incremental) == FloorEvent.objects.filter(kind="scan").count()
    tallies_rebuild(FloorEvent, LineTally)
    assert tallies() == incremental
    boards_agree(floor, at(*hhmm))


def test_a_late_scan_moves_pieces_between_hours_on_the_board(floor):
    """Bundle PO1-0002 has 10 pieces. At 10:10 A1 scans 10 at the last operation (整烫, 4):
    all 10 count, in hour 10. A scan of 6 made at 09:05 arrives late (the scanner was
    offline): now 6 count at 09 and only 4 at 10:10. Resending both changes nothing."""
    later = scan("late-2", 130, bundle="PO1-0002", op="4", qty=10)
    early = scan("late-1", 65, bundle="PO1-0002", op="4", operator="A2", qty=6)
    events_ingest(device=floor["device"], items=[later])
    board = boards_agree(floor, at(10, 30))
    assert board["hours"] == [(10, 10)]
    events_ingest(device=floor["device"], items=[early])
    board = boards_agree(floor, at(10, 30))
    assert board["hours"] == [(9, 6), (10, 4)]
    assert stored_counts() == {"late-1": 6, "late-2": 4}
    events_ingest(device=floor["device"], items=[later, early])
    assert boards_agree(floor, at(10, 30))["hours"] == [(9, 6), (10, 4)]
    assert sorted((t[1].astimezone(dt.timezone(dt.timedelta(hours=8))).hour, t[5], t[6])
                  for t in tallies()) == [(9, 1, 6), (10, 1, 4)]


def test_the_board_reads_tallies_not_the_days_scans(floor, django_assert_max_num_queries):
    events_ingest(device=floor["device"], items=[scan(f"q{i}", i * 3, op=str(1 + i % 4),
                                                      qty=1) for i in range(120)])
    line_dashboard(user=floor["admin"], line=floor["line"], day=DAY, now=at(23))
    with django_assert_max_num_queries(14):
        board = line_dashboard(user=floor["admin"], line=floor["line"], day=DAY, now=at(23))
    assert board["output"] == 20  # op 4 capped at bundle PO1-0001's 20 pieces


def test_tallies_are_seen_by_their_enterprise_only(floor):
    from jinxiu.apps.core.models import DataShare

    events_ingest(device=floor["device"], items=[scan("t1", 1)])
    own = floor["line"].organization
    other = make_org("乙企业")
    bureau_org = make_org("石狮市工信局", kind="bureau")
    member = make_user("m", memberships=[(own, "viewer")])
    stranger = make_user("s", memberships=[(other, "admin")])
    bureau = make_user("b", memberships=[(bureau_org, "viewer")])
    assert LineTally.objects.restrict(member, "view").count() == 1
    assert LineTally.objects.restrict(stranger, "view").count() == 0
    assert LineTally.objects.restrict(bureau, "view").count() == 0
    DataShare.objects.create(organization=own, grantee=bureau_org, categories=["production"])
    bureau = type(bureau).objects.get(pk=bureau.pk)
    # per operator and hour: a share gives daily aggregates (test_shared.py), not tallies
    assert LineTally.objects.restrict(bureau, "view").count() == 0


def test_an_id_reused_for_another_bundle_is_not_stored_and_not_counted(floor):
    events_ingest(device=floor["device"], items=[scan("x", 5, op="4", qty=8)])
    result = events_ingest(device=floor["device"], items=[
        scan("x", 6, bundle="PO1-0002", op="4", qty=10), scan("y", 7, op="4", qty=20)])
    assert (result.stored, result.duplicates) == (1, 1)
    assert stored_counts() == {"x": 8, "y": 12} == reference_counts()
    assert [(t[5], t[6]) for t in tallies()] == [(2, 20)]
    assert boards_agree(floor, at(23))["output"] == 20


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 30), st.lists(st.tuples(st.integers(0, 20), st.integers(1, 15),
                                              st.booleans()), max_size=25))
def test_counted_pieces_are_the_running_sum_capped_at_the_bundle(bundle_qty, scans):
    """What the PostgreSQL path computes with a window function (rollup_pg.py): in time order,
    a scan counts min(Q, good pieces up to and including it) − min(Q, good pieces before it)."""
    plain = [Scan(key=(1, f"e{i:02d}"), at=dt.datetime(2026, 3, 2, 8, minute, tzinfo=dt.UTC),
                  bundle=1, bundle_qty=bundle_qty, operation=1, operator=1, quantity=qty,
                  good=good) for i, (minute, qty, good) in enumerate(scans)]
    expected = counted_pieces(plain)
    upto = 0
    for s in sorted(plain, key=lambda s: (s.at, s.key)):
        own = s.quantity if s.good else 0
        upto += own
        assert expected[s.key] == min(bundle_qty, upto) - min(bundle_qty, upto - own)
