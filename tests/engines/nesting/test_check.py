"""The independent check, on markers built by hand (no solver)."""

from jinxiu.engines.nesting import Piece, Placement, ProblemData, check_marker
from jinxiu.engines.nesting import geometry as geo
from jinxiu.engines.nesting.check import placement_matrix

RECT = ((0, 0), (40, 0), (40, 20), (0, 20))


def place(data, index, rotation, tx, ty, mirrored=False, copy=0):
    piece = data.pieces[index]
    p = Placement(piece.name, piece.size, index, copy, rotation, mirrored, (tx, ty),
                  geo.IDENTITY, ())
    m = placement_matrix(data, p)
    return Placement(piece.name, piece.size, index, copy, rotation, mirrored, (tx, ty), m,
                     geo.oriented(geo.apply(m, piece.outline)))


def problem(**kw):
    return ProblemData(pieces=(Piece("panel", RECT, quantity=2),), width=40, **kw)


def test_a_good_marker_passes():
    data = problem()
    marker = [place(data, 0, 0, 0, 0), place(data, 0, 180, 40, 40, copy=1)]
    assert check_marker(data, marker, 40) == []


def test_overlap_outside_rotation_and_count_are_reported():
    data = problem()
    overlapping = [place(data, 0, 0, 0, 0), place(data, 0, 0, 10, 5, copy=1)]
    assert check_marker(data, overlapping, 50) == ["panel and panel overlap by an area of 450"]
    outside = [place(data, 0, 0, 0, 0), place(data, 0, 0, 0, 25, copy=1)]
    assert check_marker(data, outside, 40) == [
        "panel: outside the strip (bounds 0, 25, 40, 45; strip x 0..40, y 0..40)"
    ]
    turned = [place(data, 0, 0, 0, 0), place(data, 0, 90, 60, 0, copy=1)]
    assert "panel: rotation 90° is not allowed" in check_marker(data, turned, 60)
    assert check_marker(data, [place(data, 0, 0, 0, 0)], 40) == [
        "panel: placed 1 time(s), required 2"
    ]
    twice = [place(data, 0, 0, 0, 0), place(data, 0, 0, 40, 0, copy=1),
             place(data, 0, 0, 80, 0, copy=2)]
    assert check_marker(data, twice, 120) == ["panel: placed 3 time(s), required 2"]


def test_touching_pieces_pass_and_spacing_is_enforced():
    data = problem()
    touching = [place(data, 0, 0, 0, 0), place(data, 0, 0, 40, 0, copy=1)]
    assert check_marker(data, touching, 80) == []
    spaced = problem(spacing=3)
    assert check_marker(spaced, touching, 80) == ["panel and panel: 0 apart, spacing is 3"]
    apart = [place(spaced, 0, 0, 0, 0), place(spaced, 0, 0, 43, 0, copy=1)]
    assert check_marker(spaced, apart, 83) == []


def test_a_reported_polygon_that_does_not_match_is_caught():
    data = problem()
    a, b = place(data, 0, 0, 0, 0), place(data, 0, 0, 40, 0, copy=1)
    forged = Placement(b.piece, b.size, b.piece_index, b.copy, b.rotation, b.mirrored,
                       b.translation, b.matrix, geo.apply(geo.translation(100, 0), b.polygon))
    assert check_marker(data, [a, forged], 80) == [
        "panel: reported polygon differs from the rebuilt one"
    ]
