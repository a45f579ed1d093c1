"""spindle: run PyNEST scripts unchanged on spindle's multi-threaded engine.

    import spindle as nest

is the only change a script needs, as long as it keeps to the PyNEST subset described in
docs/python.md: ResetKernel, SetKernelStatus / GetKernelStatus and the kernel attributes
(`nest.resolution`, `nest.rng_seed`, `nest.local_num_threads`, `nest.biological_time`, …),
Create, Connect, Simulate (repeatedly), GetDefaults / SetDefaults, CopyModel, GetConnections,
set_verbosity, NodeCollection and the exceptions of `spindle.kernel`. `export_scenario(path)`
writes the network as a scenario file that `spindle run` reproduces bit for bit.

The network lives in the Rust engine from the first Create on and stays live between Simulate
calls (Create, Connect, SetStatus act on it at any time); it runs on all cores unless
`local_num_threads` says otherwise (results never depend on the thread count).
"""

from __future__ import annotations

import atexit
import math as _stdmath
import numbers
import sys
import types
import warnings

import numpy as np

from . import _parameter, _recording, _state, kernel, logic, math, random
from . import kernel as _k
from ._parameter import CreateParameter, Parameter
from . import _spatial, spatial, spatial_distributions
from ._spatial import Mask
from . import _collections
from ._collections import NodeCollection, SynapseCollection
from ._spindle import VERSION as __version__
from .kernel import NESTError, NESTErrors

__all__ = [
    "NESTError",
    "NESTErrors",
    "NodeCollection",
    "SynapseCollection",
    "ResetKernel",
    "SetKernelStatus",
    "GetKernelStatus",
    "Create",
    "Connect",
    "Simulate",
    "Run",
    "Prepare",
    "Cleanup",
    "GetDefaults",
    "SetDefaults",
    "CopyModel",
    "GetConnections",
    "Disconnect",
    "GetStatus",
    "SetStatus",
    "set_verbosity",
    "get_verbosity",
    "export_scenario",
    "kernel",
    "random",
    "math",
    "logic",
    "spatial",
    "spatial_distributions",
    "CreateParameter",
    "Parameter",
    "CreateMask",
    "Mask",
    "GetPosition",
    "Displacement",
    "Distance",
    "FindNearestElement",
    "FindCenterElement",
    "GetTargetNodes",
    "GetSourceNodes",
    "GetTargetPositions",
    "GetSourcePositions",
    "SelectNodesByMask",
    "DumpLayerNodes",
    "DumpLayerConnections",
    "PlotLayer",
    "PlotTargets",
    "PlotSources",
    "PlotProbabilityParameter",
]


# ---- the kernel ---------------------------------------------------------------------------

# The kernel's verbosity, a `VerbosityLevel` (INFO = 10 by default, as in NEST).
_verbosity = [None]


def ResetKernel():
    """Forget every node, connection, setting and recording (NEST's ResetKernel; NEST keeps
    `data_path` and `data_prefix`, spindle does not: docs/python.md). An HDF5 file being
    written is closed first."""
    _state.reset()
    _tuning[0] = dict(_TUNING_DEFAULTS)
    _run_state["prepared"] = False
    _parameter.seed(_state.current().rng_seed)


def _build_info():
    from ._extras import _build_info as info

    return info()


def _threads(s):
    return s.threads if s.threads is not None else _state.available_threads()


def _kernel_status(s):
    """Every kernel attribute spindle has, as NEST names them."""
    engine = s.engine
    status = {
        "resolution": s.resolution,
        "rng_seed": s.rng_seed,
        "local_num_threads": _threads(s),
        "total_num_virtual_procs": _threads(s),
        "num_processes": 1,
        "mpi_rank": 0,
        "biological_time": engine.biological_time() if engine is not None else 0.0,
        "network_size": s.next_id - 1,
        "data_path": s.data_path,
        "recording_backends": _recording.BACKENDS,
        "data_prefix": s.data_prefix,
        "overwrite_files": s.overwrite_files,
        "print_time": s.print_time,
        "ms_per_tic": 1.0 / s.tics_per_ms,
        "tics_per_ms": float(s.tics_per_ms),
        "tics_per_step": s.tics_per_step(),
        "node_models": tuple(s.node_models()),
        "synapse_models": tuple(s.synapse_models()),
        "connection_rules": (
            "all_to_all",
            "fixed_indegree",
            "fixed_outdegree",
            "fixed_total_number",
            "one_to_one",
            "pairwise_bernoulli",
            "pairwise_poisson",
            "symmetric_pairwise_bernoulli",
        ),
        "rng_types": _RNG_TYPES,
        "verbosity": _verbosity[0],
        "local_spike_counter": engine.spike_count() if engine is not None else 0,
        "build_info": _build_info(),
        "time_construction_create": s.timers["create"][0],
        "time_construction_create_cpu": s.timers["create"][1],
        "time_construction_connect": s.timers["connect"][0],
        "time_construction_connect_cpu": s.timers["connect"][1],
        "time_simulate": s.timers["simulate"][0],
        "time_simulate_cpu": s.timers["simulate"][1],
        "prepared": _run_state["prepared"],
        "to_do": 0,
        "off_grid_spiking": False,
        "max_num_syn_models": _MAX_SYN_MODELS,
        "memory_size": _memory_size(),
        **_tuning[0],
    }
    return status


_MAX_SYN_MODELS = _state.MAX_SYN_MODELS


