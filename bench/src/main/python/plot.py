#!/usr/bin/python3
"""Draws bin/bench-ann's sweep CSV as recall@10 (x) against queries/s (y, log scale), one panel per data set.

usage: plot.py SWEEP.csv OUT.png      (Debian python3-matplotlib; kept small: one PNG well under 200 KB)
"""
import csv
import sys
from collections import OrderedDict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (the backend must be chosen first)


def main():
    source, target = sys.argv[1], sys.argv[2]
    panels = OrderedDict()
    with open(source) as f:
        for row in csv.DictReader(f):
            curves = panels.setdefault(row["dataset"], OrderedDict())
            curves.setdefault(row["engine"], []).append(
                (int(row["value"]), float(row["recall"]), float(row["qps"])))
    count = len(panels)
    columns = 2 if count > 1 else 1
    lines = (count + columns - 1) // columns
    figure, axes = plt.subplots(lines, columns, figsize=(6.2 * columns, 4.2 * lines), squeeze=False)
    for panel, (dataset, curves) in zip(axes.flat, panels.items()):
        for engine, points in curves.items():
            points.sort()  # in sweep order, so the line follows the parameter even where timings are noisy
            ours = engine.startswith("VectorVault")
            panel.plot([p[1] for p in points], [p[2] for p in points], marker="o", markersize=3,
                       linewidth=2.2 if ours else 1.2, linestyle="-" if "IVF" not in engine else "--", label=engine)
        panel.set_yscale("log")
        panel.set_title(dataset, fontsize=10)
        panel.set_xlabel("recall@10", fontsize=9)
        panel.set_ylabel("queries/s, 1 thread (log)", fontsize=9)
        panel.axvline(0.95, color="grey", linewidth=0.6, linestyle=":")
        panel.grid(True, which="both", linewidth=0.3)
        panel.tick_params(labelsize=8)
        panel.legend(fontsize=7, loc="lower left")
    for panel in list(axes.flat)[count:]:
        panel.axis("off")
    figure.tight_layout()
    figure.savefig(target, dpi=72)
    print("plot: wrote %s" % target, file=sys.stderr)


if __name__ == "__main__":
    main()
