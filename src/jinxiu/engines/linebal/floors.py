"""Idle time that the station of a task is sure to leave, and tasks that need stations of
their own (线中必然空闲): the per-cycle data of the searches' "task reserve".

A station that holds task ``j`` holds, besides ``j``, tasks that can share a station with it:
an unrelated task ``i`` with ``t_i + t_j <= c``, or an ancestor or follower ``i`` with the
tasks between the two (they must join too, or the station would not be a contiguous piece
of the line) when ``t_i + t_j + t(between) <= c``. The largest subset sum of those tasks'
times that fits next to ``j`` (their pairwise fit and precedence dropped: a relaxation, so
the sum is at least what any real station reaches) leaves ``f_j`` idle time at least.

Tasks that cannot share a station pairwise sit in different stations, so their ``f`` add up:
``J`` is such a set (chosen greedily, largest ``f`` first). The searches keep that much of
the idle budget back from the station they fill (``kernel.run_search``, ``kdfs._open_level``):
every task of ``J`` still unassigned takes its ``f`` from the stations after it, except the
largest of those that could still join this station. ARC83 with 17 stations at c = 4515:
tasks 83, 82, 1 and 6 of the file (3 691, 1 300, 1 673 and 2 881 units) cannot share
stations pairwise and leave at least 374, 128, 21 and 17, so 540 of the 1 048 units of
idle time are spoken for; the forward best-first search proves the "no" in 16 669 nodes
and 0.5 s instead of 119 489 and 7.8 s.
"""

from __future__ import annotations

from jinxiu.engines.linebal.bbr import Salbp1, _bits


def task_floors(core: Salbp1) -> list[int]:
    """``f_j`` for every task (``core``'s topological numbering), see the module."""
    n, c, t = core.n, core.c, core.t
    anc, fol = core.anc, core.fol
    floors = [0] * n
    for j in range(n):
        room = c - t[j]
        if room <= 0:
            continue
        top = 1 << room
        cap = (top << 1) - 1
        sums = 1
        related = anc[j] | fol[j]
        for i in range(n):  # unrelated tasks first: they usually fill the room at once
            if i != j and not (related >> i) & 1 and t[i] <= room:
                sums |= (sums << t[i]) & cap
                if sums & top:
                    break
        if not sums & top:
            for i in _bits(related):
                if _with_between(core, i, j) <= c:
                    sums |= (sums << t[i]) & cap
                    if sums & top:
                        break
        floors[j] = room - (sums.bit_length() - 1)
    return floors


def separate_tasks(core: Salbp1, floors: list[int]) -> list[int]:
    """Tasks with ``f > 0`` of which no two can share a station, largest ``f`` first."""
    chosen: list[int] = []
    for j in sorted((j for j in range(core.n) if floors[j] > 0), key=lambda j: -floors[j]):
        if all(_with_between(core, i, j) > core.c for i in chosen):
            chosen.append(j)
    return chosen


def _with_between(core: Salbp1, i: int, j: int) -> int:
    """The least time of a station holding tasks ``i`` and ``j``: both, and the tasks
    between them when one precedes the other."""
    anc, fol, t = core.anc, core.fol, core.t
    if (anc[j] >> i) & 1:
        between = fol[i] & anc[j]
    elif (fol[j] >> i) & 1:
        between = fol[j] & anc[i]
    else:
        between = 0
    return t[i] + t[j] + sum(t[k] for k in _bits(between))
