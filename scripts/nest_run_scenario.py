#!/usr/bin/env python3
"""Run a spindle scenario in NEST 3.10 and write the result in spindle's HDF5 layout.

This is the NEST side of spindle's validation and benchmarks: it reads the same TOML scenario
file as `spindle run`, builds the network in NEST node by node and connection by connection,
simulates it, and writes an HDF5 file that the spindle reader and comparison code accept
unchanged.

    scripts/nest_run_scenario.py SCENARIO.toml --output OUT.h5 [--threads N] [--seed S]

How the scenario maps onto NEST
-------------------------------
* `[kernel]`: `resolution` (ms, default 0.1), `tics_per_ms` (NEST's tic base, default 1000), `seed` (default 1, NEST's `rng_seed`) and the
  delay extrema `min_delay`/`max_delay` (set together, as SetKernelStatus). The
  scenario's `threads` key is ignored: NEST's thread count is `--threads` (default 1), because
  NEST's random streams depend on the number of virtual processes and a reference run must not
  depend on the machine it ran on.
* `[[nodes]]` are created in file order, so node ids are 1, 2, ... in that order, devices
  included, exactly as spindle numbers them.
* `[[connect]]`: `pre`/`post` name one node entry or a list of them, concatenated in list order;
  `conn` is NEST's conn_spec dict, `syn` NEST's syn_spec dict. A value
  `{ distribution = "uniform", low, high }` or `{ distribution = "normal", mean, std }` becomes
  `nest.random.uniform` / `nest.random.normal`.
* `[simulate] time`: one Simulate call, or a list of them.

Output layout (format_version 1)
--------------------------------
* root attributes: `resolution` (f64 ms), `seed`, `threads`, `simulated_time` (f64 ms),
  `spindle_version` = "nest-<version>", `format_version` = 1;
* one group per spike recorder (named after its node entry): `times` (f64 ms) and `senders`
  (i64), sorted by (time, sender);
* one group per multimeter: `times` (f64, T), `senders` (i64, N ascending) and one f64 (T, N)
  dataset per recordable; attributes `record_from` (strings, in record_from order) and
  `interval` (f64 ms);
* group `nodes`: `name`, `model` (UTF-8 strings), `first_id`, `count` (i64), one row per node
  entry.

Two NEST habits are undone so that the file means "everything up to and including the end":
NEST's multimeter hands over the samples of a run's last min-delay slice only when the next
Simulate call starts (nest-semantics.md 1.3), so after the last chunk this script simulates one
more min_delay and then drops every sample and spike later than the scenario's end; and NEST
orders recorder events by slice and node, so they are sorted here.

Build, simulation and write times go to stderr as `key=value` pairs for benchmark harnesses.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import h5py
import numpy as np

FORMAT_VERSION = 1
DEFAULT_RESOLUTION_MS = 0.1
DEFAULT_SEED = 1
DEFAULT_THREADS = 1

# Keys the scenario format knows; anything else is a typo that must not be silently ignored.
TOP_LEVEL_KEYS = {"kernel", "nodes", "synapse_models", "connect", "simulate", "actions"}
SYNAPSE_MODEL_KEYS = {"name", "copy_of", "params"}
ACTION_KEYS = {"simulate", "create", "connect", "set"}
KERNEL_KEYS = {"resolution", "tics_per_ms", "seed", "threads", "min_delay", "max_delay"}
NODE_KEYS = {"name", "model", "n", "params"}
CONNECT_KEYS = {"pre", "post", "sources", "targets", "conn", "syn"}
SIMULATE_KEYS = {"time"}


class ScenarioError(Exception):
    """The scenario file is malformed or asks for something this runner cannot do in NEST."""


# --------------------------------------------------------------------------------------------
# Scenario file
# --------------------------------------------------------------------------------------------


@dataclass
class NodeEntry:
    """One `[[nodes]]` entry and, once created, its NEST NodeCollection."""

    name: str
    model: str
    n: int
    params: dict[str, Any]
    nodes: Any = None  # nest.NodeCollection after creation

    @property
    def first_id(self) -> int:
        return int(self.nodes[0].global_id)


@dataclass
class ConnectEntry:
    pre: list[str]
    post: list[str]
    conn: dict[str, Any]
    syn: dict[str, Any]
    # NEST's connect_arrays: node ids paired one by one (pre and post are empty then).
    sources: list[int] | None = None
    targets: list[int] | None = None


@dataclass
class Scenario:
    resolution: float
    seed: int
    nodes: list[NodeEntry]
    connects: list[ConnectEntry]
    chunks: list[float]
    by_name: dict[str, NodeEntry] = field(default_factory=dict)
    # `[[actions]]` after the `[simulate]` calls: (kind, float | NodeEntry | ConnectEntry |
    # (names, params)), in order.
    actions: list[tuple[str, Any]] = field(default_factory=list)
    # `[kernel]` min_delay / max_delay (ms), set together before anything is created.
    delay_extrema: tuple[float, float] | None = None
    # `[[synapse_models]]`: (name, copy_of or None, params): CopyModel, else SetDefaults.
    synapse_models: list[tuple[str, Any, dict[str, Any]]] = field(default_factory=list)
    # `[kernel]` tics_per_ms (NEST's tic base), or None for NEST's default.
    tics_per_ms: int | None = None


def _check_keys(table: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ScenarioError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(allowed)}")


def _names(value: Any, where: str) -> list[str]:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise ScenarioError(f"{where}: expected a node name or a non-empty list of names")
    return names


def load_scenario(path: Path) -> Scenario:
    """Parse and check a scenario file (structure only; NEST checks the model parameters)."""
    with path.open("rb") as f:
        doc = tomllib.load(f)
    _check_keys(doc, TOP_LEVEL_KEYS, str(path))

    kernel = doc.get("kernel", {})
    _check_keys(kernel, KERNEL_KEYS, "[kernel]")
    resolution = float(kernel.get("resolution", DEFAULT_RESOLUTION_MS))
    seed = int(kernel.get("seed", DEFAULT_SEED))
    tics_per_ms = int(kernel["tics_per_ms"]) if "tics_per_ms" in kernel else None

    nodes: list[NodeEntry] = []
    by_name: dict[str, NodeEntry] = {}
    for i, raw in enumerate(doc.get("nodes", [])):
        where = f"[[nodes]] #{i + 1}"
        _check_keys(raw, NODE_KEYS, where)
        if "name" not in raw or "model" not in raw:
            raise ScenarioError(f"{where}: `name` and `model` are required")
        entry = NodeEntry(
            name=raw["name"], model=raw["model"], n=int(raw.get("n", 1)), params=raw.get("params", {})
        )
        if entry.n < 1:
            raise ScenarioError(f"{where} ({entry.name}): n must be at least 1")
        if entry.name in by_name:
            raise ScenarioError(f"{where}: duplicate node name {entry.name!r}")
        nodes.append(entry)
        by_name[entry.name] = entry

    connects: list[ConnectEntry] = []
    for i, raw in enumerate(doc.get("connect", [])):
        where = f"[[connect]] #{i + 1}"
        _check_keys(raw, CONNECT_KEYS, where)
        entry = _connect_entry(raw, where)
        for name in entry.pre + entry.post:
            if name not in by_name:
                raise ScenarioError(f"{where}: unknown node name {name!r}")
        connects.append(entry)

    simulate = doc.get("simulate", {})
    _check_keys(simulate, SIMULATE_KEYS, "[simulate]")
    if "time" not in simulate:
        raise ScenarioError("[simulate]: `time` is required")
    raw_time = simulate["time"]
    chunks = [float(t) for t in (raw_time if isinstance(raw_time, list) else [raw_time])]
    tics_per_step = _tics(resolution, tics_per_ms)
    for t in chunks:
        # NEST's own rule (nest-semantics.md 1.1): ms -> tics rounded to nearest, then on-grid test.
        if t < 0 or _tics(t, tics_per_ms) % tics_per_step != 0:
            raise ScenarioError(
                f"[simulate]: time {t} ms is not a non-negative multiple of the resolution {resolution} ms"
            )

    actions: list[tuple[str, Any]] = []
    for i, raw in enumerate(doc.get("actions", [])):
        where = f"[[actions]] #{i + 1}"
        _check_keys(raw, ACTION_KEYS, where)
        if len(raw) != 1:
            raise ScenarioError(f"{where}: exactly one of {sorted(ACTION_KEYS)}")
        (kind, value), = raw.items()
        if kind == "simulate":
            actions.append(("simulate", float(value)))
        elif kind == "create":
            _check_keys(value, NODE_KEYS, where)
            entry = NodeEntry(
                name=value["name"], model=value["model"], n=int(value.get("n", 1)),
                params=value.get("params", {}),
            )
            if entry.name in by_name:
                raise ScenarioError(f"{where}: duplicate node name {entry.name!r}")
            by_name[entry.name] = entry
            nodes.append(entry)
            actions.append(("create", entry))
        elif kind == "connect":
            _check_keys(value, CONNECT_KEYS, where)
            actions.append(("connect", _connect_entry(value, where)))
        else:
            _check_keys(value, {"nodes", "params"}, where)
            actions.append(("set", (_names(value["nodes"], f"{where} nodes"), value["params"])))

    synapse_models = []
    for i, raw in enumerate(doc.get("synapse_models", [])):
        where = f"[[synapse_models]] #{i + 1}"
        _check_keys(raw, SYNAPSE_MODEL_KEYS, where)
        if "name" not in raw:
            raise ScenarioError(f"{where}: `name` is required")
        synapse_models.append((raw["name"], raw.get("copy_of"), dict(raw.get("params", {}))))
    extrema = None
    if "min_delay" in kernel or "max_delay" in kernel:
        extrema = (float(kernel["min_delay"]), float(kernel["max_delay"]))
    return Scenario(
        resolution, seed, nodes, connects, chunks, by_name, actions, extrema, synapse_models,
        tics_per_ms,
    )


def _tics(ms: float, tics_per_ms: int | None = None) -> int:
    """NEST's ms -> tics conversion (default 1 tic = 1 µs, rounded to nearest)."""
    return int(ms * float(tics_per_ms or 1000) + 0.5)