def _memory_size():
    """NEST's `memory_size`: the process's virtual memory in kB (`VmSize` of
    /proc/self/status, as NEST reads it); 0 where there is no such file, as NEST gives."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

#: Kernel attributes that tune only how NEST stores and communicates spikes and connections
#: (or, `use_wfr` and the `wfr_*` keys, how it iterates gap-junction and rate models, which
#: spindle does not have; or `rng_type`, NEST's generator, see `_RNG_TYPES`). spindle accepts
#: them with NEST 3.10's defaults, types and checks and keeps the value for GetKernelStatus;
#: they change nothing in spindle.
_TUNING_DEFAULTS = {
    "use_compressed_spikes": True,
    "keep_source_table": True,
    "use_wfr": True,
    "wfr_comm_interval": 1.0,
    "wfr_tol": 0.0001,
    "wfr_max_iterations": 15,
    "wfr_interpolation_order": 3,
    "dict_miss_is_error": True,
    "rng_type": "mt19937_64",
    # NEST's e-prop plasticity (the eprop_* models, which spindle does not have: creating one
    # raises UnknownModelName): kept and checked, used by no spindle model.
    "eprop_update_interval": 1000.0,
    "eprop_learning_window": 1000.0,
    "eprop_reset_neurons_on_update": True,
}

#: NEST 3.10's generator names (`nest.rng_types`). spindle draws every random number from its
#: own ChaCha8 streams keyed by (rng_seed, purpose, node or statement), whichever of these
#: `rng_type` names: the name is checked as NEST checks it and reported back, and changes no
#: draw (docs/python.md, "Random numbers").
_RNG_TYPES = ("Philox_32", "Philox_64", "Threefry_32", "Threefry_64", "mt19937", "mt19937_64")

#: NEST applies a SetKernelStatus dict in a fixed order whatever the dict's: the resolution,
#: then `use_wfr`, then `wfr_comm_interval` (each depends on the one before), the delay
#: extrema last.
_KEY_ORDER = {
    "resolution": 0,
    "use_wfr": 1,
    "wfr_comm_interval": 2,
    # NEST's SimulationManager reads the e-prop update interval before the learning window.
    "eprop_learning_window": 3.5,
    "min_delay": 4,
    "max_delay": 4,
}
_tuning = [dict(_TUNING_DEFAULTS)]

#: Read-only in spindle, settable in NEST: why spindle cannot.
_ENGINE_SETTINGS = {}

#: Set together (NEST's DelayChecker): the user's delay extrema.
_DELAY_KEYS = ("min_delay", "max_delay")

#: Prepare / Run / Cleanup as NEST's SimulationManager checks them.
_run_state = {"prepared": False}


# Attributes computed from the built network: building is deferred until asked for.
_NEEDS_NETWORK = ("num_connections", "min_delay", "max_delay")
_READ_ONLY = (
    "time_construction_create",
    "time_construction_create_cpu",
    "time_construction_connect",
    "time_construction_connect_cpu",
    "time_simulate",
    "time_simulate_cpu",
    "biological_time",
    "network_size",
    "num_processes",
    "mpi_rank",
    "ms_per_tic",
    "tics_per_step",
    "node_models",
    "synapse_models",
    "connection_rules",
    "local_spike_counter",
    "build_info",
    "prepared",
    "to_do",
    "off_grid_spiking",
    "max_num_syn_models",
    "rng_types",
    "recording_backends",
    "memory_size",
    *_NEEDS_NETWORK,
)


def _network_status(s, key):
    if not s.entries:
        if key == "num_connections":
            return 0
        if s.delay_extrema is not None:
            return s.delay_extrema[_DELAY_KEYS.index(key)]
        return s.resolution
    engine = s.ensure_engine()
    if key == "num_connections":
        return engine.num_connections()
    lo, hi = engine.delay_extrema()
    return lo if key == "min_delay" else hi


def GetKernelStatus(keys=None):
    """NEST's GetKernelStatus: the whole dict, one value, or a list of values."""
    s = _state.current()
    status = _kernel_status(s)
    if keys is None:
        status.update({k: _network_status(s, k) for k in _NEEDS_NETWORK})
        return status

    def one(key):
        if key in _NEEDS_NETWORK:
            return _network_status(s, key)
        if key not in status:
            raise KeyError(key)
        return status[key]

    if isinstance(keys, str):
        return one(keys)
    return tuple(one(k) for k in keys)


def _nest_is_integer(n):
    """NEST's `is_integer` (libnestutil/numerics.cpp): within two bits of a whole number."""
    if not _stdmath.isfinite(n):
        return False
    frac = _stdmath.fmod(n, 1.0)
    if frac > 0.5:
        frac = 1.0 - frac
    return frac < 4 * n * sys.float_info.epsilon


def _set_time_base(s, params):
    """NEST's SimulationManager::set_status of `tics_per_ms` and `resolution`: only while no
    node exists, nothing was simulated and no model default was changed; `tics_per_ms` (a
    whole number) only together with `resolution`; the resolution at least one tic and a
    whole number of tics (NEST's checks, messages and order)."""
    import numbers

    tpm = params.get("tics_per_ms")
    if "tics_per_ms" in params and (
        isinstance(tpm, bool) or not isinstance(tpm, numbers.Integral)
    ):
        kind = {bool: "bool", float: "double", str: "string"}.get(type(tpm), type(tpm).__name__)
        raise _k.TypeMismatch(
            f"Expected datatype: Failed to cast 'tics_per_ms' from {kind} to type long"
        )
    errors = [
        why
        for why, holds in (
            ("Nodes have already been created", bool(s.entries)),
            ("Network has been simulated", s.ran),
            ("Model defaults were modified", s.defaults_modified),
        )
        if holds
    ]
    if len(errors) == 1:
        raise _k.KernelException(f"{errors[0]}: time representation cannot be changed.")
    if errors:
        raise _k.KernelException(
            "Time representation unchanged. Error conditions:"
            + "".join(f" {e}." for e in errors)
        )
    if "resolution" not in params:
        raise _k.KernelException(
            "Change of tics_per_ms requires simultaneous specification of resolution."
        )
    res = float(params["resolution"])
    if tpm is not None:
        tpm = int(tpm)
        below, tics = (res < 1.0 / tpm if tpm else True), res * tpm
    else:
        below, tics = res < 1.0 / s.tics_per_ms, res / (1.0 / s.tics_per_ms)
    if below:
        raise _k.KernelException(
            "Resolution must be greater than or equal to one tic. Value unchanged."
        )
    if not _nest_is_integer(tics):
        raise _k.KernelException(
            "Resolution must be a multiple of the tic length. Value unchanged."
        )
    s.set_time_base(s.tics_per_ms if tpm is None else tpm, res)
    # A kernel made only for settings (no node yet) is made anew at the new grid.
    s.drop_engine()


