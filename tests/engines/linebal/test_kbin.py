"""The bin-packing test of the BB&R searches (kbin.py) against exhaustive packing."""

from __future__ import annotations

import random
from functools import cache

import numpy as np
import pytest

from jinxiu.engines.linebal import kbin


def _min_bins(sizes: list[int], c: int) -> int:
    """Fewest bins by trying every bin for every item (largest first; tiny inputs)."""
    items = sorted(sizes, reverse=True)

    @cache
    def go(i: int, loads: tuple[int, ...]) -> int:
        if i == len(items):
            return len(loads)
        best = go(i + 1, tuple(sorted((*loads, items[i]))))
        for b, load in enumerate(loads):
            if load + items[i] <= c and (b == 0 or loads[b - 1] != load):
                nxt = list(loads)
                nxt[b] += items[i]
                best = min(best, go(i + 1, tuple(sorted(nxt))))
        return best

    return go(0, ())


def _fits(bn: kbin.Bins, index: np.ndarray, items: list[int], bins: int) -> int:
    bn.cnt[:] = 0
    for k in items:
        bn.cnt[index[k]] += 1
    return kbin.fits(bn, bins)


def test_agrees_with_exhaustive_packing_on_random_multisets():
    rng = random.Random(7)
    for case in range(300):
        c = rng.randint(5, 40)
        sizes = [rng.randint(1, c) for _ in range(rng.randint(1, 9))]
        bn, index = kbin.make_bins(sizes, c, depth=len(sizes), seed=case, table=1 << 10)
        best = _min_bins(sizes, c)
        # every subset of the tasks, as a node of the line-balancing search would ask
        for bins in range(max(0, best - 2), best + 2):
            got = _fits(bn, index, list(range(len(sizes))), bins)
            assert got == (kbin.YES if bins >= best else kbin.NO), (sizes, c, bins)
        sub = [k for k in range(len(sizes)) if rng.random() < 0.6]
        best_sub = _min_bins([sizes[k] for k in sub], c)
        assert _fits(bn, index, sub, best_sub) == kbin.YES
        if best_sub > 0:
            assert _fits(bn, index, sub, best_sub - 1) == kbin.NO


def test_worked_examples():
    # seven items of 4 and one of 3 into bins of 10 (sum 31): 4+4 | 4+4 | 4+4 | 4+3
    bn, index = kbin.make_bins([4] * 7 + [3], 10, depth=8)
    assert _fits(bn, index, list(range(8)), 4) == kbin.YES
    assert _fits(bn, index, list(range(8)), 3) == kbin.NO
    # 3, 3, 3, 4, 4, 4 with c = 7: three bins of 3 + 4
    bn, index = kbin.make_bins([3, 3, 3, 4, 4, 4], 7, depth=6)
    assert _fits(bn, index, list(range(6)), 3) == kbin.YES
    # 7, 7, 7, 3, 3, 3, 3 with c = 10 (sum 33, so L1 = 4 already): no in three bins
    bn, index = kbin.make_bins([7, 7, 7, 3, 3, 3, 3], 10, depth=7)
    assert _fits(bn, index, list(range(7)), 3) == kbin.NO
    # 6, 6, 4, 4, 4, 3, 3 with c = 10 (sum 30, no waste allowed): 6+4 | 6+4 | 4+3+3
    bn, index = kbin.make_bins([6, 6, 4, 4, 4, 3, 3], 10, depth=7)
    assert _fits(bn, index, list(range(7)), 3) == kbin.YES
    # 6, 6, 6, 3, 3, 3, 3 with c = 10: L1 = L2 = 3 (K = 3: the 6s leave 3 · 4 = 12 of room
    # for 12 units of 3s), but a 6 holds only one 3 (waste 1): the exact answer is 4
    bn, index = kbin.make_bins([6, 6, 6, 3, 3, 3, 3], 10, depth=7)
    assert kbin.l2_bound(bn.v, np.array([3, 4]), 10) == 3
    assert _fits(bn, index, list(range(7)), 3) == kbin.NO
    assert _fits(bn, index, list(range(7)), 4) == kbin.YES


def test_l2_exceeds_l1():
    # 6, 6, 6, 6, 2, 2 with c = 10: sum 28 -> L1 = 3; four items > 5 -> 4
    assert kbin.l2_bound(np.array([6, 2]), np.array([4, 2]), 10) == 4
    # 8, 8, 4, 4, 4 (sum 28, L1 = 3); K = 4: the 8s (> 6) one bin each and leave no room
    # for a 4; the three 4s need 12 units -> two more bins: 4 (8 | 8 | 4 + 4 | 4)
    assert kbin.l2_bound(np.array([8, 4]), np.array([2, 3]), 10) == 4


def test_the_step_cap_gives_unknown_not_a_wrong_answer():
    rng = random.Random(3)
    sizes = [rng.randint(20, 45) for _ in range(40)]
    c = 100
    bn, index = kbin.make_bins(sizes, c, depth=40, cap=5)
    total = sum(sizes)
    r = _fits(bn, index, list(range(40)), -(-total // c))
    assert r in (kbin.UNKNOWN, kbin.YES)


def test_sizes_outside_the_capacity_are_refused():
    with pytest.raises(ValueError, match=r"1 \.\. c"):
        kbin.make_bins([3, 11], 10, depth=2)
