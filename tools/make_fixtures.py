#!/usr/bin/env python3
"""Writes drift-core's and the CLI's test fixtures: samples plus the values numpy/scipy compute for them.

Run with Debian's python3-numpy and python3-scipy (apt-get install python3-scipy):
    /usr/bin/python3 tools/make_fixtures.py            # every fixture
    /usr/bin/python3 tools/make_fixtures.py streamed   # only drift-core's fixtures/streamed.json
The statistic definitions are those of docs/statistics.md; this script computes them independently of the
Java code, which the tests then compare with (1e-9; p-values 1e-6 relative).

fixtures/streamed.json does not store its samples: each is described by a generator (a SplitMix64 stream
of uniforms turned into a normal, lognormal, Pareto, Cauchy, rounded or atom-mixed sample) that
StreamedSamples.java reproduces bit for bit, with the sample's size and sum to check that it did; the
fixture holds scipy's exact KS statistic and Wasserstein-1 distance of each pair.
"""
import csv
import json
import math
import os
import sys

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORE_OUT = os.path.join(ROOT, "drift-core/src/test/resources/fixtures/statistics.json")
STREAMED_OUT = os.path.join(ROOT, "drift-core/src/test/resources/fixtures/streamed.json")
CLI_DIR = os.path.join(ROOT, "cli/src/test/resources/fixtures")
EXAMPLES_DIR = os.path.join(ROOT, "examples")
ZERO = 1e-4


def encode(values):
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        elif isinstance(v, float) and math.isinf(v):
            out.append("inf" if v > 0 else "-inf")
        else:
            out.append(float(v))
    return out


def finite(values):
    return np.array([v for v in values if v is not None and not math.isnan(v) and not math.isinf(v)], dtype=float)


def psi(ref_counts, cur_counts):
    pr = np.asarray(ref_counts, float) / np.sum(ref_counts)
    pc = np.asarray(cur_counts, float) / np.sum(cur_counts)
    pr = np.where(pr == 0, ZERO, pr)
    pc = np.where(pc == 0, ZERO, pc)
    return float(np.sum((pc - pr) * np.log(pc / pr)))


def js(ref_counts, cur_counts):
    pr = np.asarray(ref_counts, float) / np.sum(ref_counts)
    pc = np.asarray(cur_counts, float) / np.sum(cur_counts)
    return float(jensenshannon(pr, pc, base=2))


def numeric_case(name, ref, cur, bins=10):
    r = finite(ref)
    c = finite(cur)
    edges = np.quantile(r, np.arange(1, bins) / bins)
    edges = edges + 0.0
    dedup = []
    for e in edges:
        if not dedup or e != dedup[-1]:
            dedup.append(float(e))
    edges = np.array(dedup)
    rc = np.bincount(np.searchsorted(edges, r, side="right"), minlength=len(edges) + 1)
    cc = np.bincount(np.searchsorted(edges, c, side="right"), minlength=len(edges) + 1)
    d = float(stats.ks_2samp(r, c).statistic)
    n, m = len(r), len(c)
    en = math.sqrt(n * m / (n + m))
    w = float(stats.wasserstein_distance(r, c))
    std = float(np.std(r))
    rows_c = len(cur)
    missing_c = sum(1 for v in cur if v is None or (isinstance(v, float) and math.isnan(v)))
    nonfinite_c = sum(1 for v in cur if isinstance(v, float) and math.isinf(v))
    out_of_range = int(np.sum((c < r.min()) | (c > r.max())))
    return {
        "name": name,
        "bins": bins,
        "reference": encode(ref),
        "current": encode(cur),
        "expected": {
            "edges": [float(e) for e in edges],
            "reference_bin_counts": [int(x) for x in rc],
            "current_bin_counts": [int(x) for x in cc],
            "reference_mean": float(np.mean(r)),
            "reference_std": std,
            "reference_min": float(r.min()),
            "reference_max": float(r.max()),
            "psi": psi(rc, cc),
            "jensen_shannon": js(rc, cc),
            "ks_statistic": d,
            "ks_p_value": float(stats.kstwobign.sf(en * d)),
            "wasserstein": w,
            "wasserstein_normalized": None if std == 0 else w / std,
            "missing_rate": missing_c / rows_c,
            "non_finite_rate": nonfinite_c / rows_c,
            "out_of_range_rate": out_of_range / len(c),
        },
    }


