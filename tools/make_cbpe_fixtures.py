#!/usr/bin/env python3
"""Writes drift-core's fixtures for estimated performance (confidence-based performance estimation) and
score calibration, computed with numpy and scikit-learn from the method's description, independently of
the Java code. Run with Debian's python3-sklearn: /usr/bin/python3 tools/make_cbpe_fixtures.py

Binary: a prediction with calibrated positive probability p and predicted label yhat adds p to TP and
1 - p to FP when yhat = 1, p to FN and 1 - p to TN when yhat = 0; the metrics are those of the expected
counts. ROC AUC from the expected rates: every prediction is a positive of weight p and a negative of
weight 1 - p at its score p (scikit-learn's roc_auc_score with sample weights).
Multiclass: the same one-vs-rest with the probability vector; macro and weighted (by expected support)
averages; a class with a zero denominator counts 0 (zero_division=0).

Standard errors, two ways:
- "delta": labels y_i ~ Bernoulli(p_i) (multiclass: one categorical draw per row), the metric written as a
  function of the (fractional) label vector, its gradient taken numerically (count metrics) or from the
  exact pairwise AUC formula (checked numerically here), Var = sum_i g_i' Cov(y_i) g_i.
- "monte_carlo": the standard deviation of the realised metric (scikit-learn) over simulated label draws.

Calibration: scikit-learn's IsotonicRegression(out_of_bounds="clip") fitted on (score, label); the method
is isotonic only when its held-out expected calibration error (row i in fold i mod 5; each fold's ECE, 10
equal-width bins, computed on that fold alone; the mean over folds) is below the uncalibrated scores'
(same folds); multiclass per class one-vs-rest, renormalised (uniform when all 0), the ECE being the mean
over classes of the one-vs-rest ECE.
"""
import json
import os

import numpy as np
from sklearn import metrics
from sklearn.isotonic import IsotonicRegression

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "drift-core/src/test/resources/fixtures/cbpe.json")
FOLDS = 5
SIMULATIONS = 4000


def expected_auc(p, weights_pos=None):
    """ROC AUC of the expected rates, scikit-learn: each row a positive (weight y) and a negative (1 - y)."""
    p = np.asarray(p, float)
    y = p if weights_pos is None else np.asarray(weights_pos, float)
    n = len(p)
    return metrics.roc_auc_score(
        np.r_[np.ones(n), np.zeros(n)], np.r_[p, p], sample_weight=np.r_[y, 1 - y])


def expected_auc_numpy(p):
    """The same by trapezoids over the distinct thresholds (a second, plain implementation)."""
    p = np.asarray(p, float)
    order = np.argsort(-p, kind="mergesort")
    s = p[order]
    distinct = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]
    tps = np.cumsum(s)[distinct]
    fps = np.cumsum(1 - s)[distinct]
    tpr = np.r_[0, tps / tps[-1]]
    fpr = np.r_[0, fps / fps[-1]]
    return float(np.trapz(tpr, fpr))


def auc_gradient(p, y):
    """d AUC / d y_m of the pairwise form U / (P N), U = sum_ij y_i (1 - y_j) K(s_i, s_j), at labels y."""
    s = np.asarray(p, float)
    y = np.asarray(y, float)
    order = np.argsort(s, kind="mergesort")
    ss, ys = s[order], y[order]
    neg_cum = np.r_[0, np.cumsum(1 - ys)]
    pos_cum = np.r_[0, np.cumsum(ys)]
    lo = np.searchsorted(ss, s, side="left")
    hi = np.searchsorted(ss, s, side="right")
    neg_below = neg_cum[lo]
    neg_equal = neg_cum[hi] - neg_cum[lo]
    pos_above = pos_cum[-1] - pos_cum[hi]
    pos_equal = pos_cum[hi] - pos_cum[lo]
    du = (neg_below + 0.5 * neg_equal) - (pos_above + 0.5 * pos_equal)
    big_p, big_n = y.sum(), (1 - y).sum()
    u = np.sum(y * (neg_below + 0.5 * neg_equal))
    auc = u / (big_p * big_n)
    return (du - auc * (big_n - big_p)) / (big_p * big_n), auc


