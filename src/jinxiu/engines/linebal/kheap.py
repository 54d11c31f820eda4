"""Compiled helpers of the BB&R kernels (``kernel.py``, ``kdfs.py``): task sets as rows of
``W`` uint64 words, the hash table of stored task sets (the memory of BB&R) and the
pairing heaps of the cyclic best-first order. See ``kernel.py`` for the layout."""

from __future__ import annotations

import numpy as np
from numba import njit
from numba.cpython.unsafe.numbers import trailing_zeros

U1 = np.uint64(1)


@njit(cache=True, inline="always")
def _has(mask, k):
    return (mask[k >> 6] >> np.uint64(k & 63)) & U1


@njit(cache=True)
def _lowest(mask, W):
    for w in range(W):
        x = mask[w]
        if x:
            return w * 64 + np.int64(trailing_zeros(x))
    return -1


@njit(cache=True)
def _hash(row, W, hmask):
    h = np.uint64(1469598103934665603)
    for w in range(W):
        h = (h ^ row[w]) * np.uint64(1099511628211)
        h ^= h >> np.uint64(29)
    return np.int64(h & np.uint64(hmask))


@njit(cache=True)
def _lookup(pool, htab, row, W):
    """Pool index of the stored node with task set ``row`` and its hash slot (-1, slot
    when absent)."""
    hmask = htab.shape[0] - 1
    s = _hash(row, W, hmask)
    while True:
        p = htab[s]
        if p < 0:
            return -1, s
        same = True
        for w in range(W):
            if pool[p, w] != row[w]:
                same = False
                break
        if same:
            return p, s
        s = (s + 1) & hmask


@njit(cache=True)
def _meld(a, b, key, child, sib):
    if key[b] < key[a]:
        a, b = b, a
    sib[b] = child[a]
    child[a] = b
    return a


@njit(cache=True)
def _push(roots, lvl, x, key, child, sib):
    child[x] = -1
    sib[x] = -1
    r = roots[lvl]
    roots[lvl] = x if r < 0 else _meld(r, x, key, child, sib)


@njit(cache=True)
def _pop(roots, lvl, key, child, sib, tmp):
    r = roots[lvl]
    c = child[r]
    cnt = 0
    while c >= 0:  # pairing heap: merge the children in pairs, then right to left
        a = c
        b = sib[a]
        if b < 0:
            sib[a] = -1
            tmp[cnt] = a
            cnt += 1
            break
        nxt = sib[b]
        sib[a] = -1
        sib[b] = -1
        tmp[cnt] = _meld(a, b, key, child, sib)
        cnt += 1
        c = nxt
    if cnt == 0:
        roots[lvl] = -1
    else:
        acc = tmp[cnt - 1]
        for i in range(cnt - 2, -1, -1):
            acc = _meld(tmp[i], acc, key, child, sib)
        roots[lvl] = acc
    return r
