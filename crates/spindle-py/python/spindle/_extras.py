"""PyNEST 3.10's small helper functions, for scripts that say `import spindle as nest`.

NEST's examples and its pytest suite call a handful of helpers besides the network API:
`nest.Rank()`, `nest.NumProcesses()`, `nest.PrintNodes()`, `nest.message(...)`,
`nest.VerbosityLevel`, `nest.set(...)` / `nest.get(...)`, `nest.build_info["have_gsl"]`,
`nest.Install(...)`, `nest.RunManager()`, `nest.to_json(...)`, and the plotting modules
`nest.raster_plot` and `nest.voltage_trace`. This module provides them on top of spindle's
public API (`GetKernelStatus`, `SetKernelStatus`, `NodeCollection`, the exceptions of
`kernel.py`), looked up in the `spindle` package at call time, so it does not depend on how
the package builds its kernel.

Each helper behaves as NEST 3.10's does (checked by running NEST 3.10); the departures are
said where they are. spindle runs in one process: the MPI helpers answer for rank 0 of 1.

`set` and `get` are not in `__all__`: as globals of the package they would shadow the builtin
`set` (and any `get`) inside `spindle/__init__.py`. NEST keeps them as methods of its module
class (`NestModule.set`); `_attach_module_methods` does the same for spindle's module class
when this module is imported, which must therefore happen after `__init__.py` has set that
class (its last line imports this module).

Adapted in part from PyNEST 3.10 (`nest/lib/hl_api_*.py`, `nest/__init__.py`); NEST and
spindle are both GPL-2.0-or-later.
"""

from __future__ import annotations

import enum
import inspect
import json
import os
import platform
import sys
import time
import types
import warnings
from contextlib import contextmanager
from datetime import datetime

import numpy as np

from . import kernel as _k

__all__ = [
    "VerbosityLevel",
    "Rank",
    "NumProcesses",
    "GetLocalVPs",
    "SyncProcesses",
    "GetLocalNodeCollection",
    "GetNodes",
    "PrintNodes",
    "Install",
    "message",
    "RunManager",
    "serialize_data",
    "to_json",
    "raster_plot",
    "voltage_trace",
]


def _nest():
    """The `spindle` package, whose public API these helpers call (looked up at call time:
    this module is imported while the package is still being initialised)."""
    return sys.modules[__package__]


# ---- verbosity ----------------------------------------------------------------------------


class VerbosityLevel(enum.IntEnum):
    """NEST 3.10's verbosity levels (`nest.VerbosityLevel`), from most to least chatty.

    `nest.verbosity = nest.VerbosityLevel.WARNING` shows messages of severity WARNING and
    above. The values are NEST's, so `int(level)` is what `get_verbosity()` returned in
    older PyNEST and the `M_*` names of `set_verbosity` map onto the members.
    """

    ALL = 0
    DEBUG = 5
    STATUS = 7
    INFO = 10
    PROGRESS = 15
    DEPRECATED = 18
    WARNING = 20
    ERROR = 30
    FATAL = 40
    QUIET = 100


def _as_verbosity(value) -> VerbosityLevel:
    """A `verbosity` value as NEST 3.10's kernel takes it: a `VerbosityLevel` member; the
    `"M_WARNING"` spelling of the deprecated `set_verbosity` is also read (spindle's kernel
    stored those before it had `VerbosityLevel`). Anything else, a plain int included, is a
    `TypeMismatch` as in NEST ("Failed to cast 'verbosity' from long to type
    nest::VerbosityLevel")."""
    if isinstance(value, VerbosityLevel):
        return value
    if isinstance(value, str) and value.startswith("M_"):
        if value[2:] in VerbosityLevel.__members__:
            return VerbosityLevel[value[2:]]
    kind = {int: "long", float: "double", str: "std::string"}.get(type(value), type(value).__name__)
    raise _k.TypeMismatch(
        f"Expected datatype: Failed to cast 'verbosity' from {kind} to type nest::VerbosityLevel"
    )


def _current_verbosity() -> VerbosityLevel:
    return _as_verbosity(_nest().GetKernelStatus("verbosity"))


# ---- kernel attributes: nest.set / nest.get -----------------------------------------------


