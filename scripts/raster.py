#!/usr/bin/env python3
"""Raster plot and population rates of a spike recorder in a spindle output file.

Usage: raster.py OUT.h5 [--recorder NAME] [--out FILE.png] [--bin MS] [--max-neurons N]
                 [--from MS] [--to MS] [--rates-csv FILE.csv]

Reads the recorder's `times` and `senders` (docs/output-format.md) into a pandas DataFrame
with h5py, and draws two panels sharing the time axis: the raster (one dot per spike, at most
--max-neurons neurons of each `[[nodes]]` entry, entries in different colours) and each
entry's population rate in Hz per neuron (spikes in a --bin ms window / the entry's neuron
count / the window). The rate assumes the recorder records every neuron of the entry, as
brunel_alpha's does. Works on a file that is still being written or was left by a killed run
(it is cut at its last checkpoint; see spindle_output.py). Prints the mean rate per entry;
--rates-csv writes the binned rates.
"""
import argparse
import sys

import matplotlib
import numpy as np

from spindle_output import devices, nodes, open_output, spikes


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--recorder", help="spike recorder group (default: the only/first one)")
    ap.add_argument("--out", default="raster.png")
    ap.add_argument("--bin", type=float, default=5.0, help="rate bin width in ms (default 5)")
    ap.add_argument("--max-neurons", type=int, default=200, help="neurons per entry in the raster")
    ap.add_argument("--from", dest="t_from", type=float, default=None)
    ap.add_argument("--to", dest="t_to", type=float, default=None)
    ap.add_argument("--rates-csv")
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args()
    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    f, closed = open_output(args.file)
    with f:
        recorders = devices(f, "spike_recorder")
        if not recorders:
            sys.exit(f"raster: {args.file} has no spike recorder")
        recorder = args.recorder or recorders[0]
        if recorder not in recorders:
            sys.exit(f"raster: no spike recorder {recorder!r} (have {recorders})")
        df = spikes(f, recorder, closed)
        table = nodes(f)
        t_end = float(f.attrs["simulated_time"])
    if not closed:
        print(f"raster: {args.file} is not closed (running or killed): data up to {t_end} ms")

    t0 = args.t_from if args.t_from is not None else 0.0
    t1 = args.t_to if args.t_to is not None else t_end
    df = df[(df.time > t0) & (df.time <= t1)]
    # Which [[nodes]] entry each sender belongs to.
    first, count = table["first_id"].to_numpy(), table["count"].to_numpy()
    entry = np.searchsorted(first, df.sender.to_numpy(), side="right") - 1
    df = df.assign(entry=table.index.to_numpy()[entry], index_in_entry=df.sender.to_numpy() - first[entry])

    fig, (ax_r, ax_rate) = plt.subplots(2, 1, sharex=True, figsize=(9, 6), gridspec_kw={"height_ratios": [3, 1]})
    edges = np.arange(t0, t1 + args.bin, args.bin)
    rates = {}
    offset = 0
    for name, group in df.groupby("entry", sort=False):
        n = int(table.loc[name, "count"])
        shown = group[group.index_in_entry < args.max_neurons]
        ax_r.plot(shown.time, shown.index_in_entry + offset, ".", ms=1.5, label=name)
        offset += min(n, args.max_neurons)
        hist, _ = np.histogram(group.time, bins=edges)
        rates[name] = hist / n / (args.bin / 1000.0)
        ax_rate.plot(edges[:-1] + args.bin / 2, rates[name], label=name)
        mean = len(group) / n / ((t1 - t0) / 1000.0) if t1 > t0 else float("nan")
        print(f"raster: {name}: {len(group)} spikes, {n} neurons, mean rate {mean:.2f} Hz")
    ax_r.set_ylabel("neuron")
    ax_r.set_title(f"{args.file}: {recorder}")
    ax_r.legend(loc="upper right", markerscale=6)
    ax_rate.set_ylabel("rate (Hz)")
    ax_rate.set_xlabel("time (ms)")
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print(f"raster: wrote {args.out}")
    if args.rates_csv:
        import pandas as pd

        pd.DataFrame(rates, index=pd.Index(edges[:-1], name="bin_start_ms")).to_csv(args.rates_csv)
    if args.show:
        plt.show()


if __name__ == "__main__":
    main()
