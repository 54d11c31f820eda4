"""Hanging lines routed freely (吊挂线, ``Line.Routing.FREE``).

On such a line the hanging system sends each piece to the station of its next operation,
wherever that station stands on the rail, so a station may do operations far apart in the
bulletin: the piece comes back to it. The plan then balances the operations without their
order (``adapter.plan_problem`` leaves the predecessors out of the engine's input), no
station is warned for coming before a predecessor, and the plan shows the route a piece
takes through the stations (``piece_route``): what the system's route table needs, and
how often a piece goes back along the rail.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.utils.translation import gettext as _

from jinxiu.apps.production.models import BalancePlan, Line, Operation


def routes_freely(plan: BalancePlan) -> bool:
    """The plan's line is a hanging line routed freely (a plan without a line: in order)."""
    return bool(plan.line_id) and plan.line.routing == Line.Routing.FREE


def route_order(ops: list[Operation], where: dict[str, int] | None = None) -> list[int]:
    """Indices of ``ops`` in the order a piece receives them: every operation after its
    predecessors. With the stations of a plan (``where``: operation code → station), an
    operation ready at the station the piece is at comes first, so that the piece leaves
    a station only when nothing more can be done there; then the one at the lowest-numbered
    station (on a line in order the route then follows the stations, without a return);
    among equals, and without stations, the bulletin's order.
    Unknown predecessors are passed over; operations caught in a cycle of predecessors (the
    bulletin refuses those) come last, in the bulletin's order."""
    where = where or {}
    index = {op.code: i for i, op in enumerate(ops)}
    waiting = [0] * len(ops)
    followers: list[list[int]] = [[] for _ in ops]
    for j, op in enumerate(ops):
        for code in dict.fromkeys(op.predecessors):
            if code in index and index[code] != j:
                waiting[j] += 1
                followers[index[code]].append(j)
    ready = [j for j in range(len(ops)) if not waiting[j]]
    order: list[int] = []
    here = None
    nowhere = len(ops)  # operations at no station: after the placed ones
    while ready:
        i = min(ready, key=lambda j: (where.get(ops[j].code) != here or here is None,
                                      where.get(ops[j].code, nowhere), j))
        ready.remove(i)
        order.append(i)
        here = where.get(ops[i].code)
        for j in followers[i]:
            waiting[j] -= 1
            if not waiting[j]:
                ready.append(j)
    seen = set(order)
    return order + [j for j in range(len(ops)) if j not in seen]


@dataclass
class Visit:
    """One stop of a piece: the station (1-based), its parallel workplaces and the
    operations done there on this visit."""

    station: int
    replicas: int
    operations: list[Operation]

    @property
    def label(self) -> str:
        return f"{self.station}×{self.replicas}" if self.replicas > 1 else str(self.station)


@dataclass
class PieceRoute:
    """The stops a piece makes, in order (a station doing two operations in a row is one
    stop), and how many of the moves go back to a lower-numbered station."""

    visits_list: list[Visit]

    @property
    def stations(self) -> list[int]:
        return [v.station for v in self.visits_list]

    @property
    def returns(self) -> int:
        return sum(1 for a, b in itertools.pairwise(self.stations) if b < a)

    @property
    def visits(self) -> int:
        return len(self.visits_list)

    @property
    def path(self) -> str:
        return " → ".join(v.label for v in self.visits_list)

    @property
    def summary(self) -> str:
        return _("Station visits per piece: %(visits)d, back to an earlier station: "
                 "%(returns)d.") % {"visits": self.visits, "returns": self.returns}


def piece_route(ops: list[Operation], where: dict[str, int],
                replicas: list[int] | None = None) -> PieceRoute:
    """The route of a piece through a plan whose station (0-based) of each operation code
    is ``where`` (``replicas``: each station's parallel workplaces); operations at no
    station are passed over."""
    visits: list[Visit] = []
    for i in route_order(ops, where):
        k = where.get(ops[i].code)
        if k is None:
            continue
        if visits and visits[-1].station == k + 1:
            visits[-1].operations.append(ops[i])
        else:
            visits.append(Visit(k + 1, replicas[k] if replicas else 1, [ops[i]]))
    return PieceRoute(visits)
