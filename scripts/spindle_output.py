"""Reading spindle's HDF5 output (docs/output-format.md) into pandas, with h5py.

Import it from a script in this folder (`from spindle_output import open_output, ...`) or copy
the few lines you need. It handles the one thing a plain `h5py.File(path)` does not: a file
whose writer has not closed it — a run still going, or one that was killed — refuses a plain
open, opens with `swmr=True`, and holds data up to its root attribute `simulated_time` (a
checkpoint); past that, datasets may be longer, by different amounts. Every reader here cuts
such a file at `simulated_time`, which gives a consistent snapshot.
"""
import h5py
import numpy as np
import pandas as pd


def open_output(path):
    """Open a spindle output file read-only; returns (h5py.File, closed)."""
    try:
        return h5py.File(path, "r"), True
    except OSError as e:
        if "already open for write" not in str(e):
            raise
    # Still being written, or left by a writer that stopped without closing it.
    return h5py.File(path, "r", swmr=True), False


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def nodes(f):
    """The `[[nodes]]` table: a DataFrame indexed by name with model, first_id and count."""
    g = f["nodes"]
    return pd.DataFrame(
        {
            "model": [text(m) for m in g["model"][()]],
            "first_id": g["first_id"][()].astype(np.int64),
            "count": g["count"][()].astype(np.int64),
        },
        index=pd.Index([text(n) for n in g["name"][()]], name="name"),
    )


def is_sonata(f):
    """Whether the file has SONATA spike groups: a /spikes group without a `model` attribute
    that holds only groups (files of other tools may call a spike recorder `spikes`)."""
    g = f.get("spikes")
    return isinstance(g, h5py.Group) and "model" not in g.attrs and all(isinstance(m, h5py.Group) for m in g.values())


# The multimeter-like recorders: a voltmeter's group is a multimeter's.
SAMPLERS = ("multimeter", "voltmeter")


def devices(f, model):
    """Names of the device groups of `model` ("spike_recorder" or "multimeter", which
    includes voltmeters): by their `model` attribute, or by their contents where it is missing
    (a 2-D dataset: multimeter; `times` and `senders`: spike recorder), as in files of other
    tools."""
    found = []
    for k, g in f.items():
        if not isinstance(g, h5py.Group) or k == "nodes" or (k == "spikes" and is_sonata(f)):
            continue
        kind = text(g.attrs.get("model", ""))
        if kind in SAMPLERS:
            kind = "multimeter"
        elif kind != "spike_recorder":
            has_2d = any(isinstance(d, h5py.Dataset) and d.ndim == 2 for d in g.values())
            kind = "multimeter" if has_2d else "spike_recorder" if "times" in g and "senders" in g else ""
        if kind == model:
            found.append(k)
    return found


def _kept(times, *others, t_end=None):
    """How many leading entries are consistent: all, or (unclosed file) those up to t_end."""
    n = min([len(times)] + [len(o) for o in others])
    if t_end is None:
        return n
    return int(np.searchsorted(times[:n], t_end, side="right"))


def spikes(f, recorder, closed=True):
    """A spike recorder's spikes as a DataFrame with columns time (ms) and sender."""
    g = f[recorder]
    t_end = None if closed else float(f.attrs["simulated_time"])
    times, senders = g["times"], g["senders"]
    n = _kept(times[()], senders, t_end=t_end)
    return pd.DataFrame({"time": times[:n], "sender": senders[:n].astype(np.int64)})


def samples(f, multimeter, recordable, closed=True):
    """One recordable of a multimeter as a DataFrame: index = sample times, columns = node ids."""
    g = f[multimeter]
    t_end = None if closed else float(f.attrs["simulated_time"])
    times = g["times"][()]
    n = _kept(times, g[recordable], t_end=t_end)
    return pd.DataFrame(
        g[recordable][:n],
        index=pd.Index(times[:n], name="time"),
        columns=pd.Index(g["senders"][()], name="sender"),
    )


def sonata_spikes(f, closed=True):
    """The SONATA groups /spikes/<population> as one DataFrame (population, node_id, time)."""
    if not is_sonata(f):
        return pd.DataFrame(columns=["population", "node_id", "time"])
    t_end = None if closed else float(f.attrs["simulated_time"])
    parts = []
    for pop, g in sorted(f["spikes"].items()):
        ts, ids = g["timestamps"], g["node_ids"]
        n = _kept(ts[()], ids, t_end=t_end)
        parts.append(pd.DataFrame({"population": pop, "node_id": ids[:n].astype(np.uint64), "time": ts[:n]}))
    return pd.concat(parts, ignore_index=True)
