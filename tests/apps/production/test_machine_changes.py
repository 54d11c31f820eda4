"""The style page's "machine changes" card (机种切换): what the bulletin's machine types and
zones alone ask of any line, from the engine's chains (``adapter.bulletin_chains``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jinxiu.apps.production.adapter import bulletin_chains
from tests.apps.production.factories import make_style
from tests.helpers.factories import make_user

pytestmark = pytest.mark.django_db

# overlock and lockstitch never share a station; the iron goes with anything
ALTERNATING = [("1", "合肩", "overlock", "20", []), ("2", "上领", "lockstitch", "30", ["1"]),
               ("3", "合侧缝", "overlock", "20", ["2"]), ("4", "整烫", "iron", "10", ["3"]),
               ("5", "上袖", "lockstitch", "30", ["4"])]


def _ops(style):
    return list(style.operations.order_by("sequence", "code"))


def test_the_chain_and_the_stations_each_type_needs(org):
    chains = bulletin_chains(_ops(make_style(org, code="ALT", ops=ALTERNATING)))
    # 1 | 2 | 3 4 | 5: the iron may join 3 or 5, so four stations at least
    assert chains.stations == 4
    assert chains.chain == ["1", "2", "3", "5"]
    labels = [(count, codes) for _, count, codes in chains.per_type]
    assert labels == [(2, ["1", "3"]), (2, ["2", "5"])]


def test_one_machine_type_needs_no_card(org):
    same = [(code, name, "lockstitch", t, pred) for code, name, _, t, pred in ALTERNATING]
    chains = bulletin_chains(_ops(make_style(org, code="ONE", ops=same)))
    assert chains.stations == 1 and chains.per_type == []


def test_a_bulletin_the_engine_refuses_has_no_figures(org):
    looped = [("A1", "合肩", "overlock", "20", ["B2"]), ("B2", "上领", "lockstitch", "30", ["A1"])]
    assert bulletin_chains(_ops(make_style(org, code="LOOP", ops=looped))) is None
    assert bulletin_chains([]) is None


def test_the_style_page_shows_the_card_without_extra_queries(client, org):
    client.force_login(make_user(memberships=[(org, "admin")]))
    alt = make_style(org, code="ALT", ops=ALTERNATING)
    page = client.get(alt.get_absolute_url()).content.decode()
    assert 'id="machine-changes"' in page
    assert "无论节拍多长，本工序表的产线至少需要 4 个工位：沿 1 → 2 → 3 → 5 依次出现" in page
    assert "<td>1, 3</td>" in page and "<td>2, 5</td>" in page
    same = make_style(org, code="ONE", ops=[(c, n, "lockstitch", t, p)
                                            for c, n, _, t, p in ALTERNATING])
    with CaptureQueriesContext(connection) as plain:
        page = client.get(same.get_absolute_url()).content.decode()
    assert 'id="machine-changes"' not in page
    with CaptureQueriesContext(connection) as changes:
        client.get(alt.get_absolute_url())
    assert len(changes.captured_queries) == len(plain.captured_queries)
