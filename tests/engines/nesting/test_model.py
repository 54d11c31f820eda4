import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon

from jinxiu.engines.nesting import (
    Grain,
    InvalidPieceError,
    InvalidProblemError,
    Piece,
    ProblemData,
    parse_ratio,
)
from jinxiu.engines.nesting import geometry as geo

SQUARE = ((0, 0), (10, 0), (10, 10), (0, 10))
# an L shape, not symmetric: mirroring it gives a different outline
ELL = ((0, 0), (30, 0), (30, 10), (10, 10), (10, 20), (0, 20))


def test_outline_is_cleaned_and_counter_clockwise():
    cw = ((0, 0), (0, 10), (10, 10), (10, 0), (0, 0))
    p = Piece("sq", cw)
    assert p.outline == ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))
    assert p.area == 100.0
    assert Polygon(p.outline).exterior.is_ccw


def test_degenerate_outlines_are_refused_with_the_piece_name():
    with pytest.raises(InvalidPieceError, match=r"piece 'collar': outline has 2 distinct point"):
        Piece("collar", ((0, 0), (1, 1), (1, 1)))
    with pytest.raises(InvalidPieceError, match=r"piece 'flat': outline has no area"):
        Piece("flat", ((0, 0), (1, 0), (2, 0)))
    with pytest.raises(InvalidPieceError, match="not finite"):
        Piece("nan", ((0, 0), (1, 0), (float("nan"), 1)))


def test_bowtie_is_refused_tiny_loop_is_repaired():
    with pytest.raises(InvalidPieceError, match=r"piece 'bow': outline self-intersects"):
        Piece("bow", ((0, 0), (10, 10), (10, 0), (0, 10)))
    # a 100 × 100 square whose exported curve crosses itself in a tiny loop at one corner
    tiny = ((0, 0), (100, 0), (100, 100), (0, 100), (0, 1), (1, -1), (0.5, -1))
    p = Piece("front", tiny)
    assert p.repair_note == (
        "repaired a self-intersection (Self-intersection[0.5 0]); area change 0.005%"
    )
    assert p.area == 9999.75
    assert Polygon(p.outline).is_valid


def test_mirrored_pair_is_the_mirror_image_across_the_grain_line():
    data = ProblemData(pieces=(Piece("sleeve", ELL, quantity=2, pair=True),), width=100)
    plain, mirrored = data.items
    assert (plain.mirrored, plain.demand, mirrored.mirrored, mirrored.demand) == (False, 1, True, 1)
    assert set(mirrored.shape) == {(x, -y) for x, y in ELL}
    assert Polygon(mirrored.shape).exterior.is_ccw
    assert Polygon(mirrored.shape).area == Polygon(ELL).area == 400.0
    # not congruent by a rotation: mirrored copies are needed
    assert not Polygon(plain.shape).equals(geo_rotated(mirrored.shape, 180))


def geo_rotated(ring, deg):
    return Polygon(geo.oriented(geo.apply(geo.rotation(deg), ring)))


def test_grain_angle_turns_the_piece_so_the_grain_runs_along_x():
    # grain drawn vertically (90°): the piece is turned by -90°
    data = ProblemData(pieces=(Piece("back", ((0, 0), (10, 0), (10, 40), (0, 40)),
                                     grain_angle=90),), width=50)
    x0, y0, x1, y1 = Polygon(data.items[0].shape).bounds
    assert (round(x1 - x0, 9), round(y1 - y0, 9)) == (40.0, 10.0)


def test_rotations_from_grain_rules_and_tilt():
    pieces = (Piece("a", SQUARE), Piece("b", SQUARE, grain=Grain.ONE_WAY),
              Piece("c", SQUARE, rotations=(0, 90, -90)))
    data = ProblemData(pieces=pieces, width=100)
    assert [it.rotations for it in data.items] == [(0.0, 180.0), (0.0,), (0.0, 90.0, 270.0)]
    four = ProblemData(pieces=(Piece("a", SQUARE),), width=100, grain="four_way")
    assert four.items[0].rotations == (0.0, 90.0, 180.0, 270.0)
    tilted = ProblemData(pieces=(Piece("a", SQUARE),), width=100, tilt=2)
    assert tilted.items[0].rotations == (358.0, 0.0, 2.0, 178.0, 180.0, 182.0)