def set(**kwargs):  # noqa: A001 (NEST's name; not exported as a global, see the docstring)
    """Set kernel attributes (NEST's `nest.set(**kwargs)`): `SetKernelStatus(kwargs)`."""
    return _nest().SetKernelStatus(kwargs)


def get(*keys):
    """Kernel attributes (NEST's `nest.get(*keys)`): no key → the whole status dict; one key
    → its value; several → a tuple. An unknown key raises `KeyError`, as in NEST.

    `verbosity` comes back as a `VerbosityLevel` member as in NEST 3.10, also where the
    kernel stores it by its `M_*` name."""
    status = _nest().GetKernelStatus
    if not keys:
        d = status()
        if "verbosity" in d:
            d["verbosity"] = _as_verbosity(d["verbosity"])
        return d
    if len(keys) == 1:
        value = status(keys[0])
        return _as_verbosity(value) if keys[0] == "verbosity" else value
    values = status(list(keys))
    return tuple(_as_verbosity(v) if k == "verbosity" else v for k, v in zip(keys, values))


def _attach_module_methods():
    """Give the `spindle` module `set` and `get` as NEST gives its module class them, unless
    the package's module class has its own (a plain module cannot take them: then the
    package must do it)."""
    package = sys.modules.get(__package__)
    cls = type(package)
    if package is None or cls is types.ModuleType:
        return
    for name, fn in (("set", set), ("get", get)):
        if name not in vars(cls):
            setattr(cls, name, staticmethod(fn))


# ---- build_info ---------------------------------------------------------------------------

#: NEST 3.10's `build_info["test_exitcodes"]` (the exit codes of its test harness).
_TEST_EXITCODES = {
    "abort": 134,
    "exception": 125,
    "fatal": 127,
    "scripterror": 126,
    "segfault": 139,
    "skipped": 200,
    "skipped_have_mpi": 202,
    "skipped_no_gsl": 204,
    "skipped_no_mpi": 201,
    "skipped_no_music": 205,
    "skipped_no_threading": 203,
    "success": 0,
    "unknownerror": 10,
    "userabort": 15,
}


def _build_info() -> dict:
    """`GetKernelStatus("build_info")` with NEST 3.10's keys and spindle's values.

    Scripts read it to decide what to run (`skipif(not nest.build_info["have_gsl"])`), so
    each `have_*` answers whether spindle offers what NEST gates on that flag:
    * `have_gsl`: True. NEST needs GSL for its conductance-based models (`iaf_cond_exp`,
      `glif_cond`); spindle has them, integrated with its port of GSL 1.15's RKF45.
    * `have_hdf5`: False. In NEST it gates SONATA networks (`nest.SonataNetwork`), which
      spindle does not read; spindle's own HDF5 output (`data_path`) needs no flag.
    * `have_threads`: True (spindle's engine is multi-threaded); `threads_model` names its
      thread pool, `"rayon"`, where NEST says `"openmp"`.
    * `have_mpi`, `have_music`, `have_sionlib`, `have_libneurosim`, `have_boost`: False.
    `version` is spindle's (as `nest.__version__`); `built` is when spindle's native module
    was installed, in C's `__DATE__ __TIME__` form as NEST writes it; the host keys describe
    this machine as NEST's configure triple would (`x86_64-pc-linux`). `ndebug` is True: the
    package is built in release mode, without debug assertions. `simulator` is spindle's
    own key, so that a script can tell the two apart.
    """
    package = _nest()
    native = getattr(package, "_spindle", None)
    native_file = getattr(native, "__file__", None) or __file__
    built = datetime.fromtimestamp(os.path.getmtime(native_file))
    cpu = platform.machine() or "unknown"
    os_name = sys.platform.rstrip("0123456789") or "unknown"
    if os_name == "darwin":
        vendor = "apple"
    elif cpu in ("x86_64", "i386", "i686", "amd64"):
        vendor = "pc"
    else:
        vendor = "unknown"
    here = os.path.dirname(os.path.abspath(__file__))
    return {
        "built": f"{built:%b} {built.day:2d} {built:%Y %H:%M:%S}",
        "datadir": here,
        "docdir": here,
        "exitcode": 0,
        "have_boost": False,
        "have_gsl": True,
        "have_hdf5": False,
        "have_libneurosim": False,
        "have_mpi": False,
        "have_music": False,
        "have_sionlib": False,
        "have_threads": True,
        "host": f"{cpu}-{vendor}-{os_name}",
        "hostcpu": cpu,
        "hostos": os_name,
        "hostvendor": vendor,
        "ndebug": True,
        "prefix": sys.prefix,
        "test_exitcodes": dict(_TEST_EXITCODES),
        "threads_model": "rayon",
        "version": getattr(package, "__version__", ""),
        "simulator": "spindle",
    }


