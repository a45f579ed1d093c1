#!/usr/bin/env python3
"""Checks a spindle run of examples/glif_cond.toml from the outside, as an analysis tool sees it.

Usage: check_output.py OUT.h5 FIG_DIR [FIG_DIR ...]

Opens the HDF5 file with h5py and checks the documented layout (docs/output-format.md): root
attributes, the `nodes` table, the spike recorder's sorted (time, sender) datasets, and the
multimeter's (T, N) datasets, chunked and compressed; then checks that every figure folder holds
one PNG per GLIF neuron. Exits non-zero with a message on the first violation.
"""
import sys
from pathlib import Path

import h5py
import numpy as np

GLIF = ["lif", "lif_r", "lif_asc", "lif_r_asc", "lif_r_asc_a"]


def fail(msg):
    print(f"check_output: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) < 3:
        fail("usage: check_output.py OUT.h5 FIG_DIR [FIG_DIR ...]")
    path = sys.argv[1]
    with h5py.File(path, "r") as f:
        for key in ["resolution", "seed", "threads", "simulated_time", "spindle_version"]:
            if key not in f.attrs:
                fail(f"root attribute {key!r} missing")
        if not np.isclose(f.attrs["simulated_time"], 1000.0):
            fail(f"simulated_time = {f.attrs['simulated_time']}, expected 1000")
        nodes = f["nodes"]
        names = [n.decode() if isinstance(n, bytes) else n for n in nodes["name"][()]]
        for n in GLIF:
            if n not in names:
                fail(f"node {n!r} missing from /nodes (have {names})")
        ids = {n: int(i) for n, i in zip(names, nodes["first_id"][()])}

        spike_groups = [g for g in f.values() if isinstance(g, h5py.Group) and g.attrs.get("model") == "spike_recorder"]
        mm_groups = [g for g in f.values() if isinstance(g, h5py.Group) and g.attrs.get("model") in ("multimeter", "voltmeter")]
        if not spike_groups or not mm_groups:
            fail("expected a spike_recorder group and a multimeter group")
        sr = spike_groups[0]
        t, s = sr["times"][()], sr["senders"][()]
        if t.dtype != np.float64 or s.dtype != np.int64 or t.shape != s.shape:
            fail(f"spike datasets: {t.dtype} {s.dtype} {t.shape} {s.shape}")
        order = np.lexsort((s, t))
        if not np.array_equal(order, np.arange(len(t))):
            fail("spikes are not sorted by (time, sender)")
        for n in GLIF:
            if not np.any(s == ids[n]):
                fail(f"neuron {n} did not spike")

        mm = mm_groups[0]
        times, senders = mm["times"][()], mm["senders"][()]
        if not np.all(np.diff(senders) > 0):
            fail("multimeter senders not ascending")
        for name in ["V_m", "I", "g_1", "g_2", "threshold", "threshold_spike", "threshold_voltage", "ASCurrents_sum"]:
            ds = mm[name]
            if ds.shape != (len(times), len(senders)) or ds.dtype != np.float64:
                fail(f"{name}: shape {ds.shape} dtype {ds.dtype}")
            if ds.chunks is None or ds.compression != "gzip":
                fail(f"{name}: not chunked and deflate-compressed")
        if not np.isclose(times[-1], 1000.0):
            fail(f"last sample at {times[-1]} ms, expected 1000 (spindle records up to the end)")
    for d in sys.argv[2:]:
        pngs = sorted(p.name for p in Path(d).glob("*.png"))
        for n in GLIF:
            if f"{n}.png" not in pngs:
                fail(f"{d}: {n}.png missing (have {pngs})")
            data = (Path(d) / f"{n}.png").read_bytes()
            if not data.startswith(b"\x89PNG") or len(data) < 10_000:
                fail(f"{d}/{n}.png is not a plausible PNG ({len(data)} bytes)")
    print(f"check_output: {path} and {len(sys.argv) - 2} figure folder(s) OK")


if __name__ == "__main__":
    main()
