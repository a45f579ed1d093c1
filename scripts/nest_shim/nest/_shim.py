"""The machinery behind the `nest` shim (see `nest/__init__.py`): the module class that forwards
to spindle, the import hook for `nest.X.Y`, and the few answers about spindle's build that NEST's
conftest needs. It lives apart from `nest/__init__.py` so that its helpers (`sys`, `types`, …)
do not appear as `nest.sys`, `nest.types`.
"""

import importlib
import importlib.abc
import importlib.util
import sys
import types

import spindle as _spindle


def _find_not_implemented():
    """spindle's class for NEST's `NotImplemented` error, under whichever spelling it has."""
    for owner in (getattr(_spindle, "NESTErrors", None), getattr(_spindle, "kernel", None)):
        cls = getattr(owner, "NotImplemented", None)
        if isinstance(cls, type) and issubclass(cls, Exception):
            return cls
    base = getattr(_spindle, "NESTError", Exception)
    return type("NotImplemented", (base,), {"__module__": "spindle.kernel"})


#: Raised for every PyNEST name spindle lacks. It is also an `AttributeError`, which is what
#: NEST raises for a name its module lacks: `hasattr(nest, "x")` then answers False instead of
#: raising, and a test expecting NEST's AttributeError for an unknown name passes; the report
#: still counts the failure under `NotImplemented`.
NotImplementedByShim = type(
    "NotImplemented", (_find_not_implemented(), AttributeError), {"__module__": "spindle.kernel"}
)

#: PyNEST's submodules (nest/__init__.py of NEST 3.10: NestModule's imports and lazy modules).
_SUBMODULES = frozenset(
    (
        "ll_api",
        "lib",
        "logic",
        "math",
        "random",
        "spatial",
        "spatial_distributions",
        "raster_plot",
        "voltage_trace",
        "visualization",
        "server",
        "versionchecker",
    )
)

#: What `nest.build_info` says where spindle's lacks a key: the keys NEST's `conftest.py` reads
#: (spindle's own values win). GSL, Boost and HDF5 are libraries NEST needs for some models and
#: for SONATA; spindle needs none of them, so they read as present and such a test fails (or
#: passes) on whether spindle has the model, not by a skip. MPI and MUSIC spindle has not.
_BUILD_FALLBACKS = {
    "build_info": {
        "have_threads": True,
        "have_mpi": False,
        "have_gsl": True,
        "have_hdf5": True,
        "have_boost": True,
        "have_music": False,
        "have_sionlib": False,
        "have_libneurosim": False,
    },
}


def _missing(what):
    return NotImplementedByShim(f"{what} is not implemented in spindle (nest shim)")


def _spindle_module(nest_name):
    """The spindle module for a `nest.…` dotted name, or None if spindle has none."""
    name = "spindle" + nest_name[len("nest") :]
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


class ShimModule(types.ModuleType):
    """A `nest…` module whose attributes are those of spindle's module of the same name."""

    def _targets(self):
        d = self.__dict__
        if "_shim_targets" not in d:
            own = _spindle_module(d["__name__"])
            targets = [own] if own is not None else []
            if d["__name__"].startswith("nest.lib"):
                targets.append(_spindle)  # PyNEST re-exports hl_api_* at top level
            d["_shim_targets"] = targets
        return d["_shim_targets"]

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            if name == "__all__":
                return [n for t in self._targets() for n in getattr(t, "__all__", ())]
            if name == "__version__" and self._targets():
                return getattr(self._targets()[0], name)
            raise AttributeError(name)  # import machinery, pickle, inspect probe these
        own = self.__dict__["__name__"]
        if own == "nest" and name in _SUBMODULES:
            return importlib.import_module(f"nest.{name}")
        for target in self._targets():
            try:
                value = getattr(target, name)
            except AttributeError:
                continue
            if isinstance(value, types.ModuleType) and value.__name__.startswith("spindle."):
                # spindle.random → nest.random, so that its missing names raise as well.
                return importlib.import_module("nest" + value.__name__[len("spindle") :])
            if own == "nest" and isinstance(value, dict) and name in _BUILD_FALLBACKS:
                return {**_BUILD_FALLBACKS[name], **value}
            return value
        if own == "nest" and name in _BUILD_FALLBACKS:
            return _BUILD_FALLBACKS[name]
        raise _missing(f"{own}.{name}")

    def __setattr__(self, name, value):
        if name.startswith("_") or isinstance(value, types.ModuleType):
            # Module bookkeeping and submodules the import system binds on their parent.
            return super().__setattr__(name, value)
        targets = self._targets()
        if targets and hasattr(targets[0], name):
            return setattr(targets[0], name, value)
        raise _missing(f"setting {self.__dict__['__name__']}.{name}")

    def __dir__(self):
        names = set(self.__dict__)
        for target in self._targets():
            names.update(dir(target))
        return sorted(names)


class _ShimFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Makes every `nest.X.Y` importable as a `ShimModule` (a package, so deeper imports work)."""

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith("nest."):
            return None
        return importlib.util.spec_from_loader(fullname, self, is_package=True)

    def create_module(self, spec):
        module = ShimModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


def install(package_name):
    """Turn the package `nest` into a `ShimModule` and make its submodules importable."""
    if not any(isinstance(f, _ShimFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _ShimFinder())
    sys.modules[package_name].__class__ = ShimModule
