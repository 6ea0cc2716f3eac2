"""When Grover adaptive search may stop: a posterior over how many settings lie below the threshold.

The search cannot see ``M``, the number of settings strictly below its current threshold; it sees
only what it ran (``k`` Grover iterations) and whether the measured setting improved. Under the
Dürr–Høyer model — distinct losses, the first threshold the loss of a uniform setting (``M_0``
uniform on ``{0, ..., N-1}``), a round of ``k`` iterations measures a marked setting with
probability ``sin²((2k+1)θ_M)``, ``sin²θ_M = M/N``, and an improvement moves the threshold to a
uniform marked setting (``M`` uniform on ``{0, ..., M-1}``) — Bayes' rule gives ``P(M | rounds)``
after every round. The search stops once ``P(M = 0)`` reaches the confidence it was asked for.

A **warm start** (the first threshold the loss of a setting the caller chose, e.g. a block's incumbent in a
block-wise search) has no such model: ``M_0`` is whatever the incumbent leaves below it. Its prior is
then ``prior="log-uniform"``, ``P(M_0 = M) ∝ 1/(M+1)``: every scale of ``M`` equally likely (the
incumbent is presumed good, not known to be optimal; ``P(M_0 = 0) = 1/H_N``, 0.086 at ``N = 2**16``).
The updates are the same (an improvement still lands on a uniform marked setting). How often a
confident stop is then wrong is measured, not assumed (docs/real_data.md).

Ties (a 0-1 loss has many) only make the real ``M`` smaller than the model's after an
improvement, and a round of ``shots > 1`` measurements is counted as one: both err towards
searching longer, never towards stopping early.

The posterior lives on fixed points: ``M = 0..exact`` exactly, then geometric bins (ratio 1.05)
each carried by ``particles`` stratified points. The points depend on ``N`` only (seeded by it),
so the ``sin²`` tables of candidate round counts are computed once per register size and shared
by every search of that size — a block-wise fit runs thousands of 12-qubit searches.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numba import njit

#: exact points M = 0..EXACT; geometric bins above
EXACT = 1024
RATIO = 1.05
PARTICLES = 16
#: largest multiset of round counts a verification plan may use, and its grid (fractions of sqrt N):
#: 20 round counts up to 2**16 settings (a block-wise fit runs thousands of such searches, and the plan
#: is most of their classical cost), 40 above (finer plans: fewer runs reach the budget cap)
PLAN_DEPTH = 4
PLAN_GRID = np.linspace(0.05, 1.0, 20)
PLAN_GRID_LARGE = np.linspace(0.05, 1.0, 40)
LARGE_N = 1 << 16
#: P(M = 0) from which the next round is chosen to verify (before: to find an improvement)
SWITCH = 0.2
#: priors of M_0: the Dürr–Høyer model's (a uniform first setting) and a warm start's (see above)
PRIORS = ("uniform", "log-uniform")
#: sin^2 rows cached per register size (the candidates, the plan grid and a few more)
_MAX_ROWS = 512


class _Points:
    """The fixed support of the posterior for one ``N``, with its cached tables."""

    def __init__(self, N: int) -> None:
        rng = np.random.default_rng(N)  # the same points for every search of this size
        E = min(N - 1, EXACT)
        lo, hi = [], []
        a = E + 1
        while a <= N - 1:
            b = min(N - 1, max(a, int(a * RATIO)))
            lo.append(a)
            hi.append(b)
            a = b + 1
        self.blo, self.bhi = np.array(lo, dtype=np.float64), np.array(hi, dtype=np.float64)
        S = PARTICLES
        u = (np.arange(S)[None, :] + rng.random((len(lo), S))) / S
        pts = self.blo[:, None] + u * (self.bhi - self.blo + 1)[:, None]
        self.N, self.n_exact, self.S = N, E + 1, S
        self.M = np.concatenate([np.arange(E + 1, dtype=np.float64), pts.ravel()])  # ascending
        self.theta = np.arcsin(np.sqrt(np.minimum(self.M / N, 1.0)))
        prior = np.concatenate([np.ones(E + 1), np.repeat((self.bhi - self.blo + 1) / S, S)])
        self.prior = prior / prior.sum()
        # candidate k of the search phase: 0..32, then geometric up to sqrt(N)
        kmax = max(1, int(math.sqrt(N)))
        cand = np.unique(np.concatenate([np.arange(min(kmax, 32) + 1),
                                         np.round(np.geomspace(32, max(kmax, 32), 80)).astype(int)]))
        self.cand = cand[cand <= kmax]
        self._p_of_k: dict[int, np.ndarray] = {}
        # P(improve | M) of each candidate, for M >= 1 (M = 0 never improves): (candidates, points - 1)
        self.p_cand_marked = np.ascontiguousarray(self.p_improve(self.cand)[:, 1:])
        # verification grid and buckets: exact up to M = 32, then ratio-1.25 buckets (points are sorted)
        grid = np.unique(np.round((PLAN_GRID if N <= LARGE_N else PLAN_GRID_LARGE) * math.sqrt(N)).astype(int))
        self.grid = grid[grid > 0]
        self.miss_grid = 1.0 - self.p_improve(self.grid)
        key = np.where(self.M <= 32, self.M, 1e6 + np.ceil(np.log(np.maximum(self.M, 32) / 32) / np.log(1.25)))
        self.bucket_start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        # log-uniform: 1/(M+1) at the exact points; a bin's mass sum 1/(M+1) ~ log((hi+2)/(lo+1)), split
        log_uniform = np.concatenate([1.0 / np.arange(1.0, E + 2.0),
                                      np.repeat(np.log((self.bhi + 2.0) / (self.blo + 1.0)) / S, S)])
        self.priors = {"uniform": self.prior, "log-uniform": log_uniform / log_uniform.sum()}

    @property
    def nbytes(self) -> int:
        """Memory of the cached tables: a few MiB, growing with ``log N`` (never with ``N``)."""
        rows = sum(a.nbytes for a in self._p_of_k.values())
        return rows + sum(a.nbytes for a in (self.M, self.theta, self.prior, self.p_cand_marked,
                                             self.miss_grid))

    def p_improve(self, k) -> np.ndarray:
        """P(a round of ``k`` iterations measures a marked setting | M) at every point."""
        if isinstance(k, (int, np.integer)):  # one round count: cached, every search asks the same few
            row = self._p_of_k.get(int(k))
            if row is None:
                row = np.sin((2.0 * int(k) + 1.0) * self.theta) ** 2
                if len(self._p_of_k) < _MAX_ROWS:  # bounded: a budget-cut round may ask for any k
                    self._p_of_k[int(k)] = row
            return row
        k = np.asarray(k, dtype=np.float64)
        return np.sin((2 * k[..., None] + 1) * self.theta) ** 2


@lru_cache(maxsize=8)
def _points(N: int) -> _Points:
    return _Points(N)


@lru_cache(maxsize=8)
def _combos(grid: tuple, depth: int) -> tuple[np.ndarray, np.ndarray]:
    """Every multiset of ``depth`` grid indices (non-decreasing rows), cheapest (sum of k) first."""
    g = len(grid)
    rows = np.arange(g, dtype=np.int16)[:, None]
    for _ in range(depth - 1):  # extend each row by every index >= its last one
        last = rows[:, -1].astype(np.int64)
        reps = g - last
        start = np.repeat(np.cumsum(reps) - reps, reps)
        nxt = (np.arange(reps.sum()) - start + np.repeat(last, reps)).astype(np.int16)
        rows = np.column_stack([np.repeat(rows, reps, axis=0), nxt])
    cost = np.asarray(grid, dtype=np.int64)[rows].sum(1)
    order = np.argsort(cost, kind="stable")
    return rows[order], cost[order]


@njit(cache=True, nogil=True)
def _first_feasible(combos, miss, weights, target):  # pragma: no cover - compiled
    """Index of the first multiset in ``combos`` whose rounds, all missing, leave at most ``target``
    of the weight above ``M = 0``; -1 if none does (a bucket loop that stops once over)."""
    for c in range(combos.shape[0]):
        total = 0.0
        for b in range(weights.size):
            left = weights[b]
            for j in range(combos.shape[1]):
                left *= miss[combos[c, j], b]
            total += left
            if total > target:
                break
        if total <= target:
            return c
    return -1


class MarkedPosterior:
    """``P(M | what the search measured)`` for a search over ``N`` settings.

    Examples
    --------
    >>> post = MarkedPosterior(1024)
    >>> round(post.p_remaining, 4)                     # before any round: M = 0 has prior 1/N
    0.999
    >>> for _ in range(12):
    ...     post.update(post.next_k(0.01), improved=False)
    >>> post.p_remaining < 0.5                         # many misses: probably nothing left below
    True
    """

    def __init__(self, N: int, prior: str = "uniform") -> None:
        self.pts = _points(int(N))
        self.prior = self.pts.priors[prior]
        self.w = self.prior.copy()
        self.pending: tuple[int, ...] = ()  # the rounds of the verification plan not yet run

    @property
    def p_remaining(self) -> float:
        """Posterior probability that some setting lies below the threshold (``M >= 1``)."""
        return float(1.0 - self.w[0])

    def update(self, k: int, improved: bool) -> None:
        """Bayes' rule after a round of ``k`` iterations that did (not) improve the threshold."""
        pts = self.pts
        p = pts.p_improve(k)
        if improved:
            # each point M moves to U{0..M-1}: the new weight at x is the sum of w p / M over points above x
            c = self.w * p / np.maximum(pts.M, 1.0)
            c[0] = 0.0
            M = pts.M
            above = np.append(np.cumsum(c[::-1])[::-1], 0.0)  # above[i] = sum of c over points >= i
            area = np.cumsum(np.diff(np.r_[0.0, M]) * above[:-1])  # integral of the density over [0, M[i]]

            def integral(x):  # of the step density over [0, x]
                i = np.searchsorted(M, x, side="right")
                j = np.maximum(i - 1, 0)
                return np.where(i > 0, area[j], 0.0) + (x - np.where(i > 0, M[j], 0.0)) * above[i]

            w = np.empty_like(self.w)
            w[: pts.n_exact] = above[np.searchsorted(M, np.arange(pts.n_exact, dtype=np.float64), side="right")]
            w[pts.n_exact:] = np.repeat((integral(pts.bhi + 1.0) - integral(pts.blo)) / pts.S, pts.S)
            self.pending = ()  # a new threshold: plan anew
        else:
            w = self.w * (1.0 - p)
            if k in self.pending:  # the plan goes on: its other rounds still prove the target
                rest = list(self.pending)
                rest.remove(k)
                self.pending = tuple(rest)
            else:
                self.pending = ()
        total = w.sum()
        self.w = w / total if total > 0 else self.prior.copy()

    def _greedy_k(self) -> int:
        """The candidate ``k`` with the most improvement probability per query (``k + 1``)."""
        pts = self.pts
        rate = (pts.p_cand_marked @ self.w[1:]) / (pts.cand + 1.0)
        return int(pts.cand[int(np.argmax(rate))])

    def plan(self, risk: float) -> np.ndarray | None:
        """The cheapest multiset of at most ``PLAN_DEPTH`` round counts after which, if all of them
        missed, ``P(M >= 1)`` would fall below ``risk``: sorted, empty if already there, ``None`` if
        no such plan exists on the grid. Approximate: it works on buckets of ``M`` with their
        averaged miss probabilities (the stop itself reads the exact posterior)."""
        pts = self.pts
        target = risk / (1.0 - risk) * self.w[0]
        if self.w[1:].sum() <= target:
            return np.array([], dtype=int)
        starts = pts.bucket_start[1:]  # bucket 0 is M = 0 itself
        wb = np.add.reduceat(self.w[1:], starts - 1)
        mb = np.add.reduceat(pts.miss_grid[:, 1:] * self.w[1:], starts - 1, axis=1)
        # buckets too light to matter (together under 5% of the target) count as never ruled out
        order = np.argsort(wb)
        light = np.cumsum(wb[order])
        n_light = int(np.searchsorted(light, 0.05 * target, side="right"))
        target -= light[n_light - 1] if n_light else 0.0
        keep = np.sort(order[n_light:])
        heavy = keep[np.argsort(-wb[keep])]  # heaviest first: a hopeless plan is seen early
        wb, miss = wb[heavy], np.ascontiguousarray(mb[:, heavy] / wb[heavy])  # P(grid k misses | bucket)
        best_miss = miss.min(0)
        grid = pts.grid
        for depth in range(1, PLAN_DEPTH + 1):
            if (best_miss**depth) @ wb > target:  # not even the best k every time gets there: deeper
                continue
            combos, _ = _combos(tuple(int(g) for g in grid), depth)
            c = _first_feasible(combos, miss, wb, target)
            if c >= 0:
                return np.sort(grid[combos[c]])
        return None

    def next_k(self, risk: float) -> int:
        """The round count to run next.

        While ``P(M = 0) < SWITCH``: the ``k`` with the highest improvement probability per query.
        Afterwards: of the cheapest verification plan for ``risk``, the member with the highest
        improvement probability per query. The plan is made once and followed while its rounds
        miss — after a miss its other rounds still prove the target, since a miss updates the
        posterior exactly as the plan assumed — and made anew after an improvement or when it has
        run out.
        """
        if self.w[0] < SWITCH:
            return self._greedy_k()
        if not self.pending:
            seq = self.plan(risk)
            if seq is None or seq.size == 0:
                return self._greedy_k()
            self.pending = tuple(int(x) for x in seq)
        seq = np.unique(np.asarray(self.pending))
        p = self.pts.p_improve(seq)[:, 1:] @ self.w[1:]
        return int(seq[int(np.argmax(p / (seq + 1.0)))])