def SetKernelStatus(params):
    """NEST's SetKernelStatus. `resolution` only before any node exists; `rng_seed` and the
    thread count only before the first Simulate. `data_path` / `data_prefix` ask for an
    HDF5 file of the run's recordings (docs/python.md)."""
    s = _state.current()
    params = dict(params)
    known = set(_kernel_status(s)) | set(_NEEDS_NETWORK)
    for key in params:
        if key not in known:
            raise ValueError(
                f"`{key}` is not a valid kernel parameter, valid parameters are: "
                + ", ".join(f"'{k}'" for k in sorted(known))
            )
        if key == "biological_time":
            if float(params[key]) != 0.0:
                raise _k.BadProperty(
                    "The simulation time can only be set to 0.0 (biological_time is read-only "
                    "otherwise)."
                )
        elif key in _ENGINE_SETTINGS:
            # NEST can set these; spindle's engine cannot (yet): the same value is accepted.
            current = (
                _network_status(s, key) if key in _NEEDS_NETWORK else _kernel_status(s)[key]
            )
            if float(params[key]) != float(current):
                raise _k.NotImplemented(f"spindle cannot set {key}: {_ENGINE_SETTINGS[key]}")
        elif key in _READ_ONLY and key not in _DELAY_KEYS:
            raise ValueError(f"`{key}` is a readonly kernel parameter")
    if (_DELAY_KEYS[0] in params) != (_DELAY_KEYS[1] in params):
        raise _k.BadProperty("Both min_delay and max_delay have to be specified")
    # NEST sets the resolution before the delay extrema, whatever the order in the dict.
    ordered = sorted(params.items(), key=lambda kv: _KEY_ORDER.get(kv[0], 3))
    if "tics_per_ms" in params or "resolution" in params:
        _set_time_base(s, params)
        # NEST keeps the waveform-relaxation interval at least one step, and at one step
        # while waveform relaxation is off.
        tuning = _tuning[0]
        if tuning["wfr_comm_interval"] < s.resolution or not tuning["use_wfr"]:
            tuning["wfr_comm_interval"] = s.resolution
    for key, value in ordered:
        if key in ("resolution", "tics_per_ms"):
            pass  # set above, before the delay extrema (NEST's order)
        elif key == "min_delay":
            s.set_delay_extrema(float(value), float(params["max_delay"]))
        elif key == "rng_seed":
            if not 1 <= int(value) < 2**32:
                raise _k.BadProperty("RNG seed must be in (0, 2^32-1).")
            if s.engine is not None:
                # NEST reseeds its generators: what is drawn from now on uses the new seed
                # (docs/python.md, "Random numbers").
                s.engine.set_seed(int(value))
                s.seed_changed = True
            s.rng_seed = int(value)
            _parameter.seed(s.rng_seed)
        elif key in ("local_num_threads", "total_num_virtual_procs"):
            if int(value) < 1:
                raise _k.BadProperty("Number of threads must be at least 1.")
            if s.engine is not None:
                raise _k.KernelException(
                    "Nodes exist: Thread/process number cannot be changed."
                )
            s.threads = int(value)
        elif key == "data_path":
            s.set_data_path(value)
        elif key == "data_prefix":
            s.set_data_prefix(value)
        elif key == "overwrite_files":
            s.overwrite_files = bool(value)
        elif key == "print_time":
            s.print_time = bool(value)
        elif key == "verbosity":
            from ._extras import _as_verbosity

            _verbosity[0] = _as_verbosity(value)
        elif key == "biological_time":
            # NEST sets the clock back to 0 (and only to 0); spindle's clock cannot go back.
            if _kernel_status(s)["biological_time"] != 0.0:
                raise _k.NotImplemented(
                    "spindle cannot set biological_time back to 0.0 after Simulate"
                )
        elif key == "use_wfr" and s.entries:
            raise _k.KernelException(
                "Cannot enable/disable usage of waveform relaxation after nodes have been "
                "created. Please call ResetKernel first."
            )
        elif key.startswith("wfr_") or key in ("rng_type", "eprop_update_interval",
                                                 "eprop_learning_window"):
            _set_kernel_extra(s, key, value)
        elif key in _TUNING_DEFAULTS:
            import numpy as np

            if not isinstance(value, (bool, np.bool_)):
                raise _k.TypeMismatch(
                    f"Expected datatype: Failed to cast '{key}' from "
                    f"{type(value).__name__} to type bool"
                )
            if key == "dict_miss_is_error" and not value:
                raise _k.NotImplemented(
                    "spindle always raises for unknown keys (dict_miss_is_error = False "
                    "is not supported)"
                )
            _tuning[0][key] = bool(value)
            if key == "use_wfr" and not value:
                _tuning[0]["wfr_comm_interval"] = s.resolution


def _set_kernel_extra(s, key, value):
    """`rng_type` and the waveform-relaxation keys, checked as NEST's kernel checks them."""
    tuning = _tuning[0]
    if key in ("eprop_update_interval", "eprop_learning_window"):
        if isinstance(value, (str, bytes)) or not isinstance(value, numbers.Real):
            raise _k.TypeMismatch(
                f"Expected datatype: Failed to cast '{key}' from {type(value).__name__} to "
                "type double."
            )
        if float(value) <= 0:
            raise _k.KernelException(f"{key} > 0 required.")
        if key == "eprop_learning_window" and float(value) > tuning["eprop_update_interval"]:
            raise _k.KernelException("eprop_learning_window <= eprop_update_interval required.")
        tuning[key] = float(value)
        return
    if key == "rng_type":
        if value not in _RNG_TYPES:
            raise _k.BadProperty(
                f"'{value}' is not a known RNG type. See /rng_types for available types"
            )
        tuning[key] = str(value)
        return
    number = int if key in ("wfr_max_iterations", "wfr_interpolation_order") else float
    try:
        value = number(value)
    except (TypeError, ValueError):
        raise _k.TypeMismatch(f"{key}: expected a number, got {value!r}") from None
    if key == "wfr_comm_interval":
        if not tuning["use_wfr"]:
            raise _k.KernelException(
                "Cannot set waveform communication interval when usage of waveform "
                "relaxation is disabled. Set use_wfr to true first."
            )
        if s.connections or _network_status(s, "num_connections") != 0:
            raise _k.KernelException(
                "Cannot change waveform communication interval after connections have "
                "been created. Please call ResetKernel first."
            )
        if value < s.resolution:
            raise _k.KernelException(
                "Communication interval of the waveform relaxation must be greater or "
                "equal to the resolution of the simulation."
            )
    elif key == "wfr_tol" and value < 0.0:
        raise _k.KernelException("Tolerance must be zero or positive")
    elif key == "wfr_max_iterations" and value <= 0:
        raise _k.KernelException(
            "Maximal number of iterations  for the waveform relaxation must be positive. To "
            "disable waveform relaxation set use_wfr instead."
        )
    elif key == "wfr_interpolation_order" and value not in (0, 1, 3):
        raise _k.KernelException("Interpolation order must be 0, 1, or 3.")
    tuning[key] = value


def set_verbosity(level):
    """NEST's deprecated set_verbosity: "M_ALL" … "M_QUIET" or a `VerbosityLevel`. At
    ERROR and above spindle's warnings (accepted but surprising input) are not shown."""
    from ._extras import VerbosityLevel, _as_verbosity

    if isinstance(level, (int, VerbosityLevel)) and not isinstance(level, bool):
        try:
            level = VerbosityLevel(int(level))
        except ValueError:
            raise _k.BadProperty(f"unknown verbosity level {level!r}") from None
    try:
        _verbosity[0] = _as_verbosity(level)
    except _k.NESTErrors.TypeMismatch:
        raise _k.BadProperty(f"unknown verbosity level {level!r}") from None


def get_verbosity():
    """NEST's deprecated get_verbosity: the level as an int (NEST 3.10)."""
    return int(_verbosity[0])


def _quiet():
    return int(_verbosity[0]) > 20  # above VerbosityLevel.WARNING


# ---- models -------------------------------------------------------------------------------