def binary_counts(y, yhat):
    """Metrics of (possibly fractional) labels y against predicted labels yhat; None when undefined."""
    y = np.asarray(y, float)
    tp = np.sum(y[yhat == 1])
    fp = np.sum(1 - y[yhat == 1])
    fn = np.sum(y[yhat == 0])
    tn = np.sum(1 - y[yhat == 0])
    n = len(y)

    def ratio(a, b):
        return float(a / b) if b > 0 else None

    return {
        "accuracy": ratio(tp + tn, n),
        "precision": ratio(tp, tp + fp),
        "recall": ratio(tp, tp + fn),
        "specificity": ratio(tn, tn + fp),
        "f1": ratio(2 * tp, 2 * tp + fp + fn),
    }


def binary_case(name, p, yhat, rng, simulate=True):
    p = np.asarray(p, float)
    yhat = np.asarray(yhat, int)
    expected = binary_counts(p, yhat)
    auc = expected_auc(p)
    assert abs(auc - expected_auc_numpy(p)) < 1e-12, name
    expected["roc_auc"] = auc
    # delta method: count metrics depend on y_i only through its group (yhat_i)
    var = p * (1 - p)
    delta = {}
    h = 1e-3  # the count metrics are rational in the labels: central differences are exact to ~h^2 f'''
    for k, v in expected.items():
        if v is None or k == "roc_auc":
            delta[k] = None
            continue
        total = 0.0
        for g in (0, 1):
            rows = np.nonzero(yhat == g)[0]
            if len(rows) == 0:
                continue
            up, down = p.copy(), p.copy()
            up[rows[0]] += h
            down[rows[0]] -= h
            grad = (binary_counts(up, yhat)[k] - binary_counts(down, yhat)[k]) / (2 * h)
            total += grad ** 2 * var[rows].sum()
        delta[k] = float(np.sqrt(total))
    g, auc2 = auc_gradient(p, p)
    assert abs(auc2 - auc) < 1e-12, name
    for m in rng.choice(len(p), 3, replace=False):  # the analytic gradient, checked numerically
        up, down = p.copy(), p.copy()
        up[m] = min(1.0, p[m] + 1e-6)
        down[m] = max(0.0, p[m] - 1e-6)
        num = (expected_auc(p, up) - expected_auc(p, down)) / (up[m] - down[m])
        assert abs(num - g[m]) < 1e-6 * max(1.0, abs(g[m])), (name, m, num, g[m])
    delta["roc_auc"] = float(np.sqrt(np.sum(g ** 2 * var)))
    case = {"name": name, "probabilities": p.tolist(), "predicted": yhat.tolist(),
            "expected": expected, "standard_error_delta": delta}
    if simulate:
        sims = {k: [] for k in expected}
        for _ in range(SIMULATIONS):
            y = (rng.random(len(p)) < p).astype(int)
            r = binary_counts(y, yhat)
            for k in ("accuracy", "precision", "recall", "specificity", "f1"):
                sims[k].append(r[k])
            sims["roc_auc"].append(metrics.roc_auc_score(y, p) if 0 < y.sum() < len(y) else None)
        case["standard_error_monte_carlo"] = {
            k: (float(np.std([x for x in v if x is not None], ddof=1))
                if expected[k] is not None and sum(x is None for x in v) < len(v) / 100 else None)
            for k, v in sims.items()}
    return case


def multiclass_metrics(y, yhat, k):
    """Metrics of (possibly fractional) one-hot label rows y (n x k) against predicted classes."""
    y = np.asarray(y, float)
    n = len(y)
    pred = np.zeros((n, k))
    valid = yhat >= 0
    pred[np.nonzero(valid)[0], yhat[valid]] = 1
    tp = np.sum(pred * y, axis=0)
    npred = pred.sum(axis=0)
    support = y.sum(axis=0)
    fp = npred - tp
    fn = support - tp
    tn = n - tp - fp - fn

    def div(a, b):
        return np.where(b > 0, a / np.where(b > 0, b, 1), 0.0)

    per = {
        "precision": div(tp, npred),
        "recall": div(tp, support),
        "specificity": div(tn, tn + fp),
        "f1": div(2 * tp, 2 * tp + fp + fn),
    }
    out = {"accuracy": float(tp.sum() / n)}
    for name, v in per.items():
        out[name + "_macro"] = float(v.mean())
        out[name + "_weighted"] = float(np.sum(v * support) / n)
    for c in range(k):
        out["recall.%d" % c] = float(per["recall"][c]) if support[c] > 0 else None
    return out