# --------------------------------------------------------------------------------------------
# Building the network
# --------------------------------------------------------------------------------------------


def to_nest_value(nest: Any, value: Any) -> Any:
    """Translate a scenario value into what NEST expects: distributions become nest.random.*."""
    if isinstance(value, dict) and "distribution" in value:
        spec = dict(value)
        kind = spec.pop("distribution")
        expected = {"uniform": {"low", "high"}, "normal": {"mean", "std"}}
        if kind not in expected:
            raise ScenarioError(f"unsupported distribution {kind!r}; supported: {sorted(expected)}")
        if set(spec) != expected[kind]:
            raise ScenarioError(f"distribution {kind!r} needs exactly the keys {sorted(expected[kind])}")
        if kind == "uniform":
            return nest.random.uniform(min=float(spec["low"]), max=float(spec["high"]))
        return nest.random.normal(mean=float(spec["mean"]), std=float(spec["std"]))
    if isinstance(value, dict):
        return {k: to_nest_value(nest, v) for k, v in value.items()}
    return value


def _concatenate(scenario: Scenario, names: list[str]) -> list[Any]:
    """The NodeCollections of `names`, in the scenario's order."""
    if len(set(names)) != len(names):
        raise ScenarioError(f"node list {names} names a node entry twice; NEST cannot join overlapping collections")
    return [scenario.by_name[n].nodes for n in names]