def categorical_case(name, ref, cur, max_categories=1000):
    ref_vals = [v for v in ref if v is not None]
    cur_vals = [v for v in cur if v is not None]
    ref_counts = {}
    for v in ref_vals:
        ref_counts[v] = ref_counts.get(v, 0) + 1
    ordered = sorted(ref_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    kept = ordered[:max_categories]
    other = sum(c for _, c in ordered[max_categories:])
    kept_names = [k for k, _ in kept]
    kept_set = set(kept_names)
    cur_counts = {}
    for v in cur_vals:
        cur_counts[v] = cur_counts.get(v, 0) + 1
    unprofiled = sorted(k for k in cur_counts if k not in kept_set)
    rbins = [c for _, c in kept]
    cbins = [cur_counts.get(k, 0) for k in kept_names]
    if other > 0:
        rbins.append(other)
        cbins.append(sum(cur_counts[k] for k in unprofiled))
        new = []
    else:
        new = unprofiled
        for k in new:
            rbins.append(0)
            cbins.append(cur_counts[k])
    rb = np.array(rbins, float)
    cb = np.array(cbins, float)
    pr = rb / rb.sum()
    pc = cb / cb.sum()
    exp = np.where(pr == 0, ZERO, pr)
    exp = exp / exp.sum() * cb.sum()
    chi = stats.chisquare(cb, exp)
    # two-sample chi-square of homogeneity, bins empty on both sides left out; no degree of
    # freedom (a single bin) leaves the p-value undefined
    used = (rb + cb) > 0
    if used.sum() >= 2:
        hom = stats.chi2_contingency(np.array([rb[used], cb[used]]), correction=False)
        hom_stat, hom_p = float(hom[0]), float(hom[1])
    else:
        hom_stat, hom_p = 0.0, None
    return {
        "name": name,
        "reference": ref,
        "current": cur,
        "expected": {
            "bins": len(rbins),
            "psi": psi(rb, cb),
            "jensen_shannon": js(rb, cb),
            "l_infinity": float(np.max(np.abs(pr - pc))),
            "chi_square": float(chi.statistic),
            "chi_square_p_value": float(chi.pvalue) if len(rbins) > 1 else None,
            "chi_square_two_sample": hom_stat,
            "chi_square_two_sample_p_value": hom_p,
            "new_categories": new,
            "missing_categories": [k for k in kept_names if cur_counts.get(k, 0) == 0],
            "missing_rate": (len(cur) - len(cur_vals)) / len(cur),
        },
    }


def numeric_cases(rng):
    cases = []
    cases.append(numeric_case("normal_shift", rng.normal(0, 1, 2000).tolist(), rng.normal(0.3, 1.1, 1000).tolist()))
    cases.append(numeric_case("no_shift", rng.normal(5, 2, 3000).tolist(), rng.normal(5, 2, 3000).tolist()))
    cases.append(numeric_case("ties", rng.integers(0, 6, 500).astype(float).tolist(), rng.integers(0, 8, 300).astype(float).tolist()))
    cases.append(numeric_case("constant_reference", [5.0] * 100, [5.0] * 40 + rng.normal(5, 1, 60).tolist()))
    cases.append(numeric_case("tiny_samples", [1.0, 2.0, 3.0], [2.5, 7.0]))
    cases.append(numeric_case("single_value_each", [4.0], [4.5]))
    cases.append(numeric_case("heavy_tails", rng.standard_cauchy(3000).tolist(), (rng.standard_cauchy(2000) * 1.5 + 0.5).tolist()))
    cases.append(numeric_case("pareto", (rng.pareto(1.2, 2500) + 1).tolist(), (rng.pareto(0.9, 1500) + 1).tolist()))
    cases.append(numeric_case("huge_magnitude", (1e12 + rng.normal(0, 1e3, 1000)).tolist(), (1e12 + rng.normal(200, 1e3, 800)).tolist()))
    cases.append(numeric_case("tiny_scale", (rng.normal(0, 1, 1000) * 1e-12).tolist(), (rng.normal(0.5, 1, 1000) * 1e-12).tolist()))
    ref = rng.normal(0, 1, 1000).tolist()
    cur = rng.normal(0.2, 1, 700).tolist()
    for i in range(0, 1000, 17):
        ref[i] = float("nan")
    for i in range(0, 700, 9):
        cur[i] = None
    cur[3] = float("inf")
    cur[5] = float("-inf")
    ref[2] = float("inf")
    cases.append(numeric_case("missing_and_non_finite", ref, cur))
    cases.append(numeric_case("unbalanced_sizes", rng.normal(0, 1, 50000).tolist(), rng.normal(0.1, 1, 30).tolist()))
    cases.append(numeric_case("signed_zero", [-0.0, 0.0, -0.0, 1.0, -1.0, 0.0, 2.0, -0.0, 0.0, 3.0], [0.0, -0.0, 0.0, 0.0, 1.0, 5.0]))
    cases.append(numeric_case("twenty_bins", rng.gamma(2.0, 2.0, 4000).tolist(), rng.gamma(2.5, 2.0, 4000).tolist(), bins=20))
    cases.append(numeric_case("large_shift", rng.normal(0, 1, 5000).tolist(), rng.normal(3, 1, 5000).tolist()))
    return cases


def categorical_cases(rng):
    cases = []
    cats = ["A", "B", "C", "D"]
    ref = list(rng.choice(cats, 2000, p=[0.4, 0.3, 0.2, 0.1]))
    cur = list(rng.choice(cats + ["E"], 1000, p=[0.3, 0.3, 0.2, 0.1, 0.1]))
    cases.append(categorical_case("new_category", [str(x) for x in ref], [str(x) for x in cur]))
    ref = [str(x) for x in rng.choice(cats, 800, p=[0.25, 0.25, 0.25, 0.25])]
    cur = [str(x) for x in rng.choice(["A", "B"], 400)]
    cur[0] = None
    cur[7] = None
    ref[3] = None
    cases.append(categorical_case("missing_categories_and_values", ref, cur))
    ref = [str(x) for x in rng.choice(cats, 1000)]
    cur = [str(x) for x in rng.choice(cats, 1000)]
    cases.append(categorical_case("no_shift", ref, cur))
    ref = ["c%04d" % x for x in rng.integers(0, 1500, 20000)]
    cur = ["c%04d" % x for x in rng.integers(200, 1700, 10000)]
    cases.append(categorical_case("high_cardinality_other_bucket", ref, cur))
    ref = ["k%03d" % x for x in rng.integers(0, 300, 5000)]
    cur = ["k%03d" % x for x in rng.integers(100, 450, 5000)]
    cases.append(categorical_case("high_cardinality_new", ref, cur))
    cases.append(categorical_case("single_category", ["A"] * 40, ["A"] * 15))
    cases.append(categorical_case("two_categories", ["A"] * 300 + ["B"] * 700, ["A"] * 45 + ["B"] * 55))
    return cases


def write_cli_fixture(rng):
    os.makedirs(CLI_DIR, exist_ok=True)
    n_ref, n_cur = 2000, 1000
    ref = {
        "amount": rng.lognormal(3, 1, n_ref).tolist(),
        "age": rng.integers(18, 80, n_ref).astype(float).tolist(),
        "score": rng.normal(0, 1, n_ref).tolist(),
        "country": [str(x) for x in rng.choice(["DE", "FR", "IT", "ES"], n_ref, p=[0.4, 0.3, 0.2, 0.1])],
    }
    cur = {
        "amount": rng.lognormal(3.3, 1.1, n_cur).tolist(),
        "age": rng.integers(18, 80, n_cur).astype(float).tolist(),
        "score": rng.normal(0, 1, n_cur).tolist(),
        "country": [str(x) for x in rng.choice(["DE", "FR", "IT", "ES", "PL"], n_cur, p=[0.3, 0.3, 0.2, 0.1, 0.1])],
    }
    for i in range(0, n_cur, 25):
        cur["age"][i] = float("nan")
    cur["country"][11] = None

    def write(path, cols, n):
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(list(cols))
            for i in range(n):
                row = []
                for k in cols:
                    v = cols[k][i]
                    if v is None:
                        row.append("")
                    elif isinstance(v, float) and math.isnan(v):
                        row.append("NaN")
                    else:
                        row.append(repr(v) if isinstance(v, float) else v)
                w.writerow(row)

    os.makedirs(EXAMPLES_DIR, exist_ok=True)
    write(os.path.join(EXAMPLES_DIR, "reference.csv"), ref, n_ref)
    write(os.path.join(EXAMPLES_DIR, "current.csv"), cur, n_cur)
    expected = {}
    for k in ["amount", "age", "score"]:
        expected[k] = numeric_case(k, ref[k], cur[k])["expected"]
    expected["country"] = categorical_case("country", ref["country"], cur["country"])["expected"]
    with open(os.path.join(CLI_DIR, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


GOLDEN_GAMMA = np.uint64(0x9E3779B97F4A7C15)


def uniforms(seed, n):
    """n uniforms in [0, 1) from SplitMix64 started at seed: z_i = mix(seed + i * gamma), i = 1..n."""
    i = np.arange(1, n + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + i * GOLDEN_GAMMA
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


def generate(spec, n):
    """The sample a generator spec describes (mirrored by StreamedSamples.java)."""
    kind = spec["dist"]
    seed = spec.get("seed", 0)
    loc = spec.get("loc", 0.0)
    scale = spec.get("scale", 1.0)
    if kind == "normal" or kind == "lognormal":
        u = uniforms(seed, 2 * n)
        z = np.sqrt(-2.0 * np.log(1.0 - u[0::2])) * np.cos(2.0 * math.pi * u[1::2])
        x = loc + scale * z
        return np.exp(x) if kind == "lognormal" else x
    if kind == "pareto":
        return loc + scale * np.power(1.0 - uniforms(seed, n), -1.0 / spec["alpha"])
    if kind == "cauchy":
        return loc + scale * np.tan(math.pi * (uniforms(seed, n) - 0.5))
    if kind == "choice":
        values = np.array(spec["values"], dtype=float)
        return values[np.floor(uniforms(seed, n) * len(values)).astype(np.int64)]
    if kind == "rounded":
        return np.floor(generate(spec["of"], n) / spec["step"] + 0.5) * spec["step"] + spec.get("offset", 0.0)
    if kind == "atoms":
        base = generate(spec["of"], n)
        return np.where(uniforms(seed, n) < spec["p"], spec["atom"], base)
    raise ValueError(kind)


def streamed_case(name, ref_spec, n, cur_spec, m):
    r = generate(ref_spec, n) + 0.0
    c = generate(cur_spec, m) + 0.0
    assert np.all(np.isfinite(r)) and np.all(np.isfinite(c)), name
    return {
        "name": name,
        "reference": {"generator": ref_spec, "size": n, "sum": math.fsum(r), "distinct": int(len(np.unique(r)))},
        "current": {"generator": cur_spec, "size": m, "sum": math.fsum(c), "distinct": int(len(np.unique(c)))},
        "expected": {
            "ks_statistic": float(stats.ks_2samp(r, c).statistic),
            "wasserstein": float(stats.wasserstein_distance(r, c)),
        },
    }


def streamed_cases():
    """Pairs a stream summarises: heavy tails, ties and atoms, small and large windows and references."""
    normal = lambda seed, loc=0.0, scale=1.0: {"dist": "normal", "seed": seed, "loc": loc, "scale": scale}
    lognormal = lambda seed, mu=0.0, sigma=1.0: {"dist": "lognormal", "seed": seed, "loc": mu, "scale": sigma}
    pareto = lambda seed, alpha, scale=1.0: {"dist": "pareto", "seed": seed, "alpha": alpha, "scale": scale}
    cauchy = lambda seed, loc=0.0, scale=1.0: {"dist": "cauchy", "seed": seed, "loc": loc, "scale": scale}
    rounded = lambda of, step: {"dist": "rounded", "of": of, "step": step}
    # delays in whole minutes: a lognormal bulk shifted below zero, rounded
    delays = lambda seed, mu: dict(rounded(lognormal(seed, mu, 1.1), 1.0), offset=-15.0)
    routes = [float(x) for x in np.round(np.linspace(67.0, 2704.0, 310))]
    cases = [
        streamed_case("pareto_window_400", pareto(11, 1.2), 3000, pareto(12, 1.0), 400),
        streamed_case("pareto_reference_summary_window_700", pareto(13, 1.1), 60000, pareto(14, 0.9), 700),
        streamed_case("lognormal_window_600", lognormal(15), 20000, lognormal(16, 0.1, 1.1), 600),
        streamed_case("cauchy_window_300", cauchy(17), 50000, cauchy(18, 0.5, 1.5), 300),
        streamed_case("normal_exact_both", normal(19), 1000, normal(20, 0.2), 500),
        streamed_case("delay_minutes_window_500", delays(21, 2.5), 6937, delays(22, 2.7), 500),
        streamed_case("route_distances_window_700", {"dist": "choice", "seed": 23, "values": routes}, 6937,
                      {"dist": "choice", "seed": 24, "values": routes[40:]}, 700),
        streamed_case("discrete_large_window", rounded(lognormal(25, 2.0, 0.6), 1.0), 200000,
                      rounded(lognormal(26, 2.1, 0.6), 1.0), 100000),
        streamed_case("atoms_and_tail_window_2000", {"dist": "atoms", "seed": 27, "p": 0.4, "atom": 0.0,
                                                    "of": lognormal(28, 1.0, 1.5)}, 30000,
                      {"dist": "atoms", "seed": 29, "p": 0.3, "atom": 0.0, "of": lognormal(30, 1.2, 1.5)}, 2000),
        streamed_case("lognormal_window_3000", lognormal(31), 4000, lognormal(32, 0.2, 1.0), 3000),
        streamed_case("pareto_large_window", pareto(33, 1.5), 100000, pareto(34, 1.3), 50000),
        streamed_case("cauchy_large_both", cauchy(35), 300000, cauchy(36, 0.1), 200000),
        streamed_case("normal_large_both", normal(37), 300000, normal(38, 0.05, 1.05), 200000),
        streamed_case("tiny_window", normal(39), 10000, normal(40, 1.0), 5),
        streamed_case("single_value_window", lognormal(41), 10000, {"dist": "choice", "seed": 42, "values": [3.5]}, 1),
        streamed_case("window_beyond_reference", normal(43), 8000, normal(44, 10.0), 900),
        # windows past the exact form with at most a few thousand values (the grid form)
        streamed_case("pareto_window_1500", pareto(45, 1.1), 50000, pareto(46, 0.9), 1500),
        streamed_case("cauchy_window_4000", cauchy(47), 100000, cauchy(48, 0.3, 1.2), 4000),
        streamed_case("cents_window_5000", rounded(lognormal(49, 3.0, 1.0), 0.01), 20000,
                      rounded(lognormal(50, 3.1, 1.0), 0.01), 5000),
        streamed_case("normal_no_drift_window_1000", normal(51), 30000, normal(52), 1000),
        streamed_case("lognormal_exact_reference_window_2500", lognormal(53), 2000,
                      lognormal(54, 0.3, 0.9), 2500),
        # large windows against references in their exact form
        streamed_case("pareto_exact_reference_window_200000", pareto(55, 1.2), 2000,
                      pareto(56, 1.0), 200000),
        streamed_case("cauchy_exact_reference_window_50000", cauchy(57), 1500,
                      cauchy(58, 0.2), 50000),
        streamed_case("discrete_exact_reference_window_100000", rounded(lognormal(59, 2.0, 0.5), 0.1),
                      100000, rounded(lognormal(60, 2.1, 0.5), 0.01), 100000),
        streamed_case("normal_exact_reference_window_150000", normal(61), 2000, normal(62, 0.1), 150000),
    ]
    return cases


def write_streamed():
    doc = {
        "generator": "tools/make_fixtures.py (numpy %s, scipy %s)" % (np.__version__, __import__("scipy").__version__),
        "cases": streamed_cases(),
    }
    with open(STREAMED_OUT, "w") as f:
        json.dump(doc, f, indent=1)
    print("wrote", STREAMED_OUT)


def main():
    if sys.argv[1:] == ["streamed"]:
        write_streamed()
        return
    write_streamed()
    rng = np.random.default_rng(20261126)
    os.makedirs(os.path.dirname(CORE_OUT), exist_ok=True)
    doc = {
        "generator": "tools/make_fixtures.py (numpy %s, scipy %s)" % (np.__version__, __import__("scipy").__version__),
        "numeric": numeric_cases(rng),
        "categorical": categorical_cases(rng),
    }
    with open(CORE_OUT, "w") as f:
        json.dump(doc, f)
    write_cli_fixture(rng)
    # Benjamini-Hochberg reference values (statsmodels' fdr_bh definition, computed here by hand).
    print("wrote", CORE_OUT, "and", CLI_DIR)


if __name__ == "__main__":
    main()
