#!/usr/bin/env python3
"""Writes examples/events.jsonl: the rows of examples/current.csv as prediction events of model
"fraud" version "7", one every 150 ms from 2026-11-26T10:00:00Z (1000 events over 2.5 minutes), so
that one-minute windows close as later events arrive. Standard library only."""
import csv
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
T0 = 1795687200000  # 2026-11-26T10:00:00Z in epoch ms


def main():
    out = []
    with open(os.path.join(ROOT, "examples/current.csv"), newline="", encoding="utf-8") as f:
        for i, row in enumerate(csv.DictReader(f)):
            features = {}
            for k, v in row.items():
                if k == "country":
                    features[k] = v if v != "" else None
                else:
                    features[k] = None if v in ("", "NaN") else float(v)
            out.append({"prediction_id": "req-%05d" % i, "model_name": "fraud", "model_version": "7",
                        "timestamp": T0 + i * 150, "features": features,
                        "prediction": {"score": round((i * 7919 % 1000) / 1000.0, 3), "label": "0"}})
    with open(os.path.join(ROOT, "examples/events.jsonl"), "w", encoding="utf-8") as f:
        for e in out:
            f.write(json.dumps(e, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