def _join(collections: list[Any]) -> Any:
    joined = collections[0]
    for nc in collections[1:]:
        joined = joined + nc
    return joined


def _is_ascending(collections: list[Any]) -> bool:
    ids = [(nc[0].global_id, nc[-1].global_id) for nc in collections]
    return all(a[1] < b[0] for a, b in zip(ids, ids[1:]))


def _connect_entry(raw: dict[str, Any], where: str) -> ConnectEntry:
    """A `[[connect]]` table: `pre`/`post` names, or `sources`/`targets` ids."""
    if "sources" in raw or "targets" in raw:
        if "sources" not in raw or "targets" not in raw or "pre" in raw or "post" in raw:
            raise ScenarioError(f"{where}: either `pre` and `post` or `sources` and `targets`")
        if len(raw["sources"]) != len(raw["targets"]):
            raise ScenarioError(f"{where}: `sources` and `targets` differ in length")
        return ConnectEntry(
            pre=[], post=[], conn=dict(raw.get("conn", {"rule": "one_to_one"})),
            syn=dict(raw.get("syn", {})),
            sources=[int(i) for i in raw["sources"]], targets=[int(i) for i in raw["targets"]],
        )
    if "pre" not in raw or "post" not in raw:
        raise ScenarioError(f"{where}: `pre` and `post` are required")
    return ConnectEntry(
        pre=_names(raw["pre"], f"{where} pre"),
        post=_names(raw["post"], f"{where} post"),
        conn=dict(raw.get("conn", {"rule": "all_to_all"})),
        syn=dict(raw.get("syn", {})),
    )


