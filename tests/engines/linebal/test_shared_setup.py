"""What SALBP-2's many decisions on one graph share: the cycle-independent part of
``Salbp1`` and of the kernels' arrays (``bbr._graph``), the priority rule's plan (a list of
available tasks instead of a scan of all tasks per pick) and the long-task bound
(remembered by the multiset of times). Each must give exactly what a fresh computation
gives."""

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from jinxiu.engines.linebal import bbr
from jinxiu.engines.linebal.bbr import Salbp1
from jinxiu.engines.linebal.bounds import long_bound
from jinxiu.engines.linebal.cbfs import Bbr


def _random_graph(rng: random.Random, n: int) -> tuple[list[int], list[tuple[int, int]]]:
    times = [rng.randint(1, 9) for _ in range(n)]
    arcs = sorted({(i, j) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.2})
    return times, arcs


def _reference_greedy(core: Salbp1, done: int, priority) -> list[list[int]]:
    """The rule as written first: each pick scans every task left, highest priority that
    fits with its predecessors assigned, ties to the lowest index."""
    left = [k for k in range(core.n) if not (done >> k) & 1]
    stations = []
    while left:
        load, st_ = 0, []
        while True:
            fits = [k for k in left if load + core.t[k] <= core.c and not core.pred[k] & ~done]
            if not fits:
                break
            k = max(fits, key=lambda x: (priority[x], -x))
            st_.append(k)
            left.remove(k)
            done |= 1 << k
            load += core.t[k]
        stations.append(st_)
    return stations


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(1, 24), ties=st.booleans())
def test_priority_rule_equals_the_scan_of_all_tasks(seed, n, ties):
    rng = random.Random(seed)
    times, arcs = _random_graph(rng, n)
    core = Salbp1(times, arcs, max(times) + rng.randint(0, 8))
    priority = [rng.randint(0, 2) if ties else rng.random() for _ in range(n)]
    assert core.greedy(priority) == _reference_greedy(core, 0, priority)
    done = sum(1 << k for k in core.greedy(priority)[0])  # from after the first station
    assert core._greedy_from(done, priority) == _reference_greedy(core, done, priority)


def test_priority_rule_worked_example():
    # 0 -> 2, c = 10: 0 (positional weight 4 + 5 = 9) goes first, then 1 (6) fits, 2 (5)
    # does not: a second station for 2 and 3
    core = Salbp1([4, 6, 5, 3], [(0, 2)], 10)
    assert core.greedy(core.pw) == [[0, 1], [2, 3]]


def _arrays_of(times, arcs, c) -> dict:
    return Bbr(Salbp1(times, arcs, c))._arrays()


def test_shared_graph_arrays_equal_a_fresh_build():
    rng = random.Random(7)
    times, arcs = _random_graph(rng, 70)  # two words per task set
    for c in (max(times), 13, 20, 41):
        bbr._GRAPHS.clear()
        fresh = _arrays_of(times, arcs, c)
        _arrays_of(times, arcs, c + 5)  # the graph's part is now built at another c
        shared = _arrays_of(times, arcs, c)
        assert fresh.keys() == shared.keys()
        for key, value in fresh.items():
            if isinstance(value, np.ndarray):
                assert value.dtype == shared[key].dtype and np.array_equal(value, shared[key]), key
            else:
                assert value == shared[key], key
    # le_mask / le_idx worked: times 3, 1, 3 at c = 4: the tasks of time <= 1, then <= 3
    a = _arrays_of([3, 1, 3], [], 4)
    assert a["le_mask"][:, 0].tolist() == [0b010, 0b111]
    assert a["le_idx"].tolist() == [-1, 0, 0, 1, 1]


def test_graph_cache_keeps_the_last_few_graphs():
    bbr._GRAPHS.clear()
    for k in range(bbr._GRAPHS_KEPT + 3):
        Salbp1([1 + k, 2], [(0, 1)], 10)
    assert len(bbr._GRAPHS) == bbr._GRAPHS_KEPT
    # a graph with the same times but other arcs (the mirror graph) is its own entry
    a, b = Salbp1([2, 3], [(0, 1)], 5), Salbp1([2, 3], [(1, 0)], 5)
    assert a.orig == [0, 1] and b.orig == [1, 0] and a.shared is not b.shared


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(1, 30), min_size=1, max_size=25), extra=st.integers(0, 20),
       seed=st.integers(0, 1000))
def test_long_bound_depends_on_the_multiset_only(sizes, extra, seed):
    c = max(sizes) + extra
    shuffled = sizes[:]
    random.Random(seed).shuffle(shuffled)
    assert long_bound(shuffled, c) == long_bound(sorted(sizes), c)
    assert long_bound(shuffled, c, (3,)) == long_bound(sizes, c, [3])