def multiclass_case(name, classes, probs, yhat, rng, simulate=True):
    probs = np.asarray(probs, float)
    yhat = np.asarray(yhat, int)
    n, k = probs.shape
    expected = multiclass_metrics(probs, yhat, k)
    aucs, weights, grads = [], [], []
    for c in range(k):
        pc = probs[:, c]
        if 0 < pc.sum() < n:
            aucs.append(expected_auc(pc))
            weights.append(pc.sum())
            grads.append(auc_gradient(pc, pc)[0])
        else:
            aucs.append(None)
            weights.append(0.0)
            grads.append(np.zeros(n))
    defined = [c for c in range(k) if aucs[c] is not None]
    w = np.array(weights) / sum(weights[c] for c in defined)
    expected["roc_auc_macro"] = float(np.mean([aucs[c] for c in defined]))
    expected["roc_auc_weighted"] = float(sum(w[c] * aucs[c] for c in defined))
    # delta method with each row's categorical covariance diag(p) - p p'
    cov_rows = lambda rows: np.diag(probs[rows].sum(axis=0)) - probs[rows].T @ probs[rows]
    delta = {}
    h = 1e-3  # the count metrics are rational in the labels: central differences are exact to ~h^2 f'''
    for key, v in expected.items():
        if v is None or key.startswith("roc_auc"):
            continue
        total = 0.0
        for g in range(-1, k):
            rows = np.nonzero(yhat == g)[0]
            if len(rows) == 0:
                continue
            grad = np.zeros(k)
            for c in range(k):
                up, down = probs.copy(), probs.copy()
                up[rows[0], c] += h
                down[rows[0], c] -= h
                grad[c] = (multiclass_metrics(up, yhat, k)[key]
                           - multiclass_metrics(down, yhat, k)[key]) / (2 * h)
            total += grad @ cov_rows(rows) @ grad
        delta[key] = float(np.sqrt(total))
    # AUC averages: per-row gradient over classes, full categorical covariance (classes correlated)
    gm = np.stack([grads[c] / len(defined) if c in defined else np.zeros(n) for c in range(k)], axis=1)
    gw = np.stack([grads[c] * w[c] if c in defined else np.zeros(n) for c in range(k)], axis=1)
    for key, gr in (("roc_auc_macro", gm), ("roc_auc_weighted", gw)):
        total = np.sum(gr ** 2 * probs) - np.sum(np.sum(gr * probs, axis=1) ** 2)
        delta[key] = float(np.sqrt(total))
    case = {"name": name, "classes": classes, "probabilities": probs.tolist(), "predicted": yhat.tolist(),
            "expected": {rename(key, classes): v for key, v in expected.items()},
            "standard_error_delta": {rename(key, classes): v for key, v in delta.items()}}
    if simulate:
        sims = {key: [] for key in expected}
        cumulative = np.cumsum(probs, axis=1)
        for _ in range(SIMULATIONS // 2):
            u = rng.random(n)[:, None]
            y = np.minimum(k - 1, (u > cumulative).sum(axis=1))
            onehot = np.eye(k)[y]
            r = multiclass_metrics(onehot, yhat, k)
            if len(set(y)) == k:
                r["roc_auc_macro"] = metrics.roc_auc_score(y, probs, multi_class="ovr", average="macro")
                r["roc_auc_weighted"] = metrics.roc_auc_score(y, probs, multi_class="ovr", average="weighted")
            for key in sims:
                sims[key].append(r.get(key))
        case["standard_error_monte_carlo"] = {
            rename(key, classes): (float(np.std([x for x in v if x is not None], ddof=1))
                                   if sum(x is None for x in v) < len(v) / 100 else None)
            for key, v in sims.items()}
    return case


def rename(key, classes):
    if key.startswith("recall."):
        return "recall." + classes[int(key.split(".")[1])]
    return key


def ece(p, y):
    p = np.asarray(p, float)
    y = np.asarray(y, float)
    bins = np.minimum(9, np.floor(p * 10).astype(int))
    total = 0.0
    for b in range(10):
        m = bins == b
        if m.any():
            total += m.sum() / len(p) * abs(y[m].mean() - p[m].mean())
    return float(total)


def isotonic(x, y):
    return IsotonicRegression(out_of_bounds="clip").fit(x, y)


def binary_calibration_case(name, scores, labels, grid):
    scores = np.asarray(scores, float)
    labels = np.asarray(labels, int)
    n = len(scores)
    folds = np.arange(n) % FOLDS
    ece_identity, ece_isotonic = [], []
    for f in range(FOLDS):
        train = folds != f
        held_out = isotonic(scores[train], labels[train]).predict(scores[~train])
        ece_identity.append(ece(scores[~train], labels[~train]))
        ece_isotonic.append(ece(held_out, labels[~train]))
    ece_identity = float(np.mean(ece_identity))
    ece_isotonic = float(np.mean(ece_isotonic))
    fitted = isotonic(scores, labels)
    return {
        "name": name, "scores": scores.tolist(), "labels": labels.tolist(),
        "held_out_ece": {"identity": ece_identity, "isotonic": ece_isotonic},
        "method": "isotonic" if ece_isotonic < ece_identity else "identity",
        "grid": grid.tolist(), "isotonic_on_grid": fitted.predict(grid).tolist(),
        "isotonic_on_scores": fitted.predict(scores).tolist(),
    }


def calibrate_rows(models, probs):
    out = np.stack([m.predict(probs[:, c]) for c, m in enumerate(models)], axis=1)
    total = out.sum(axis=1, keepdims=True)
    uniform = np.full_like(out, 1.0 / out.shape[1])
    return np.divide(out, total, out=uniform, where=total != 0)


def multiclass_calibration_case(name, classes, probs, labels):
    probs = np.asarray(probs, float)
    labels = np.asarray(labels, int)
    n, k = probs.shape
    onehot = np.eye(k)[labels]
    folds = np.arange(n) % FOLDS
    normalised = probs / probs.sum(axis=1, keepdims=True)
    ece_identity, ece_isotonic = [], []
    for f in range(FOLDS):
        train = folds != f
        models = [isotonic(probs[train, c], onehot[train, c]) for c in range(k)]
        held_out = calibrate_rows(models, probs[~train])
        ece_identity.append(np.mean([ece(normalised[~train, c], onehot[~train, c]) for c in range(k)]))
        ece_isotonic.append(np.mean([ece(held_out[:, c], onehot[~train, c]) for c in range(k)]))
    ece_identity = float(np.mean(ece_identity))
    ece_isotonic = float(np.mean(ece_isotonic))
    models = [isotonic(probs[:, c], onehot[:, c]) for c in range(k)]
    return {
        "name": name, "classes": classes, "probabilities": probs.tolist(), "labels": labels.tolist(),
        "held_out_ece": {"identity": ece_identity, "isotonic": ece_isotonic},
        "method": "isotonic" if ece_isotonic < ece_identity else "identity",
        "isotonic_calibrated": calibrate_rows(models, probs).tolist(),
    }


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def main():
    rng = np.random.default_rng(19)
    doc = {"binary": [], "multiclass": [], "binary_calibration": [], "multiclass_calibration": []}

    p = rng.beta(2, 2, 2000)
    doc["binary"].append(binary_case("beta_threshold_half", p, (p >= 0.5).astype(int), rng))
    p = rng.beta(1, 20, 3000)
    doc["binary"].append(binary_case("imbalanced", p, (p >= 0.1).astype(int), rng))
    p = np.round(rng.beta(2, 3, 1000), 2)
    doc["binary"].append(binary_case("ties_threshold_0.3", p, (p >= 0.3).astype(int), rng))
    p = rng.beta(0.5, 0.5, 1500)
    doc["binary"].append(binary_case("labels_not_from_scores", p, (rng.random(1500) < 0.4).astype(int), rng))
    p = np.r_[np.zeros(40), np.ones(30), rng.random(200)]
    doc["binary"].append(binary_case("exact_zeros_and_ones", p, (p >= 0.5).astype(int), rng, False))
    doc["binary"].append(binary_case("tiny", [0.9, 0.2, 0.65, 0.4, 0.1], [1, 0, 0, 1, 0], rng, False))
    p = rng.beta(2, 5, 300)
    doc["binary"].append(binary_case("all_predicted_negative", p, np.zeros(300, int), rng, False))

    classes = ["cat", "dog", "fish", "bird"]
    probs = rng.dirichlet([2.0, 1.5, 1.0, 0.5], 1500)
    doc["multiclass"].append(multiclass_case("four_classes_argmax", classes, probs, probs.argmax(axis=1), rng))
    probs = softmax(rng.normal(0, 1.5, (1000, 3)))
    yhat = np.where(rng.random(1000) < 0.8, probs.argmax(axis=1), rng.integers(0, 3, 1000))
    doc["multiclass"].append(multiclass_case("three_classes_noisy_prediction", ["a", "b", "c"], probs, yhat, rng))
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.5, 0.25, 0.25], [0.2, 0.2, 0.6]])
    doc["multiclass"].append(multiclass_case("tiny_one_unknown_prediction", ["x", "y", "z"], probs,
                                             np.array([0, 1, 2, -1, 0]), rng, False))

    grid = np.linspace(0, 1, 401)
    x = rng.random(3000)
    truth = 1 / (1 + np.exp(-4 * (x - 0.5)))  # the true probability; the model's score is overconfident
    score = 1 / (1 + np.exp(-12 * (x - 0.5)))
    doc["binary_calibration"].append(
        binary_calibration_case("overconfident", score, rng.random(3000) < truth, grid))
    s = rng.beta(2, 2, 3000)
    doc["binary_calibration"].append(binary_calibration_case("already_calibrated", s, rng.random(3000) < s, grid))
    s = np.round(rng.beta(2, 5, 800), 2)
    doc["binary_calibration"].append(binary_calibration_case("ties", s, rng.random(800) < np.sqrt(s), grid))
    s = rng.random(37)
    doc["binary_calibration"].append(binary_calibration_case("small", s, rng.random(37) < s, grid))

    logits = rng.normal(0, 1, (2000, 4)) * 2
    truth = softmax(logits)
    labels = np.array([rng.choice(4, p=t) for t in truth])
    doc["multiclass_calibration"].append(multiclass_calibration_case(
        "overconfident_four", ["cat", "dog", "fish", "bird"], softmax(logits * 2.5), labels))
    truth = rng.dirichlet([1, 1, 1], 1500)
    labels = np.array([rng.choice(3, p=t) for t in truth])
    doc["multiclass_calibration"].append(multiclass_calibration_case(
        "already_calibrated_three", ["a", "b", "c"], truth, labels))

    doc["generator"] = "tools/make_cbpe_fixtures.py (numpy %s, scikit-learn %s)" % (
        np.__version__, __import__("sklearn").__version__)
    with open(OUT, "w") as f:
        json.dump(doc, f)
    print("wrote", OUT)
    for c in doc["binary"] + doc["multiclass"]:
        if "standard_error_monte_carlo" in c:
            print(c["name"], {k: (round(v, 5) if v else v, round(c["standard_error_monte_carlo"][k], 5)
                                  if c["standard_error_monte_carlo"][k] else None)
                              for k, v in c["standard_error_delta"].items()})
    for c in doc["binary_calibration"] + doc["multiclass_calibration"]:
        print(c["name"], c["method"], c["held_out_ece"])


if __name__ == "__main__":
    main()
