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
4. Every recordable of every multimeter has its SONATA report file beside OUT.h5
   (`OUT.<multimeter>.<recordable>.h5`): h5py finds `/report/<population>/data` (float32,
   equal to the native dataset's columns of the population's nodes, cast to float32) and the
   `mapping` group (`node_ids` counted from 0 within the entry, `index_pointer(s)`,
   `element_ids`, `element_pos`, `time = [start, stop, dt]` on the native sample times), and
   bmtk (`CompartmentReport`) and, when it is installed, libsonata (`SomaReportReader`; also
   `ElementReportReader` for a multimeter's first recordable) read the same values, node ids
   and times.

Exits non-zero with a message on the first violation.
"""
import os
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


def report_path(output, device, recordable):
    """The report file of a multimeter's recordable (docs/output-format.md): `<stem>.<device>.
    <recordable>.h5` beside OUT, `<stem>` being OUT's file name without `.h5` (for a file
    still called `NAME.partial`, that of NAME with `.partial` appended)."""
    folder, name = os.path.split(output)
    partial = name.endswith(".partial")
    base = name[: -len(".partial")] if partial else name
    stem = base[: -len(".h5")] if base.endswith(".h5") else base
    return os.path.join(folder, f"{stem}.{device}.{recordable}.h5" + (".partial" if partial else ""))


def report_populations(table, senders):
    """{population: (columns, node ids within it)} of a multimeter's senders (ascending)."""
    pops = {}
    for pop, row in table.iterrows():
        first, count = int(row["first_id"]), int(row["count"])
        cols = np.flatnonzero((senders >= first) & (senders < first + count))
        if len(cols):
            pops[pop] = (cols, (senders[cols] - first).astype(np.uint64))
    return pops


def check_report_file(rpath, name, r, native, times, interval, units, pops):
    """One report file as h5py sees it; returns {population: expected float32 (T, n)}."""
    T = len(times)
    expected = {}
    with h5py.File(rpath, "r") as rf:
        if sorted(rf["report"].keys()) != sorted(pops):
            fail(f"{rpath}: populations {sorted(rf['report'].keys())}, expected {sorted(pops)}")
        for pop, (cols, ids) in pops.items():
            g = rf["report"][pop]
            n, where = len(cols), f"{rpath}:/report/{pop}"
            expect(g["data"], "f4", (T, n), f"{where}/data")
            want = native[:, cols].astype(np.float32)
            if not np.array_equal(g["data"][()], want):
                fail(f"{where}/data differs from /{name}/{r} cast to float32")
            for key, value in [("units", units), ("variable", r)]:
                if text(g["data"].attrs.get(key, "")) != value:
                    fail(f"{where}/data@{key} is {g['data'].attrs.get(key)!r}, expected {value!r}")
            m = g["mapping"]
            expect(m["node_ids"], "u8", (n,), f"{where}/mapping/node_ids")
            if not np.array_equal(m["node_ids"][()], ids):
                fail(f"{where}/mapping/node_ids {m['node_ids'][()]}, expected {ids}")
            for key in ["index_pointer", "index_pointers"]:
                expect(m[key], "u8", (n + 1,), f"{where}/mapping/{key}")
                if not np.array_equal(m[key][()], np.arange(n + 1)):
                    fail(f"{where}/mapping/{key} is not 0..{n}")
            expect(m["element_ids"], "u4", (n,), f"{where}/mapping/element_ids")
            expect(m["element_pos"], "f4", (n,), f"{where}/mapping/element_pos")
            start, stop, dt = m["time"][()]
            if text(m["time"].attrs.get("units", "")) != "ms":
                fail(f"{where}/mapping/time@units is not 'ms'")
            if dt != interval or int((stop - start) / dt) != T or (T and start != times[0]):
                fail(f"{where}/mapping/time [{start}, {stop}, {dt}] does not give the {T} samples from {times[:1]} every {interval} ms")
            expected[pop] = want
    return expected


def check_reports(path, f, table):
    """Step 4 of the module documentation; returns the number of report files."""
    from bmtk.utils.reports.compartment import CompartmentReport

    try:
        import libsonata
    except ImportError:
        libsonata = None
    files = 0
    for name in devices(f, "multimeter"):
        g = f[name]
        times, senders = g["times"][()], g["senders"][()].astype(np.int64)
        pops = report_populations(table, senders)
        for r in g.attrs["record_from"]:
            r = text(r)
            rpath = report_path(path, name, r)
            if not os.path.exists(rpath):
                fail(f"{rpath}: no SONATA report of /{name}/{r}")
            expected = check_report_file(rpath, name, r, g[r][()], times, float(g.attrs["interval"]), text(g[r].attrs["units"]), pops)
            # bmtk
            rep = CompartmentReport(rpath, mode="r")
            if sorted(rep.populations) != sorted(expected):
                fail(f"bmtk sees populations {rep.populations} in {rpath}, expected {sorted(expected)}")
            for pop, want in expected.items():
                ids = pops[pop][1]
                if not np.array_equal(np.asarray(rep.data(population=pop)), want):
                    fail(f"bmtk reads other values from {rpath}:{pop}")
                if not np.array_equal(rep.node_ids(population=pop), ids):
                    fail(f"bmtk reads node ids {rep.node_ids(population=pop)} from {rpath}:{pop}")
                for j, k in enumerate(ids):
                    if not np.array_equal(np.asarray(rep.data(node_id=k, population=pop)).ravel(), want[:, j]):
                        fail(f"bmtk reads another trace for node {k} of {rpath}:{pop}")
                got = (rep[pop].n_steps(), rep.units(population=pop), rep.variable(population=pop))
                if got != (len(times), text(g[r].attrs["units"]), r):
                    fail(f"bmtk reads (n_steps, units, variable) {got} from {rpath}:{pop}")
            # libsonata, where it is installed: as a soma report, and for a multimeter's first
            # recordable also as an element report (its reads take seconds per file).
            if libsonata is not None:
                readers = [libsonata.SomaReportReader] + ([libsonata.ElementReportReader] if r == text(g.attrs["record_from"][0]) else [])
                for reader in readers:
                    lr = reader(rpath)
                    if sorted(lr.get_population_names()) != sorted(expected):
                        fail(f"libsonata sees populations {lr.get_population_names()} in {rpath}")
                    for pop, want in expected.items():
                        frame = lr[pop].get()
                        ids = np.asarray(frame.ids)
                        ids = ids[:, 0] if ids.ndim == 2 else ids
                        if not np.array_equal(ids, pops[pop][1]) or not np.array_equal(np.asarray(frame.data), want):
                            fail(f"libsonata ({reader.__name__}) reads other node ids or values from {rpath}:{pop}")
                        if len(frame.times) != len(times) or not np.allclose(frame.times, times, rtol=0, atol=1e-6):
                            fail(f"libsonata ({reader.__name__}) reads other times from {rpath}:{pop}")
            files += 1
    return files, libsonata is not None


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
        reports, with_libsonata = check_reports(path, f, table)
    n = check_bmtk(path, sonata)
    readers = "bmtk and libsonata" if with_libsonata else "bmtk (libsonata is not installed: not checked with it)"
    print(
        f"check_sonata: {path}: layout OK; {len(sonata)} SONATA population(s), {n} spikes, equal to the native datasets and to what bmtk reads; "
        f"{reports} SONATA report file(s) equal to the native multimeter datasets (as float32) and to what {readers} read"
    )


if __name__ == "__main__":
    main()