def GetDefaults(model, keys=None, output=""):
    """A model's defaults: NEST's values for the keys spindle implements, changed by
    SetDefaults / CopyModel. One key → its value; a list of keys → a list of values (NEST
    3.10); `output="json"` → a JSON string. `model_id` (node models) and `synapse_modelid`
    (synapse models) are spindle's numbers of the models, copies numbered after originals."""
    s = _state.current()
    d = s.defaults(model)
    if "synapse_model" in d:
        d.setdefault("synapse_modelid", s.synapse_models().index(model))
    else:
        d.setdefault("model_id", _collections.model_id(s, model))
    result = d
    if keys is not None:
        if isinstance(keys, str) or not hasattr(keys, "__iter__"):
            result = d[keys]  # KeyError for an unknown key (or a number), as in NEST
        else:
            result = [d[k] for k in keys]
    if output == "json":
        return _extras_to_json(result)
    return result


def _extras_to_json(data):
    from ._extras import to_json

    return to_json(data)


def SetDefaults(model, params, val=None):
    """Change a model's defaults for the nodes (or connections) created after this call."""
    if val is not None:
        params = {params: val}
    _state.current().set_defaults(model, params)


def CopyModel(existing, new, params=None):
    """A new model name: `existing` with `params` as its defaults."""
    _state.current().copy_model(existing, new, params)


# ---- building -----------------------------------------------------------------------------


def Create(model, n=1, params=None, positions=None):
    """Create `n` nodes of `model` (NEST's Create): `params` is a dict (for all nodes, or
    with sequences of length n giving one value per node) or a list of n dicts."""
    if isinstance(n, dict):  # NEST 3.10: Create(model, params) for one node
        if not (params is None and positions is None):
            raise ValueError(
                "A parameter dictionary can be passed as second argument only of Create() is "
                "called with two arguments."
            )
        params, n = n, 1
    state = _state.current()
    if positions is not None:
        return _create_layer(state, model, n, params, positions)
    if isinstance(params, dict) and any(
        isinstance(v, Parameter) and v.is_spatial() for v in params.values()
    ):
        raise _k.KernelException(
            "NodePosParameter: spatial parameters need nodes with positions (Create(..., "
            "positions=...))"
        )
    with state.timed("create"):
        ids = state.create(model, n, params)
    return NodeCollection._of(ids)


def _create_layer(state, model, n, params, positions):
    """Create(model, n, params, positions): a layer (see `_spatial.py`)."""
    if not isinstance(positions, (spatial.free, spatial.grid)):
        raise TypeError(
            "`positions` must be either a nest.spatial.free or a nest.spatial.grid object"
        )
    if isinstance(positions, spatial.grid):
        if n > 1:
            raise ValueError("Cannot specify number of nodes with grid positions")
        n = int(np.prod([int(x) for x in positions.shape]))
    elif not isinstance(positions.pos, _spatial._Dimension):
        n = len(positions.pos)
    layer = _spatial.make_layer(state.next_id, n, positions)
    # Parameters drawn from positions are set once the layer exists (NEST's layer.set).
    spatial_params = {}
    if isinstance(params, dict):
        spatial_params = {k: v for k, v in params.items()
                          if isinstance(v, Parameter) and v.is_spatial()}
        params = {k: v for k, v in params.items() if k not in spatial_params} or None
    with state.timed("create"):
        ids = state.create(model, n, params)
    _spatial.register(layer)
    nc = NodeCollection._of(ids)
    if spatial_params:
        nc.set(spatial_params)
    return nc


def _collection(x, role):
    if isinstance(x, NodeCollection):
        _collections._state_of(x._gen)
        return x
    raise TypeError(f"Connect: {role} must be a NodeCollection")


def _connect_nodes(pre, post, conn_spec):
    """PyNEST 3.10's checks of Connect's `pre` and `post` (`_process_input_nodes`): lists or
    arrays of unique ids become NodeCollections unless the rule is one_to_one; otherwise they
    are NEST's `connect_arrays` case, checked as NEST checks it (same length, integer ids,
    one dimension, rule one_to_one). Returns (pre, post, explicit): NodeCollections, or for
    connect_arrays the two id arrays and True. An empty collection is an IllegalConnection,
    one from before ResetKernel a KernelException."""
    import numpy as np

    rule = conn_spec.get("rule", "all_to_all") if isinstance(conn_spec, dict) else conn_spec
    one_to_one = rule == "one_to_one"
    arrays = False
    out = []
    for x in (pre, post):
        if not isinstance(x, NodeCollection):
            if not one_to_one and len(set(x)) == len(x):
                x = NodeCollection(x)
            else:
                arrays = True
        out.append(x)
    if arrays:
        if len(out[0]) != len(out[1]):
            raise ValueError(
                "If 'pre' or 'post' contain non-unique IDs, then they must have the same length."
            )
        out = [np.asarray(x.tolist() if isinstance(x, NodeCollection) else x) for x in out]
        for name, x in zip(("pre", "post"), out):
            if not issubclass(x.dtype.type, (int, np.integer)):
                raise TypeError(f"'{name}' node IDs must be integers.")
        if not (out[0].ndim == 1 and out[1].ndim == 1):
            raise ValueError("Sources and targets must be 1-dimensional arrays")
        if not one_to_one:
            raise ValueError(
                "When connecting two arrays with non-unique IDs, `conn_spec` must be 'one_to_one'."
            )
        n_ids = _state.current().next_id - 1
        for x in out:
            bad = x[(x < 1) | (x > n_ids)]
            if len(bad):
                raise _k.UnknownNode(f"Node with id {int(bad[0])} does not exist.")
        return out[0], out[1], True
    pre, post = out
    for x in (pre, post):
        if x._gen is not None and x._gen != _state.current().generation:
            raise _k.KernelException(
                "InvalidNodeCollection: sources and targets must be valid NodeCollections "
                "(a NodeCollection made before the last ResetKernel is not)."
            )
    if not pre or not post:
        raise _k.IllegalConnection(
            "Creation of connection is not possible because:\n"
            "Sources and targets must not be empty."
        )
    return pre, post, False


def _connect_arrays_syn(syn_spec, n):
    """PyNEST's syn_spec checks of `connect_arrays`: a synapse model by default, `weight`,
    `delay` and `receptor_type` as scalars or arrays of one value per pair. Other keys of the
    model take a scalar, or an array whose values are all equal (spindle has no per-connection
    values of a plastic synapse's own parameters yet). NEST refuses a scalar weight or delay
    (TypeError)."""
    import numpy as np

    if syn_spec is None:
        return {"synapse_model": "static_synapse"}
    if isinstance(syn_spec, str):
        return {"synapse_model": syn_spec}
    if not isinstance(syn_spec, dict):
        raise TypeError("syn_spec must be a dict or the name of a synapse model")
    if "synapse_model" in syn_spec and not isinstance(syn_spec["synapse_model"], str):
        raise TypeError("'synapse_model' must be specified by a 'str'.")
    if "weights" in syn_spec:
        raise ValueError("To specify weights, use 'weight' in syn_spec.")
    if "delays" in syn_spec:
        raise ValueError("To specify delays, use 'delay' in syn_spec.")
    out = {}
    for key, value in syn_spec.items():
        if key in ("weight", "delay") and not isinstance(value, (list, tuple, np.ndarray)):
            raise TypeError(f"{key}s must be a 1-dimensional NumPy array")
        if isinstance(value, (list, tuple, np.ndarray)):
            value = np.asarray(value)
            if value.ndim != 1 or value.shape[0] != n:
                raise ValueError(f"'{key}' has to be an array of dimension {n}.")
            if key not in ("weight", "delay", "receptor_type"):
                if key == "synapse_label":
                    raise _k.NotImplemented("spindle has no synapse labels")
                if len(value) and not bool(np.all(value == value[0])):
                    raise _k.NotImplemented(
                        f"connect_arrays with per-connection values of {key!r}: spindle "
                        "connects a synapse model's own parameters with one value per Connect"
                    )
                value = value[0] if len(value) else None
                if value is None:
                    continue
        out[key] = value
    return out


