"""The kernel of a script: the live network in the Rust engine, and a log of the calls.

A PyNEST script creates nodes, connects them, sets their status and simulates, in any order.
Each call goes straight to the native kernel (`_spindle.Kernel`, which holds the network in
Rust as the single source of truth for parameters and state) as a typed call; errors come
back as NEST's exceptions. The network stays live: nodes and connections made after a
`Simulate` are built into the running network at the next one, and status changes act from
the next step on, as in NEST.

Beside the kernel, the state keeps a log of what the script described — `[[nodes]]` entries
and `[[connect]]` entries, as in a scenario file (docs/scenario-format.md) — from which
`export_scenario` writes a file that `spindle run` reproduces bit for bit. Node ids are NEST's:
1, 2, … in creation order. An entry covers a run of ids with one model and one parameter set;
when a script sets part of an entry, the entry is split into pieces (same ids, same
parameters), which changes no result.
"""

from __future__ import annotations

import bisect
import copy
import json
import os
import re
import warnings
from pathlib import Path

import numpy as np

from . import _spindle, _toml
from . import kernel as _k

#: NEST's default `rng_seed`.
NEST_DEFAULT_SEED = 143202461

_DEFAULTS = json.loads((Path(__file__).parent / "nest_defaults.json").read_text())["models"]

SYNAPSE_MODELS = ("static_synapse",)
SYNAPSE_KEYS = ("weight", "delay", "receptor_type")

#: Keys every node's status has besides its model's parameters.
INFO_KEYS = ("element_type", "global_id", "model", "local", "recordables")

VERBOSITY = {
    "M_ALL": 0,
    "M_DEBUG": 5,
    "M_STATUS": 7,
    "M_INFO": 10,
    "M_DEPRECATED": 18,
    "M_WARNING": 20,
    "M_ERROR": 30,
    "M_FATAL": 40,
    "M_QUIET": 100,
}


def available_threads() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def ranges(ids) -> list:
    """Runs of consecutive ids as (first, count) pairs."""
    out = []
    for i in ids:
        if out and out[-1][0] + out[-1][1] == i:
            out[-1][1] += 1
        else:
            out.append([i, 1])
    return [tuple(r) for r in out]


def _plain(v):
    """A parameter value as stored: numpy values become Python ones, tuples lists."""
    if hasattr(v, "tolist"):
        return v.tolist()
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v


class Entry:
    """A run of `n` nodes from `first` on, of one model, with the parameters a script set."""

    __slots__ = ("first", "n", "model", "user_model", "params", "info")

    def __init__(self, first, n, model, user_model, params, info):
        self.first = first
        self.n = n
        self.model = model  # spindle's (NEST's) model name
        self.user_model = user_model  # the name given to Create (a CopyModel name, perhaps)
        self.params = params
        self.info = info  # element_type, recordables and their initial values

    def name(self, first=None) -> str:
        """The scenario name of the piece starting at `first` (unique: ids are)."""
        return f"{re.sub(r'[^A-Za-z0-9_]', '_', self.user_model)}_{first or self.first}"

    def end(self) -> int:
        return self.first + self.n


class Connection:
    __slots__ = ("pre", "post", "conn", "syn")

    def __init__(self, pre, post, conn, syn):
        self.pre, self.post, self.conn, self.syn = pre, post, conn, syn


