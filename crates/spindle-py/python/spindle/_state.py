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
import contextlib
import copy
import json
import math
import os
import re
import time
import warnings
from pathlib import Path

import numpy as np

from . import _recording, _spindle, _toml
from . import kernel as _k

#: NEST's default `rng_seed`.
NEST_DEFAULT_SEED = 143202461
#: NEST's limit on the number of synapse models (its synapse ids have 9 bits).
MAX_SYN_MODELS = 511

# Generators whose `individual_spike_trains` NEST accepts only as a model default.
_MODEL_DEFAULT_ONLY = ("sinusoidal_poisson_generator", "sinusoidal_gamma_generator")

# The results of the spike detectors, as NEST's status gives them: numpy arrays.
_DETECTOR_ARRAYS = {
    "correlation_detector": (
        ("n_events", np.int64),
        ("histogram", np.float64),
        ("histogram_correction", np.float64),
        ("count_histogram", np.int64),
    ),
    "correlomatrix_detector": (
        ("n_events", np.int64),
        ("covariance", np.float64),
        ("count_covariance", np.int64),
    ),
}

_DEFAULTS = json.loads((Path(__file__).parent / "nest_defaults.json").read_text())["models"]
# NEST 3.10's defaults of the weight_recorder, until nest_defaults.json (generated from NEST
# by scripts/generate_py_defaults.py) lists it.
_DEFAULTS.setdefault(
    "weight_recorder",
    {
        "element_type": "recorder",
        "frozen": False,
        "label": "",
        "n_events": 0,
        "node_uses_wfr": False,
        "origin": 0.0,
        "record_to": "memory",
        "senders": [],
        "start": 0.0,
        "stop": 1.7976931348623157e308,
        "targets": [],
        "time_in_steps": False,
    },
)
# NEST 3.10's defaults of the volume_transmitter, until nest_defaults.json lists it.
_DEFAULTS.setdefault(
    "volume_transmitter",
    {"deliver_interval": 1, "element_type": "other", "frozen": False, "node_uses_wfr": False},
)
# The multimeter-like recorders (a voltmeter is a multimeter recording V_m by default).
SAMPLERS = frozenset(_spindle.sampler_models())


def has_backend(model: str) -> bool:
    """Whether nodes of `model` present their events through NEST's recording backends
    (`record_to`): the recorders, not the correlation detectors, which NEST also calls
    recorders (`element_type`) but which keep their results in their status."""
    return model in ("spike_recorder", "weight_recorder") or model in SAMPLERS

SYNAPSE_MODELS = ("static_synapse",)
SYNAPSE_KEYS = ("weight", "delay", "receptor_type")

#: Keys every node's status has besides its model's parameters.
INFO_KEYS = (
    "element_type",
    "global_id",
    "model",
    "local",
    "recordables",
    "frozen",
    "node_uses_wfr",
)

#: NEST's errors of setting a node, which NEST prefixes with the node ("Setting status of a
#: 'iaf_psc_alpha' with node ID 5: …").
_NODE_ERRORS = (_k.NESTErrors.BadProperty, _k.NESTErrors.UnaccessedDictionaryEntry)

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
    """A Connect call as the scenario keeps it: `pre`/`post` as (first, count) runs;
    `explicit`: NEST's connect_arrays (ids paired one by one, written as `sources`/`targets`)."""

    __slots__ = ("pre", "post", "conn", "syn", "explicit")

    def __init__(self, pre, post, conn, syn, explicit=False):
        self.pre, self.post, self.conn, self.syn = pre, post, conn, syn
        self.explicit = explicit



def _static_apart(catalog: dict, static: dict) -> dict:
    """The engine's synapse catalog without `static_synapse` and the models based on it
    (`static_synapse_hpc`), which join `static` as copies of `static_synapse`; a static copy
    with a `weight_recorder` stays: the engine keeps it as a model of its own."""
    static_based = [
        n
        for n, (base, params) in catalog.items()
        if base == "static_synapse" and params.get("weight_recorder") is None
    ]
    for name in static_based:
        catalog.pop(name)
        if name != "static_synapse":
            static.setdefault(name, {})
    return catalog


