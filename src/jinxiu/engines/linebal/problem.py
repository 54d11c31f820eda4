"""The line-balancing problem: tasks (工序 operations), precedence, and either a cycle time
(节拍, SALBP-1) or a number of stations (工位, SALBP-2), plus the garment extensions.

``ProblemData`` is immutable and validated on construction; every error names the task
(by its label) and the reason, so that a bad operation bulletin is rejected before any
search starts.

Tasks are indexed ``0 .. n-1`` inside the engine; ``labels`` holds the names shown to
people (by default the 1-based numbers used in the benchmark files).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from numbers import Integral, Real

from jinxiu.engines.linebal import chains


class ProblemError(ValueError):
    """The input cannot describe a line-balancing problem (bad task, cycle, ...).

    The message is English. An application that words errors in its users' language reads
    ``reason`` (a short code, "" where no caller needs one), ``tasks`` (the task indices
    concerned, in the order the message names them) and ``values`` (the numbers, in the
    problem's integer units).
    """

    def __init__(self, message: str, *, reason: str = "", tasks: Sequence[int] = (),
                 **values) -> None:
        super().__init__(message)
        self.reason = reason
        self.tasks = tuple(tasks)
        self.values = values


# efficiencies the engine takes (the planner allows 0.1..3): far outside, the times
# ceil(t / efficiency) overflow the models or make the rules' cycle steps meaningless
MIN_EFFICIENCY, MAX_EFFICIENCY = 0.01, 100.0


@dataclass(frozen=True, slots=True)
class Operator:
    """A named operator (操作工) and her efficiency per machine type.

    ``efficiency[type]`` is a factor: 1.0 is standard speed, 0.8 means an operation of that
    machine type takes ``t / 0.8``. A machine type missing from the mapping (or with
    efficiency 0) is one the operator cannot run.
    """

    name: str
    efficiency: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        eff = dict(self.efficiency)
        for mtype, value in eff.items():
            if not isinstance(value, Real) or isinstance(value, bool) or not math.isfinite(value):
                raise ProblemError(
                    f"operator {self.name!r}: efficiency for {mtype!r} is not a number")
            if value < 0:
                raise ProblemError(f"operator {self.name!r}: efficiency for {mtype!r} is negative")
            if value and not MIN_EFFICIENCY <= value <= MAX_EFFICIENCY:
                raise ProblemError(
                    f"operator {self.name!r}: efficiency {value!r} for {mtype!r} is outside "
                    f"{MIN_EFFICIENCY}..{MAX_EFFICIENCY} (0: she does not run it)")
        object.__setattr__(self, "efficiency", eff)

    def factor(self, machine_type: str | None) -> float:
        """Efficiency for ``machine_type`` (0.0 when she cannot run it)."""
        if machine_type is None:
            return float(self.efficiency.get("*", 1.0))
        if machine_type in self.efficiency:
            return float(self.efficiency[machine_type])
        return float(self.efficiency.get("*", 0.0))


def effective_time(t: int, eff: float) -> int:
    """A task of standard time ``t`` done at efficiency ``eff`` (> 0), rounded up."""
    return math.ceil(t / eff - 1e-9)


# a crew's shares of the pieces are whole 1/SHARES of them: 2520 · 4, which every crew size
# up to 10 divides, so that r members of own time r · c keep c on equal shares
SHARES = 10_080


def crew_keeps(own: Sequence[int], c: int) -> bool:
    """Whether a crew whose members take ``own`` (each her own time for the station's
    tasks) keeps cycle ``c`` sharing the pieces: each takes at most ``floor(SHARES · c / W)``
    ``SHARES``-ths of them, and together they must take them all. For one operator this is
    ``W ≤ c``; rounding down makes it at most a ten-thousandth of a piece stricter per
    member than ``Σ c / W ≥ 1``."""
    return sum(SHARES * c // w for w in own) >= SHARES


def crew_time(own: Sequence[int]) -> int:
    """The least cycle a crew of these own times keeps (``crew_keeps``): the time between
    its pieces, ``1 / Σ 1/W`` rounded up, and a unit or two more where the shares' rounding
    asks for it."""
    c = math.ceil(1 / sum(Fraction(1, w) for w in own))
    while not crew_keeps(own, c):
        c += 1
    return c


def crew_cap(t: int, own: list[int], c: int) -> int:
    """The largest crew a task of standard time ``t`` (own times ``own`` of the operators
    who run it) lets its station have at cycle ``c``: 1 unless it is long (over ``c`` at
    standard time or for its fastest operator); then as many workplaces as it takes at
    standard time, ``ceil(t / c)``, or as many of its fastest operators as keep up only
    together, whichever is more (2 at least). It never grows with ``c``."""
    if max(t, min(own)) <= c:
        return 1
    fastest = sorted(own)
    need = next((k for k in range(1, len(own) + 1) if crew_keeps(fastest[:k], c)), len(own))
    return max(2, -(-t // c), need)


def _label(labels: Sequence[str], i: int) -> str:
    return f"task {labels[i]}"


@dataclass(frozen=True, slots=True)
class ProblemData:
    """An instance of SALBP-1 (``cycle_time`` given) or SALBP-2 (``stations`` given).

    Parameters
    ----------
    times
        Integer task times (use ``time_scale`` units per second, e.g. 100 for 1/100 s).
    precedences
        Pairs ``(i, j)`` of task indices: ``i`` must be done at the same or an earlier station.
    cycle_time, stations
        Exactly one: SALBP-1 minimises stations for the cycle time, SALBP-2 minimises the
        cycle time for the number of stations (operators).
    labels
        Names of the tasks (default ``"1" .. "n"``).
    machine_types
        One machine type per task (``None`` for no constraint), e.g. ``"lockstitch"``.
    compatible
        Unordered pairs of machine types that may share a station (a type is always
        compatible with itself). ``universal`` types (manual work, ironing) go with any.
    must_share, must_not_share
        Zoning: pairs of tasks that must / must not be at the same station.
    allow_split
        Operations longer than the cycle time go to ``ceil(t / c)`` parallel workplaces
        (duplicated stations); otherwise they are an error. With named operators a station
        holding an operation longer than the cycle (at standard time, or for the fastest
        operator who runs it) may have a crew of several operators who share its pieces: it
        keeps the cycle when ``Σ c / W_o ≥ 1`` over its crew, ``W_o`` being operator ``o``'s
        own time for the station's tasks.
    operators
        Named operators with their efficiency per machine type. When given, each station is
        one operator (a crew, above, with splitting), the operators are at most
        ``len(operators)``, and a task's time for an operator is ``ceil(t / efficiency)``.
    machines
        Machines on the line per machine type, as a mapping or (type, count) pairs: the
        stations holding a task of a listed type, each of their parallel workplaces
        counted, use at most that many machines of it. Types not listed are not limited;
        ``universal`` types (done beside any machine) cannot be listed. Types that no
        task uses are checked, then dropped.
    time_scale
        Units of ``times`` per second (for display only).
    """

    times: tuple[int, ...]
    precedences: tuple[tuple[int, int], ...] = ()
    cycle_time: int | None = None
    stations: int | None = None
    labels: tuple[str, ...] = ()
    machine_types: tuple[str | None, ...] = ()
    compatible: frozenset[frozenset[str]] = frozenset()
    universal: frozenset[str] = frozenset()
    must_share: tuple[tuple[int, int], ...] = ()
    must_not_share: tuple[tuple[int, int], ...] = ()
    allow_split: bool = False
    operators: tuple[Operator, ...] = ()
    machines: tuple[tuple[str, int], ...] = ()
    time_scale: int = 1
    name: str = ""

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        times = tuple(self.times)
        n = len(times)
        if n == 0:
            raise ProblemError("the problem has no tasks")
        labels = tuple(str(x) for x in self.labels) if self.labels else tuple(
            str(i + 1) for i in range(n)
        )
        if len(labels) != n:
            raise ProblemError(f"{len(labels)} labels for {n} tasks")
        if len(set(labels)) != n:
            dup = next(x for x in labels if labels.count(x) > 1)
            raise ProblemError(f"task label {dup!r} is used twice")
        set_(self, "labels", labels)
        for i, t in enumerate(times):
            if isinstance(t, bool) or not isinstance(t, Integral):
                if isinstance(t, Real) and float(t).is_integer():
                    t = int(t)
                else:
                    raise ProblemError(
                        f"{_label(labels, i)}: time {t!r} is not an integer "
                        f"(scale times, e.g. to 1/100 s, with time_scale)"
                    )
            if t <= 0:
                raise ProblemError(f"{_label(labels, i)}: time {t} is not positive")
        set_(self, "times", tuple(int(t) for t in times))

        set_(self, "precedences", self._check_pairs(self.precedences, "precedence", n, labels))
        for i, j in self.precedences:
            if i == j:
                raise ProblemError(f"{_label(labels, i)} precedes itself")
        self._check_acyclic()

        if (self.cycle_time is None) == (self.stations is None):
            raise ProblemError("give exactly one of cycle_time (SALBP-1) and stations (SALBP-2)")
        if self.cycle_time is not None:
            c = self.cycle_time
            if isinstance(c, bool) or not isinstance(c, Integral) or c <= 0:
                raise ProblemError(f"cycle time {c!r} is not a positive integer")
            set_(self, "cycle_time", int(c))
        if self.stations is not None:
            m = self.stations
            if isinstance(m, bool) or not isinstance(m, Integral) or m <= 0:
                raise ProblemError(f"number of stations {m!r} is not a positive integer")
            set_(self, "stations", int(m))

        if self.machine_types:
            mt = tuple(None if x is None or x == "" else str(x) for x in self.machine_types)
            if len(mt) != n:
                raise ProblemError(f"{len(mt)} machine types for {n} tasks")
            set_(self, "machine_types", mt if any(x is not None for x in mt) else ())
        compat = set()
        for pair in self.compatible:
            members = tuple(pair)
            if len(members) not in (1, 2):
                raise ProblemError(f"compatibility entry {pair!r} is not a pair of machine types")
            compat.add(frozenset(str(x) for x in members))
        set_(self, "compatible", frozenset(compat))
        set_(self, "universal", frozenset(str(x) for x in self.universal))
        set_(self, "must_share", self._check_pairs(self.must_share, "must-share", n, labels))
        set_(self, "must_not_share", self._check_pairs(
            self.must_not_share, "must-not-share", n, labels))
        set_(self, "operators", tuple(self.operators))
        if self.operators:
            names = [o.name for o in self.operators]
            if len(set(names)) != len(names):
                raise ProblemError("two operators have the same name")
        set_(self, "machines", self._check_machines())
        if not isinstance(self.time_scale, Integral) or self.time_scale <= 0:
            raise ProblemError(f"time_scale {self.time_scale!r} is not a positive integer")
        self._check_feasibility()

    # -- validation helpers -------------------------------------------------------------
    def _check_machines(self) -> tuple[tuple[str, int], ...]:
        raw = self.machines
        pairs = list(raw.items()) if isinstance(raw, Mapping) else list(raw)
        out: dict[str, int] = {}
        for pair in pairs:
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise ProblemError(f"machines: {pair!r} is not a (machine type, count) pair")
            kind, count = str(pair[0]), pair[1]
            if kind in out:
                raise ProblemError(f"machines: machine type {kind!r} is listed twice")
            if isinstance(count, bool) or not isinstance(count, Integral) or count < 0:
                raise ProblemError(
                    f"machines: count {count!r} for {kind!r} is not a whole number >= 0")
            if kind in self.universal:
                raise ProblemError(f"machines: {kind!r} is done beside any machine and "
                                   f"cannot be limited")
            out[kind] = int(count)
        # A type that no task uses limits nothing; keeping it would only turn a plain
        # SALBP into a "garment" problem (see ``is_simple``) and send it to CP-SAT.
        used = set(self.machine_types)
        return tuple(sorted((k, c) for k, c in out.items() if k in used))

    @staticmethod
    def _check_pairs(pairs: Iterable, what: str, n: int, labels: Sequence[str]):
        out = []
        seen = set()
        for pair in pairs:
            try:
                i, j = pair
            except (TypeError, ValueError):
                raise ProblemError(f"{what} entry {pair!r} is not a pair of tasks") from None
            for x in (i, j):
                if isinstance(x, bool) or not isinstance(x, Integral) or not 0 <= x < n:
                    raise ProblemError(
                        f"{what} ({pair[0]!r}, {pair[1]!r}) names an unknown task {x!r} "
                        f"(tasks are 0..{n - 1})"
                    )
            if what != "precedence" and i == j:
                raise ProblemError(f"{what} pair names {_label(labels, i)} twice")
            key = (int(i), int(j))
            if key not in seen:
                seen.add(key)
                out.append(key)
        return tuple(out)

    def _check_acyclic(self) -> None:
        n = len(self.times)
        succ: list[list[int]] = [[] for _ in range(n)]
        for i, j in self.precedences:
            succ[i].append(j)
        state = [0] * n  # 0 new, 1 on stack, 2 done
        for root in range(n):
            if state[root]:
                continue
            stack = [(root, iter(succ[root]))]
            path = [root]
            state[root] = 1
            while stack:
                node, it = stack[-1]
                nxt = next(it, None)
                if nxt is None:
                    stack.pop()
                    path.pop()
                    state[node] = 2
                    continue
                if state[nxt] == 1:
                    cyc = [*path[path.index(nxt):], nxt]
                    names = " -> ".join(self.labels[k] for k in cyc)
                    raise ProblemError(f"the precedence graph has a cycle: {names}",
                                       reason="cycle", tasks=cyc)
                if state[nxt] == 0:
                    state[nxt] = 1
                    path.append(nxt)
                    stack.append((nxt, iter(succ[nxt])))

    def _check_feasibility(self) -> None:
        labels = self.labels
        c = self.cycle_time
        if c is not None and not self.allow_split and not self.operators:
            for i, t in enumerate(self.times):
                if t > c:
                    raise ProblemError(
                        f"{_label(labels, i)}: time {t} is longer than the cycle time {c} "
                        f"(allow splitting over parallel stations, or raise the cycle time)",
                        reason="too_long", tasks=(i,), time=t, cycle=c,
                    )
        if self.stations is not None and self.operators and self.stations > len(self.operators):
            raise ProblemError(
                f"{self.stations} stations but only {len(self.operators)} named operators",
                reason="few_operators", stations=self.stations, operators=len(self.operators),
            )
        # zoning: must-share groups must not contain a must-not-share pair or clash in type
        groups = self.share_groups()
        gid = {i: g for g, members in enumerate(groups) for i in members}
        for i, j in self.must_not_share:
            if gid.get(i, -1) == gid.get(j, -2) and i in gid:
                raise ProblemError(
                    f"zoning: {_label(labels, i)} and {_label(labels, j)} must share a station "
                    f"(through must-share pairs) and must not share one"
                )
        if self.machine_types:
            for members in groups:
                for a in members:
                    for b in members:
                        if a < b and not self.types_compatible(a, b):
                            raise ProblemError(
                                f"zoning: {_label(labels, a)} ({self.machine_types[a]}) and "
                                f"{_label(labels, b)} ({self.machine_types[b]}) must share a "
                                f"station but their machine types are not compatible",
                                reason="zone_types", tasks=(a, b),
                            )
        # must-share pairs with a precedence path through a task outside the group
        if self.must_share:
            desc = self.descendants()
            for members in groups:
                mset = set(members)
                for a in members:
                    for k in desc[a]:
                        if k in mset:
                            continue
                        if any(b in desc[k] for b in members):
                            raise ProblemError(
                                f"zoning: {_label(labels, k)} lies on a precedence path between "
                                f"tasks that must share a station with {_label(labels, a)}, so "
                                f"it would have to join them: add it to the group or drop the pair",
                                reason="zone_path", tasks=(k, a),
                            )
            if c is not None and not self.allow_split and not self.operators:
                for members in groups:
                    load = sum(self.times[i] for i in members)
                    if load > c:
                        names = ", ".join(labels[i] for i in sorted(members))
                        raise ProblemError(
                            f"zoning: tasks {names} must share a station but take {load} "
                            f"together, more than the cycle time {c}",
                            reason="zone_load", tasks=sorted(members), time=load, cycle=c,
                        )
        if self.operators:
            for i in range(self.num_tasks):
                mt = self.machine_types[i] if self.machine_types else None
                if all(o.factor(mt) <= 0 for o in self.operators):
                    raise ProblemError(
                        f"{_label(labels, i)}: no named operator can run machine type {mt!r}",
                        reason="no_operator", tasks=(i,),
                    )
            if c is not None:
                self._check_operator_time(c)

        limits = dict(self.machines)
        for i, kind in enumerate(self.machine_types):
            if kind not in limits:
                continue
            need = 1
            if c is not None and self.allow_split and not self.operators:
                need = max(1, -(-self.times[i] // c))
            elif c is not None and self.allow_split:  # the least crew that keeps up with it
                fastest = sorted(self.own_times(i))
                need = next(k for k in range(1, len(fastest) + 1)
                            if crew_keeps(fastest[:k], c))
            if need > limits[kind]:
                raise ProblemError(
                    f"{_label(labels, i)}: needs {need} {kind} workplace(s) but the line "
                    f"has {limits[kind]} {kind} machine(s)",
                    reason="machines", tasks=(i,), need=need, count=limits[kind])
        if c is not None and not self.operators:
            # a station using a limited type holds at most c per workplace, each workplace
            # with one machine of that type: the type's operations fit in count · c
            for kind, count, tasks, total in self._limited_work(self.times):
                if total > count * c:
                    raise ProblemError(
                        f"the {kind} operations take {total} in all, more than {count} {kind} "
                        f"machine(s) can do at cycle time {c} ({count * c})",
                        reason="machine_load", tasks=tasks, time=total, cycle=c,
                        capacity=count * c, count=count)
        self._check_chain()
        self._check_spread()

    def _check_operator_time(self, c: int) -> None:
        """SALBP-1 with named operators: no task may take longer than ``c`` with the
        operator who does it fastest (with splitting: every operator who runs it, sharing
        it, must keep up, ``crew_keeps``), and the line's operators, each at most
        ``c`` of her own time, must have room for every task at its fastest time."""
        fastest = self.fastest_times()
        for i, t in enumerate(fastest):
            if t > c and self.allow_split:
                own = self.own_times(i)
                if not crew_keeps(own, c):
                    raise ProblemError(
                        f"{_label(self.labels, i)}: even the {len(own)} named operator(s) who "
                        f"run it, sharing it, cannot keep the cycle time {c}",
                        reason="too_long_crew", tasks=(i,), time=t, cycle=c, operators=len(own))
            elif t > c:
                raise ProblemError(
                    f"{_label(self.labels, i)}: time {t} even with the fastest named operator "
                    f"who runs it, longer than the cycle time {c}",
                    reason="too_long_skills", tasks=(i,), time=t, cycle=c)
        total, have = sum(fastest), len(self.operators)
        if total > have * c:
            raise ProblemError(
                f"the tasks take at least {total} with the fastest operator for each, more "
                f"than the {have} named operators can do at cycle time {c} ({have * c})",
                reason="operator_load", time=total, cycle=c, capacity=have * c,
                need=-(-total // c), operators=have)

    def _check_spread(self) -> None:
        """Operations of one machine type that chains spread over distinct stations
        (``chains.machine_chain``) need a machine of the type each (a limited type), and
        with named operators an operator who runs it each."""
        limits = [(kind, count, "machine_chain", f"{kind} machines", "on the line")
                  for kind, count in self.machines]
        if self.operators:
            limits += [(kind, sum(o.factor(kind) > 0 for o in self.operators), "skill_chain",
                        f"operators who run {kind}", "named")
                       for kind in sorted({k for k in self.machine_types if k is not None})]
        for kind, have, reason, what, where in limits:
            if have >= self.machine_types.count(kind):
                continue  # as many as there are such tasks
            spread = chains.machine_chain(self, kind)
            if len(spread) > have:
                names = ", ".join(self.labels[i] for i in spread)
                raise ProblemError(
                    f"the {kind} tasks {names} lie along one path, and machine types or "
                    f"zoning keep each at a later station than the one before: they need "
                    f"{len(spread)} {what}, more than the {have} {where}",
                    reason=reason, tasks=spread, need=len(spread), count=have)

    def _check_chain(self) -> None:
        """Operations that need a new station at every step (``chains``) must fit the
        stations asked for (SALBP-2) or the named operators."""
        if self.stations is None and not self.operators:
            return
        have = min(x for x in (self.stations, len(self.operators) or None) if x)
        early, _, chain = chains.levels(self)
        need = max(early)
        if need <= have:
            return
        key = "stations" if self.stations == have else "operators"
        whom = "stations" if key == "stations" else "named operators"
        names = " -> ".join(self.labels[i] for i in chain)
        raise ProblemError(
            f"tasks {names} follow one another along the line, and machine types or zoning "
            f"keep neighbours apart {need - 1} times: they need {need} stations, more than "
            f"the {have} {whom}",
            reason="type_chain", tasks=chain, need=need, **{key: have})

    # -- derived data -------------------------------------------------------------------
    @property
    def num_tasks(self) -> int:
        return len(self.times)

    @property
    def kind(self) -> str:
        return "SALBP-1" if self.cycle_time is not None else "SALBP-2"

    @property
    def is_simple(self) -> bool:
        """True when none of the garment extensions is in use (plain SALBP)."""
        return not (
            self.machine_types or self.must_share or self.must_not_share
            or self.operators or self.machines or self.splits
        )

    @property
    def splits(self) -> bool:
        """True when splitting is allowed and some operation may need parallel workplaces:
        it is longer than the cycle time (SALBP-1), or than the least cycle time that
        ``stations`` workplaces can reach, ``ceil(sum / stations)`` (SALBP-2)."""
        if not self.allow_split:
            return False
        if self.operators:  # shared: longer than the cycle at standard time or her fastest
            fastest = self.fastest_times()
            least = self.cycle_time if self.cycle_time is not None else -(
                -sum(fastest) // self.stations)
            return max(max(self.times), max(fastest)) > least
        least = self.cycle_time if self.cycle_time is not None else -(
            -sum(self.times) // self.stations)
        return max(self.times) > least

    def own_times(self, i: int) -> list[int]:
        """Task ``i``'s time for each named operator who runs it, in the operators' order."""
        kind = self.machine_types[i] if self.machine_types else None
        return [effective_time(self.times[i], f) for o in self.operators
                if (f := o.factor(kind)) > 0]

    def fastest_times(self) -> list[int]:
        """Each task's time with the named operator who does it fastest: a station's load is
        at least the sum of these, so with m stations c >= ceil(sum / m)."""
        return [min(self.own_times(i)) for i in range(self.num_tasks)]

    def fastest_first(self, crew: Sequence[int], tasks: Sequence[int]) -> list[int]:
        """A station's operators (indices), the fastest at its ``tasks`` first (of equal,
        the first named)."""
        def own(o: int) -> int:
            op = self.operators[o]
            return sum(effective_time(self.times[i], op.factor(
                self.machine_types[i] if self.machine_types else None)) for i in tasks)
        return sorted(crew, key=lambda o: (own(o), o))

    def machine_floor(self, times: Sequence[int] | None = None) -> int:
        """The least cycle time the machines on the line allow: the operations of a limited
        type share its machines, so ``c >= ceil(sum of their times / count)`` (``times``:
        the operations' times, the data's own by default; 0 without limits)."""
        work = self._limited_work(self.times if times is None else times)
        return max((-(-total // count) for _, count, _, total in work if count), default=0)

    def _limited_work(self, times: Sequence[int]):
        """Per limited machine type: its count, its operations and their total time."""
        for kind, count in self.machines:
            tasks = tuple(i for i, k in enumerate(self.machine_types) if k == kind)
            yield kind, count, tasks, sum(times[i] for i in tasks)

    def types_compatible(self, a: int, b: int) -> bool:
        """Whether tasks ``a`` and ``b`` may share a station by their machine types."""
        if not self.machine_types:
            return True
        ta, tb = self.machine_types[a], self.machine_types[b]
        if ta is None or tb is None or ta == tb:
            return True
        if ta in self.universal or tb in self.universal:
            return True
        return frozenset((ta, tb)) in self.compatible

    def share_groups(self) -> list[list[int]]:
        """Connected groups of tasks joined by must-share pairs (only groups of 2+)."""
        parent = list(range(self.num_tasks))

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for i, j in self.must_share:
            parent[find(i)] = find(j)
        groups: dict[int, list[int]] = {}
        for i, j in self.must_share:
            for x in (i, j):
                groups.setdefault(find(x), [])
        for x in range(self.num_tasks):
            r = find(x)
            if r in groups:
                groups[r].append(x)
        return [sorted(g) for g in groups.values()]

    def predecessors(self) -> list[list[int]]:
        pred: list[list[int]] = [[] for _ in range(self.num_tasks)]
        for i, j in self.precedences:
            pred[j].append(i)
        return pred

    def successors(self) -> list[list[int]]:
        succ: list[list[int]] = [[] for _ in range(self.num_tasks)]
        for i, j in self.precedences:
            succ[i].append(j)
        return succ

    def topological_order(self) -> list[int]:
        pred_count = [0] * self.num_tasks
        succ = self.successors()
        for _, j in self.precedences:
            pred_count[j] += 1
        ready = [i for i in range(self.num_tasks) if pred_count[i] == 0]
        order = []
        while ready:
            i = ready.pop()
            order.append(i)
            for j in succ[i]:
                pred_count[j] -= 1
                if pred_count[j] == 0:
                    ready.append(j)
        return order

    def descendants(self) -> list[set[int]]:
        """All (transitive) followers of each task."""
        succ = self.successors()
        desc: list[set[int]] = [set() for _ in range(self.num_tasks)]
        for i in reversed(self.topological_order()):
            for j in succ[i]:
                desc[i].add(j)
                desc[i] |= desc[j]
        return desc

    def with_cycle_time(self, c: int) -> ProblemData:
        """The same line as SALBP-1 with cycle time ``c``."""
        return _replace(self, cycle_time=c, stations=None)

    def with_stations(self, m: int) -> ProblemData:
        """The same line as SALBP-2 with ``m`` stations."""
        return _replace(self, cycle_time=None, stations=m)

    def reversed(self) -> ProblemData:
        """The mirror problem: every precedence arc turned round (same optimum)."""
        return _replace(self, precedences=tuple((j, i) for i, j in self.precedences))


def _replace(data: ProblemData, **changes) -> ProblemData:
    fields = {name: getattr(data, name) for name in ProblemData.__dataclass_fields__}
    fields.update(changes)
    return ProblemData(**fields)


def seconds_to_units(seconds: Sequence[float], scale: int = 100) -> tuple[int, ...]:
    """Convert times in seconds (or SMV minutes * 60) to integer units of ``1/scale`` s."""
    return tuple(max(1, round(s * scale)) for s in seconds)
