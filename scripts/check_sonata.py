#!/usr/bin/env python3
"""Checks a spindle output file written with --sonata from the outside, as h5py and bmtk see it.

Usage: check_sonata.py OUT.h5

1. h5py reads every dataset with the documented shape and dtype (docs/output-format.md):
   root attributes, `/nodes`, every spike recorder (`times` float64 / `senders` int64, equal
   lengths, sorted by (time, sender)), every multimeter (`times` (T,), `senders` (N,),
   recordables (T, N) float64 with `units`), and the SONATA groups (`timestamps` float64 with
   `units = "ms"`, `node_ids` uint64, `sorting` an enum with value `by_time`, sorted by time).
2. The SONATA spikes are the native ones: for every population, the spikes of its
   `[[nodes]]` entry in the spike recorders' datasets, with ids counted from 0 within the entry.
3. bmtk (`SpikeTrains.load`) reads the SONATA groups and returns the same spikes.

Exits non-zero with a message on the first violation.
"""
import sys

import h5py
import numpy as np
import pandas as pd

from spindle_output import devices, is_sonata, nodes, open_output, text

FORMAT_VERSION = 2
SORTING = {"none": 0, "by_id": 1, "by_time": 2}


def fail(msg):
    print(f"check_sonata: {msg}", file=sys.stderr)
    sys.exit(1)


def expect(ds, dtype, shape, name):
    if ds.dtype != np.dtype(dtype) or ds.shape != shape:
        fail(f"{name}: dtype {ds.dtype} shape {ds.shape}, expected {np.dtype(dtype)} {shape}")


def check_layout(f):
    attrs = f.attrs
    for key, kind in [("format_version", "i"), ("resolution", "f"), ("seed", "u"), ("threads", "i"), ("simulated_time", "f")]:
        if key not in attrs or np.asarray(attrs[key]).dtype.kind != kind:
            fail(f"root attribute {key!r} missing or of the wrong type")
    if int(attrs["format_version"]) != FORMAT_VERSION:
        fail(f"format_version {attrs['format_version']}, expected {FORMAT_VERSION}")
    table = nodes(f)
    n = len(table)
    for key, dtype in [("first_id", "i8"), ("count", "i8")]:
        expect(f["nodes"][key], dtype, (n,), f"/nodes/{key}")
    for name in devices(f, "spike_recorder"):
        g = f[name]
        t = g["times"]
        expect(t, "f8", t.shape, f"/{name}/times")
        expect(g["senders"], "i8", t.shape, f"/{name}/senders")
        times, senders = t[()], g["senders"][()]
        if not np.array_equal(np.lexsort((senders, times)), np.arange(len(times))):
            fail(f"/{name}: not sorted by (time, sender)")
    for name in devices(f, "multimeter"):
        g = f[name]
        T, N = g["times"].shape[0], g["senders"].shape[0]
        expect(g["times"], "f8", (T,), f"/{name}/times")
        expect(g["senders"], "i8", (N,), f"/{name}/senders")
        for r in g.attrs["record_from"]:
            r = text(r)
            expect(g[r], "f8", (T, N), f"/{name}/{r}")
            if "units" not in g[r].attrs:
                fail(f"/{name}/{r}: no units attribute")
    return table


def check_sonata(f, table):
    if not is_sonata(f):
        fail("no SONATA group /spikes (run with --sonata)")
    recorders = [pd.DataFrame({"time": f[r]["times"][()], "sender": f[r]["senders"][()]}) for r in devices(f, "spike_recorder")]
    sonata = {}
    for pop, g in f["spikes"].items():
        if pop not in table.index:
            fail(f"/spikes/{pop}: no [[nodes]] entry of that name")
        sorting = g.attrs.get("sorting")
        enum = h5py.check_enum_dtype(g.attrs.get_id("sorting").dtype) if sorting is not None else None
        if enum != SORTING or int(sorting) != SORTING["by_time"]:
            fail(f"/spikes/{pop}@sorting: {sorting!r} of enum {enum}, expected by_time of {SORTING}")
        ts, ids = g["timestamps"], g["node_ids"]
        expect(ts, "f8", ts.shape, f"/spikes/{pop}/timestamps")
        expect(ids, "u8", ts.shape, f"/spikes/{pop}/node_ids")
        if text(ts.attrs.get("units", "")) != "ms":
            fail(f"/spikes/{pop}/timestamps@units is not 'ms'")
        df = pd.DataFrame({"time": ts[()], "node_id": ids[()].astype(np.int64)})
        if not np.all(np.diff(df.time.to_numpy()) >= 0):
            fail(f"/spikes/{pop}: not sorted by time")
        first, count = int(table.loc[pop, "first_id"]), int(table.loc[pop, "count"])
        # Each spike once however many recorders hold it: per (time, node), the largest count
        # of any recorder (a spike of multiplicity m counts m times).
        counts = []
        for rec in recorders:
            mine = rec[(rec.sender >= first) & (rec.sender < first + count)]
            counts.append(mine.assign(node_id=mine.sender - first).groupby(["time", "node_id"]).size())
        want = pd.concat(counts, axis=1).max(axis=1).astype(np.int64).sort_index()
        got = df.groupby(["time", "node_id"]).size().astype(np.int64).sort_index()
        if not want.equals(got):
            fail(f"/spikes/{pop}: {len(df)} spikes differ from the {int(want.sum())} native ones")
        sonata[pop] = df
    return sonata


def check_bmtk(path, sonata):
    from bmtk.utils.reports.spike_trains import SpikeTrains

    st = SpikeTrains.load(path)
    if sorted(st.populations) != sorted(sonata):
        fail(f"bmtk sees populations {st.populations}, the file has {sorted(sonata)}")
    df = st.to_dataframe()
    for pop, mine in sonata.items():
        theirs = df[df.population == pop]
        a = mine.sort_values(["time", "node_id"], kind="stable").to_numpy()
        b = theirs[["timestamps", "node_ids"]].astype({"node_ids": np.int64}).sort_values(["timestamps", "node_ids"], kind="stable").to_numpy()
        if a.shape != b.shape or not np.array_equal(a, b):
            fail(f"bmtk returns {len(theirs)} spikes for {pop}, the file holds {len(mine)} (or they differ)")
    return len(df)


def main():
    if len(sys.argv) != 2:
        fail("usage: check_sonata.py OUT.h5")
    path = sys.argv[1]
    f, closed = open_output(path)
    if not closed:
        fail(f"{path} was not closed by its writer")
    with f:
        table = check_layout(f)
        sonata = check_sonata(f, table)
    n = check_bmtk(path, sonata)
    print(f"check_sonata: {path}: layout OK; {len(sonata)} SONATA population(s), {n} spikes, equal to the native datasets and to what bmtk reads")


if __name__ == "__main__":
    main()