# ---- one process --------------------------------------------------------------------------


def Rank() -> int:
    """The MPI rank of this process (NEST's `Rank()`): always 0, spindle runs in one."""
    return _nest().GetKernelStatus("mpi_rank")


def NumProcesses() -> int:
    """The number of MPI processes (NEST's `NumProcesses()`): always 1 in spindle."""
    return _nest().GetKernelStatus("num_processes")


def GetLocalVPs():
    """The virtual processes of this rank (NEST's `GetLocalVPs()`), as NEST computes them:
    `range(Rank(), total_num_virtual_procs, NumProcesses())` — all of them here."""
    n_vp = _nest().GetKernelStatus("total_num_virtual_procs")
    return range(Rank(), n_vp, NumProcesses())


def SyncProcesses():
    """Synchronise all MPI processes (NEST's `SyncProcesses()`): nothing to wait for in one
    process."""


_deprecation_issued: dict = {}


def _deprecated_once(name: str, text: str) -> None:
    """PyNEST's deprecation notice: a `UserWarning` whose text starts on a new line, issued
    once per function and process."""
    if not _deprecation_issued.get(name):
        warnings.warn("\n" + text, UserWarning, stacklevel=3)
        _deprecation_issued[name] = True


def GetLocalNodeCollection(nc):
    """The nodes of `nc` that live on this MPI process (NEST's `GetLocalNodeCollection`,
    deprecated in NEST 3.10 with the same warning): in one process that is all of `nc`.

    An empty `nc` gives an empty collection, as NEST's documentation says (NEST 3.10 itself
    raises an `AttributeError` there, reading `.local` of an empty collection)."""
    NodeCollection = _nest().NodeCollection
    _deprecated_once(
        "GetLocalNodeCollection",
        "GetLocalNodeCollection() leads to inherently unsafe code; see documentation for details.",
    )
    if not isinstance(nc, NodeCollection):
        raise TypeError("GetLocalNodeCollection requires a NodeCollection in order to run")
    return nc[:]


# ---- nodes --------------------------------------------------------------------------------


def _node_table() -> str:
    """NEST's `NodeManager::print`: one line per run of consecutive node ids of one model,
    the ids right-aligned to the width of the largest id and the id column padded to
    `6 + 2 × (digits - 1)` characters; no trailing newline; empty without nodes."""
    package = _nest()
    size = int(package.GetKernelStatus("network_size"))
    if size == 0:
        return ""
    models = package.NodeCollection(list(range(1, size + 1))).get("model")
    if isinstance(models, str):
        models = (models,)
    runs: list = []  # [first, last, model]
    for node_id, model in enumerate(models, start=1):
        if runs and runs[-1][2] == model:
            runs[-1][1] = node_id
        else:
            runs.append([node_id, node_id, model])
    digits = len(str(size))
    range_width = 6 + 2 * (digits - 1)
    lines = []
    for first, last, model in runs:
        ids = f"{first:>{digits}}" if first == last else f"{first:>{digits}} .. {last:>{digits}}"
        lines.append(f"{ids:<{range_width}} {model}")
    return "\n".join(lines)


def GetNodes(properties=None, local_only=False):
    """All nodes whose status has each of `properties` with the given value (NEST's
    `GetNodes`), as a NodeCollection; all nodes without `properties`. `local_only` changes
    nothing: every node is local in spindle's one process."""
    package = _nest()
    size = int(package.GetKernelStatus("network_size"))
    everything = package.NodeCollection(list(range(1, size + 1)))
    if not properties or not size:
        return everything
    properties = dict(properties)

    def matches(status):
        for key, want in properties.items():
            if key not in status:
                return False
            got = status[key]
            if isinstance(got, np.ndarray) or isinstance(want, np.ndarray):
                if not np.array_equal(np.asarray(got), np.asarray(want)):
                    return False
            elif got != want:
                return False
        return True

    keep = [node.global_id for node in everything if matches(node.get())]
    return package.NodeCollection(keep)