# -- shared decisions -------------------------------------------------------------------------------------
#: Memory the shared decision trees may hold (posterior weights of visited histories), all sizes together.
TREE_BYTES = 64 * 2**20


class _Node:
    """One history of (k, improved) rounds: its posterior, the decision taken there, its children."""

    __slots__ = ("w", "pending", "p_remaining", "k", "children")

    def __init__(self, w: np.ndarray, pending: tuple = ()) -> None:
        self.w = w
        self.pending = pending
        self.p_remaining = float(1.0 - w[0])
        self.k: int | None = None
        self.children: dict = {}


class _Tree:
    def __init__(self, N: int, prior: str = "uniform") -> None:
        self.N = N
        self.prior = prior
        self.root = _Node(_points(N).priors[prior].copy())
        self.bytes = self.root.w.nbytes


_TREES: dict[tuple[int, float, str], _Tree] = {}


def _tree_bytes() -> int:
    return sum(t.bytes for t in _TREES.values())


class PosteriorWalk:
    """:class:`MarkedPosterior` for one search, sharing its decisions with every search of the same size.

    The posterior after a sequence of rounds depends only on that sequence, and the next ``k`` only on
    the posterior — nothing is random. So the decisions form a tree over histories of
    ``(k, improved)``, shared by every search with the same ``N``, ``risk`` and prior: a block-wise fit runs
    thousands of searches on 12-16 qubit blocks, most of them along the same few histories (nothing
    to improve, one improvement, ...), and pays for each history's Bayes update and plan once.
    The tree holds at most :data:`TREE_BYTES` of posteriors; past that a search continues on its own
    copy, with the same decisions.

    Examples
    --------
    >>> walk = PosteriorWalk(1024, risk=0.01)
    >>> k = walk.next_k(); walk.update(k, improved=False); walk.p_remaining < 1.0
    True
    """

    def __init__(self, N: int, risk: float, prior: str = "uniform") -> None:
        key = (int(N), float(risk), prior)
        if key not in _TREES:
            _TREES[key] = _Tree(int(N), prior)
        self._tree = _TREES[key]
        self._node: _Node | None = self._tree.root
        self._own: MarkedPosterior | None = None
        self.risk = float(risk)

    @property
    def p_remaining(self) -> float:
        return self._node.p_remaining if self._own is None else self._own.p_remaining

    def _posterior(self, node: _Node) -> MarkedPosterior:
        post = MarkedPosterior.__new__(MarkedPosterior)
        post.pts = _points(self._tree.N)
        post.prior = post.pts.priors[self._tree.prior]
        post.w = node.w.copy()
        post.pending = node.pending
        return post

    def next_k(self) -> int:
        if self._own is not None:
            return self._own.next_k(self.risk)
        node = self._node
        if node.k is None:
            post = self._posterior(node)
            node.k = post.next_k(self.risk)
            node.pending = post.pending  # the plan made here belongs to this history
        return node.k

    def update(self, k: int, improved: bool) -> None:
        if self._own is not None:
            self._own.update(k, improved)
            return
        node = self._node
        child = node.children.get((k, improved))
        if child is None:
            post = self._posterior(node)
            post.update(k, improved)
            if _tree_bytes() + post.w.nbytes > TREE_BYTES:  # full: this search goes on alone
                self._own = post
                return
            child = node.children[(k, improved)] = _Node(post.w, post.pending)
            self._tree.bytes += post.w.nbytes
        self._node = child