class State:
    """Everything `ResetKernel` resets."""

    def __init__(self, generation: int = 0):
        self.generation = generation
        # The last step whose multimeter samples `events` shows (see `simulate`).
        self.samples_visible_until = 0
        self.resolution = 0.1
        self.tics_per_ms = 1000  # NEST's tic base (kernel key `tics_per_ms`)
        # SetDefaults or CopyModel was called: NEST then refuses to change the time base.
        self.defaults_modified = False
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
        # CopyModel/SetDefaults of synapse models with state (the engine's catalog replays
        # them): ("copy", old, new, params) or ("set", name, "", params).
        self.synapse_calls: list[tuple] = []
        self.plastic: dict[str, tuple] = _static_apart(
            _spindle.synapse_catalog([]), self.synapse_defaults
        )
        self.catalog_sent = 0
        self.engine = None  # the native kernel, made at the first node
        # NEST's user-set delay extrema (ms, as rounded to the grid), or None: they follow
        # the connections. Given to the kernel when it is made (SetKernelStatus).
        self.delay_extrema = None
        # The Simulate calls before the first logged action (the scenario's [simulate] list).
        self.simulated: list[float] = []
        self.ran = False  # whether Simulate was called
        # Calls after the first Simulate, in order: the scenario's [[actions]].
        self.actions: list[tuple] = []
        self.event_start: dict[int, int] = {}
        self.warned: set[str] = set()
        # Models whose nodes had a parameter drawn twice before the first Simulate (_log_set).
        # Wall and CPU seconds spent in Create, Connect and Simulate, cumulative as NEST's
        # stopwatches (kernel keys time_construction_create, …_connect, time_simulate).
        self.timers = {"create": [0.0, 0.0], "connect": [0.0, 0.0], "simulate": [0.0, 0.0]}
        # Each recorder's backend (`record_to`, `label`, the backend's keys; _recording.py).
        self.outputs: dict[int, _recording.Output] = {}
        # The synapse models Connect was called with (GetDefaults' num_connections).
        self.synapse_models_used: set[str] = set()
        # Per Connect call with a static model: (model, engine marks before, after), which
        # count its connections (GetDefaults' num_connections of static_synapse copies).
        self.connect_marks: list[tuple] = []
        # Whether rng_seed was set after the first node (the scenario has one seed).
        self.seed_changed = False
        # Calls export_scenario cannot write yet (per-connection arrays, synapse changes).
        self.synapse_changes: set[str] = set()
        # The synapse model each stimulating device sends through (NEST allows one).
        self.device_synapse: dict[int, str] = {}

    # ---- models ---------------------------------------------------------------------------

    def node_models(self) -> list:
        return sorted(set(_spindle.model_names()) | set(self.copied))

    def synapse_models(self) -> list:
        return sorted(set(self.synapse_defaults) | set(self.plastic))

    def check_weight_recorder(self, params: dict) -> None:
        """NEST's checks of a synapse model's `weight_recorder` (a NodeCollection of one
        weight_recorder, or empty), before the engine's catalog sees it as a list of ids."""
        if "weight_recorder" not in params:
            return
        wr = params["weight_recorder"]
        if not isinstance(wr, list):
            raise _k.TypeMismatch(
                f"Expected datatype: Failed to cast 'weight_recorder' from {type(wr).__name__} "
                "to type std::shared_ptr<nest::NodeCollection>"
            )
        if wr and (
            len(wr) != 1
            or not 0 < int(wr[0]) < self.next_id
            or self.entry(int(wr[0])).model != "weight_recorder"
        ):
            raise _k.BadProperty("Property weight_recorder must be set to a node of type weight_recorder")

    def check_volume_transmitter(self, params: dict) -> None:
        """NEST's checks of `stdp_dopamine_synapse`'s `volume_transmitter` (a NodeCollection of
        one volume_transmitter) at SetDefaults/CopyModel."""
        if "volume_transmitter" not in params:
            return
        vt = params["volume_transmitter"]
        if not isinstance(vt, list):
            raise _k.TypeMismatch(
                f"Expected datatype: Failed to cast 'volume_transmitter' from {type(vt).__name__} "
                "to type std::shared_ptr<nest::NodeCollection>"
            )
        if len(vt) != 1:
            raise _k.BadProperty("Property volume_transmitter must be a single element NodeCollection")
        if not 0 < int(vt[0]) < self.next_id or self.entry(int(vt[0])).model != "volume_transmitter":
            raise _k.BadProperty("Property volume_transmitter must be set to a node of type volume_transmitter")

    def plastic_call(self, call: tuple) -> None:
        self.check_weight_recorder(call[3])
        self.check_volume_transmitter(call[3])
        """A CopyModel/SetDefaults of a synapse model with state: checked by the engine's
        catalog (NEST's exceptions), then logged for the kernel."""
        catalog = _static_apart(_spindle.synapse_catalog([*self.synapse_calls, call]), {})
        self.synapse_calls.append(call)
        self.plastic = catalog
        # A scenario's [[synapse_models]] act before every connection: a SetDefaults after
        # connections of that model, or any call after Simulate, cannot be written there.
        if self.ran or self.actions or (call[0] == "set" and call[1] in self.synapse_models_used):
            self.note_synapse_change("SetDefaults of a synapse model after connecting with it")

    def send_catalog(self, engine) -> None:
        if self.catalog_sent != len(self.synapse_calls):
            engine.set_synapse_catalog(self.synapse_calls)
            self.catalog_sent = len(self.synapse_calls)

    def resolve_model(self, name: str):
        """(base model, defaults set by SetDefaults / CopyModel) of a node model name."""
        if name in self.copied:
            base, params = self.copied[name]
            return base, dict(params)
        if name in _spindle.model_names():
            return name, dict(self.model_defaults.get(name, {}))
        raise _k.UnknownModelName(f"{name} is not a known model name.")

    def resolve_synapse(self, name: str) -> dict:
        if name in self.plastic:
            return {}
        if name not in self.synapse_defaults:
            raise _k.UnknownSynapseType(f"Synapse with name {name} does not exist.")
        return dict(self.synapse_defaults[name])

    def defaults(self, model: str) -> dict:
        """GetDefaults(model): NEST's defaults of the keys spindle implements, with what
        SetDefaults / CopyModel changed."""
        if model in self.plastic:
            base = _DEFAULTS["static_synapse"]
            d = {k: copy.deepcopy(base[k]) for k in (*SYNAPSE_KEYS, "element_type")}
            d.update(self.plastic[model][1])
            from ._collections import NodeCollection

            wr = d.get("weight_recorder")
            d["weight_recorder"] = NodeCollection([wr] if isinstance(wr, int) else [])
            if "volume_transmitter" in d:
                vt = d["volume_transmitter"]
                vt = vt if isinstance(vt, list) else [vt]
                d["volume_transmitter"] = NodeCollection([int(i) for i in vt])
            d["synapse_model"] = model
            d["num_connections"] = self.synapse_count(model)
            return d
        if model in self.synapse_defaults:
            base = _DEFAULTS["static_synapse"]
            d = {k: copy.deepcopy(base[k]) for k in (*SYNAPSE_KEYS, "element_type")}
            d.update(copy.deepcopy(self.synapse_defaults[model]))
            if isinstance(d.get("delay"), (int, float)):
                # NEST keeps a default delay in steps: it reads back on the grid.
                d["delay"] = self.delay_steps(float(d["delay"])) * self.ms_per_step()
            d["synapse_model"] = model
            d["num_connections"] = self.synapse_count(model)
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
        if has_backend(base_model):
            d.update(_recording.defaults_status(d, self.data_path, self.data_prefix))
        d["model"] = model
        return d

    @contextlib.contextmanager
    def timed(self, what: str):
        """Add the wall and CPU time of the block to NEST's stopwatch `what`."""
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.timers[what][0] += time.perf_counter() - wall
            self.timers[what][1] += time.process_time() - cpu

    def synapse_count(self, model: str) -> int:
        """NEST's `GetDefaults(synapse)["num_connections"]`: the connections of `model`
        (device and recorder connections included, as NEST counts them)."""
        if model not in self.synapse_models_used:
            return 0
        if model in self.plastic:
            handles = np.frombuffer(self.kernel().synapses()[2], np.int64).tolist()
            states = self.kernel().synapse_states(handles)
            return sum(d.get("synapse_model") == model for d in states)
        used = self.synapse_models_used - set(self.plastic)
        if used == {model}:
            plastic = [m for m in self.synapse_models_used if m in self.plastic]
            return int(self.kernel().num_connections()) - sum(
                self.synapse_count(m) for m in plastic
            )
        if "Disconnect" in self.synapse_changes:
            # The engine counts what each Connect call built, not what was removed since.
            raise _k.NotImplemented(
                "spindle does not count connections per copy of static_synapse after "
                f"Disconnect yet ({', '.join(sorted(used))} are in use)"
            )
        engine = self.kernel()
        return sum(
            engine.made_between(before, after)
            for m, before, after in self.connect_marks
            if m == model
        )

    def set_defaults(self, model: str, params: dict) -> None:
        self.defaults_modified = True
        params = _plain(params)
        if model in self.plastic:
            self.plastic_call(("set", model, "", params))
            return
        if model in self.synapse_defaults:
            bad = [k for k in params if k not in SYNAPSE_KEYS]
            if bad:
                raise _k.UnaccessedDictionaryEntry(
                    f"Unaccessed elements in params: {', '.join(bad)} (static_synapse has "
                    f"{', '.join(SYNAPSE_KEYS)})"
                )
            if "delay" in params and not isinstance(params["delay"], dict):
                self.check_user_delay(float(params["delay"]))
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
        self.defaults_modified = True
        if new in self.copied or new in self.synapse_defaults or new in _spindle.model_names():
            raise _k.NewModelNameExists(f"/{new} is the name of an existing model.")
        params = _plain(params or {})
        if (old in self.plastic or old in self.synapse_defaults) and len(
            self.synapse_models()
        ) >= MAX_SYN_MODELS:
            raise _k.KernelException(
                "Synapse model count exceeded: CopyModel cannot generate another synapse. "
                f"Maximal synapse model count of {MAX_SYN_MODELS} exceeded."
            )
        if old in self.plastic:
            self.plastic_call(("copy", old, new, params))
            return
        if old in self.synapse_defaults and "weight_recorder" in params:
            # A static synapse that records is a model of the engine's catalog.
            self.plastic_call(("copy", "static_synapse", new, {**self.synapse_defaults[old], **params}))
            return
        if old in self.synapse_defaults:
            self.synapse_defaults[new] = {}
            # NEST keeps the new model also when its parameters are refused (BadDelay).
            self.set_defaults(new, {**self.synapse_defaults[old], **params})
            return
        base, current = self.resolve_model(old)
        merged = {**current, **params}
        self.node_info(base, merged)
        self.copied[new] = (base, merged)

    # ---- checks -----------------------------------------------------------------------

    def kernel_table(self, with_threads: bool) -> dict:
        k = {"resolution": float(self.resolution), "seed": int(self.rng_seed)}
        if self.tics_per_ms != 1000:
            k["tics_per_ms"] = int(self.tics_per_ms)
        if with_threads and self.threads is not None:
            k["threads"] = int(self.threads)
        if self.delay_extrema is not None:
            k["min_delay"], k["max_delay"] = (float(x) for x in self.delay_extrema)
        return k

    def node_info(self, model: str, params: dict) -> dict:
        """Check a model's parameters as NEST's Create does: element_type, the model's
        status with these parameters (NEST's GetDefaults) and its recordables. A recorder's
        backend keys are checked here and not passed on (the engine does not keep them)."""
        if has_backend(model):
            params = _recording.model_defaults(params)
            _recording.Output().updated(params, False, 0)
        return _spindle.model_status(
            model, _plain(params), float(self.resolution), self.time_base()
        )

    def kernel(self):
        """The native kernel, made with the kernel settings at the first node."""
        if self.engine is None:
            engine = _spindle.Kernel(
                float(self.resolution), int(self.rng_seed), self.threads, self.time_base()
            )
            if self.delay_extrema is not None:
                engine.set_delay_extrema(*self.delay_extrema)
            self.engine = engine
        return self.engine

    def set_delay_extrema(self, min_ms: float, max_ms: float) -> None:
        """NEST's SetKernelStatus of `min_delay` and `max_delay` (both together): rounded and
        checked by the engine (min down, max up to the grid; BadDelay, or BadProperty once
        connections exist). Before the first node they wait here for the kernel."""
        if self.engine is not None:
            got = self.engine.set_delay_extrema(float(min_ms), float(max_ms))
        else:
            got = _spindle.Kernel.check_delay_extrema(
                float(self.resolution), float(min_ms), float(max_ms), self.time_base()
            )
        self.delay_extrema = tuple(got)

    def time_base(self):
        """`tics_per_ms` for the engine: None for NEST's default (1000)."""
        return None if self.tics_per_ms == 1000 else int(self.tics_per_ms)

    def tics_per_step(self) -> int:
        return int(math.floor(self.tics_per_ms * self.resolution + 0.5))

    def ms_per_step(self) -> float:
        """NEST's `MS_PER_STEP` (`tics_per_step / tics_per_ms`), by which delays convert."""
        return self.tics_per_step() / self.tics_per_ms

    def delay_steps(self, delay: float) -> int:
        """NEST's `delay_ms_to_steps`: a delay rounded to the nearest step."""
        return int(np.floor(delay * (1.0 / self.ms_per_step()) + 0.5))

    def set_time_base(self, tics_per_ms: int, resolution: float) -> None:
        """NEST's `Time::set_resolution(tics_per_ms, resolution)` (checked by the caller):
        the resolution as NEST reports it (`ms_per_tic · tics_per_step`), and user-set delay
        extrema set again on the new grid, as NEST's DelayChecker does (min_delay down,
        max_delay up; BadDelay if min_delay falls below one step)."""
        tps = int(math.floor(tics_per_ms * resolution + 0.5))
        new_resolution = (1.0 / tics_per_ms) * tps
        if self.delay_extrema is not None:
            lo, hi = self.delay_extrema
            self.delay_extrema = tuple(
                _spindle.Kernel.check_delay_extrema(
                    new_resolution,
                    float(lo),
                    float(hi),
                    None if tics_per_ms == 1000 else int(tics_per_ms),
                )
            )
        self.tics_per_ms = int(tics_per_ms)
        self.resolution = new_resolution

    def check_user_delay(self, delay: float) -> None:
        """A synapse model's default delay against user-set extrema, as NEST's SetDefaults
        and CopyModel check it (BadDelay). Connections are checked by the engine."""
        if self.delay_extrema is None:
            return
        steps = self.delay_steps(delay)
        h = float(self.resolution)
        lo, hi = (int(round(v / h)) for v in self.delay_extrema)
        if lo <= steps <= hi:
            return
        which = (
            "greater than or equal to min_delay"
            if steps < lo
            else "smaller than or equal to max_delay"
        )
        raise _k.BadDelay(
            f"Delay value {delay:g} is invalid: Delay must be {which}. You may set "
            "min_delay before creating connections."
        )

    def placement(self, ids) -> tuple:
        """(threads, thread-local ids) of `ids` as the engine places them (node keys
        `thread`, `vp`, `thread_local_id`; docs/python.md)."""
        return self.kernel().placement([int(i) for i in ids])

    def note_live_change(self, what: str, *payload) -> None:
        """Log a call made after the first Simulate as an `[[actions]]` entry of the exported
        scenario (docs/scenario-format.md): ("create", first, n), ("connect", Connection),
        ("set", ids, params), ("simulate", t)."""
        if self.ran or self.actions:
            self.actions.append((what, *payload))

    def note_synapse_change(self, what: str) -> None:
        """Remember a call that the scenario format cannot carry yet (per-connection syn_spec
        arrays, SynapseCollection.set, Disconnect): export_scenario refuses then."""
        self.synapse_changes.add(what)

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
        common, columns, dicts = per_node_params(base, n, _without_frozen(base, params))
        given = [common, columns, *(dicts or [])]
        if base in _MODEL_DEFAULT_ONLY and any("individual_spike_trains" in d for d in given):
            # NEST takes it from SetDefaults/CopyModel only (spindle passes those as defaults).
            raise _k.BadProperty(
                f"Setting status of a '{model}' with node ID {self.next_id}: The "
                "individual_spike_trains property can only be set as a model default using "
                "SetDefaults or upon CopyModel."
            )
        element = _DEFAULTS[base].get("element_type")
        first = self.next_id
        # The nodes are made with the values common to all; values per node (columns, NEST
        # parameters drawn per node, one dict per node) are then set node by node, each node
        # with one dict as NEST's Create does, in one native call (Kernel.set_nodes).
        fixed = {k: v for k, v in common.items() if not isinstance(v, dict)}
        per_node = bool(columns) or dicts is not None or len(fixed) < len(common)
        backend = has_backend(base)
        if backend:
            defaults = _recording.model_defaults(defaults)
        send = {**defaults, **fixed}
        outputs = {}
        try:
            if backend:
                outputs, send = self.recorder_outputs(range(first, first + n), send, True)
            for _ in range(1 if element == "neuron" else n):
                kernel.create(base, n if element == "neuron" else 1, send)
        except _NODE_ERRORS as e:
            raise type(e)(f"Setting status of a '{model}' with node ID {first}: {e}") from None
        # The nodes exist from here on, also if setting their values fails (as in NEST).
        self.next_id = first + n
        self.outputs.update(outputs)
        info = {"element_type": element}
        if element == "neuron":
            info["recordables"] = kernel.recordables(first)
        if dicts is None and not columns:
            self.entries.append(Entry(first, n, base, model, {**defaults, **common}, info))
        else:
            # The export log keeps one entry per node here (the scenario format has no
            # per-node columns); plain values, converted once per column.
            base_params = {**defaults, **common}
            if dicts is not None:
                own = [_plain(d) for d in dicts]
            else:
                plain = {k: _plain(c) for k, c in columns.items()}
                own = [dict(zip(plain, vs)) for vs in zip(*plain.values())]
            self.entries.extend(
                Entry(first + i, 1, base, model, {**base_params, **o}, info)
                for i, o in enumerate(own)
            )
        self.note_live_change("create", first, n)
        if per_node:
            try:
                if dicts is None:
                    kernel.set_nodes(first, n, {**defaults, **common}, columns or None)
                else:
                    for i, p in enumerate(dicts):
                        kernel.set_nodes(first + i, 1, {**defaults, **p})
            except _NODE_ERRORS as e:
                node = getattr(e, "node_id", first)
                raise type(e)(f"Setting status of a '{model}' with node ID {node}: {e}") from None
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
        """SetStatus: `params_per_node` is one dict for all or one dict per node; a value may
        be a NEST parameter (`nest.random.normal(..)`), drawn per node in the engine. Each
        run of consecutive ids is one native call. Setting a recorder's `n_events` to 0
        forgets its events so far, also between Simulate calls."""
        node_ids = list(node_ids)
        kernel = self.kernel()
        model = self.entry(node_ids[0]).model if node_ids else ""
        params_per_node = _without_frozen(model, params_per_node)
        if not isinstance(params_per_node, dict):
            dicts = [_values(p) for p in params_per_node]
            keys = set(dicts[0]) if dicts else set()
            drawn = any(isinstance(v, dict) for p in dicts for v in p.values())
            recorder = self.entry(node_ids[0]).info["element_type"] == "recorder"
            if all(set(p) == keys for p in dicts) and not recorder and not drawn:
                # One value per node for the same keys: columns, one native call per run.
                columns = {k: [p[k] for p in dicts] for k in keys}
                offset = 0
                for first, count in ranges(node_ids):
                    cols = {k: c[offset : offset + count] for k, c in columns.items()}
                    self._set_nodes(kernel, first, count, {}, cols)
                    offset += count
                groups = [([i], p) for i, p in zip(node_ids, dicts)]
                self._log_set(groups)
                return
            groups = [([i], p) for i, p in zip(node_ids, dicts)]
        else:
            groups = [(node_ids, _values(params_per_node))]
        for ids, params in groups:
            if "n_events" in params and model not in _DETECTOR_ARRAYS:
                if params.pop("n_events") != 0:
                    raise _k.BadProperty(
                        "Property n_events can only be set to 0 (which clears all stored "
                        "events)."
                    )
                for i in ids:
                    self.event_start[i] = self._event_count(i, absolute=True)
            if not params:
                continue
            outputs, send = {}, params
            if has_backend(self.entry(ids[0]).model):
                try:
                    outputs, send = self.recorder_outputs(ids, params)
                except _NODE_ERRORS as err:
                    raise type(err)(
                        f"Setting status of a '{self.entry(ids[0]).user_model}' with node ID "
                        f"{ids[0]}: {err}"
                    ) from None
            for first, count in ranges(ids):
                self._set_nodes(kernel, first, count, send, None)
            self.outputs.update(outputs)
        self._log_set([(ids, p) for ids, p in groups if p])

    def _set_nodes(self, kernel, first, count, params, columns) -> None:
        self.entry(first)
        self.entry(first + count - 1)
        try:
            kernel.set_nodes(first, count, params, columns)
        except _NODE_ERRORS as err:
            i = getattr(err, "node_id", first)
            raise type(err)(
                f"Setting status of a '{self.entry(i).user_model}' with node ID {i}: {err}"
            ) from None

    def _log_set(self, groups) -> None:
        """Log SetStatus calls for export_scenario as `[[actions]]`, also before the first
        Simulate: folding them into the entries' creation parameters would change NEST's
        semantics (a later `E_L` moves a `V_m` given at creation) and the occurrence of
        a parameter drawn again for a node. Every later call is logged as an action too."""
        for ids, params in groups:
            self.split(ids)  # the pieces the export names, also in the HDF5 node table
            self.actions.append(("set", list(ids), params))

    def connect(self, pre, post, conn_spec, syn_spec, explicit=False) -> None:
        """Connect the ids `pre` to `post`; `explicit`: NEST's connect_arrays (`pre[i]` to
        `post[i]`, any order, repeats allowed)."""
        conn = normalise_conn(conn_spec)
        syn = self.normalise_syn(syn_spec, conn, len(pre), len(post))
        c = Connection(ranges(pre), ranges(post), conn, syn, explicit)
        devices = self.stimulators(c.pre)
        model = syn_spec if isinstance(syn_spec, str) else (syn_spec or {}).get("synapse_model")
        model = model or "static_synapse"
        for d in devices:
            if self.device_synapse.get(d, model) != model:
                raise _k.IllegalConnection(
                    "All outgoing connections from a device must use the same synapse type."
                )
        self.send_catalog(self.kernel())
        before = self.kernel().marks()
        for w in self.kernel().connect(c.pre, c.post, conn, syn):
            self.warn(w)
        if model not in self.plastic:
            self.connect_marks.append((model, before, self.kernel().marks()))
        self.device_synapse.update(dict.fromkeys(devices, model))
        if self.ran or self.actions:
            self.note_live_change("connect", c)
        else:
            self.connections.append(c)

    def stimulators(self, id_ranges) -> list:
        """The ids of stimulating devices among `id_ranges` ((first, count) pairs)."""
        out = []
        for first, count in id_ranges:
            i, end = first, first + count
            while i < end:
                e = self.entry(i)
                stop = min(e.end(), end)
                if e.info.get("element_type") == "stimulator":
                    out.extend(range(i, stop))
                i = stop
        return out

    def normalise_syn(self, syn_spec, conn=None, n_pre=0, n_post=0) -> dict:
        if syn_spec is None:
            syn_spec = {}
        elif isinstance(syn_spec, str):
            syn_spec = {"synapse_model": syn_spec}
        elif not isinstance(syn_spec, dict):
            raise TypeError("syn_spec must be a dict or the name of a synapse model")
        syn = dict(syn_spec)
        model = syn.pop("synapse_model", "static_synapse")
        syn = {**self.resolve_synapse(model), **syn}
        if model in self.plastic and self.plastic[model][0] == "stdp_dopamine_synapse":
            # NEST's check_synapse_params: its traces cannot be set per connection when NEST
            # runs on several threads (spindle's results would not depend on it; the refusal
            # is NEST's).
            for key in ("c", "n"):
                if key in syn_spec and (self.threads or 1) > 1:
                    raise _k.NotImplemented(
                        "For multi-threading Connect doesn't support the setting of parameter "
                        f"{key} in stdp_dopamine_synapse. Use SetDefaults() or CopyModel()."
                    )
        if model in self.plastic:
            # The engine's catalog gives the model's defaults and checks its keys.
            syn["synapse_model"] = model
        self.synapse_models_used.add(model)
        out = {}
        for k, v in syn.items():
            if hasattr(v, "scenario_table"):  # spindle.random distributions
                v = v.scenario_table()
            elif isinstance(v, (list, tuple, np.ndarray)):
                # One value per connection: checked with PyNEST's shapes and messages and
                # passed on flattened in NEST's order (see rules.rs, SynArrays).
                v = syn_array(k, v, conn or {}, n_pre, n_post)
                if (conn or {}).get("rule", "all_to_all") not in ("one_to_one", "fixed_total_number"):
                    # The scenario carries them flattened; NEST's Connect wants 2-D arrays.
                    self.note_synapse_change("two-dimensional syn_spec arrays")
            out[k] = _plain(v)
        return out

    def warn(self, message: str) -> None:
        if message not in self.warned:
            self.warned.add(message)
            warnings.warn(message, RuntimeWarning, stacklevel=4)

    def render(self, connections, simulate, with_threads=True, header="", actions=()) -> str:
        """The scenario text of all nodes with `connections`, the Simulate list and the
        `[[actions]]` after it. Entries created by an action are created there."""
        cuts = set()
        for c in [*connections, *(a[1] for a in actions if a[0] == "connect")]:
            if c.explicit:
                continue
            for a, count in (*c.pre, *c.post):
                cuts.update((a, a + count))
        for a in actions:
            if a[0] == "set":
                for first, count in ranges(a[1]):
                    cuts.update((first, first + count))
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

        late = {}  # first id of a created-later piece → its action index
        for k, a in enumerate(actions):
            if a[0] == "create":
                for p in pieces:
                    if a[1] <= p[0] < a[1] + a[2]:
                        late[p[0]] = k
        nodes = [(e.name(a), e.model, count, e.params) for a, count, e in pieces if a not in late]
        def sides(c):
            if c.explicit:
                return tuple(_toml.Ids(i for a, n in rs for i in range(a, a + n))
                             for rs in (c.pre, c.post))
            return names(c.pre), names(c.post)

        conns = [(*sides(c), c.conn, c.syn) for c in connections]
        acts = []
        for k, a in enumerate(actions):
            if a[0] == "simulate":
                acts.append(("simulate", float(a[1])))
            elif a[0] == "create":
                for first, count, e in pieces:
                    if late.get(first) == k:
                        acts.append(("create", (e.name(first), e.model, count, e.params)))
            elif a[0] == "connect":
                c = a[1]
                acts.append(("connect", (*sides(c), c.conn, c.syn)))
            else:
                acts.append(("set", (names(ranges(a[1])), a[2])))
        synapse_models = [
            (c[2], c[1], c[3]) if c[0] == "copy" else (c[1], None, c[3])
            for c in self.synapse_calls
        ]
        return _toml.scenario(
            self.kernel_table(with_threads), nodes, conns, simulate, header=header, actions=acts,
            synapse_models=synapse_models,
        )

    def hdf5_path(self):
        """The HDF5 file of this run, if the script asked for one (docs/python.md)."""
        wants = bool(self.data_path) or any(
            o.record_to == "hdf5" for o in self.outputs.values()
        )
        if not wants:
            return None
        folder = Path(self.data_path or ".")
        if not folder.is_dir():
            raise _k.IOError(f"data_path {str(folder)!r} is not an existing folder")
        return str(folder / f"{self.data_prefix}spindle.h5")

    def set_data_path(self, value) -> None:
        """NEST's `data_path`: an existing folder; anything else is refused with NEST's
        message, and the old value kept. "" (the working folder, no HDF5 file) is accepted,
        where NEST refuses it."""
        value = str(value)
        if value == "" or os.path.isdir(value):
            self.data_path = value
        elif os.path.exists(value):
            self.warn(f"Variable data_path not set: '{value}' is not a directory.")
        else:
            self.warn(f"Variable data_path not set: Directory '{value}' does not exist.")

    def set_data_prefix(self, value) -> None:
        """NEST's `data_prefix`: a file name prefix without path elements."""
        value = str(value)
        if "/" in value:
            self.warn("Data prefix must not contain path elements.")
        else:
            self.data_prefix = value

    def paths_from_environment(self) -> None:
        """`data_path` and `data_prefix` from NEST_DATA_PATH and NEST_DATA_PREFIX, as NEST
        takes them at start-up and at every ResetKernel."""
        if "NEST_DATA_PATH" in os.environ:
            self.set_data_path(os.environ["NEST_DATA_PATH"])
        if "NEST_DATA_PREFIX" in os.environ:
            self.set_data_prefix(os.environ["NEST_DATA_PREFIX"])

    def ensure_engine(self):
        """The native kernel (made now if no node exists yet)."""
        return self.kernel()

    def ascii_path(self, node_id: int) -> str:
        """The ascii file of recorder `node_id` (NEST's `filenames[0]`)."""
        return _recording.filename(
            self.outputs[node_id],
            node_id,
            self.entry(node_id).user_model,
            self.data_path,
            self.data_prefix,
        )

    def _presented(self, node_id: int):
        """(value columns as float, value columns as integer) of a recorder's file rows."""
        e = self.entry(node_id)
        if e.model == "weight_recorder":
            return ["weights"], ["targets", "receptors", "ports"]
        if e.model in SAMPLERS:
            return list(self.kernel().get_status(node_id)["record_from"]), []
        return [], []

    def prepare_outputs(self) -> None:
        """NEST's Prepare for the backends: every ascii recorder's file is opened afresh, in
        the order of the node ids (a refused file stops there, as in NEST)."""
        from ._extras import _build_info

        version = _build_info()["version"]
        for node_id in sorted(self.outputs):
            out = self.outputs[node_id]
            if out.record_to != "ascii":
                continue
            doubles, longs = self._presented(node_id)
            text = _recording.header(doubles + longs, out.time_in_steps, version)
            _recording.open_file(self.ascii_path(node_id), bool(self.overwrite_files), text)

    def write_outputs(self) -> None:
        """After a run: the events that reached ascii and screen recorders in it, appended
        to their files or printed."""
        for node_id in sorted(self.outputs):
            out = self.outputs[node_id]
            if out.record_to not in ("ascii", "screen"):
                continue
            total = self._event_count(node_id, absolute=True)
            if total <= out.written:
                continue
            events = self._events_ms(node_id, start=out.written)
            doubles, longs = self._presented(node_id)
            text = _recording.rows(events, doubles, longs, out, self.resolution)
            out.written = total
            if out.record_to == "screen":
                print(text, end="", flush=True)
            else:
                with open(self.ascii_path(node_id), "a") as f:
                    f.write(text)

    def simulate(self, t: float) -> None:
        t = float(t)
        kernel = self.kernel()
        if not self.ran:
            path = self.hdf5_path()
            if path is not None:
                nodes = [(e.name(), e.model, e.first, e.n) for e in self.entries]
                kernel.open_hdf5(path, nodes, bool(self.overwrite_files))
        kernel.simulate(t)
        self.ran = True
        # NEST hands a multimeter the samples of a min-delay slice at the next slice: after a
        # Simulate, those of the slice the run ended in (slices are aligned at multiples of
        # min_delay from 0) reach `events` only with the next Simulate. The engine records
        # them all (and writes them to HDF5); `events` shows what NEST's would.
        end = int(round(kernel.biological_time() / self.resolution))
        d = max(1, int(round(self.min_delay() / self.resolution)))
        self.samples_visible_until = ((end - 1) // d) * d if end > 0 else 0
        self.write_outputs()
        if self.actions:
            self.actions.append(("simulate", t))
        else:
            self.simulated.append(t)

    def export(self, path) -> None:
        header = (
            "Exported by spindle's Python front end (spindle.export_scenario).\n"
            "`spindle run` on this file reproduces the Python run's recordings bit for bit."
        )
        if self.seed_changed:
            raise _k.NotImplemented(
                "export_scenario cannot write an rng_seed set after nodes were created yet: "
                "the scenario format has one seed for the whole run"
            )
        if self.synapse_changes:
            raise _k.NotImplemented(
                "export_scenario cannot write "
                f"{', '.join(sorted(self.synapse_changes))} yet: the scenario format "
                "has no per-connection values or synapse changes"
            )
        text = self.render(self.connections, self.simulated, header=header, actions=self.actions)
        Path(path).write_text(text)

    # ---- reading ----------------------------------------------------------------------

    def _event_count(self, node_id: int, absolute: bool = False) -> int:
        if self.engine is None:
            return 0
        got = self.engine.spikes(node_id)
        weights = self.engine.weight_events(node_id)
        if got is not None:
            total = len(got[0]) // 8
        elif weights is not None:
            total = len(weights[0]) // 8
        else:
            got = self.engine.samples(node_id)
            total = 0
            if got is not None:
                visible = self.visible_samples(np.frombuffer(got[0], np.float64))
                total = int(visible.sum()) * (len(got[1]) // 8)
        return total if absolute else total - self.event_start.get(node_id, 0)

    def events(self, node_id: int) -> dict:
        """A recorder's events in NEST's layout (docs/python.md); with `time_in_steps`, times
        are whole steps (int64) and `offsets` (all 0: spindle's times lie on the grid)."""
        ev = self._events_ms(node_id)
        if self.outputs[node_id].time_in_steps:
            ev["times"] = np.rint(ev["times"] / self.resolution).astype(np.int64)
            ev["offsets"] = np.zeros(len(ev["times"]))
        return dict(sorted(ev.items()))  # NEST's dictionaries list their keys sorted

    def recorder_outputs(self, ids, params: dict, fresh: bool = False):
        """The backends of recorders `ids` with the recorder keys of `params` (NEST's checks;
        `fresh`: the recorders are being created), and `params` without the keys only a
        backend reads, for the engine. Nothing changes here: the caller keeps the backends
        once the engine took the rest."""
        outputs, send = {}, params
        for i in ids:
            if not fresh and i not in self.outputs:
                continue  # not a recorder
            send = dict(params)
            old = _recording.Output() if fresh else self.outputs[i]
            out = old.updated(send, self.ran, i if fresh else self.next_id - 1)
            if out.record_to != old.record_to and not fresh:
                # A new backend gets the events from now on (NEST enrolls the device anew).
                out.written = self._event_count(i, absolute=True)
            outputs[i] = out
        return outputs, send

    def _events_ms(self, node_id: int, start: int | None = None) -> dict:
        """A recorder's events with times in ms, from event `start` on (default: those since
        `n_events` was last set to 0)."""
        e = self.entry(node_id)
        if start is None:
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
        if e.model == "weight_recorder":
            got = None if self.engine is None else self.engine.weight_events(node_id)
            names = ("times", "senders", "targets", "weights", "receptors", "ports")
            if got is None:  # nothing recorded yet
                return {
                    n: np.zeros(0) if n in ("times", "weights") else np.zeros(0, np.int64)
                    for n in names
                }
            return {
                n: np.frombuffer(b, np.float64 if n in ("times", "weights") else np.int64)[
                    start:
                ].copy()
                for n, b in zip(names, got)
            }
        if e.model in SAMPLERS:
            record_from = list(self.kernel().get_status(node_id)["record_from"])
            got = None if self.engine is None else self.engine.samples(node_id)
            if got is None:  # nothing recorded yet
                out = {"senders": np.zeros(0, np.int64), "times": np.zeros(0)}
                out.update({r: np.zeros(0) for r in record_from})
                return out
            times_b, senders_b, values = got
            times = np.frombuffer(times_b, np.float64)
            senders = np.frombuffer(senders_b, np.int64)
            rows = np.flatnonzero(self.visible_samples(times))
            times = times[rows]
            order = nest_sample_order(times, len(senders), self.resolution, self.min_delay())
            out = {
                "senders": np.tile(senders, len(times))[order][start:],
                "times": np.repeat(times, len(senders))[order][start:],
            }
            n = len(senders)
            cells = (rows[:, None] * n + np.arange(n)[None, :]).ravel()
            for name, v in values:
                out[name] = np.frombuffer(v, np.float64)[cells][order][start:]
            return out
        raise _k.BadProperty(f"node {node_id} ({e.user_model}) is not a recording device")

    def min_delay(self) -> float:
        return self.ensure_engine().delay_extrema()[0]

    def visible_samples(self, times) -> np.ndarray:
        """Which sample times a multimeter's `events` shows now (see `simulate`)."""
        steps = np.rint(np.asarray(times) / self.resolution).astype(np.int64)
        return steps <= self.samples_visible_until

    def status(self, node_id: int) -> dict:
        """NEST's status dictionary of one node."""
        e = self.entry(node_id)
        keys = set(_spindle.model_keys(e.model)) | set(INFO_KEYS)
        d = {k: copy.deepcopy(v) for k, v in _DEFAULTS[e.model].items() if k in keys}
        d.update(copy.deepcopy(e.params))
        status = self.kernel().get_status(node_id)
        d.update(status)
        for key, dtype in _DETECTOR_ARRAYS.get(e.model, ()):
            if key in d:
                d[key] = np.asarray(d[key], dtype=dtype)
        d["model"] = e.user_model
        d["global_id"] = node_id
        d["local"] = True
        d["element_type"] = e.info["element_type"]
        threads, locals_ = self.placement([node_id])
        d["thread"] = d["vp"] = threads[0]
        d["thread_local_id"] = locals_[0]
        d["frozen"] = False  # spindle cannot freeze nodes (see _without_frozen)
        d["node_uses_wfr"] = False  # no spindle model iterates by waveform relaxation
        if e.info["element_type"] == "neuron":
            names = list(e.info["recordables"])
            d["recordables"] = names
            # A state the engine's status leaves out is read as its recordable. Where both
            # exist the status wins: they can differ (iaf_psc_exp_htum records V_m relative to
            # E_L, as NEST does, while GetStatus shows it absolute).
            for index, name in enumerate(names):
                if name in d and name not in status:
                    d[name] = self.state_value(node_id, e, index)
        if e.model == "weight_recorder":
            from ._collections import NodeCollection

            for key in ("senders", "targets"):
                d[key] = NodeCollection(d.get(key) or [])
        if has_backend(e.model):
            out = self.outputs[node_id]
            for key in ("events", "filenames", *_recording.OWNED):
                d.pop(key, None)
            d.update(out.status(self.ascii_path(node_id)))
            if out.record_to in ("memory", "hdf5"):
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


def syn_array(key, value, conn, n_pre, n_post) -> list:
    """A syn_spec array checked as PyNEST's `_process_syn_spec` checks it, flattened."""
    value = np.asarray(value)
    rule = conn.get("rule", "all_to_all")
    if value.ndim == 1:
        if rule == "one_to_one":
            if value.shape[0] != n_pre:
                raise ValueError(
                    f"'{key}' has to be an array of dimension {n_pre}, a scalar or a dictionary."
                )
        elif rule == "fixed_total_number":
            if "N" in conn and value.shape[0] != conn["N"]:
                raise ValueError(
                    f"'{key}' has to be an array of dimension {conn['N']}, a scalar or a dictionary"
                )
        else:
            raise TypeError(
                f"'{key}' has the wrong type. One-dimensional parameter arrays can only be used in "
                "conjunction with rule 'one_to_one' or 'fixed_total_number'."
            )
    elif value.ndim == 2:
        shapes = {
            "all_to_all": ((n_post, n_pre), "n_target x n_sources"),
            "fixed_indegree": ((n_post, conn.get("indegree")), "n_target x indegree"),
            "fixed_outdegree": ((n_pre, conn.get("outdegree")), "n_sources x outdegree"),
        }
        if rule not in shapes:
            raise TypeError(
                f"'{key}' has the wrong type. Two-dimensional parameter arrays can only be used in "
                "conjunction with rules 'all_to_all', 'fixed_indegree' or fixed_outdegree'."
            )
        (rows, cols), words = shapes[rule]
        if value.shape != (rows, cols):
            raise ValueError(
                f"'{key}' has to be an array of dimension {rows}x{cols} ({words}), a scalar or a "
                "dictionary."
            )
    else:
        raise _k.BadProperty(f"syn_spec {key!r}: a parameter array has one or two dimensions")
    if key == "receptor_type":
        return [int(x) for x in value.ravel()]
    return [float(x) for x in value.ravel()]


def _without_frozen(model: str, params):
    """`params` (a dict, a list of dicts or None) without NEST's `frozen`, which spindle
    accepts as False only: a frozen node would skip its updates, which spindle's models,
    advanced a population at a time, cannot do yet. NEST itself refuses to freeze a
    multimeter."""
    dicts = params if isinstance(params, (list, tuple)) else [params]
    if not any(isinstance(p, dict) and "frozen" in p for p in dicts):
        return params
    for p in dicts:
        if isinstance(p, dict) and bool(np.any(p.get("frozen", False))):
            if model in SAMPLERS:
                raise _k.BadProperty(f"{model} cannot be frozen.")
            raise _k.NotImplemented(f"spindle cannot freeze nodes (frozen = True for a {model})")
    strip = lambda p: {k: v for k, v in p.items() if k != "frozen"}  # noqa: E731
    if isinstance(params, dict):
        return strip(params)
    return [strip(p) if isinstance(p, dict) else p for p in params]


def normalise_conn(conn_spec) -> dict:
    if conn_spec is None:
        return {}
    if isinstance(conn_spec, str):
        return {"rule": conn_spec}
    if isinstance(conn_spec, dict):
        return {k: _plain(v) for k, v in conn_spec.items()}
    raise TypeError("conn_spec must be a dict or the name of a connection rule")


def _values(params) -> dict:
    """A parameter dict as the engine reads it: plain Python values, and each NEST parameter
    (`nest.random.normal(..)`, arithmetic on parameters) as its spec (a dict)."""
    if not isinstance(params, dict):
        raise TypeError("params must be a dict or a list of dicts")
    return {k: v.to_spec() if hasattr(v, "to_spec") else _plain(v) for k, v in params.items()}


def per_node_params(model: str, n: int, params):
    """`Create`'s `params` as (common, columns, dicts): `common` the values for all nodes
    (NEST parameters as their specs, drawn per node by the engine), `columns` the keys given
    one value per node (a dict whose scalar parameter is a sequence of length n: numpy arrays
    stay arrays, no Python object per value), and `dicts` one dict per node where `params` is
    a list of dicts that do not all give the same keys (else None)."""
    if params is None:
        return {}, {}, None
    if isinstance(params, (list, tuple)):
        if len(params) != n:
            raise TypeError("list of params must have one dictionary per node")
        dicts = [_values(p) for p in params]
        keys = set(dicts[0]) if dicts else set()
        drawn = any(isinstance(v, dict) for p in dicts for v in p.values())
        if all(set(p) == keys for p in dicts) and not drawn:
            return {}, {k: [p[k] for p in dicts] for k in sorted(keys)}, None
        return {}, {}, dicts
    if not isinstance(params, dict):
        raise TypeError("params must be a dict or a list of dicts")
    defaults = _DEFAULTS.get(model, {})
    common, columns = {}, {}
    for k, v in params.items():
        scalar_param = not isinstance(defaults.get(k), (list, tuple))
        if scalar_param and isinstance(v, (list, tuple, np.ndarray)):
            # PyNEST's Create sets node i to v[i]: extra values are ignored, too few
            # raise IndexError.
            if len(v) < n:
                raise IndexError(
                    f"index {len(v)} is out of bounds for axis 0 with size {len(v)}"
                    if isinstance(v, np.ndarray)
                    else "list index out of range"
                )
            columns[k] = v[:n] if isinstance(v, np.ndarray) else list(v)[:n]
        elif hasattr(v, "to_spec"):
            common[k] = v.to_spec()
        else:
            common[k] = _plain(v)
    return common, columns, None


_current = State()
_current.paths_from_environment()


def current() -> State:
    """The kernel state of this process (NEST has one kernel per process too)."""
    return _current


def reset() -> State:
    global _current
    _current.drop_engine()
    _current = State(_current.generation + 1)
    # NEST's ResetKernel keeps data_path and data_prefix; spindle starts afresh, since a
    # data_path also asks for the HDF5 file (docs/python.md, "Recording backends").
    _current.paths_from_environment()
    return _current