def connect(nest: Any, scenario: Scenario, entry: ConnectEntry) -> None:
    """One `[[connect]]` entry.

    NEST keeps every NodeCollection sorted by id, so a list such as `post = ["inh", "exc"]` (inh
    created after exc) cannot be passed as one collection in scenario order. For `one_to_one` the
    order decides who connects to whom, so the pairs are connected run by run in scenario order.
    For the other rules the candidates are the same either way and `all_to_all` with fixed
    values builds the same network; only the order in which NEST creates connections and draws
    random numbers follows the ids (a warning says so where random numbers are involved).
    """
    conn = to_nest_value(nest, entry.conn)
    syn = to_nest_value(nest, entry.syn)
    if entry.sources is not None:
        import numpy as np

        if entry.sources:
            nest.Connect(np.array(entry.sources), np.array(entry.targets), conn_spec=conn,
                         syn_spec={"synapse_model": "static_synapse", **syn})
        return
    pre = _concatenate(scenario, entry.pre)
    post = _concatenate(scenario, entry.post)
    rule = conn.get("rule", "all_to_all")

    if _is_ascending(pre) and _is_ascending(post):
        nest.Connect(_join(pre), _join(post), conn_spec=conn, syn_spec=syn)
        return

    if rule != "one_to_one":
        if rule != "all_to_all" or _has_distribution(entry.syn):
            print(
                f"nest_run_scenario: warning: {entry.pre} -> {entry.post}: NEST orders node collections by id; "
                f"rule {rule!r} draws its random numbers in id order, not in the scenario's order",
                file=sys.stderr,
            )
        nest.Connect(_join(sorted(pre, key=_first)), _join(sorted(post, key=_first)), conn_spec=conn, syn_spec=syn)
        return

    pre_ids = [i for nc in pre for i in nc.tolist()]
    post_ids = [i for nc in post for i in nc.tolist()]
    if len(pre_ids) != len(post_ids):
        raise ScenarioError(f"one_to_one {entry.pre} -> {entry.post}: {len(pre_ids)} sources but {len(post_ids)} targets")
    start = 0
    for k in range(1, len(pre_ids) + 1):
        if k == len(pre_ids) or pre_ids[k] <= pre_ids[k - 1] or post_ids[k] <= post_ids[k - 1]:
            nest.Connect(
                nest.NodeCollection(pre_ids[start:k]),
                nest.NodeCollection(post_ids[start:k]),
                conn_spec=conn,
                syn_spec=syn,
            )
            start = k


def _has_distribution(spec: dict[str, Any]) -> bool:
    return any(isinstance(v, dict) and "distribution" in v for v in spec.values())


def _first(nc: Any) -> int:
    return int(nc[0].global_id)


def set_up_synapse_model(nest, name, copy_of, params) -> None:
    """NEST's `SetDefaults` (no `copy_of`) or `CopyModel` of a `[[synapse_models]]` entry."""
    with nest_refusal(f"[[synapse_models]] {name!r}"):
        values = {k: v if k in ("weight_recorder", "volume_transmitter") else to_nest_value(nest, v)
                  for k, v in params.items()}
        if copy_of is None:
            nest.SetDefaults(name, values)
        else:
            nest.CopyModel(copy_of, name, values)


