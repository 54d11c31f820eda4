"""Writers and the command line."""

import json
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from shapely.geometry import Polygon

from jinxiu.cli import main as jinxiu_main
from jinxiu.engines.common import MaxRuntime
from jinxiu.engines.nesting import Piece, ProblemData, SolveParams, solve, writers
from jinxiu.engines.nesting.cli import main
from jinxiu.engines.nesting.readers import read_dxf

from .test_readers import aama

ELL = ((0, 0), (30, 0), (30, 10), (10, 10), (10, 20), (0, 20))


@pytest.fixture(scope="module")
def solved():
    data = ProblemData(
        pieces=(Piece("袖子 sleeve", ELL, quantity=2, pair=True, size="M",
                      holes=(((2, 2), (4, 2), (4, 4), (2, 4)),), drills=((5, 5),)),
                Piece("cuff", ((0, 0), (20, 0), (20, 8), (0, 8)), quantity=2, size="M")),
        width=50, ratio={"M": 2}, spacing=1,
    )
    return data, solve(data, stop=MaxRuntime(1), seed=2, params=SolveParams(workers=2))


def test_json_svg_pdf(tmp_path, solved):
    data, result = solved
    writers.write_json(result, tmp_path / "m.json")
    doc = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert {"width", "length", "utilization", "placements", "runtime_s"} <= set(doc)
    assert doc["width"] == 50 and doc["utilization"] == result.utilization
    first = doc["placements"][0]
    assert {"piece", "size", "rotation", "mirrored", "polygon"} <= set(first)
    assert first["piece"] == "袖子 sleeve" and first["size"] == "M"
    assert len(doc["placements"]) == 8
    writers.write_svg(data, result, tmp_path / "m.svg")
    svg = ET.fromstring((tmp_path / "m.svg").read_text())  # noqa: S314 - our own output
    paths = [e for e in svg.iter() if e.tag.endswith("path")]
    assert len(paths) == 8
    assert Counter(p.get("data-mirrored") for p in paths) == Counter(false=6, true=2)
    writers.write_pdf(data, result, tmp_path / "m.pdf")
    pdf = (tmp_path / "m.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")


def test_marker_dxf_reads_back_as_the_same_pieces(tmp_path, solved):
    data, result = solved
    writers.write_dxf(data, result, tmp_path / "m.dxf")
    back = read_dxf(tmp_path / "m.dxf")
    assert back.units == "mm" and back.errors == ()
    assert len(back.pieces) == len(result.placements)
    got = sorted(round(Polygon(p.outline).area, 6) for p in back.pieces)
    want = sorted(round(Polygon(p.polygon).area, 6) for p in result.placements)
    assert got == want
    assert sorted({p.name.split("#")[0] for p in back.pieces}) == ["cuff", "袖子 sleeve"]
    assert {p.size for p in back.pieces} == {"M"}
    assert sum(len(p.holes) for p in back.pieces) == 4
    # every placed outline comes back at the same place
    placed = sorted(Polygon(p.polygon).bounds for p in result.placements)
    read = sorted(Polygon(p.outline).bounds for p in back.pieces)
    assert all(abs(a - b) < 1e-6 for pa, pb in zip(placed, read, strict=True)
               for a, b in zip(pa, pb, strict=True))


