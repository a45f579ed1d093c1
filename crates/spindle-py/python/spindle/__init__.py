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
import sys
import types
import warnings

from . import _state, kernel, random
from . import kernel as _k
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
    "GetStatus",
    "SetStatus",
    "set_verbosity",
    "get_verbosity",
    "export_scenario",
    "kernel",
    "random",
]


# ---- the kernel ---------------------------------------------------------------------------

# The kernel's verbosity, a `VerbosityLevel` (INFO = 10 by default, as in NEST).
_verbosity = [None]


def ResetKernel():
    """Forget every node, connection, setting and recording (NEST's ResetKernel). An HDF5
    file being written is closed first."""
    _state.reset()


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
        "data_prefix": s.data_prefix,
        "overwrite_files": s.overwrite_files,
        "print_time": s.print_time,
        "ms_per_tic": 0.001,
        "tics_per_ms": 1000.0,
        "tics_per_step": int(round(s.resolution * 1000)),
        "node_models": tuple(s.node_models()),
        "synapse_models": tuple(s.synapse_models()),
        "connection_rules": (
            "all_to_all",
            "fixed_indegree",
            "fixed_outdegree",
            "fixed_total_number",
            "one_to_one",
            "pairwise_bernoulli",
        ),
        "verbosity": _verbosity[0],
        "local_spike_counter": engine.spike_count() if engine is not None else 0,
        "build_info": _build_info(),
    }
    return status


# Attributes computed from the built network: building is deferred until asked for.
_NEEDS_NETWORK = ("num_connections", "min_delay", "max_delay")
_READ_ONLY = (
    "biological_time",
    "network_size",
    "num_processes",
    "mpi_rank",
    "ms_per_tic",
    "tics_per_ms",
    "tics_per_step",
    "node_models",
    "synapse_models",
    "connection_rules",
    "local_spike_counter",
    "build_info",
    *_NEEDS_NETWORK,
)


def _network_status(s, key):
    if not s.entries:
        return 0 if key == "num_connections" else s.resolution
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
        if key in _READ_ONLY:
            raise _k.BadProperty(f"{key} is read-only.")
    for key, value in params.items():
        if key == "resolution":
            if s.entries:
                raise _k.KernelException(
                    "Nodes have already been created: time representation cannot be changed."
                )
            if not float(value) > 0:
                raise _k.BadProperty("The resolution must be greater than zero.")
            s.resolution = float(value)
        elif key == "rng_seed":
            if not 1 <= int(value) < 2**32:
                raise _k.BadProperty("RNG seed must be in (0, 2^32-1).")
            if s.engine is not None:
                raise _k.KernelException(
                    "spindle takes rng_seed before the first node is created (its random "
                    "streams are keyed by the seed from then on)"
                )
            s.rng_seed = int(value)
        elif key in ("local_num_threads", "total_num_virtual_procs"):
            if int(value) < 1:
                raise _k.BadProperty("Number of threads must be at least 1.")
            if s.engine is not None:
                raise _k.KernelException(
                    "Nodes exist: Thread/process number cannot be changed."
                )
            s.threads = int(value)
        elif key == "data_path":
            s.data_path = str(value)
        elif key == "data_prefix":
            s.data_prefix = str(value)
        elif key == "overwrite_files":
            s.overwrite_files = bool(value)
        elif key == "print_time":
            s.print_time = bool(value)
        elif key == "verbosity":
            from ._extras import _as_verbosity

            _verbosity[0] = _as_verbosity(value)


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
    SetDefaults / CopyModel. One key → its value; a list → a dict."""
    if output:
        raise _k.NotImplemented(f"GetDefaults(output={output!r}) is not supported by spindle")
    d = _state.current().defaults(model)
    if keys is None:
        return d
    if isinstance(keys, str):
        return d[keys]
    return {k: d[k] for k in keys}


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
    if positions is not None:
        raise _k.NotImplemented("spindle has no spatial networks (Create(positions=...))")
    ids = _state.current().create(model, n, params)
    return NodeCollection._of(ids)


def _collection(x, role):
    if isinstance(x, NodeCollection):
        _collections._state_of(x._gen)
        return x
    raise TypeError(f"Connect: {role} must be a NodeCollection")


def Connect(pre, post, conn_spec=None, syn_spec=None, return_synapsecollection=False):
    """Connect `pre` to `post` (NEST's Connect): conn_spec a rule name or dict (all_to_all,
    one_to_one, fixed_indegree, fixed_outdegree, fixed_total_number, pairwise_bernoulli),
    syn_spec a static_synapse dict (weight, delay, receptor_type; a number or a
    spindle.random distribution each)."""
    pre, post = _collection(pre, "pre"), _collection(post, "post")
    s = _state.current()
    with warnings.catch_warnings():
        if _quiet():
            warnings.simplefilter("ignore")
        s.connect(pre.tolist(), post.tolist(), conn_spec, syn_spec)
    if return_synapsecollection:
        return GetConnections(pre, post)
    return None


def Simulate(t):
    """Simulate `t` ms more (NEST's Simulate). The first call builds the network; later
    calls continue it. The GIL is released while the engine runs."""
    _state.current().simulate(t)


def Prepare():
    """Accepted for scripts that use Prepare / Run / Cleanup; spindle needs no preparation."""


def Run(t):
    """As Simulate (between Prepare and Cleanup)."""
    Simulate(t)


def Cleanup():
    """Accepted for scripts that use Prepare / Run / Cleanup."""


def GetConnections(source=None, target=None, synapse_model=None, synapse_label=None):
    """The connections from `source` and to `target` (NodeCollections; None: any), as a
    SynapseCollection sorted by (source, target). Builds the network if needed."""
    if synapse_label is not None:
        raise _k.NotImplemented("spindle has no synapse labels")
    s = _state.current()
    if synapse_model is not None:
        s.resolve_synapse(synapse_model)
    src, tgt, w, d = s.connections_arrays()
    keep = None
    for side, values in ((source, src), (target, tgt)):
        if side is None:
            continue
        mask = _in(values, _collection(side, "source/target").tolist())
        keep = mask if keep is None else keep & mask
    if keep is not None:
        src, tgt, w, d = src[keep], tgt[keep], w[keep], d[keep]
    return SynapseCollection(src, tgt, w, d)


def _in(values, ids):
    import numpy as np

    return np.isin(values, np.asarray(ids, np.int64))


def GetStatus(nodes, keys=None, output=""):
    """Deprecated PyNEST form of `nodes.get`: a tuple with one dict (or value) per node."""
    if isinstance(nodes, SynapseCollection):
        return tuple(c.get(keys) if keys is not None else c.get() for c in nodes)
    if output:
        raise _k.NotImplemented(f"GetStatus(output={output!r}) is not supported by spindle")
    out = []
    for node in nodes:
        if keys is None:
            out.append(node.get())
        elif isinstance(keys, str):
            out.append(node.get(keys))
        else:
            out.append(tuple(node.get(k) for k in keys))
    return tuple(out)


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