def build(nest: Any, scenario: Scenario, threads: int, seed: int) -> None:
    nest.ResetKernel()
    kernel = {"resolution": scenario.resolution, "rng_seed": seed, "local_num_threads": threads}
    if scenario.tics_per_ms is not None:
        kernel["tics_per_ms"] = scenario.tics_per_ms
    nest.SetKernelStatus(kernel)
    if scenario.delay_extrema is not None:
        nest.SetKernelStatus(
            {"min_delay": scenario.delay_extrema[0], "max_delay": scenario.delay_extrema[1]}
        )
    # A model that names a node (`weight_recorder`, `volume_transmitter`: a `[[nodes]]`
    # entry) is set up once the nodes exist, with the entry's NodeCollection.
    node_keys = ("weight_recorder", "volume_transmitter")
    early = [m for m in scenario.synapse_models if not any(k in m[2] for k in node_keys)]
    for name, copy_of, params in early:
        set_up_synapse_model(nest, name, copy_of, params)
    late = {id(a[1]) for a in scenario.actions if a[0] == "create"}
    for entry in scenario.nodes:
        if id(entry) in late:
            continue  # created by its action
        with nest_refusal(f"[[nodes]] {entry.name!r} ({entry.model})"):
            entry.nodes = nest.Create(entry.model, entry.n, params=to_nest_value(nest, entry.params))
    for name, copy_of, params in scenario.synapse_models:
        if any(k in params for k in node_keys):
            params = dict(params)
            for k in node_keys:
                if k in params:
                    params[k] = scenario.by_name[params[k]].nodes
            set_up_synapse_model(nest, name, copy_of, params)
    for i, entry in enumerate(scenario.connects):
        with nest_refusal(f"[[connect]] #{i + 1} ({entry.pre} -> {entry.post})"):
            connect(nest, scenario, entry)


@contextlib.contextmanager
def nest_refusal(what: str) -> Iterator[None]:
    """Turn an error raised inside NEST into a ScenarioError naming the scenario entry."""
    try:
        yield
    except ScenarioError:
        raise
    except Exception as e:  # NEST raises its own exception classes, one per kernel error
        raise ScenarioError(f"{what}: NEST refused: {type(e).__name__}: {e}") from e


# --------------------------------------------------------------------------------------------
# Collecting the recordings
# --------------------------------------------------------------------------------------------


def recorder_kind(nest: Any, model: str) -> str | None:
    """'spike_recorder', 'multimeter' or None for a node that records nothing we write."""
    if nest.GetDefaults(model, "element_type") != "recorder":
        return None
    if model == "spike_recorder":
        return "spike_recorder"
    if model in ("multimeter", "voltmeter"):
        return "multimeter"
    if model in DETECTOR_RESULTS:
        return "detector"
    raise ScenarioError(f"recording device {model!r} is not supported (only spike_recorder, multimeter and voltmeter)")


# The result arrays of the spike detectors, as spindle writes them: (name, numpy dtype).
DETECTOR_RESULTS = {
    "correlation_detector": (
        ("histogram", np.float64),
        ("histogram_correction", np.float64),
        ("count_histogram", np.int64),
        ("n_events", np.int64),
    ),
    "correlomatrix_detector": (
        ("covariance", np.float64),
        ("count_covariance", np.int64),
        ("n_events", np.int64),
    ),
}


def detector_data(entry: NodeEntry) -> dict[str, Any]:
    """A detector's result arrays as GetStatus gives them at the end of the run."""
    status = entry.nodes.get()
    return {
        "model": entry.model,
        "node_id": int(status["global_id"]),
        "results": {name: np.asarray(status[name], dtype=dtype) for name, dtype in DETECTOR_RESULTS[entry.model]},
    }


def _steps(times_ms: np.ndarray, resolution: float) -> np.ndarray:
    return np.rint(np.asarray(times_ms, dtype=np.float64) / resolution).astype(np.int64)


def spike_data(entry: NodeEntry, end_step: int, resolution: float) -> dict[str, np.ndarray]:
    events = entry.nodes.get("events")
    times = np.asarray(events["times"], dtype=np.float64)
    senders = np.asarray(events["senders"], dtype=np.int64)
    keep = _steps(times, resolution) <= end_step
    times, senders = times[keep], senders[keep]
    order = np.lexsort((senders, times))
    return {"times": times[order], "senders": senders[order]}