def Connect(pre, post, conn_spec=None, syn_spec=None, return_synapsecollection=False):
    """Connect `pre` to `post` (NEST's Connect): conn_spec a rule name or dict (all_to_all,
    one_to_one, fixed_indegree, fixed_outdegree, fixed_total_number, pairwise_bernoulli,
    pairwise_poisson, symmetric_pairwise_bernoulli; make_symmetric with one_to_one),
    syn_spec a synapse model with its parameters (weight, delay, receptor_type; a number or a
    spindle.random distribution each). Spatial conn_specs (a `mask`, or spatial parameters)
    are expanded by `spindle.spatial`; two id arrays with rule one_to_one are NEST's
    connect_arrays (pairs in the given order, per-pair weight, delay and receptor_type)."""
    pre, post, explicit = _connect_nodes(pre, post, conn_spec)
    if _run_state["prepared"]:
        raise _k.KernelException("Connect: not possible between Prepare and Cleanup.")
    s = _state.current()
    if isinstance(conn_spec, dict) and any(
        isinstance(v, Parameter) and not isinstance(v._spec, dict) for v in conn_spec.values()
    ):
        # A constant parameter as p / indegree / outdegree is its value.
        conn_spec = {k: (v._spec if isinstance(v, Parameter) and not isinstance(v._spec, dict)
                         else v) for k, v in conn_spec.items()}
        for key in ("indegree", "outdegree", "N"):
            if isinstance(conn_spec.get(key), float):
                conn_spec[key] = int(conn_spec[key])
    if not explicit and (
        _spatial.needed(conn_spec, syn_spec)
        or (_random_conn_parameter(conn_spec) and _spatial.layer_of(pre, required=False)
            and _spatial.layer_of(post, required=False))
    ):
        if conn_spec is None:
            conn_spec = {"rule": "all_to_all"}
        if isinstance(conn_spec, str):
            conn_spec = {"rule": conn_spec}
        with warnings.catch_warnings():
            if _quiet():
                warnings.simplefilter("ignore")
            with s.timed("connect"):
                _spatial.connect(pre, post, dict(conn_spec), syn_spec)
        if return_synapsecollection:
            return GetConnections(pre, post)
        return None
    if explicit:
        if return_synapsecollection:
            raise ValueError(
                "SynapseCollection cannot be returned when connecting two arrays of node IDs"
            )
        syn_spec = _connect_arrays_syn(syn_spec, len(pre))
        if len(pre) == 0:
            return None
        conn_spec = {"rule": "one_to_one"}
    with warnings.catch_warnings():
        if _quiet():
            warnings.simplefilter("ignore")
        with s.timed("connect"):
            s.connect(pre.tolist(), post.tolist(), conn_spec, syn_spec, explicit)
    if return_synapsecollection:
        return GetConnections(pre, post)
    return None


def _random_conn_parameter(conn_spec):
    """Whether a conn_spec value is a (non-constant) parameter: between layers the spatial
    expansion draws it per pair."""
    return isinstance(conn_spec, dict) and any(
        isinstance(v, Parameter) and isinstance(v._spec, dict) for v in conn_spec.values()
    )


def Simulate(t):
    """Simulate `t` ms more (NEST's Simulate). The first call builds the network; later
    calls continue it. The GIL is released while the engine runs."""
    if _run_state["prepared"]:
        raise _k.KernelException("Simulate called between Prepare and Cleanup.")
    state = _state.current()
    _prepare(state)
    try:
        with state.timed("simulate"):
            state.simulate(t)
    finally:
        _run_state["prepared"] = False


def _prepare(state) -> None:
    """NEST's Prepare: the kernel is prepared from here on, also when a recording backend
    then refuses (an ascii file that exists, NEST's IOError: Cleanup follows)."""
    _run_state["prepared"] = True
    state.prepare_outputs()


def Prepare():
    """Start a series of `Run` calls (NEST's Prepare): builds the network and opens the
    recorders' ascii files. It
    checks the order of the calls as NEST does: Prepare twice, Run or Cleanup without
    Prepare, and Simulate in between raise KernelException."""
    if _run_state["prepared"]:
        raise _k.KernelException("Prepare called twice.")
    state = _state.current()
    # NEST builds in Prepare what was created and connected since the last run, so a script
    # that times Prepare times the build, as the microcircuit model does.
    if state.entries:
        with state.timed("connect"):
            state.kernel().build()
    _prepare(state)


def Run(t):
    """Simulate `t` ms more between Prepare and Cleanup (NEST's Run)."""
    if not _run_state["prepared"]:
        raise _k.KernelException("Run called without calling Prepare.")
    state = _state.current()
    with state.timed("simulate"):
        state.simulate(t)


def Cleanup():
    """End a series of `Run` calls (NEST's Cleanup)."""
    if not _run_state["prepared"]:
        raise _k.KernelException("Cleanup called without calling Prepare.")
    _run_state["prepared"] = False


def GetConnections(source=None, target=None, synapse_model=None, synapse_label=None):
    """The connections from `source` and to `target` (NodeCollections; None: any) of
    `synapse_model` (None: any), as a SynapseCollection in NEST's order: by source, then in
    creation order. Builds the network if needed."""
    if synapse_label is not None:
        raise _k.NotImplemented("spindle has no synapse labels")
    s = _state.current()
    # NEST checks the arguments before it looks for connections (also when there are none).
    for role, side in (("source", source), ("target", target)):
        if side is not None:
            if not isinstance(side, NodeCollection):
                raise TypeError(f"{role} must be NodeCollection.")
            _collections._state_of(side._gen)
    if synapse_model is not None:
        # Copies of static_synapse are not told apart: a static name selects every static
        # connection; models with state are selected by name.
        s.resolve_synapse(synapse_model)
    if not s.entries:
        return SynapseCollection()
    import numpy as np

    cols = [np.frombuffer(b, np.int64 if i in (0, 1, 2, 5, 6, 7) else np.float64)
            for i, b in enumerate(s.ensure_engine().synapses())]
    src, tgt, handle, _, _, _, thread, port = cols
    keep = np.ones(len(src), bool)
    for side, values in ((source, src), (target, tgt)):
        if side is not None:
            keep &= _in(values, _collection(side, "source/target").tolist())
    if synapse_model is not None:
        models = np.asarray(
            [d.get("synapse_model", "static_synapse")
             for d in s.ensure_engine().synapse_states(handle.tolist())]
        )
        if synapse_model in s.plastic:
            keep &= models == synapse_model
        else:
            keep &= models == "static_synapse"
    return SynapseCollection(src[keep], tgt[keep], handle[keep], thread[keep], port[keep])


