#!/usr/bin/env python3
"""Writes drift-core's fixtures/rank-tests.json: pairs of samples and, computed independently of the Java
code, the tie-aware tests of docs/statistics.md (the default rule's components):

- rank sum: scipy.stats.mannwhitneyu(current, reference, method="asymptotic", use_continuity=False),
  whose variance carries the tie correction; z from the rank sum of the current sample.
- Ansari-Bradley: each value's score is the mean of min(i, N + 1 - i) over the ranks of its tie group;
  mean and variance of the current sample's total score under random permutation (per value, with
  numpy); without ties scipy.stats.ansari(current, reference) gives the same p-value, which is checked here.
- chi-square over pooled cells: adjacent distinct values pooled until each group holds at least
  max(5 N / min(n, m), N / 20) values of both samples (a remainder joins the last group), then
  scipy.stats.chi2_contingency(correction=False).

Run with Debian's python3-numpy and python3-scipy:  /usr/bin/python3 tools/make_rank_fixtures.py
"""
import json
import os

import numpy as np
from scipy import stats

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "drift-core/src/test/resources/fixtures/rank-tests.json")


def ab_moments(ref, cur):
    both = np.concatenate([cur, ref])
    n, m = len(cur), len(ref)
    N = n + m
    order = np.sort(both)
    i = np.arange(1, N + 1)
    raw = np.minimum(i, N + 1 - i).astype(float)
    # average score of each tie group
    values, start, counts = np.unique(order, return_index=True, return_counts=True)
    group_score = np.array([raw[s:s + c].mean() for s, c in zip(start, counts)])
    score_of = dict(zip(values.tolist(), group_score.tolist()))
    scores = np.array([score_of[v] for v in both.tolist()])
    s = scores[:n].sum()
    mean = n * scores.mean()
    var = n * m / (N * (N - 1)) * ((scores - scores.mean()) ** 2).sum()
    z = (s - mean) / np.sqrt(var)
    return s, z, 2 * stats.norm.sf(abs(z))


def pooled(ref, cur):
    n, m = len(cur), len(ref)
    N = n + m
    values = np.unique(np.concatenate([ref, cur]))
    r = np.array([(ref == v).sum() for v in values])
    c = np.array([(cur == v).sum() for v in values])
    target = max(5.0 * N / min(n, m), N / 20.0)
    groups_r, groups_c = [], []
    acc = 0
    for k in range(len(values)):
        if acc == 0:
            groups_r.append(0)
            groups_c.append(0)
        groups_r[-1] += int(r[k])
        groups_c[-1] += int(c[k])
        acc += int(r[k] + c[k])
        if acc >= target:
            acc = 0
    if acc > 0 and len(groups_r) > 1:
        last_r, last_c = groups_r.pop(), groups_c.pop()
        groups_r[-1] += last_r
        groups_c[-1] += last_c
    return groups_r, groups_c


def case(name, ref, cur):
    ref = np.asarray(ref, dtype=float)
    cur = np.asarray(cur, dtype=float)
    n, m = len(cur), len(ref)
    mw = stats.mannwhitneyu(cur, ref, method="asymptotic", use_continuity=False)
    ranks = stats.rankdata(np.concatenate([cur, ref]))
    rank_sum = ranks[:n].sum()
    tie_counts = np.unique(np.concatenate([cur, ref]), return_counts=True)[1]
    N = n + m
    var = n * m / 12.0 * ((N + 1) - (tie_counts ** 3 - tie_counts).sum() / (N * (N - 1)))
    z = (rank_sum - n * (N + 1) / 2.0) / np.sqrt(var)
    ab_s, ab_z, ab_p = ab_moments(ref, cur)
    if len(np.unique(np.concatenate([ref, cur]))) == N and n >= 55 and m >= 55:
        scipy_ab = stats.ansari(cur, ref).pvalue
        assert abs(scipy_ab - ab_p) <= 1e-9 * max(ab_p, 1e-300), (name, scipy_ab, ab_p)
    gr, gc = pooled(ref, cur)
    if len(gr) > 1:
        chi2, chi_p, _, _ = stats.chi2_contingency(np.array([gr, gc]), correction=False)
    else:
        chi2, chi_p = 0.0, None
    return {
        "name": name,
        "reference": ref.tolist(),
        "current": cur.tolist(),
        "expected": {
            "rank_sum": float(rank_sum),
            "rank_sum_z": float(z),
            "rank_sum_p": float(mw.pvalue),
            "ansari_bradley": float(ab_s),
            "ansari_bradley_z": float(ab_z),
            "ansari_bradley_p": float(ab_p),
            "pooled_reference": gr,
            "pooled_current": gc,
            "chi_square": float(chi2),
            "chi_square_p": None if chi_p is None else float(chi_p),
        },
    }


def main():
    rng = np.random.default_rng(20261130)
    cases = [
        case("normal shift, no ties", rng.normal(0, 1, 400), rng.normal(0.3, 1, 150)),
        case("normal scale x1.5, no ties", rng.normal(0, 1, 300), rng.normal(0, 1.5, 120)),
        case("rounded normal, many ties", np.round(rng.normal(10, 2, 500)), np.round(rng.normal(10.6, 2, 80))),
        case("poisson, ties and unbalanced", rng.poisson(3, 2000), rng.poisson(3.4, 60)),
        case("integers 0-4, a tie group across the middle", rng.choice(5, 300, p=[0.5, 0.2, 0.15, 0.1, 0.05]),
             rng.choice(5, 100, p=[0.4, 0.2, 0.15, 0.15, 0.1])),
        case("same distribution, odd N", rng.normal(0, 1, 201), rng.normal(0, 1, 100)),
        case("two values", [0.0] * 30 + [1.0] * 70, [0.0] * 20 + [1.0] * 20),
        case("pareto tails", rng.pareto(1.5, 500) + 1, 1.1 * (rng.pareto(1.5, 50) + 1)),
        case("small samples", [1.0, 2.0, 2.0, 3.0, 5.0, 8.0], [2.0, 3.0, 3.0, 9.0]),
    ]
    with open(OUT, "w") as f:
        json.dump({"cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