def multimeter_data(nest: Any, entry: NodeEntry, end_step: int, resolution: float) -> dict[str, Any]:
    status = entry.nodes.get(["events", "record_from", "interval"])
    events = status["events"]
    record_from = [str(r) for r in status["record_from"]]
    targets = nest.GetConnections(source=entry.nodes).get("target")
    targets = [targets] if isinstance(targets, int) else list(targets)
    senders = np.unique(np.asarray(targets, dtype=np.int64))
    if len(senders) != len(targets):
        raise ScenarioError(f"multimeter {entry.name!r} is connected to some node more than once")

    times = np.asarray(events["times"], dtype=np.float64)
    ev_senders = np.asarray(events["senders"], dtype=np.int64)
    keep = _steps(times, resolution) <= end_step
    order = np.lexsort((ev_senders[keep], times[keep]))
    times, ev_senders = times[keep][order], ev_senders[keep][order]

    sample_times = np.unique(times)
    n_t, n_n = len(sample_times), len(senders)
    # Every connected node is sampled at every sample time, so the sorted events form a
    # complete (T, N) grid; check that instead of assuming it.
    if len(times) != n_t * n_n or not np.array_equal(ev_senders, np.tile(senders, n_t)):
        raise ScenarioError(f"multimeter {entry.name!r}: events do not form a complete time x sender grid")
    values = {
        name: np.asarray(events[name], dtype=np.float64)[keep][order].reshape(n_t, n_n) for name in record_from
    }
    return {
        "times": sample_times,
        "senders": senders,
        "values": values,
        "record_from": record_from,
        "interval": float(status["interval"]),
    }


# --------------------------------------------------------------------------------------------
# HDF5 output
# --------------------------------------------------------------------------------------------