def Disconnect(*args, conn_spec=None, syn_spec=None):
    """Remove connections (NEST's Disconnect): `Disconnect(synapse_collection)` removes
    exactly those; `Disconnect(pre, post, conn_spec=..., syn_spec=...)` with rule `one_to_one`
    (the default: pre[i] from post[i]) or `all_to_all` (every pair) removes the first
    connection of each pair in creation order. A pair without a connection raises
    InexistentConnection and removes nothing. Acts from the next delivery on."""
    s = _state.current()
    if len(args) == 1 and isinstance(args[0], SynapseCollection):
        if conn_spec is not None or syn_spec is not None:
            raise TypeError("Disconnect(SynapseCollection) takes no conn_spec or syn_spec")
        c = args[0]
        _collections._state_of(c._gen)
        if len(c):
            s.ensure_engine().disconnect_synapses(c._handle.tolist())
        s.note_synapse_change("Disconnect")
        return
    if len(args) != 2 or not all(isinstance(a, NodeCollection) for a in args):
        raise TypeError("Arguments must be either a SynapseCollection or two NodeCollections")
    pre, post = args
    _collections._state_of(pre._gen)
    _collections._state_of(post._gen)
    rule = "one_to_one"
    if isinstance(conn_spec, str):
        rule = conn_spec
    elif isinstance(conn_spec, dict):
        rule = conn_spec.get("rule", rule)
    elif conn_spec is not None:
        raise TypeError("conn_spec must be a string or dict")
    if isinstance(syn_spec, str):
        if syn_spec not in s.synapse_defaults and syn_spec not in s.plastic:
            _inexistent()
    elif isinstance(syn_spec, dict) and "synapse_model" in syn_spec:
        model = syn_spec["synapse_model"]
        if model not in s.synapse_defaults and model not in s.plastic:
            _inexistent()
    if rule == "one_to_one":
        if len(pre) != len(post):
            raise _k.DimensionMismatch(
                "Source and target NodeCollections must be of the same size for one_to_one."
            )
        pairs = list(zip(pre.tolist(), post.tolist()))
    elif rule == "all_to_all":
        pairs = [(a, b) for a in pre.tolist() for b in post.tolist()]
    else:
        raise _k.NotImplemented("This disconnection rule is not implemented.")
    s.ensure_engine().disconnect_pairs(pairs)
    s.note_synapse_change("Disconnect")


def _inexistent():
    raise _k.InexistentConnection(
        "Deletion of connection is not possible because it does not exist."
    )


def _in(values, ids):
    import numpy as np

    return np.isin(values, np.asarray(ids, np.int64))


def GetStatus(nodes, keys=None, output=""):
    """Deprecated PyNEST form of `nodes.get`: a tuple with one dict (or value) per node."""
    if isinstance(nodes, SynapseCollection):
        result = tuple(c.get(keys) if keys is not None else c.get() for c in nodes)
        return _extras_to_json(result) if output == "json" else result
    # PyNEST 3.10's GetStatus, which keeps NEST 3.9's output format on top of `get`.
    if len(nodes) == 0:
        return "[]" if output == "json" else tuple()
    if keys:
        result = nodes.get(keys)
        if isinstance(keys, str):
            if len(nodes) == 1:
                result = (result,)
        elif len(nodes) == 1:
            result = (tuple(result.values()),)
        else:
            result = tuple(zip(*result.values()))
    else:
        result = nodes.get()
        if len(nodes) == 1:
            result = (result,)
        else:
            result = tuple({k: v[j] for k, v in result.items()} for j in range(len(nodes)))
    return _extras_to_json(result) if output == "json" else result


def SetStatus(nodes, params, val=None):
    """Deprecated PyNEST form of `nodes.set`."""
    if val is not None:
        params = {params: val}
    nodes.set(params)


def export_scenario(path):
    """Write the network built so far, and the Simulate calls made so far, as a scenario
    file: `spindle run PATH` reproduces this run's recordings bit for bit."""
    _state.current().export(path)


# ---- kernel attributes as module attributes (nest.resolution = 0.1) -----------------------


def _attribute(key):
    def get(_module):
        return GetKernelStatus(key)

    def put(_module, value):
        SetKernelStatus({key: value})

    return property(get, put, doc=f"The kernel attribute {key!r}.")


class _SpindleModule(types.ModuleType):
    """The `spindle` module, with NEST's kernel attributes as properties."""


for _key in (*_kernel_status(_state.current()), *_NEEDS_NETWORK):
    setattr(_SpindleModule, _key, _attribute(_key))
# NEST's `nest.kernel_status`: the whole GetKernelStatus dict, read-only.
_SpindleModule.kernel_status = property(
    lambda _module: GetKernelStatus(), doc="GetKernelStatus() as an attribute (read-only)."
)

sys.modules[__name__].__class__ = _SpindleModule

# Close an HDF5 file being written when the interpreter exits (it is complete after every
# Simulate anyway; this closes it cleanly).
atexit.register(lambda: _state.current().drop_engine())
from ._extras import *  # noqa: F401,F403,E402  (PyNEST helpers, see _extras.py)
from . import _extras  # noqa: E402

_verbosity[0] = _extras.VerbosityLevel.INFO
# nest.set / nest.get (kernel attributes) live on the module class, so that they do not
# shadow the builtins inside this file.
_SpindleModule.set = staticmethod(_extras.set)
_SpindleModule.get = staticmethod(_extras.get)


# ---- spatial networks (PyNEST's hl_api_spatial; the semantics are in _spatial.py) ---------


def CreateMask(masktype, specs, anchor=None):
    """A mask (NEST's CreateMask): 'rectangular' {lower_left, upper_right, azimuth_angle},
    'circular' {radius}, 'doughnut' {inner_radius, outer_radius}, 'elliptical' {major_axis,
    minor_axis, azimuth_angle}, 'box', 'spherical', 'ellipsoidal' (3-D, with polar_angle /
    polar_axis), 'grid' {shape} (grid layers); `anchor` shifts it. Masks combine with `&`,
    `|` and `-`; `Inside(point)` tests a displacement."""
    return _spatial.create_mask(masktype, specs, anchor)


def GetPosition(nodes):
    """The position of each node of a layer (one position for one node)."""
    if not isinstance(nodes, NodeCollection):
        raise TypeError("nodes must be a NodeCollection with spatial extent")
    return _spatial.get_position(nodes)


