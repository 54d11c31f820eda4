"""Readers: ESICUP JSON, the sample AAMA/ASTM files, and DXF files written here with ezdxf."""

import json

import ezdxf
import pytest
from shapely.geometry import Polygon

from jinxiu.engines.nesting import InvalidPieceError, InvalidProblemError
from jinxiu.engines.nesting.readers import ReaderError, check_pieces, read_dxf, read_esicup
from jinxiu.engines.nesting.readers import dxf as dxf_reader

GARMENT = {  # instance: (width, piece types, pieces)
    "albano": (4900, 8, 24), "dagli": (60, 10, 30), "mao": (2550, 9, 20),
    "marques": (104, 8, 24), "shirts": (40, 8, 99), "swim": (5752, 10, 48),
    "trousers": (79, 17, 64),
}


@pytest.mark.parametrize("name", sorted(GARMENT))
def test_esicup_garment_instances(esicup_dir, name):
    data = read_esicup(esicup_dir / f"{name}.json")
    width, types, pieces = GARMENT[name]
    assert (data.width, len(data.pieces), data.num_copies) == (width, types, pieces)
    assert data.name == name


def test_esicup_shirts_exact(esicup_dir):
    data = read_esicup(esicup_dir / "shirts.json")
    assert data.piece_area == 2160.0
    assert data.items[0].rotations == (0.0, 180.0)
    assert data.pieces[0].outline[:3] == ((0.0, 0.0), (7.0, 1.0), (7.0, 5.0))
    assert read_esicup(esicup_dir / "jakobs1.json").width == 40.004


def test_esicup_bad_files(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InvalidProblemError, match="not JSON"):
        read_esicup(bad)
    bad.write_text(json.dumps({"items": []}))
    with pytest.raises(InvalidProblemError, match="strip_height"):
        read_esicup(bad)


KNICKERS = {  # name: (quantity, material, area mm² rounded, grain angle)
    "back": (2, "Fabric", 307095.6, 90.0),
    "pocket": (2, "Lining", 78928.8, 90.0),
    "front": (2, "Fabric", 260583.8, 90.0),
    "leg_fly_facing": (4, "Fabric", 9202.2, None),
    "fly_facing": (2, "Fabric", 16879.7, None),
    "knee_band": (2, "Fabric", 34800.0, None),
    "waistband": (1, "Fabric", 64800.0, None),
}


def test_sample_knickers(seamlint_dir):
    pattern = read_dxf(seamlint_dir / "real-cycling-knickers-astm.dxf")
    assert pattern.errors == ()
    assert (pattern.units, pattern.units_source) == ("mm", "inferred (median piece 440)")
    got = {
        p.name: (p.quantity, p.material, round(Polygon(p.outline).area, 1),
                 None if p.grain_angle is None else round(p.grain_angle, 6))
        for p in pattern.pieces
    }
    assert got == KNICKERS
    front = next(p for p in pattern.pieces if p.name == "front")
    assert front.notes[0].startswith("repaired a self-intersection (Self-intersection[422.7")
    assert Polygon(front.outline).is_valid
    # the lining pocket is left out of the fabric marker; even quantities become pairs
    data = pattern.to_problem(width=1400, material="fabric")
    assert [p.name for p in data.pieces] == [
        "back", "front", "leg_fly_facing", "fly_facing", "knee_band", "waistband"]
    assert [(it.piece.name, it.mirrored, it.demand) for it in data.items][:3] == [
        ("back", False, 1), ("back", True, 1), ("front", False, 1)]
    assert data.num_copies == 13


def test_sample_files_pieces(seamlint_dir):
    waist = read_dxf(seamlint_dir / "real-waist-astm.dxf")
    assert [p.name for p in waist.pieces] == [
        "front", "shirtwaist_sleeve", "lower_sleeve", "first_side", "center_back",
        "second_side", "upper_sleeve"]
    assert [len(p.holes) for p in waist.pieces] == [1, 0, 0, 0, 0, 0, 0]
    collar = read_dxf(seamlint_dir / "real-collar-astm.dxf")
    (c,) = collar.pieces
    assert (c.name, c.quantity, c.material, c.on_fold) == ("back_closing_collar", 2, "Fabric", True)
    assert "on fold" in c.notes[0]
    skirt = read_dxf(seamlint_dir / "real-foundation-skirt-astm.dxf")
    assert [(p.name, p.quantity) for p in skirt.pieces] == [
        ("pocket", 2), ("front_and_side", 1), ("facing", 2), ("back", 1)]


def test_sample_piece_without_cut_line_is_named(seamlint_dir):
    pattern = read_dxf(seamlint_dir / "astm-layer14-blocks.dxf")
    assert pattern.errors == (("sleeve", "no cut line (layer 1)"),)
    assert [p.name for p in pattern.pieces] == ["front"]
    with pytest.raises(ReaderError, match=r"sleeve: no cut line \(layer 1\)") as err:
        pattern.to_problem(width=2000)
    assert err.value.errors == [("sleeve", "no cut line (layer 1)")]
    assert pattern.to_problem(width=2000, strict=False).num_copies == 1


