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

import heapq
import itertools
from dataclasses import dataclass

from django.utils.translation import gettext as _

from jinxiu.apps.production.models import BalancePlan, Line, Operation


def routes_freely(plan: BalancePlan) -> bool:
    """The plan's line is a hanging line routed freely (a plan without a line: in order)."""
    return bool(plan.line_id) and plan.line.routing == Line.Routing.FREE


def route_order(ops: list[Operation]) -> list[int]:
    """Indices of ``ops`` in the order a piece receives them: every operation after its
    predecessors, otherwise in the bulletin's order. Unknown predecessors are passed over;
    operations caught in a cycle of predecessors (the bulletin refuses those) come last,
    in the bulletin's order."""
    index = {op.code: i for i, op in enumerate(ops)}
    waiting = [0] * len(ops)
    followers: list[list[int]] = [[] for _ in ops]
    for j, op in enumerate(ops):
        for code in dict.fromkeys(op.predecessors):
            if code in index and index[code] != j:
                waiting[j] += 1
                followers[index[code]].append(j)
    ready = [j for j in range(len(ops)) if not waiting[j]]
    heapq.heapify(ready)
    order = []
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for j in followers[i]:
            waiting[j] -= 1
            if not waiting[j]:
                heapq.heappush(ready, j)
    seen = set(order)
    return order + [j for j in range(len(ops)) if j not in seen]


@dataclass
class PieceRoute:
    """The stations a piece visits, by number, in order (a station doing two operations in
    a row is one visit), and how many of the moves go back to a lower-numbered station."""

    stations: list[int]
    returns: int

    @property
    def visits(self) -> int:
        return len(self.stations)

    @property
    def path(self) -> str:
        return " → ".join(str(k) for k in self.stations)

    @property
    def summary(self) -> str:
        return _("Station visits per piece: %(visits)d, back to an earlier station: "
                 "%(returns)d.") % {"visits": self.visits, "returns": self.returns}


def piece_route(ops: list[Operation], where: dict[str, int]) -> PieceRoute:
    """The route of a piece through a plan whose station (0-based) of each operation code
    is ``where``; operations at no station are passed over."""
    stations: list[int] = []
    for i in route_order(ops):
        k = where.get(ops[i].code)
        if k is not None and (not stations or stations[-1] != k + 1):
            stations.append(k + 1)
    returns = sum(1 for a, b in itertools.pairwise(stations) if b < a)
    return PieceRoute(stations, returns)
