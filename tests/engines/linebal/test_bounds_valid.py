"""Every station bound is a true lower bound: on random small item sets it never exceeds the
fewest bins found by exhaustive search (bin packing, the precedence-free relaxation the bounds
reason about)."""

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from jinxiu.engines.linebal.bounds import long_bound, long_test, salbp1_lower_bound


def fewest_bins(sizes, c):
    n = len(sizes)
    full = (1 << n) - 1
    fits = [sum(sizes[i] for i in range(n) if m >> i & 1) <= c for m in range(full + 1)]

    @cache
    def bins(left):  # fewest bins for the items in mask `left`
        if not left:
            return 0
        low = left & -left  # the lowest item goes into some bin: enumerate that bin
        rest = left ^ low
        best = n
        sub = rest
        while True:
            if fits[sub | low]:
                best = min(best, 1 + bins(rest ^ sub))
            if sub == 0:
                break
            sub = (sub - 1) & rest
        return best

    return bins(full)


def _near_fractions(c):
    # sizes around c/2, c/3, c/4, c/5, where the long-task test decides, and any size
    around = st.sampled_from([2, 3, 4, 5]).flatmap(
        lambda k: st.integers(min_value=max(1, c // k - 3), max_value=min(c, c // k + 3)))
    return st.lists(st.one_of(around, st.integers(min_value=1, max_value=c)),
                    min_size=1, max_size=12)


instances = st.integers(min_value=6, max_value=60).flatmap(
    lambda c: st.tuples(st.just(c), _near_fractions(c)))


@settings(max_examples=600, deadline=None)
@given(instances)
def test_bounds_never_exceed_the_fewest_bins(inst):
    c, sizes = inst
    opt = fewest_bins(sizes, c)
    assert salbp1_lower_bound(sizes, c) <= opt
    assert long_bound(sizes, c) <= opt
    for k in (2, 3, 4):
        assert long_test(sizes, c, opt, k)  # a packing exists in opt bins: never refuted


def test_fewest_bins_worked_example():
    assert fewest_bins([4, 4, 4, 4, 4, 4, 3, 3], 10) == 4
    assert fewest_bins([5, 5, 5, 5], 10) == 2