def aama(tmp_path, name="style.dxf", *, units=1, pieces=None):
    """An AAMA-like DXF: blocks with keyed text, inserted in model space."""
    doc = ezdxf.new("R2000")
    doc.header["$INSUNITS"] = units
    msp = doc.modelspace()
    msp.add_text("Style Name: TEST-01", dxfattribs={"layer": "1"})
    for spec in pieces or []:
        block = doc.blocks.new(name=spec["block"])
        if spec.get("lines"):  # the boundary as separate LINEs, out of order
            pts = spec["outline"]
            segs = list(zip(pts, pts[1:] + pts[:1], strict=True))
            for a, b in reversed(segs):
                block.add_line(a, b, dxfattribs={"layer": "1"})
        elif spec.get("outline"):
            block.add_lwpolyline(spec["outline"], close=spec.get("closed", True),
                                 dxfattribs={"layer": "1"})
        for layer, (a, b) in spec.get("segments", {}).items():
            block.add_line(a, b, dxfattribs={"layer": layer})
        for hole in spec.get("holes", []):
            block.add_lwpolyline(hole, close=True, dxfattribs={"layer": "11"})
        for pt in spec.get("drills", []):
            block.add_point(pt, dxfattribs={"layer": "13"})
        for text in spec.get("text", []):
            block.add_text(text, dxfattribs={"layer": "1"})
        msp.add_blockref(spec["block"], (0, 0))
    path = tmp_path / name
    doc.saveas(path)
    return path


def test_generated_aama_file(tmp_path):
    path = aama(tmp_path, pieces=[
        {"block": "B1", "outline": [(0, 0), (10, 0), (10, 20), (0, 20)],
         "segments": {"7": ((5, 2), (5, 18))},
         "holes": [[(2, 2), (4, 2), (4, 4), (2, 4)]], "drills": [(5, 10)],
         "text": ["Piece Name: FRONT", "Size: M", "Quantity: 2", "Material: SHELL"]},
        {"block": "B2", "outline": [(0, 0), (8, 0), (8, 6), (0, 6)], "lines": True,
         "text": ["Piece Name: POCKET", "Size: M", "Quantity: 1"]},
        # half a back with its fold line on the left edge (layer 6)
        {"block": "B3", "outline": [(0, 0), (6, 0), (4, 10), (0, 10)],
         "segments": {"6": ((0, 0), (0, 10)), "7": ((2, 1), (2, 9))},
         "text": ["Piece Name: BACK", "Size: M", "Quantity: 1"]},
    ])
    pattern = read_dxf(path)
    assert (pattern.units, pattern.units_source) == ("inch", "$INSUNITS")
    assert pattern.style["style name"] == "TEST-01"
    front, pocket, back = pattern.pieces
    assert (front.name, front.size, front.quantity, front.material) == ("FRONT", "M", 2, "SHELL")
    assert Polygon(front.outline).area == pytest.approx(10 * 20 * 25.4**2)
    assert front.grain_angle == 90.0
    assert len(front.holes) == 1
    assert Polygon(front.holes[0]).area == pytest.approx(4 * 25.4**2)
    assert front.drills == ((5 * 25.4, 10 * 25.4),)
    assert Polygon(pocket.outline).area == pytest.approx(48 * 25.4**2)
    assert Polygon(back.outline).area == pytest.approx(2 * 50 * 25.4**2)  # unfolded
    assert "unfolded along its mirror line (layer 6)" in back.notes
    data = pattern.to_problem(width=1500, ratio={"M": 3})
    assert data.num_copies == 3 * 4
    assert check_pieces(pattern) == []


def test_generated_bad_files(tmp_path):
    empty = tmp_path / "empty.dxf"
    empty.write_bytes(b"")
    with pytest.raises(ReaderError, match="the file is empty"):
        read_dxf(empty)
    junk = tmp_path / "junk.dxf"
    junk.write_text("hello\nworld\n")
    with pytest.raises(ReaderError, match="not a readable DXF"):
        read_dxf(junk)
    nothing = aama(tmp_path, "none.dxf")
    with pytest.raises(ReaderError, match="no pattern pieces"):
        read_dxf(nothing)
    broken = aama(tmp_path, "open.dxf", pieces=[
        {"block": "B1", "outline": [(0, 0), (10, 0), (10, 20), (0, 20)], "closed": False,
         "text": ["Piece Name: OPEN"]},
        {"block": "B2", "outline": [(0, 0), (10, 10), (10, 0), (0, 10)],
         "text": ["Piece Name: BOW"]},
    ])
    pattern = read_dxf(broken)
    assert pattern.pieces == ()
    assert [name for name, _ in pattern.errors] == ["OPEN", "BOW"]
    assert pattern.errors[0][1] == "the cut line (layer 1) is not closed (1 open chain(s))"
    assert pattern.errors[1][1].startswith("cut line: outline self-intersects")
    with pytest.raises(ReaderError, match="OPEN: the cut line"):
        pattern.to_problem(width=100)


def test_huge_file_is_refused(tmp_path, monkeypatch):
    path = aama(tmp_path, pieces=[{"block": "B1", "outline": [(0, 0), (1, 0), (1, 1)],
                                   "text": ["Piece Name: A"]}])
    monkeypatch.setattr(dxf_reader, "MAX_BYTES", 1000)
    with pytest.raises(ReaderError, match="larger than the limit 1000"):
        read_dxf(path)


def test_piece_too_wide_from_dxf_names_the_piece(tmp_path):
    path = aama(tmp_path, units=4, pieces=[
        {"block": "B1", "outline": [(0, 0), (300, 0), (300, 1600), (0, 1600)],
         "segments": {"7": ((0, 800), (300, 800))}, "text": ["Piece Name: CAPE"]}])
    with pytest.raises(InvalidPieceError, match="piece 'CAPE': fits the usable width 1500"):
        read_dxf(path).to_problem(width=1500, grain="one_way")