class State:
    """Everything `ResetKernel` resets."""

    def __init__(self, generation: int = 0):
        self.generation = generation
        self.resolution = 0.1
        self.rng_seed = NEST_DEFAULT_SEED
        self.threads = None  # None: all cores
        self.data_path = ""
        self.data_prefix = ""
        self.overwrite_files = False
        self.print_time = False
        self.entries: list[Entry] = []
        self.connections: list[Connection] = []
        self.next_id = 1
        # SetDefaults of built-in models, and models made by CopyModel: name → (base, params).
        self.model_defaults: dict[str, dict] = {}
        self.copied: dict[str, tuple] = {}
        self.synapse_defaults: dict[str, dict] = {"static_synapse": {}}
        self.engine = None  # the native kernel, made at the first node
        self.simulated: list[float] = []
        # Calls after the first Simulate that the scenario format cannot carry yet.
        self.live_changes: list[str] = []
        self.event_start: dict[int, int] = {}
        self.warned: set[str] = set()

    # ---- models ---------------------------------------------------------------------------

    def node_models(self) -> list:
        return sorted(set(_spindle.model_names()) | set(self.copied))

    def synapse_models(self) -> list:
        return sorted(self.synapse_defaults)

    def resolve_model(self, name: str):
        """(base model, defaults set by SetDefaults / CopyModel) of a node model name."""
        if name in self.copied:
            base, params = self.copied[name]
            return base, dict(params)
        if name in _spindle.model_names():
            return name, dict(self.model_defaults.get(name, {}))
        raise _k.UnknownModelName(f"{name} is not a known model name.")

    def resolve_synapse(self, name: str) -> dict:
        if name not in self.synapse_defaults:
            raise _k.UnknownSynapseType(
                f"Synapse type {name} does not exist (spindle implements static_synapse and "
                "copies of it)."
            )
        return dict(self.synapse_defaults[name])

    def defaults(self, model: str) -> dict:
        """GetDefaults(model): NEST's defaults of the keys spindle implements, with what
        SetDefaults / CopyModel changed."""
        if model in self.synapse_defaults:
            base = _DEFAULTS["static_synapse"]
            d = {k: copy.deepcopy(base[k]) for k in (*SYNAPSE_KEYS, "element_type")}
            d.update(copy.deepcopy(self.synapse_defaults[model]))
            d["synapse_model"] = model
            return d
        try:
            base_model, overrides = self.resolve_model(model)
        except _k.UnknownModelName:
            raise _k.UnknownComponent(f"{model} is not a known component.") from None
        keys = set(_spindle.model_keys(base_model)) | set(INFO_KEYS)
        d = {k: copy.deepcopy(v) for k, v in _DEFAULTS[base_model].items() if k in keys}
        d.update(copy.deepcopy(overrides))
        d["model"] = model
        info = self.node_info(base_model, overrides)
        d.update(info["status"])
        d.update(copy.deepcopy(overrides))
        if d.get("element_type") == "neuron":
            d["recordables"] = list(info["recordables"])
        d["model"] = model
        return d

    def set_defaults(self, model: str, params: dict) -> None:
        params = _plain(params)
        if model in self.synapse_defaults:
            bad = [k for k in params if k not in SYNAPSE_KEYS]
            if bad:
                raise _k.UnaccessedDictionaryEntry(
                    f"Unaccessed elements in params: {', '.join(bad)} (static_synapse has "
                    f"{', '.join(SYNAPSE_KEYS)})"
                )
            self.synapse_defaults[model].update(params)
            return
        base, current = self.resolve_model(model)
        merged = {**current, **params}
        self.node_info(base, merged)
        if model in self.copied:
            self.copied[model] = (base, merged)
        else:
            self.model_defaults[model] = merged

    def copy_model(self, old: str, new: str, params: dict) -> None:
        if new in self.copied or new in self.synapse_defaults or new in _spindle.model_names():
            raise _k.NewModelNameExists(f"/{new} is the name of an existing model.")
        params = _plain(params or {})
        if old in self.synapse_defaults:
            self.synapse_defaults[new] = {}
            self.set_defaults(new, {**self.synapse_defaults[old], **params})
            return
        base, current = self.resolve_model(old)
        merged = {**current, **params}
        self.node_info(base, merged)
        self.copied[new] = (base, merged)

    # ---- checks -----------------------------------------------------------------------

    def kernel_table(self, with_threads: bool) -> dict:
        k = {"resolution": float(self.resolution), "seed": int(self.rng_seed)}
        if with_threads and self.threads is not None:
            k["threads"] = int(self.threads)
        return k

    def node_info(self, model: str, params: dict) -> dict:
        """Check a model's parameters as NEST's Create does: element_type, the model's
        status with these parameters (NEST's GetDefaults) and its recordables."""
        return _spindle.model_status(model, _plain(params), float(self.resolution))

    def kernel(self):
        """The native kernel, made with the kernel settings at the first node."""
        if self.engine is None:
            self.engine = _spindle.Kernel(float(self.resolution), int(self.rng_seed), self.threads)
        return self.engine

    def note_live_change(self, what: str) -> None:
        """Remember a change made after Simulate: it acts on the live network, but
        `export_scenario` cannot write it yet."""
        if self.simulated:
            self.live_changes.append(what)

    def drop_engine(self) -> None:
        if self.engine is not None:
            self.engine.close()
            self.engine = None

    # ---- building ---------------------------------------------------------------------

    def entry_index(self, node_id: int) -> int:
        i = bisect.bisect_right([e.first for e in self.entries], node_id) - 1
        if i < 0 or node_id >= self.entries[i].end():
            raise _k.UnknownNode(f"Node with id {node_id} does not exist.")
        return i

    def entry(self, node_id: int) -> Entry:
        return self.entries[self.entry_index(node_id)]

    def create(self, model: str, n: int, params) -> range:
        base, defaults = self.resolve_model(model)
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise _k.BadProperty(f"Create: n must be a positive integer, got {n!r}")
        n = int(n)
        kernel = self.kernel()
        per_node = per_node_params(base, n, params)
        element = _DEFAULTS[base].get("element_type")
        first = self.next_id
        try:
            if per_node is None:
                common = {**defaults, **_plain(params or {})}
                for _ in range(1 if element == "neuron" else n):
                    kernel.create(base, n if element == "neuron" else 1, common)
            elif element == "neuron":
                # The defaults for all, then each node's own values (NEST's SetStatus).
                kernel.create(base, n, dict(defaults))
                keys = sorted({k for p in per_node for k in p})
                ids = list(range(first, first + n))
                if all(set(p) == set(keys) for p in per_node):
                    for k in keys:
                        kernel.set_column(ids, k, [_plain(p[k]) for p in per_node])
                else:
                    for i, p in zip(ids, per_node):
                        kernel.set_status(i, _plain(p))
            else:
                for p in per_node:
                    kernel.create(base, 1, {**defaults, **_plain(p)})
        except (_k.NESTErrors.BadProperty, _k.NESTErrors.UnaccessedDictionaryEntry) as e:
            raise type(e)(f"Setting status of a '{model}' with node ID {first}: {e}") from None
        self.next_id = first + n
        info = {"element_type": element}
        if element == "neuron":
            info["recordables"] = kernel.recordables(first)
        if per_node is None:
            self.entries.append(Entry(first, n, base, model, {**defaults, **_plain(params or {})}, info))
        else:
            for i, p in enumerate(per_node):
                self.entries.append(Entry(first + i, 1, base, model, {**defaults, **_plain(p)}, info))
        self.note_live_change("Create")
        return range(first, first + n)

    def split(self, node_ids) -> list:
        """Split entries so that each of `node_ids`' runs starts and ends an entry; the
        entries covering `node_ids`."""
        for a, count in ranges(node_ids):
            for cut in (a, a + count):
                if cut >= self.next_id:
                    continue
                i = self.entry_index(cut)
                e = self.entries[i]
                if e.first == cut:
                    continue
                tail = Entry(cut, e.end() - cut, e.model, e.user_model, dict(e.params), e.info)
                e.n = cut - e.first
                self.entries.insert(i + 1, tail)
        wanted = set(node_ids)
        return [e for e in self.entries if e.first in wanted]

    def set_params(self, node_ids, params_per_node) -> None:
        """SetStatus: `params_per_node` is one dict for all or one dict per node. Setting a
        recorder's `n_events` to 0 forgets its events so far, also between Simulate calls."""
        if isinstance(params_per_node, dict):
            groups = [(list(node_ids), params_per_node)]
        else:
            groups = [([i], p) for i, p in zip(node_ids, params_per_node)]
        kernel = self.kernel()
        for ids, params in groups:
            params = dict(_plain(params))
            if "n_events" in params:
                if params.pop("n_events") != 0:
                    raise _k.BadProperty("n_events can only be set to 0.")
                for i in ids:
                    self.event_start[i] = self._event_count(i, absolute=True)
            if not params:
                continue
            for i in ids:
                e = self.entry(i)
                try:
                    kernel.set_status(i, params)
                except (
                    _k.NESTErrors.BadProperty,
                    _k.NESTErrors.UnaccessedDictionaryEntry,
                ) as err:
                    raise type(err)(
                        f"Setting status of a '{e.user_model}' with node ID {i}: {err}"
                    ) from None
            for e in self.split(ids):
                e.params.update(params)
            self.note_live_change("SetStatus")

    def connect(self, pre, post, conn_spec, syn_spec) -> None:
        conn = normalise_conn(conn_spec)
        syn = self.normalise_syn(syn_spec)
        c = Connection(ranges(pre), ranges(post), conn, syn)
        for w in self.kernel().connect(c.pre, c.post, conn, syn):
            self.warn(w)
        self.connections.append(c)
        self.note_live_change("Connect")

    def normalise_syn(self, syn_spec) -> dict:
        if syn_spec is None:
            syn_spec = {}
        elif isinstance(syn_spec, str):
            syn_spec = {"synapse_model": syn_spec}
        elif not isinstance(syn_spec, dict):
            raise TypeError("syn_spec must be a dict or the name of a synapse model")
        syn = dict(syn_spec)
        model = syn.pop("synapse_model", "static_synapse")
        syn = {**self.resolve_synapse(model), **syn}
        out = {}
        for k, v in syn.items():
            if hasattr(v, "scenario_table"):  # spindle.random distributions
                v = v.scenario_table()
            elif isinstance(v, (list, tuple, np.ndarray)):
                raise _k.NotImplemented(
                    f"syn_spec {k!r}: spindle takes a single value or a random distribution "
                    "(spindle.random.uniform / normal), not one value per connection"
                )
            out[k] = _plain(v)
        return out

    def warn(self, message: str) -> None:
        if message not in self.warned:
            self.warned.add(message)
            warnings.warn(message, RuntimeWarning, stacklevel=4)

    def render(self, connections, simulate, with_threads=True, header="") -> str:
        """The scenario text of all nodes with `connections` and the Simulate list."""
        cuts = set()
        for c in connections:
            for a, count in (*c.pre, *c.post):
                cuts.update((a, a + count))
        pieces = []  # (first, n, entry)
        for e in self.entries:
            bounds = [e.first, *sorted(x for x in cuts if e.first < x < e.end()), e.end()]
            pieces.extend((a, b - a, e) for a, b in zip(bounds, bounds[1:]))
        firsts = [p[0] for p in pieces]

        def names(rs):
            out = []
            for a, count in rs:
                i = bisect.bisect_left(firsts, a)
                while i < len(pieces) and pieces[i][0] < a + count:
                    out.append(pieces[i][2].name(pieces[i][0]))
                    i += 1
            return out

        nodes = [(e.name(a), e.model, count, e.params) for a, count, e in pieces]
        conns = [(names(c.pre), names(c.post), c.conn, c.syn) for c in connections]
        return _toml.scenario(
            self.kernel_table(with_threads), nodes, conns, simulate, header=header
        )

    def hdf5_path(self):
        """The HDF5 file of this run, if the script asked for one (docs/python.md)."""
        wants = bool(self.data_path) or any(
            e.params.get("record_to") == "hdf5" for e in self.entries
        )
        if not wants:
            return None
        folder = Path(self.data_path or ".")
        if not folder.is_dir():
            raise _k.IOError(f"data_path {str(folder)!r} is not an existing folder")
        return str(folder / f"{self.data_prefix}spindle.h5")

    def ensure_engine(self):
        """The native kernel (made now if no node exists yet)."""
        return self.kernel()

    def simulate(self, t: float) -> None:
        t = float(t)
        kernel = self.kernel()
        if not self.simulated:
            path = self.hdf5_path()
            if path is not None:
                nodes = [(e.name(), e.model, e.first, e.n) for e in self.entries]
                kernel.open_hdf5(path, nodes, bool(self.overwrite_files))
        kernel.simulate(t)
        self.simulated.append(t)

    def export(self, path) -> None:
        header = (
            "Exported by spindle's Python front end (spindle.export_scenario).\n"
            "`spindle run` on this file reproduces the Python run's recordings bit for bit."
        )
        if self.live_changes:
            raise _k.NotImplemented(
                "export_scenario cannot yet write the changes made between Simulate calls "
                f"({', '.join(sorted(set(self.live_changes)))} after the first Simulate); the "
                "scenario format has no actions list yet"
            )
        text = self.render(self.connections, self.simulated, header=header)
        Path(path).write_text(text)

    # ---- reading ----------------------------------------------------------------------

    def _event_count(self, node_id: int, absolute: bool = False) -> int:
        if self.engine is None:
            return 0
        got = self.engine.spikes(node_id)
        if got is not None:
            total = len(got[0]) // 8
        else:
            got = self.engine.samples(node_id)
            total = 0 if got is None else (len(got[0]) // 8) * (len(got[1]) // 8)
        return total if absolute else total - self.event_start.get(node_id, 0)

    def events(self, node_id: int) -> dict:
        """A recorder's events in NEST's layout (docs/python.md)."""
        e = self.entry(node_id)
        start = self.event_start.get(node_id, 0)
        if e.model == "spike_recorder":
            got = None if self.engine is None else self.engine.spikes(node_id)
            if got is None:  # nothing recorded yet
                return {"senders": np.zeros(0, np.int64), "times": np.zeros(0)}
            times, senders = got
            return {
                "senders": np.frombuffer(senders, np.int64)[start:].copy(),
                "times": np.frombuffer(times, np.float64)[start:].copy(),
            }
        if e.model == "multimeter":
            record_from = list(e.params.get("record_from", []))
            got = None if self.engine is None else self.engine.samples(node_id)
            if got is None:  # nothing recorded yet
                out = {"senders": np.zeros(0, np.int64), "times": np.zeros(0)}
                out.update({r: np.zeros(0) for r in record_from})
                return out
            times_b, senders_b, values = got
            times = np.frombuffer(times_b, np.float64)
            senders = np.frombuffer(senders_b, np.int64)
            order = nest_sample_order(times, len(senders), self.resolution, self.min_delay())
            out = {
                "senders": np.tile(senders, len(times))[order][start:],
                "times": np.repeat(times, len(senders))[order][start:],
            }
            for name, v in values:
                out[name] = np.frombuffer(v, np.float64)[order][start:]
            return out
        raise _k.BadProperty(f"node {node_id} ({e.user_model}) is not a recording device")

    def min_delay(self) -> float:
        return self.ensure_engine().delay_extrema()[0]

    def status(self, node_id: int) -> dict:
        """NEST's status dictionary of one node."""
        e = self.entry(node_id)
        keys = set(_spindle.model_keys(e.model)) | set(INFO_KEYS)
        d = {k: copy.deepcopy(v) for k, v in _DEFAULTS[e.model].items() if k in keys}
        d.update(copy.deepcopy(e.params))
        d.update(self.kernel().get_status(node_id))
        d["model"] = e.user_model
        d["global_id"] = node_id
        d["local"] = True
        d["element_type"] = e.info["element_type"]
        if e.info["element_type"] == "neuron":
            names = list(e.info["recordables"])
            d["recordables"] = names
            for index, name in enumerate(names):
                if name in d:
                    d[name] = self.state_value(node_id, e, index)
        if e.model in ("spike_recorder", "multimeter"):
            d["events"] = self.events(node_id)
            d["n_events"] = self._event_count(node_id)
        return d

    def state_value(self, node_id: int, e: Entry, index: int) -> float:
        return self.kernel().recordable_value(node_id, index)

    def connections_arrays(self):
        """(sources, targets, weights, delays) of every connection (GetConnections)."""
        if not self.entries:
            z = np.zeros(0)
            return z.astype(np.int64), z.astype(np.int64), z, z
        s, t, w, d = self.ensure_engine().connections()
        return (
            np.frombuffer(s, np.int64),
            np.frombuffer(t, np.int64),
            np.frombuffer(w, np.float64),
            np.frombuffer(d, np.float64),
        )


def nest_sample_order(times, n_senders: int, resolution: float, min_delay: float):
    """The order of NEST's multimeter events: by min-delay slice, then sender, then time.

    spindle records a (T × N) table per multimeter; NEST's memory backend receives each
    neuron's samples of a slice in one reply, so its flat event arrays run slice by slice,
    neuron by neuron (ascending id with one thread), time by time.
    """
    steps = np.rint(np.asarray(times) / resolution).astype(np.int64)
    d = max(1, int(round(min_delay / resolution)))
    slice_of = (steps - 1) // d
    t_idx = np.repeat(np.arange(len(times)), n_senders)
    j_idx = np.tile(np.arange(n_senders), len(times))
    return np.lexsort((t_idx, j_idx, slice_of[t_idx]))


def normalise_conn(conn_spec) -> dict:
    if conn_spec is None:
        return {}
    if isinstance(conn_spec, str):
        return {"rule": conn_spec}
    if isinstance(conn_spec, dict):
        return {k: _plain(v) for k, v in conn_spec.items()}
    raise TypeError("conn_spec must be a dict or the name of a connection rule")


def per_node_params(model: str, n: int, params):
    """One parameter dict per node, where `params` gives values per node (a list of dicts,
    or a dict whose scalar parameters are given as sequences of length n); else None."""
    if params is None:
        return None
    if isinstance(params, (list, tuple)):
        if len(params) != n:
            raise _k.BadProperty(
                f"Create: {len(params)} parameter dictionaries for {n} nodes"
            )
        return [dict(p) for p in params]
    if not isinstance(params, dict):
        raise TypeError("params must be a dict or a list of dicts")
    if hasattr(params, "keys") and any(hasattr(v, "scenario_table") for v in params.values()):
        raise _k.NotImplemented(
            "spindle cannot draw node parameters from spindle.random distributions yet; "
            "give the values (e.g. numpy arrays of length n) instead"
        )
    defaults = _DEFAULTS.get(model, {})
    per_node = {}
    for k, v in params.items():
        scalar_param = not isinstance(defaults.get(k), (list, tuple))
        is_seq = isinstance(v, (list, tuple, np.ndarray))
        if scalar_param and is_seq:
            if len(v) != n:
                raise _k.BadProperty(f"Create: {k} has {len(v)} values for {n} nodes")
            per_node[k] = list(_plain(v))
    if not per_node:
        return None
    out = []
    for i in range(n):
        p = dict(params)
        p.update({k: v[i] for k, v in per_node.items()})
        out.append(p)
    return out


_current = State()


def current() -> State:
    """The kernel state of this process (NEST has one kernel per process too)."""
    return _current


def reset() -> State:
    global _current
    _current.drop_engine()
    _current = State(_current.generation + 1)
    return _current
