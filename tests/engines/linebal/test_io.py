"""Readers and writers: the pitfalls listed in the data README, round trips, bad files."""

import pytest

from jinxiu.engines.linebal import read_alb, read_in2, read_instance, write_alb, write_in2
from jinxiu.engines.linebal.io import FormatError, parse_alb, parse_in2

# name: (n, arcs, t_sum) from the README table
TABLE = {
    "ARC83": (83, 113, 75707), "ARC111": (111, 176, 150399), "BARTHOL2": (148, 175, 4234),
    "BARTHOLD": (148, 175, 5634), "BOWMAN8": (8, 8, 75), "BUXEY": (29, 36, 324),
    "GUNTHER": (35, 45, 483), "HAHN": (53, 82, 14026), "HESKIA": (28, 39, 1024),
    "JACKSON": (11, 13, 46), "JAESCHKE": (9, 11, 37), "KILBRID": (45, 62, 552),
    "LUTZ1": (32, 38, 14140), "LUTZ2": (89, 118, 485), "LUTZ3": (89, 118, 1644),
    "MANSOOR": (11, 11, 185), "MERTENS": (7, 6, 29), "MITCHELL": (21, 27, 105),
    "MUKHERJE": (94, 181, 4208), "ROSZIEG": (25, 32, 125), "SAWYER30": (30, 32, 324),
    "SCHOLL": (297, 423, 69655), "TONGE70": (70, 86, 3510), "WARNECKE": (58, 70, 1548),
    "WEE-MAG": (75, 87, 1499),
}


def test_all_scholl_files_match_the_readme(scholl):
    for name, (n, arcs, total) in TABLE.items():
        g = read_in2(scholl / f"{name}.IN2")
        assert (len(g.times), len(g.precedences), sum(g.times)) == (n, arcs, total), name
        assert all(i < j for i, j in g.precedences), name


def test_arc111_comment_arcs_are_not_read(scholl):
    g = read_in2(scholl / "ARC111.IN2")
    assert (42, 90) not in g.precedences  # "43,91" is in the comment only
    assert "Transitive" in g.comment


def test_dos_eof_and_missing_last_newline():
    g = parse_in2("3\r\n1\r\n2\r\n3\r\n1,2\r\n2,3\r\n-1,-1\x1a")
    assert g.times == (1, 2, 3) and g.precedences == ((0, 1), (1, 2))
    g = parse_in2("2\n5\n6\n-1,-1")
    assert g.precedences == ()


def test_latin1_comment_bytes():
    raw = b"2\r\n5\r\n6\r\n1,2\r\n-1,-1\r\nQuelle: Arcus, Sch\x94nheit\r\n7,8\r\n"
    g = read_in2(raw)
    assert g.precedences == ((0, 1),) and "Sch\u00f6nheit" in g.comment


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "ends before the number of tasks"),
        ("x\n", "number of tasks 'x' is not an integer"),
        ("2\n5\n", "ends before the time of task 2"),
        ("2\n5\n6\n1,2\n", "ends before the end mark"),
        ("2\n5\n6\n1,3\n-1,-1\n", "task 3 is not in 1..2"),
        ("2\n5\n6\n1 2\n-1,-1\n", "expected 'i,j'"),
    ],
)
def test_bad_in2(text, message):
    with pytest.raises(FormatError, match=message):
        parse_in2(text)


def test_in2_round_trip(tmp_path, scholl):
    g = read_in2(scholl / "HESKIA.IN2")
    text = write_in2(g, tmp_path / "h.IN2")
    assert text.endswith("-1,-1\r\n")
    g2 = read_in2(tmp_path / "h.IN2")
    assert (g2.times, g2.precedences) == (g.times, g.precedences)


ALB = """<number of tasks>
4

<cycle time>
10

<order strength>
0,5

<task times>
1 3
2 4
3 5
4 6

<precedence relations>
1,2
1,3
3,4

<end>
"""


def test_alb_reader_and_round_trip(tmp_path):
    g = parse_alb(ALB, "demo")
    assert g.times == (3, 4, 5, 6) and g.cycle_time == 10
    assert g.precedences == ((0, 1), (0, 2), (2, 3))
    write_alb(g, tmp_path / "demo.alb")
    g2 = read_alb(tmp_path / "demo.alb")
    assert (g2.times, g2.precedences, g2.cycle_time) == (g.times, g.precedences, 10)
    assert read_instance(tmp_path / "demo.alb").cycle_time == 10
    assert g.problem().cycle_time == 10
    assert "<order strength>\n0,667" in write_alb(g)


def test_alb_from_scholl_graph(tmp_path, scholl):
    g = read_in2(scholl / "MITCHELL.IN2")
    write_alb(g, tmp_path / "m.alb", cycle_time=14)
    g2 = read_instance(tmp_path / "m.alb")
    assert (g2.times, g2.precedences, g2.cycle_time) == (g.times, g.precedences, 14)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<task times>\n1 3\n<end>", "no <number of tasks>"),
        ("<number of tasks>\n2\n<task times>\n1 3\n<end>", "task 2 has no time"),
        ("<number of tasks>\n1\n<task times>\n1 3\n1 4\n<end>", "task 1 has a second time"),
        ("<number of tasks>\n1\n<task times>\n2 3\n<end>", "task 2 is not in 1..1"),
        ("1\n<number of tasks>\n1\n", "comes before the first <tag>"),
    ],
)
def test_bad_alb(text, message):
    with pytest.raises(FormatError, match=message):
        parse_alb(text)