def Displacement(from_arg, to_arg):
    """NEST's Displacement: per pair, the position of `from_arg` (nodes or points) minus
    that of `to_arg`, wrapped where `to_arg`'s layer is periodic."""
    return _spatial.displacement(from_arg, to_arg)


def Distance(from_arg, to_arg):
    """The length of each `Displacement`."""
    return _spatial.distance(from_arg, to_arg)


def FindNearestElement(layer, locations, find_all=False):
    """The node of `layer` nearest to each location (all the nearest with `find_all`)."""
    if not isinstance(layer, NodeCollection):
        raise TypeError("layer must be a NodeCollection")
    if not len(layer) > 0:
        raise ValueError("layer cannot be empty")
    if not hasattr(locations, "__iter__"):
        raise TypeError("locations must be coordinate array or list of coordinate arrays")
    if not hasattr(locations[0], "__iter__"):
        locations = (locations,)
    result = []
    for loc in locations:
        d = Distance(np.array(loc), layer)
        if not find_all:
            result.append(layer[int(np.argmin(d))])
        else:
            minnode, minval = list(layer[:1]), d[0]
            for idx in range(1, len(layer)):
                if d[idx] < minval:
                    minnode, minval = [layer[idx]], d[idx]
                elif np.abs(d[idx] - minval) <= 1e-14 * minval:
                    minnode.append(layer[idx])
            result.append(minnode)
    return result[0] if len(result) == 1 else result


def FindCenterElement(layer):
    """The node of `layer` nearest to its center."""
    if not isinstance(layer, NodeCollection):
        raise TypeError("layer must be a NodeCollection")
    nearest = FindNearestElement(layer, layer.spatial["center"])[0]
    index = layer.index(nearest.get("global_id"))
    return layer[index : index + 1]


def _grouped(conns, keys, by_source):
    out = {k: [] for k in keys}
    for s, t in zip(conns.sources(), conns.targets()):
        if by_source:
            out[s].append(t)
        else:
            out[t].append(s)
    return out


def GetTargetNodes(sources, tgt_layer, syn_model=None):
    """Per source, the NodeCollection of its targets in `tgt_layer`."""
    if not isinstance(sources, NodeCollection):
        raise TypeError("sources must be a NodeCollection.")
    if not isinstance(tgt_layer, NodeCollection):
        raise TypeError("tgt_layer must be a NodeCollection")
    m = _grouped(GetConnections(sources, tgt_layer, synapse_model=syn_model),
                 sources.tolist(), True)
    return tuple(NodeCollection(sorted(set(m[s]))) for s in sources.tolist())


def GetSourceNodes(src_layer, targets, syn_model=None):
    """Per target, the NodeCollection of its sources in `src_layer`."""
    if not isinstance(src_layer, NodeCollection):
        raise TypeError("src_layer must be a NodeCollection")
    if not isinstance(targets, NodeCollection):
        raise TypeError("targets must be a NodeCollection.")
    m = _grouped(GetConnections(src_layer, targets, synapse_model=syn_model),
                 targets.tolist(), False)
    return tuple(NodeCollection(sorted(set(m[t]))) for t in targets.tolist())


def GetTargetPositions(sources, tgt_layer, syn_model=None):
    """Per source, the positions of its targets in `tgt_layer` (one per connection)."""
    if not isinstance(sources, NodeCollection):
        raise TypeError("sources must be a NodeCollection.")
    pos = _spatial._nc_positions(tgt_layer)[1].tolist()
    first = tgt_layer.tolist()[0]
    m = _grouped(GetConnections(sources, tgt_layer, synapse_model=syn_model),
                 sources.tolist(), True)
    return [[pos[t - first] for t in m[s]] for s in sources.tolist()]


def GetSourcePositions(src_layer, targets, syn_model=None):
    """Per target, the positions of its sources in `src_layer` (one per connection)."""
    if not isinstance(targets, NodeCollection):
        raise TypeError("targets must be a NodeCollection.")
    pos = _spatial._nc_positions(src_layer)[1].tolist()
    first = src_layer.tolist()[0]
    m = _grouped(GetConnections(src_layer, targets, synapse_model=syn_model),
                 targets.tolist(), False)
    return [[pos[s - first] for s in m[t]] for t in targets.tolist()]


def SelectNodesByMask(layer, anchor, mask_obj):
    """The nodes of `layer` inside `mask_obj` placed at `anchor`."""
    if not isinstance(layer, NodeCollection):
        raise TypeError("layer must be a NodeCollection.")
    return _spatial.select_nodes_by_mask(layer, anchor, mask_obj)


def DumpLayerNodes(layer, outname):
    """Write `id x y [z]` per node of `layer` to `outname`."""
    if not isinstance(layer, NodeCollection):
        raise TypeError("layer must be a NodeCollection")
    _spatial.dump_layer_nodes(layer, str(outname))


def DumpLayerConnections(source_layer, target_layer, synapse_model, outname):
    """Write `source target weight delay dx dy [dz]` per connection to `outname`."""
    if not isinstance(source_layer, NodeCollection):
        raise TypeError("source_layer must be a NodeCollection")
    if not isinstance(target_layer, NodeCollection):
        raise TypeError("target_layer must be a NodeCollection")
    _spatial.dump_layer_connections(source_layer, target_layer, synapse_model, str(outname))


def PlotLayer(layer, fig=None, nodecolor="b", nodesize=20):
    """Scatter plot of the node positions of a 2-D layer (matplotlib); returns the figure."""
    import matplotlib.pyplot as plt

    if not isinstance(layer, NodeCollection):
        raise TypeError("layer must be a NodeCollection.")
    pos = np.atleast_2d(np.asarray(GetPosition(layer)))
    if fig is None:
        fig = plt.figure()
    ax = fig.gca() if fig.axes else fig.add_subplot(111)
    if pos.shape[1] == 3:
        raise _k.NotImplemented("PlotLayer of a 3-D layer")
    ax.scatter(pos[:, 0], pos[:, 1], s=nodesize, facecolor=nodecolor)
    sp = layer.spatial
    ext, ctr = sp["extent"], sp["center"]
    ax.set_xlim(ctr[0] - ext[0] / 2.0, ctr[0] + ext[0] / 2.0)
    ax.set_ylim(ctr[1] - ext[1] / 2.0, ctr[1] + ext[1] / 2.0)
    ax.set_aspect("equal", "box")
    return fig


