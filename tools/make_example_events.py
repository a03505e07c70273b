#!/usr/bin/env python3
"""Writes examples/events.jsonl and examples/labels.jsonl. Standard library only.

events.jsonl: the rows of examples/current.csv as prediction events of model "fraud" version "7", one
every 150 ms from 2026-11-26T10:00:00Z (1000 events over 2.5 minutes), so that one-minute windows close
as later events arrive. Each prediction has a score and the label it implies (score >= 0.5).

labels.jsonl: the ground truth of every prediction, stamped 30 s after it: "1" with probability equal to
the prediction's score (a deterministic draw per event), so the model is calibrated and better than chance.
"""
import csv
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
T0 = 1795687200000  # 2026-11-26T10:00:00Z in epoch ms
LABEL_DELAY_MS = 30000


def main():
    events = []
    labels = []
    with open(os.path.join(ROOT, "examples/current.csv"), newline="", encoding="utf-8") as f:
        for i, row in enumerate(csv.DictReader(f)):
            features = {}
            for k, v in row.items():
                if k == "country":
                    features[k] = v if v != "" else None
                else:
                    features[k] = None if v in ("", "NaN") else float(v)
            score = round((i * 7919 % 1000) / 1000.0, 3)
            prediction_id = "req-%05d" % i
            events.append({"prediction_id": prediction_id, "model_name": "fraud", "model_version": "7",
                           "timestamp": T0 + i * 150, "features": features,
                           "prediction": {"score": score, "label": "1" if score >= 0.5 else "0"}})
            draw = ((i * 104729 + 7) % 1000 + 0.5) / 1000.0
            labels.append({"prediction_id": prediction_id, "model_name": "fraud",
                           "timestamp": T0 + i * 150 + LABEL_DELAY_MS,
                           "label": "1" if draw < score else "0"})
    for name, rows in (("events.jsonl", events), ("labels.jsonl", labels)):
        with open(os.path.join(ROOT, "examples", name), "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