def write_hdf5(
    path: Path,
    scenario: Scenario,
    recordings: dict[str, tuple[str, dict[str, Any]]],
    *,
    seed: int,
    threads: int,
    simulated_time: float,
    nest_version: str,
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = h5py.string_dtype("utf-8")
    with h5py.File(path, "w") as f:
        f.attrs["resolution"] = np.float64(scenario.resolution)
        f.attrs["seed"] = np.int64(seed)
        f.attrs["threads"] = np.int64(threads)
        f.attrs["simulated_time"] = np.float64(simulated_time)
        f.attrs.create("spindle_version", f"nest-{nest_version}", dtype=text)
        f.attrs["format_version"] = np.int64(FORMAT_VERSION)

        for name, (kind, data) in recordings.items():
            group = f.create_group(name)
            if kind == "detector":
                group.attrs.create("model", data["model"], dtype=text)
                group.attrs["node_id"] = np.int64(data["node_id"])
                group.attrs.create("results", list(data["results"]), dtype=text)
                for result, values in data["results"].items():
                    group.create_dataset(result, data=values)
                continue
            group.create_dataset("times", data=data["times"].astype(np.float64))
            group.create_dataset("senders", data=data["senders"].astype(np.int64))
            if kind == "multimeter":
                for recordable in data["record_from"]:
                    group.create_dataset(recordable, data=data["values"][recordable])
                group.attrs.create("record_from", data["record_from"], dtype=text)
                group.attrs["interval"] = np.float64(data["interval"])

        nodes = f.create_group("nodes")
        nodes.create_dataset("name", data=[e.name for e in scenario.nodes], dtype=text)
        nodes.create_dataset("model", data=[e.model for e in scenario.nodes], dtype=text)
        nodes.create_dataset("first_id", data=np.array([e.first_id for e in scenario.nodes], dtype=np.int64))
        nodes.create_dataset("count", data=np.array([e.n for e in scenario.nodes], dtype=np.int64))


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------


def run(scenario_path: Path, output: Path, threads: int, seed: int | None, verbose: bool) -> None:
    scenario = load_scenario(scenario_path)
    seed = scenario.seed if seed is None else seed

    os.environ.setdefault("PYNEST_QUIET", "1")
    import nest  # imported late: importing NEST prints and initialises a kernel

    nest.verbosity = nest.VerbosityLevel.WARNING

    t0 = time.perf_counter()
    build(nest, scenario, threads, seed)
    build_s = time.perf_counter() - t0

    kinds = {e.name: recorder_kind(nest, e.model) for e in scenario.nodes}
    if verbose:
        for e in (e for e in scenario.nodes if e.nodes is not None):
            print(f"  {e.name:<20} {e.model:<24} ids {e.first_id}..{e.first_id + e.n - 1}", file=sys.stderr)

    t0 = time.perf_counter()
    for chunk in scenario.chunks:
        with nest_refusal(f"[simulate] Simulate({chunk})"):
            nest.Simulate(chunk)
    for i, (kind, what) in enumerate(scenario.actions):
        with nest_refusal(f"[[actions]] #{i + 1} ({kind})"):
            if kind == "simulate":
                nest.Simulate(what)
            elif kind == "create":
                what.nodes = nest.Create(what.model, what.n, params=to_nest_value(nest, what.params))
            elif kind == "connect":
                connect(nest, scenario, what)
            else:
                names, params = what
                for name in names:
                    scenario.by_name[name].nodes.set(to_nest_value(nest, params))
    simulate_s = time.perf_counter() - t0
    simulated_time = float(nest.GetKernelStatus("biological_time"))
    end_step = int(round(simulated_time / scenario.resolution))

    # The detectors' results before the flush below, which would deliver more spikes to them.
    detectors = {e.name: ("detector", detector_data(e)) for e in scenario.nodes if kinds[e.name] == "detector"}

    # Flush the multimeters' last slice (see the module doc); what it adds beyond the end is cut.
    t0 = time.perf_counter()
    if "multimeter" in kinds.values():
        # Quiet: NEST would warn that this time is not a multiple of min_delay when the run was not.
        nest.verbosity = nest.VerbosityLevel.ERROR
        nest.Simulate(float(nest.GetKernelStatus("min_delay")))
        nest.verbosity = nest.VerbosityLevel.WARNING
    flush_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    recordings: dict[str, tuple[str, dict[str, Any]]] = dict(detectors)
    for entry in scenario.nodes:
        kind = kinds[entry.name]
        if kind == "spike_recorder":
            recordings[entry.name] = (kind, spike_data(entry, end_step, scenario.resolution))
        elif kind == "multimeter":
            recordings[entry.name] = (kind, multimeter_data(nest, entry, end_step, scenario.resolution))
    write_hdf5(
        output,
        scenario,
        recordings,
        seed=seed,
        threads=threads,
        simulated_time=simulated_time,
        nest_version=nest.__version__,
    )
    write_s = time.perf_counter() - t0

    n_conn = nest.GetKernelStatus("num_connections")
    n_spikes = sum(len(d["times"]) for k, d in recordings.values() if k == "spike_recorder")
    rtf = simulate_s / (simulated_time / 1000.0) if simulated_time > 0 else math.nan
    print(
        f"nest_run_scenario: {scenario_path.name}: nest={nest.__version__} threads={threads} seed={seed} "
        f"nodes={sum(e.n for e in scenario.nodes)} connections={n_conn} "
        f"build_s={build_s:.3f} simulate_s={simulate_s:.3f} flush_s={flush_s:.3f} write_s={write_s:.3f} "
        f"simulated_ms={simulated_time:g} real_time_factor={rtf:.3f} recorded_spikes={n_spikes}",
        file=sys.stderr,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", type=Path, help="scenario TOML file")
    parser.add_argument("--output", "-o", type=Path, required=True, help="HDF5 file to write")
    parser.add_argument(
        "--threads", type=int, default=DEFAULT_THREADS, help="NEST local_num_threads (default 1; the scenario's value is ignored)"
    )
    parser.add_argument("--seed", type=int, default=None, help="NEST rng_seed (default: the scenario's seed, else 1)")
    parser.add_argument("--verbose", "-v", action="store_true", help="list the node ids of every entry")
    args = parser.parse_args(argv)
    if args.threads < 1:
        parser.error("--threads must be at least 1")
    try:
        run(args.scenario, args.output, args.threads, args.seed, args.verbose)
    except ScenarioError as e:
        print(f"nest_run_scenario: {args.scenario}: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
