"""Readers and writers for the public line-balancing formats.

* Scholl (1993) ``.IN2``: ``n``, then ``n`` task times, then ``i,j`` precedence pairs up to
  ``-1,-1``; anything after that line is a free-text comment (DOS code page, may hold more
  ``i,j`` lines that are *not* arcs). Lines end in CRLF, a file may end in 0x1A.
* Otto, Otto & Scholl (2013) ``.alb``: tagged blocks ``<number of tasks>``, ``<cycle time>``,
  ``<order strength>``, ``<task times>`` (``task time`` per line), ``<precedence relations>``
  (``i,j`` per line), ``<end>``.

Task numbers in both files are 1-based; the engine's indices are 0-based and the labels keep
the numbers of the file.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from jinxiu.engines.linebal.problem import ProblemData, ProblemError


class FormatError(ProblemError):
    """The file does not follow the format; the message names the line."""


@dataclass(frozen=True, slots=True)
class Graph:
    """A precedence graph as read from a file (no cycle time or station count yet)."""

    times: tuple[int, ...]
    precedences: tuple[tuple[int, int], ...]  # 0-based
    name: str = ""
    cycle_time: int | None = None  # .alb files carry one
    comment: str = ""

    def problem(self, *, cycle_time: int | None = None, stations: int | None = None,
                **extra) -> ProblemData:
        if cycle_time is None and stations is None:
            cycle_time = self.cycle_time
        return ProblemData(times=self.times, precedences=self.precedences,
                           cycle_time=cycle_time, stations=stations, name=self.name, **extra)


def _text(source: str | bytes | os.PathLike) -> tuple[str, str]:
    if isinstance(source, bytes):
        return source.decode("latin-1"), ""
    path = Path(source)
    return path.read_bytes().decode("latin-1"), path.stem


def _int(token: str, lineno: int, what: str) -> int:
    try:
        return int(token.strip())
    except ValueError:
        raise FormatError(f"line {lineno}: {what} {token.strip()!r} is not an integer") from None


def parse_in2(text: str, name: str = "") -> Graph:
    """Parse the text of a Scholl ``.IN2`` file."""
    text = text.replace("\x1a", "")
    lines = text.splitlines()
    pos = 0

    def next_line(what: str) -> tuple[int, str]:
        nonlocal pos
        while pos < len(lines) and not lines[pos].strip():
            pos += 1
        if pos >= len(lines):
            raise FormatError(f"the file ends before {what}")
        pos += 1
        return pos, lines[pos - 1].strip()

    lineno, first = next_line("the number of tasks")
    n = _int(first, lineno, "number of tasks")
    if n <= 0:
        raise FormatError(f"line {lineno}: number of tasks {n} is not positive")
    times = []
    for k in range(n):
        lineno, line = next_line(f"the time of task {k + 1}")
        times.append(_int(line, lineno, f"time of task {k + 1}"))
    arcs: list[tuple[int, int]] = []
    while True:
        lineno, line = next_line("the end mark -1,-1")
        parts = line.split(",")
        if len(parts) != 2:
            raise FormatError(f"line {lineno}: expected 'i,j', got {line!r}")
        i, j = _int(parts[0], lineno, "task"), _int(parts[1], lineno, "task")
        if i == -1 and j == -1:
            break
        for x in (i, j):
            if not 1 <= x <= n:
                raise FormatError(f"line {lineno}: task {x} is not in 1..{n}")
        arcs.append((i - 1, j - 1))
    comment = "\n".join(lines[pos:]).strip()
    with contextlib.suppress(UnicodeError):  # written on DOS (code page 850: 0x94 is "ö")
        comment = comment.encode("latin-1").decode("cp850")
    return Graph(tuple(times), tuple(dict.fromkeys(arcs)), name=name, comment=comment)


def read_in2(source: str | bytes | os.PathLike) -> Graph:
    """Read a Scholl ``.IN2`` file (path or raw bytes)."""
    text, stem = _text(source)
    return parse_in2(text, stem)


def write_in2(graph: Graph | ProblemData, path: str | os.PathLike | None = None) -> str:
    """Write ``.IN2`` text (CRLF line ends, as the published files); return it."""
    lines = [str(len(graph.times))]
    lines += [str(t) for t in graph.times]
    lines += [f"{i + 1},{j + 1}" for i, j in graph.precedences]
    lines.append("-1,-1")
    text = "\r\n".join(lines) + "\r\n"
    if path is not None:
        Path(path).write_bytes(text.encode("latin-1"))
    return text


def parse_alb(text: str, name: str = "") -> Graph:
    """Parse the text of an Otto et al. ``.alb`` file."""
    blocks: dict[str, list[tuple[int, str]]] = {}
    current: str | None = None
    for lineno, raw in enumerate(text.replace("\x1a", "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("<") and line.endswith(">"):
            current = line[1:-1].strip().lower()
            if current == "end":
                break
            blocks[current] = []
            continue
        if current is None:
            raise FormatError(f"line {lineno}: {line!r} comes before the first <tag>")
        blocks[current].append((lineno, line))
    for tag in ("number of tasks", "task times"):
        if tag not in blocks:
            raise FormatError(f"the file has no <{tag}> block")
    (lineno, first), *_ = blocks["number of tasks"] or [(0, "")]
    n = _int(first, lineno, "number of tasks")
    times: dict[int, int] = {}
    for lineno, line in blocks["task times"]:
        parts = line.split()
        if len(parts) != 2:
            raise FormatError(f"line {lineno}: expected 'task time', got {line!r}")
        k, t = _int(parts[0], lineno, "task"), _int(parts[1], lineno, "time")
        if not 1 <= k <= n:
            raise FormatError(f"line {lineno}: task {k} is not in 1..{n}")
        if k in times:
            raise FormatError(f"line {lineno}: task {k} has a second time")
        times[k] = t
    missing = [k for k in range(1, n + 1) if k not in times]
    if missing:
        raise FormatError(f"task {missing[0]} has no time in <task times>")
    arcs = []
    for lineno, line in blocks.get("precedence relations", []):
        parts = line.split(",")
        if len(parts) != 2:
            raise FormatError(f"line {lineno}: expected 'i,j', got {line!r}")
        i, j = _int(parts[0], lineno, "task"), _int(parts[1], lineno, "task")
        for x in (i, j):
            if not 1 <= x <= n:
                raise FormatError(f"line {lineno}: task {x} is not in 1..{n}")
        arcs.append((i - 1, j - 1))
    cycle = None
    if blocks.get("cycle time"):
        lineno, line = blocks["cycle time"][0]
        cycle = _int(line, lineno, "cycle time")
    return Graph(tuple(times[k] for k in range(1, n + 1)), tuple(dict.fromkeys(arcs)),
                 name=name, cycle_time=cycle)


def read_alb(source: str | bytes | os.PathLike) -> Graph:
    """Read an Otto et al. ``.alb`` file (path or raw bytes)."""
    text, stem = _text(source)
    return parse_alb(text, stem)


def write_alb(graph: Graph | ProblemData, path: str | os.PathLike | None = None,
              *, cycle_time: int | None = None) -> str:
    """Write ``.alb`` text; the cycle time comes from the argument or the problem."""
    n = len(graph.times)
    c = cycle_time if cycle_time is not None else graph.cycle_time
    closure = _order_strength(n, graph.precedences)
    lines = ["<number of tasks>", str(n), ""]
    if c is not None:
        lines += ["<cycle time>", str(c), ""]
    lines += ["<order strength>", f"{closure:.3f}".replace(".", ","), ""]
    lines += ["<task times>"] + [f"{k + 1} {t}" for k, t in enumerate(graph.times)] + [""]
    lines += ["<precedence relations>"] + [f"{i + 1},{j + 1}" for i, j in graph.precedences]
    lines += ["", "<end>"]
    text = "\n".join(lines) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="latin-1")
    return text


def _order_strength(n: int, arcs) -> float:
    if n < 2:
        return 0.0
    succ: list[list[int]] = [[] for _ in range(n)]
    indeg = [0] * n
    for i, j in arcs:
        succ[i].append(j)
        indeg[j] += 1
    order, ready = [], [i for i in range(n) if indeg[i] == 0]
    while ready:
        i = ready.pop()
        order.append(i)
        for j in succ[i]:
            indeg[j] -= 1
            if indeg[j] == 0:
                ready.append(j)
    reach = [0] * n
    for i in reversed(order):
        for j in succ[i]:
            reach[i] |= reach[j] | (1 << j)
    pairs = sum(bin(r).count("1") for r in reach)
    return pairs / (n * (n - 1) / 2)


def read_instance(path: str | os.PathLike) -> Graph:
    """Read ``.IN2`` or ``.alb`` by the file's extension (``.alb`` also by its first tag)."""
    p = Path(path)
    if p.suffix.lower() == ".alb":
        return read_alb(p)
    data = p.read_bytes()
    if data.lstrip().startswith(b"<"):
        return parse_alb(data.decode("latin-1"), p.stem)
    return parse_in2(data.decode("latin-1"), p.stem)