def _plot_connected(center, layer, positions, fig, color, size, center_color, center_size,
                    mask, probability_parameter, mask_color, probability_cmap):
    """PlotTargets / PlotSources: the connected nodes' positions, the node itself, and the
    mask and probability around it."""
    import matplotlib.pyplot as plt

    if not isinstance(center, NodeCollection) or len(center) != 1:
        raise TypeError("src_nrn must be a single element NodeCollection.")
    if not isinstance(layer, NodeCollection):
        raise TypeError("tgt_layer must be a NodeCollection.")
    here = GetPosition(center)
    sp = layer.spatial
    (xext, yext), (xctr, yctr) = sp["extent"][:2], sp["center"][:2]
    if fig is None:
        fig = plt.figure()
        ax = fig.add_subplot(111, projection="3d" if len(sp["extent"]) == 3 else None)
    else:
        ax = fig.gca()
    if len(sp["extent"]) == 3:
        if positions and positions[0]:
            ax.scatter3D(*zip(*positions[0]), s=size, facecolor=color)
        ax.scatter3D(here[:1], here[1:2], here[2:], s=center_size, facecolor=center_color,
                     alpha=0.4, zorder=-10)
        return fig
    if positions and positions[0]:
        xs, ys = zip(*positions[0])
        ax.scatter(xs, ys, s=size, facecolor=color)
    ax.scatter(here[:1], here[1:], s=center_size, facecolor=center_color, alpha=0.4, zorder=-10)
    if mask is not None or probability_parameter is not None:
        PlotProbabilityParameter(center, probability_parameter, mask=mask,
                                 edges=[xctr - xext, xctr + xext, yctr - yext, yctr + yext],
                                 ax=ax, prob_cmap=probability_cmap, mask_color=mask_color)
    import matplotlib.patches as mpatches

    ax.add_patch(mpatches.Rectangle((xctr - xext / 2, yctr - yext / 2), xext, yext, fill=False,
                                    ec="k", lw=1, ls="--", zorder=-20))
    ax.set_xlim(xctr - xext / 2 - 0.05 * xext, xctr + xext / 2 + 0.05 * xext)
    ax.set_ylim(yctr - yext / 2 - 0.05 * yext, yctr + yext / 2 + 0.05 * yext)
    return fig


def PlotTargets(src_nrn, tgt_layer, syn_type=None, fig=None, mask=None, probability_parameter=None,
                src_color="red", src_size=50, tgt_color="blue", tgt_size=20, mask_color="yellow",
                probability_cmap="Greens"):
    """Plot the targets of one source in `tgt_layer` (matplotlib), with the mask and the
    connection probability if given; returns the figure."""
    if not isinstance(src_nrn, NodeCollection) or len(src_nrn) != 1:
        raise TypeError("src_nrn must be a single element NodeCollection.")
    return _plot_connected(src_nrn, tgt_layer, GetTargetPositions(src_nrn, tgt_layer, syn_type),
                           fig, tgt_color, tgt_size, src_color, src_size, mask,
                           probability_parameter, mask_color, probability_cmap)


def PlotSources(src_layer, tgt_nrn, syn_type=None, fig=None, mask=None, probability_parameter=None,
                tgt_color="red", tgt_size=50, src_color="blue", src_size=20, mask_color="yellow",
                probability_cmap="Greens"):
    """Plot the sources of one target in `src_layer` (matplotlib), with the mask and the
    connection probability if given; returns the figure."""
    if not isinstance(tgt_nrn, NodeCollection) or len(tgt_nrn) != 1:
        raise TypeError("tgt_nrn must be a single element NodeCollection.")
    return _plot_connected(tgt_nrn, src_layer, GetSourcePositions(src_layer, tgt_nrn, syn_type),
                           fig, src_color, src_size, tgt_color, tgt_size, mask,
                           probability_parameter, mask_color, probability_cmap)


def _mask_patches(mask, node, color):
    """matplotlib patches of a 2-D mask dict around `node` (and its periodic images)."""
    import matplotlib.patches as mpatches
    import matplotlib.transforms as mtransforms

    sp = node.spatial
    here = np.asarray(GetPosition(node), float) + np.asarray(mask.get("anchor", [0.0, 0.0]))
    shifts = [np.zeros(2)]
    if sp["edge_wrap"]:
        ext = np.asarray(sp["extent"], float)
        shifts += [np.array([i, j]) * ext for i in (-1, 0, 1) for j in (-1, 0, 1) if i or j]
    style = {"fc": color, "ec": "black", "alpha": 0.2, "lw": 2}
    patches = []
    for shift in shifts:
        at = here + shift
        if "circular" in mask:
            patches.append(mpatches.Circle(at, mask["circular"]["radius"], **style))
        elif "doughnut" in mask:
            d = mask["doughnut"]
            r = d["outer_radius"]
            patches.append(mpatches.Annulus(at, r, r - d["inner_radius"], **style))
        elif "rectangular" in mask:
            d = mask["rectangular"]
            ll, ur = np.asarray(d["lower_left"], float), np.asarray(d["upper_right"], float)
            w, h = ur - ll
            p = mpatches.Rectangle(at + ll, w, h, **style)
            angle = d.get("azimuth_angle", 0.0)
            if angle:
                c = at + ll + np.array([w, h]) / 2
                p.set_transform(mtransforms.Affine2D().rotate_deg_around(c[0], c[1], angle))
            patches.append(p)
        elif "elliptical" in mask:
            d = mask["elliptical"]
            patches.append(mpatches.Ellipse(at + np.asarray(d.get("anchor", [0.0, 0.0])),
                                            d["major_axis"], d["minor_axis"],
                                            angle=d.get("azimuth_angle", 0.0), **style))
        else:
            raise ValueError("Mask type cannot be plotted with this version of PyNEST.")
    return patches


def PlotProbabilityParameter(source, parameter=None, mask=None, edges=[-0.5, 0.5, -0.5, 0.5],
                             shape=[100, 100], ax=None, prob_cmap="Greens", mask_color="yellow"):
    """Image of a connection probability parameter around `source`, clipped to [0, 1], on a
    `shape` grid over `edges`, and the mask's outline (matplotlib)."""
    import matplotlib.pyplot as plt

    if parameter is None and mask is None:
        raise ValueError("At least one of parameter or mask must be specified")
    if ax is None:
        _, ax = plt.subplots()
    ax.set_xlim(*edges[:2])
    ax.set_ylim(*edges[2:])
    if parameter is not None:
        z = np.zeros(shape[::-1])
        ys = np.linspace(edges[2], edges[3], shape[1])
        for i, x in enumerate(np.linspace(edges[0], edges[1], shape[0])):
            z[:, i] = parameter.apply(source, [[x, y] for y in ys])
        img = ax.imshow(np.minimum(np.maximum(z, 0.0), 1.0), extent=edges, origin="lower",
                        cmap=prob_cmap, vmin=0.0, vmax=1.0)
        plt.colorbar(img, ax=ax, fraction=0.046, pad=0.04)
    if mask is not None:
        for patch in _mask_patches(mask, source, mask_color):
            patch.set_zorder(0.5)
            if patch.get_transform() is not None and not patch.get_transform().contains_branch(
                ax.transData
            ):
                patch.set_transform(patch.get_transform() + ax.transData)
            ax.add_patch(patch)
    return ax