def PrintNodes():
    """Print the node id ranges and model names of all nodes (NEST's `PrintNodes()`), in
    NEST's layout:

         1 ..  3 iaf_psc_alpha
         4       spike_recorder
    """
    print(_node_table())


# ---- modules ------------------------------------------------------------------------------


def Install(module_name):
    """Load a dynamically linked NEST module (NEST's `Install`). spindle cannot load NEST's
    C++ extension modules; it raises what NEST raises for a module it cannot open."""
    raise _k.DynamicModuleManagementError(
        f"Module '{module_name}' could not be opened.\n"
        "The dynamic loader returned the following error: 'file not found'.\n\n"
        "Please check LD_LIBRARY_PATH (OSX: DYLD_LIBRARY_PATH)!"
    )


# ---- logging ------------------------------------------------------------------------------


def _format_message(severity, text, function, filename, lineno, verbosity, when) -> str:
    """One line of NEST 3.10's log: `[WARNING] [2026-12-06 16:01:39] text`, with
    `file:line @ function` after the time when the verbosity is DEBUG or chattier."""
    try:
        label = VerbosityLevel(int(severity)).name
    except ValueError:
        label = f"Undefined ({int(severity)})"
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(when))
    if verbosity <= VerbosityLevel.DEBUG:
        stamp += f" {filename}:{lineno} @ {function}"
    return f"[{label}] [{stamp}] {text}"


def message(
    message,
    severity=VerbosityLevel.INFO,
    *,
    function=None,
    filename=None,
    lineno=None,
):
    """Issue a message through NEST's log (NEST's `nest.message`): shown when `severity`
    is at least `nest.verbosity`, on stdout below WARNING and on stderr from WARNING up.

    The calling function, file and line are taken from the caller unless given; they are
    shown only at verbosity DEBUG or ALL, as in NEST."""
    caller = inspect.currentframe().f_back
    function = function or caller.f_code.co_name
    filename = filename or caller.f_code.co_filename
    lineno = lineno or caller.f_lineno
    verbosity = _current_verbosity()
    if int(severity) < verbosity:
        return
    line = _format_message(severity, message, function, filename, lineno, verbosity, time.time())
    stream = sys.stderr if int(severity) >= VerbosityLevel.WARNING else sys.stdout
    print(line, file=stream, flush=True)


# ---- simulation ---------------------------------------------------------------------------


@contextmanager
def RunManager():
    """NEST's `RunManager()`: `Prepare()` on entry and `Cleanup()` on exit, around a series
    of `Run(t)` calls::

        with nest.RunManager():
            for _ in range(10):
                nest.Run(100)
    """
    package = _nest()
    package.Prepare()
    try:
        yield
    finally:
        package.Cleanup()


# ---- JSON ---------------------------------------------------------------------------------


def serialize_data(data):
    """`data` with numpy values, NodeCollections and SynapseCollections made plain Python
    values that `json` can encode (NEST's `serialize_data`)."""
    package = _nest()
    if isinstance(data, (np.ndarray, package.NodeCollection)):
        return serialize_data(data.tolist())
    if isinstance(data, package.SynapseCollection):
        return serialize_data(data.get())
    if isinstance(data, np.integer):
        return int(data)
    if isinstance(data, np.floating):
        return float(data)
    if isinstance(data, np.bool_):
        return bool(data)
    if isinstance(data, (list, tuple)):
        return [serialize_data(d) for d in data]
    if isinstance(data, dict):
        return {serialize_data(k): serialize_data(v) for k, v in data.items()}
    return data


def to_json(data, **kwargs) -> str:
    """`data` as a JSON string (NEST's `to_json`); `kwargs` go to `json.dumps`."""
    return json.dumps(serialize_data(data), **kwargs)


# The plotting modules only import numpy here; matplotlib is imported when they plot.
from . import raster_plot, voltage_trace  # noqa: E402

_attach_module_methods()
