import types
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SCHOLL = REPO.parent / "shared" / "data" / "linebal" / "scholl"


@pytest.fixture
def scholl() -> Path:
    if not SCHOLL.is_dir():
        pytest.skip(f"benchmark data not found at {SCHOLL}")
    return SCHOLL


@pytest.fixture(scope="session")
def brute():
    """Exhaustive reference solver for tiny instances (independent of the engine).

    Dynamic programming over the precedence-closed task sets: from every closed set, any
    closed, non-empty subset of the rest that respects the station rules is a possible next
    station (maximal or not)."""
    return types.SimpleNamespace(min_stations=min_stations, min_cycle=min_cycle)


def min_stations(times, arcs, c, *, ok=None) -> int | None:
    n = len(times)
    pred = [0] * n
    for i, j in arcs:
        pred[j] |= 1 << i
    full = (1 << n) - 1

    def closed_over(done: int, load: int) -> bool:
        return all(not ((load >> k) & 1) or not (pred[k] & ~(done | load)) for k in range(n))

    loads_cache: dict[int, list[int]] = {}

    def loads(done: int) -> list[int]:
        if done not in loads_cache:
            rest = full & ~done
            out = []
            sub = rest
            while sub:
                if sum(times[k] for k in range(n) if (sub >> k) & 1) <= c and closed_over(
                        done, sub) and (ok is None or ok(sub)):
                    out.append(sub)
                sub = (sub - 1) & rest
            loads_cache[done] = out
        return loads_cache[done]

    @cache
    def best(done: int) -> float:
        if done == full:
            return 0
        return min((1 + best(done | s) for s in loads(done)), default=float("inf"))

    value = best(0)
    return None if value == float("inf") else int(value)


def min_cycle(times, arcs, m) -> int:
    c = max(times)
    while min_stations(times, arcs, c) > m:
        c += 1
    return c
