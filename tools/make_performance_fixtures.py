#!/usr/bin/env python3
"""Writes drift-core's performance-metric fixtures: labelled predictions plus the values scikit-learn and
numpy compute for them. Run with Debian's python3-sklearn: /usr/bin/python3 tools/make_performance_fixtures.py
Definitions (docs/performance-job.md, "Metrics"): predicted label = score >= 0.5; log loss with
scores clipped to [1e-15, 1 - 1e-15]; ECE over 10 equal-width score bins; MAPE over non-zero labels."""
import json
import os

import numpy as np
from sklearn import metrics

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "drift-core/src/test/resources/fixtures/performance.json")


def binary_case(name, scores, labels):
    scores = np.asarray(scores, float)
    labels = np.asarray(labels, int)
    pred = (scores >= 0.5).astype(int)
    p = np.clip(scores, 1e-15, 1 - 1e-15)
    bins = np.minimum(9, np.floor(scores * 10).astype(int))
    ece = 0.0
    for b in range(10):
        m = bins == b
        if m.any():
            ece += m.sum() / len(scores) * abs(labels[m].mean() - scores[m].mean())
    return {
        "name": name,
        "scores": scores.tolist(),
        "labels": labels.tolist(),
        "expected": {
            "accuracy": metrics.accuracy_score(labels, pred),
            # undefined (no predicted positives, no positives) is null, not scikit-learn's 0
            "precision": metrics.precision_score(labels, pred) if pred.sum() > 0 else None,
            "recall": metrics.recall_score(labels, pred) if labels.sum() > 0 else None,
            "specificity": metrics.recall_score(labels, pred, pos_label=0) if (labels == 0).any() else None,
            "f1": metrics.f1_score(labels, pred) if (pred.sum() + labels.sum()) > 0 else None,
            "positive_rate": float(pred.mean()),
            "roc_auc": metrics.roc_auc_score(labels, scores),
            "pr_auc": metrics.average_precision_score(labels, scores),
            "log_loss": float(-np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p))),
            "brier": metrics.brier_score_loss(labels, scores),
            "ece": float(ece),
        },
    }


def main():
    rng = np.random.default_rng(42)
    doc = {"binary": [], "multiclass": [], "regression": []}
    s = rng.beta(2, 2, 2000)
    doc["binary"].append(binary_case("calibrated", s, rng.random(2000) < s))
    s = np.round(rng.beta(2, 3, 500), 2)
    doc["binary"].append(binary_case("ties", s, rng.random(500) < s))
    s = rng.beta(1, 20, 5000)
    doc["binary"].append(binary_case("imbalanced", s, rng.random(5000) < s * 0.5))
    doc["binary"].append(binary_case("tiny", [0.9, 0.2, 0.65, 0.4, 0.1], [1, 0, 0, 1, 0]))
    s = rng.beta(5, 1, 800)
    doc["binary"].append(binary_case("confident_extremes", np.where(rng.random(800) < 0.1, 1.0, s), rng.random(800) < s))

    classes = ["cat", "dog", "fish", "bird"]
    y = rng.choice(classes, 1000, p=[0.4, 0.3, 0.2, 0.1])
    yp = np.where(rng.random(1000) < 0.7, y, rng.choice(classes, 1000))
    labels = sorted(set(y) | set(yp))
    rec = metrics.recall_score(y, yp, labels=labels, average=None, zero_division=0)
    doc["multiclass"].append({
        "name": "four_classes",
        "actual": y.tolist(), "predicted": yp.tolist(),
        "expected": dict({
            "accuracy": metrics.accuracy_score(y, yp),
            "f1_macro": metrics.f1_score(y, yp, average="macro", zero_division=0),
            "f1_weighted": metrics.f1_score(y, yp, average="weighted", zero_division=0),
        }, **{"recall." + c: float(r) for c, r in zip(labels, rec)}),
    })

    yt = rng.normal(10, 3, 1000)
    yt[::50] = 0.0
    yhat = yt + rng.normal(0.5, 1.5, 1000)
    nz = yt != 0
    doc["regression"].append({
        "name": "with_zero_labels",
        "predictions": yhat.tolist(), "labels": yt.tolist(),
        "expected": {
            "mae": metrics.mean_absolute_error(yt, yhat),
            "rmse": float(np.sqrt(metrics.mean_squared_error(yt, yhat))),
            "mape": float(np.mean(np.abs((yhat[nz] - yt[nz]) / yt[nz]))),
            "mape_excluded": float((~nz).sum()),
            "r2": metrics.r2_score(yt, yhat),
            "mean_error": float(np.mean(yhat - yt)),
        },
    })
    doc["generator"] = "tools/make_performance_fixtures.py (numpy %s, scikit-learn %s)" % (
        np.__version__, __import__("sklearn").__version__)
    with open(OUT, "w") as f:
        json.dump(doc, f)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