def test_ratio_sets_the_copies_per_size_and_shared_pieces():
    pieces = (
        Piece("front", SQUARE, quantity=2, size="S", pair=True),
        Piece("front", SQUARE, quantity=2, size="M", pair=True),
        Piece("label", ((0, 0), (2, 0), (2, 1), (0, 1))),  # no size: one per garment
    )
    data = ProblemData(pieces=pieces, width=100, ratio={"S": 1, "M": 2})
    assert [(it.piece.label, it.mirrored, it.demand) for it in data.items] == [
        ("front (S)", False, 1), ("front (S)", True, 1),
        ("front (M)", False, 2), ("front (M)", True, 2),
        ("label", False, 3),
    ]
    assert data.num_copies == 9
    assert data.piece_area == 6 * 100 + 3 * 2
    with pytest.raises(InvalidProblemError, match=r"size\(s\) \['XL'\]"):
        ProblemData(pieces=pieces, width=100, ratio={"XL": 1})
    with pytest.raises(InvalidPieceError, match="quantity 3 is odd"):
        Piece("cuff", SQUARE, quantity=3, pair=True)


def test_parse_ratio():
    assert parse_ratio("S=1, M=2,L:2") == {"S": 1, "M": 2, "L": 2}
    assert parse_ratio("4") == {"": 4}
    with pytest.raises(InvalidProblemError):
        parse_ratio("S=x")


def test_piece_wider_than_the_fabric_is_refused_before_solving():
    wide = Piece("yoke", ((0, 0), (80, 0), (80, 120), (0, 120)))
    with pytest.raises(InvalidPieceError) as err:
        ProblemData(pieces=(wide,), width=100, grain=Grain.ONE_WAY)
    assert err.value.piece == "yoke"
    assert str(err.value) == (
        "piece 'yoke': fits the usable width 100 in no allowed orientation "
        "(height across the fabric 0°: 120)"
    )
    # it fits once turned a quarter, which four-way fabric allows
    assert ProblemData(pieces=(wide,), width=100, grain="four_way").num_copies == 1
    # spacing counts: 100 fits 100 exactly, not with a 2 mm gap on a one-way fabric
    exact = Piece("band", ((0, 0), (300, 0), (300, 100), (0, 100)), grain=Grain.ONE_WAY)
    ProblemData(pieces=(exact,), width=100)
    with pytest.raises(InvalidPieceError, match="spacing 2"):
        ProblemData(pieces=(exact,), width=100, spacing=2, fit_epsilon=0)


def test_max_length_checks():
    p = Piece("panel", ((0, 0), (60, 0), (60, 50), (0, 50)), quantity=4)
    with pytest.raises(InvalidProblemError, match="need a marker of at least 120"):
        ProblemData(pieces=(p,), width=100, max_length=110)
    long = Piece("strap", ((0, 0), (500, 0), (500, 5), (0, 5)), grain=Grain.ONE_WAY)
    with pytest.raises(InvalidPieceError, match="longer than the maximum marker length 400"):
        ProblemData(pieces=(long,), width=100, max_length=400)


def test_problem_level_validation():
    with pytest.raises(InvalidProblemError, match="no pieces"):
        ProblemData(pieces=(), width=10)
    with pytest.raises(InvalidProblemError, match="width must be > 0"):
        ProblemData(pieces=(Piece("a", SQUARE),), width=0)
    with pytest.raises(InvalidProblemError, match="spacing must be a finite number"):
        ProblemData(pieces=(Piece("a", SQUARE),), width=50, spacing=-1)
    with pytest.raises(InvalidProblemError, match="appear twice"):
        ProblemData(pieces=(Piece("a", SQUARE), Piece("a", SQUARE)), width=50)
    data = ProblemData(pieces=(Piece("a", SQUARE),), width=50)
    with pytest.raises(AttributeError):
        data.width = 3  # frozen
    assert data.with_changes(width=80).width == 80


def test_offset_of_a_square_has_the_exact_conservative_size():
    ring = geo.offset_conservative(SQUARE, 1.0)
    r = 1.0 / math.cos(math.pi / (2 * geo.QUAD_SEGS))
    x0, y0, x1, y1 = Polygon(ring).bounds
    assert math.isclose(x1 - x0, 10 + 2 * r, rel_tol=1e-12)
    assert math.isclose(y1 - y0, 10 + 2 * r, rel_tol=1e-12)
    assert geo.offset_conservative(SQUARE, 0) == SQUARE


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 100), st.floats(0, 100)), min_size=3, max_size=12),
    st.floats(0.1, 10),
)
def test_offset_contains_every_point_within_the_distance(points, d):
    hull = Polygon(points).convex_hull
    if not isinstance(hull, Polygon) or hull.area < 1:
        return
    ring = geo.ring_tuple(hull.exterior.coords)
    grown = Polygon(geo.offset_conservative(ring, d))
    # the boundary of the offset is never closer than d to the piece
    assert Polygon(ring).distance(grown.exterior) >= d
    assert grown.contains(Polygon(ring))
