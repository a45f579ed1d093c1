#!/usr/bin/env python3
"""Draws the figures of NEST's glif_cond example from a spindle HDF5 file, with h5py + matplotlib.

Usage: plot_glif_cond.py OUT.h5 [--out DIR] [--show]

The external-analysis counterpart of `spindle run ... --plot DIR` (crates/spindle-cli/src/plot.rs):
the same figures, drawn only from the file, so it shows how another tool reads spindle's output
(layout: docs/output-format.md). For every multimeter that recorded `V_m` and every neuron it
recorded, one figure `<node name>.png` with four panels sharing the time axis, as in NEST's
pynest/examples/glif_cond_neuron.py:

1. V_m and threshold (mV), the neuron's spikes from every spike recorder as red dots;
2. threshold_spike and threshold_voltage (mV);
3. the injected current I and ASCurrents_sum (pA);
4. the receptor conductances g_1, g_2, ... (nS).

A panel is left out when none of its quantities was recorded. Node names come from the file's
`nodes` table: the entry's name, or `name[k]` for member k of a population (file `name_k.png`).
"""
import argparse
import re
import sys
from pathlib import Path

import h5py
import matplotlib
import numpy as np

# The panels, top to bottom: (y label, height ratio, [(recordable, matplotlib format)]), with
# NEST's example's line styles; the conductance panel's recordables are found by name.
PANELS = [
    ("V (mV)", 2, [("V_m", "b-"), ("threshold", "g--")]),
    ("V (mV)", 1, [("threshold_spike", "y-"), ("threshold_voltage", "k--")]),
    ("I (pA)", 1, [("I", "C0--"), ("ASCurrents_sum", "c-.")]),
    ("g (nS)", 1, None),
]


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def node_names(f):
    """A function from node id to the node's name, by the `nodes` table."""
    entries = []
    if "nodes" in f:
        nodes = f["nodes"]
        entries = list(
            zip(
                (text(n) for n in nodes["name"][()]),
                (int(i) for i in nodes["first_id"][()]),
                (int(c) for c in nodes["count"][()]),
            )
        )

    def name_of(node_id):
        for name, first, count in entries:
            if first <= node_id < first + count:
                return name if count == 1 else f"{name}[{node_id - first}]"
        return str(node_id)

    return name_of


def devices(f):
    """The multimeter and spike recorder groups of the file, told apart as spindle's reader does."""
    multimeters, spike_recorders = [], []
    for key, group in f.items():
        if key == "nodes" or not isinstance(group, h5py.Group):
            continue
        model = text(group.attrs.get("model", ""))
        has_2d = any(isinstance(d, h5py.Dataset) and d.ndim == 2 for d in group.values())
        if model in ("multimeter", "voltmeter") or (not model and has_2d):
            multimeters.append(group)
        elif model == "spike_recorder" or ("times" in group and "senders" in group):
            spike_recorders.append(group)
    return multimeters, spike_recorders


def recordables(mm):
    if "record_from" in mm.attrs:
        return [text(r) for r in np.atleast_1d(mm.attrs["record_from"])]
    return sorted(k for k, d in mm.items() if isinstance(d, h5py.Dataset) and d.ndim == 2)


def file_stem(name, node_id):
    """The file name spindle gives the figure of `name` (see file_stem in plot.rs)."""
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", name.replace("]", "")).lstrip(".")
    return stem or f"node_{node_id}"


def panels_of(names):
    """[(y label, ratio, [(recordable, format)])] for the recordables `names` of a multimeter."""
    conductances = sorted(
        (int(m.group(1)), n) for n in names if (m := re.fullmatch(r"g_(\d+)", n))
    )
    shown = []
    for ylabel, ratio, series in PANELS:
        if series is None:
            series = [(n, f"C{i % 10}{'-' if i % 2 == 0 else '--'}") for i, (_, n) in enumerate(conductances)]
        series = [(n, fmt) for n, fmt in series if n in names]
        if series:
            shown.append((ylabel, ratio, series))
    return shown


def figure(plt, title, t, trace, panels, spikes):
    fig, axes = plt.subplots(
        len(panels),
        1,
        sharex=True,
        figsize=(12, 10),
        dpi=100,
        gridspec_kw={"height_ratios": [ratio for _, ratio, _ in panels]},
        squeeze=False,
    )
    axes = axes[:, 0]
    fig.suptitle(title, fontsize=18)
    for k, (ax, (ylabel, _, series)) in enumerate(zip(axes, panels)):
        for name, fmt in series:
            ax.plot(t, trace(name), fmt, lw=1.5, label=name)
        if k == 0 and len(spikes):
            top = max(np.nanmax(trace(name)) for name, _ in series)
            bottom = min(np.nanmin(trace(name)) for name, _ in series)
            ax.plot(spikes, np.full(len(spikes), top + 0.08 * max(top - bottom, 1e-9)), "r.", ms=9, label="spike")
        ax.set_ylabel(ylabel)
        ax.grid(True, color="0.85")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    axes[-1].set_xlabel("t (ms)")
    axes[-1].set_xlim(t[0], t[-1])
    fig.tight_layout()
    return fig


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("h5", type=Path, help="the HDF5 file a spindle run wrote")
    parser.add_argument("--out", type=Path, default=Path("."), help="folder for the PNGs (default: .)")
    parser.add_argument("--show", action="store_true", help="also open the figures in a window")
    args = parser.parse_args(argv)

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    args.out.mkdir(parents=True, exist_ok=True)
    written = []
    with h5py.File(args.h5, "r") as f:
        name_of = node_names(f)
        multimeters, spike_recorders = devices(f)
        spike_times = np.concatenate([np.asarray(s["times"][()], dtype=float) for s in spike_recorders] or [[]])
        spike_senders = np.concatenate([np.asarray(s["senders"][()], dtype=np.int64) for s in spike_recorders] or [[]])
        for mm in multimeters:
            names = recordables(mm)
            t = mm["times"][()]
            if "V_m" not in names or len(t) == 0:
                continue
            panels = panels_of(names)
            for j, node_id in enumerate(mm["senders"][()]):
                node_id = int(node_id)
                name = name_of(node_id)
                spikes = np.unique(spike_times[spike_senders == node_id])
                spikes = spikes[(spikes >= t[0]) & (spikes <= t[-1])]
                fig = figure(plt, name, t, lambda r: mm[r][:, j], panels, spikes)
                stem = file_stem(name, node_id)
                path = args.out / f"{stem}.png"
                k = 1
                while path in written:
                    path = args.out / (f"{stem}_{node_id}.png" if k == 1 else f"{stem}_{node_id}_{k}.png")
                    k += 1
                fig.savefig(path)
                written.append(path)
                if not args.show:
                    plt.close(fig)
    print(f"plot_glif_cond: {len(written)} figure(s) in {args.out}")
    if args.show:
        plt.show()
    return 0


if __name__ == "__main__":
    sys.exit(main())