def test_cli_solve_dxf(tmp_path, capsys):
    path = aama(tmp_path, units=4, pieces=[
        {"block": "B1", "outline": [(0, 0), (300, 0), (300, 200), (0, 200)],
         "segments": {"7": ((0, 100), (300, 100))},
         "text": ["Piece Name: FRONT", "Size: S", "Quantity: 2"]},
        {"block": "B2", "outline": [(0, 0), (300, 0), (320, 220), (0, 220)],
         "segments": {"7": ((0, 100), (300, 100))},
         "text": ["Piece Name: FRONT", "Size: M", "Quantity: 2"]},
    ])
    out = tmp_path / "marker.json"
    rc = jinxiu_main(["nesting", "solve", str(path), "--width", "700", "--ratio", "S=1,M=2",
                      "--spacing", "2", "--time-limit", "1", "--seed", "1", "--workers", "2",
                      "--out", str(out), "--svg", str(tmp_path / "m.svg"),
                      "--pdf", str(tmp_path / "m.pdf"), "--dxf", str(tmp_path / "m.dxf")])
    assert rc == 0, capsys.readouterr().err
    doc = json.loads(out.read_text())
    assert Counter((p["size"], p["mirrored"]) for p in doc["placements"]) == Counter(
        {("S", False): 1, ("S", True): 1, ("M", False): 2, ("M", True): 2})
    assert all((tmp_path / f).stat().st_size > 0 for f in ("m.svg", "m.pdf", "m.dxf"))
    assert "utilization" in capsys.readouterr().out
    # the stored marker re-checks; a tampered one does not
    same = [str(path), "--width", "700", "--ratio", "S=1,M=2", "--spacing", "2"]
    assert main(["check", *same, "--marker", str(out)]) == 0
    assert capsys.readouterr().out.startswith("ok: 6 pieces")
    doc["placements"][1]["translation"] = doc["placements"][0]["translation"]
    doc["placements"][1]["polygon"] = doc["placements"][0]["polygon"]
    doc["placements"][1]["mirrored"] = doc["placements"][0]["mirrored"]
    doc["placements"][1]["rotation"] = doc["placements"][0]["rotation"]
    doc["placements"][1]["size"] = doc["placements"][0]["size"]
    out.write_text(json.dumps(doc))
    assert main(["check", *same, "--marker", str(out)]) == 1
    assert "placed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--width", "100"], "the file is empty"),
        ([], "--width is required"),
        (["--width", "100", "--ratio", "S=x"], "cannot read ratio entry"),
    ],
)
def test_cli_bad_input_writes_nothing(tmp_path, capsys, args, message):
    empty = tmp_path / "empty.dxf"
    empty.write_bytes(b"")
    out = tmp_path / "marker.json"
    rc = main(["solve", str(empty), "--out", str(out), "--svg", str(tmp_path / "m.svg"), *args])
    assert rc == 2
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.dxf"]


def test_cli_piece_wider_than_fabric_writes_nothing(tmp_path, capsys):
    path = aama(tmp_path, units=4, pieces=[
        {"block": "B1", "outline": [(0, 0), (300, 0), (300, 900), (0, 900)],
         "segments": {"7": ((0, 100), (300, 100))}, "text": ["Piece Name: CAPE"]}])
    rc = main(["solve", str(path), "--width", "800", "--grain", "one_way", "--out",
               str(tmp_path / "m.json")])
    assert rc == 2
    assert "piece 'CAPE': fits the usable width 800 in no allowed orientation" in (
        capsys.readouterr().err)
    assert not (tmp_path / "m.json").exists()


def test_cli_info(seamlint_dir, capsys):
    assert main(["info", str(seamlint_dir / "astm-layer14-blocks.dxf")]) == 1
    out = capsys.readouterr().out
    assert "ERROR sleeve: no cut line (layer 1)" in out


def test_cli_bench_one_instance(esicup_dir, tmp_path, capsys):
    out = tmp_path / "b.csv"
    rc = main(["bench", "--set", "esicup-garment", "--data", str(esicup_dir), "--time-limit",
               "1", "--seeds", "1", "--instances", "shirts", "--workers", "2", "--out", str(out)])
    assert rc == 0
    rows = out.read_text().splitlines()
    assert rows[0].startswith("instance,method,seed,time_limit_s,workers,utilization_pct")
    assert [r.split(",")[1] for r in rows[1:]] == ["jinxiu", "spyrrow"]
    meta = json.loads(out.with_suffix(".meta.json").read_text())
    assert meta["summary"][0]["best_known"] == 90.92
    assert "gapBK" in capsys.readouterr().out
