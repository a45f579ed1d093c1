"""`NodeCollection` and `SynapseCollection`, with PyNEST's behaviour.

A `NodeCollection` is a sorted set of node ids, as in NEST 3: `+` joins two (sorted, never
overlapping), indexing and slicing select ids, iteration yields one-node collections.
Parameters are read with `.get(...)` or as attributes and written with `.set(...)` or by
assigning attributes; recorders also have `.events` and `.n_events`.

NEST 3.10 gives a collection a structure that its operations respect, and so does spindle:
a *primitive* collection is a run of consecutive ids of one model; a *composite* one is several
such parts (a join, a list of ids); slicing a primitive with a step, or slicing a composite
across parts, gives a *sliced composite*, which NEST can neither slice again nor join
(`BadProperty`). Equality compares ids, models and the step, as NEST's does (so `nc[::2]` is not
equal to `nc[[0, 2, 4, …]]`). Each operation raises NEST 3.10's exception with its message
(checked by running NEST 3.10, see tests/test_surface.py).
"""

from __future__ import annotations

import bisect
import numbers

import numpy as np

from . import _state
from . import kernel as _k

try:  # NEST's get(output="pandas") needs pandas; spindle does not otherwise.
    import pandas as _pandas
except ImportError:  # pragma: no cover - depends on the environment
    _pandas = None


class MissingKey(KeyError, AttributeError):
    """An unknown parameter: a `KeyError` as in PyNEST, and an `AttributeError` so that
    `hasattr(nodes, "x")` answers False."""


_INVALID = (
    "InvalidNodeCollection: note that ResetKernel invalidates all previously created "
    "NodeCollections."
)


def _state_of(gen) -> _state.State:
    """The kernel state a collection of generation `gen` belongs to; an empty collection
    (`gen` None) belongs to every generation, as NEST's empty NodeCollection is valid after
    ResetKernel."""
    s = _state.current()
    if gen is not None and s.generation != gen:
        raise _k.KernelException(_INVALID)
    return s


def _int_id(x) -> int:
    """A node id as NEST's kernel converts it (an integral number; 1.0 reads as 1)."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (numbers.Real, np.number)):
        raise TypeError("an integer is required")
    return int(x)


def model_id(s, model: str) -> int:
    """spindle's number of a node model (NEST's `model_id`): the built-in models in the
    registry's order, then the copies in the order CopyModel made them, so that a copy's id is
    higher than its original's as in NEST. The numbers are spindle's, not NEST's."""
    from . import _spindle

    builtins = list(_spindle.model_names())
    if model in builtins:
        return builtins.index(model)
    copies = list(s.copied)
    if model in copies:
        return len(builtins) + copies.index(model)
    raise _k.UnknownModelName(f"{model} is not a known model name.")


def _runs(s, ids) -> list:
    """[first, last, model] for each run of consecutive ids of one model (NEST's parts)."""
    if not ids:
        return []
    firsts = [e.first for e in s.entries]
    out = []
    for first, count in _state.ranges(ids):
        i = first
        end = first + count
        while i < end:
            k = bisect.bisect_right(firsts, i) - 1
            e = s.entries[k] if k >= 0 else None
            if e is None or i >= e.end():
                model, stop = "?", i + 1  # not (or no longer) a node of this kernel
            else:
                model, stop = e.user_model, min(end, e.end())
            if out and out[-1][2] == model and out[-1][1] == i - 1:
                out[-1][1] = stop - 1
            else:
                out.append([i, stop - 1, model])
            i = stop
    return out


class NodeCollection:
    """A sorted set of node ids (NEST's `NodeCollection`)."""

    # _ids: the sorted ids; _gen: the kernel generation (None: empty, valid in every one);
    # _st: the kernel state the ids belong to (it names their models, also after ResetKernel);
    # _step / _parts: for a sliced composite, the slice's step and the (first, last) parts it
    # was sliced from (None otherwise).
    __slots__ = ("_ids", "_gen", "_st", "_step", "_parts")

    def __init__(self, data=None):
        s = _state.current()
        if data is None:
            ids = ()
        elif isinstance(data, NodeCollection):
            ids = data._ids
        else:
            ids = tuple(_int_id(i) for i in data)
            if any(b <= a for a, b in zip(ids, ids[1:])):
                if len(set(ids)) != len(ids):
                    raise _k.BadProperty("All node IDs in a NodeCollection have to be unique")
                raise _k.BadProperty("Indices must be sorted in ascending order")
            for i in ids:
                if not 1 <= i < s.next_id:
                    raise _k.UnknownNode(f"Node with id {i} does not exist.")
        NodeCollection._init(self, ids, s)

    def _init(self, ids, s, step=1, parts=None):
        ids = tuple(ids)
        object.__setattr__(self, "_ids", ids)
        object.__setattr__(self, "_gen", s.generation if ids else None)
        object.__setattr__(self, "_st", s if ids else None)
        object.__setattr__(self, "_step", step)
        object.__setattr__(self, "_parts", parts)

    @classmethod
    def _of(cls, ids, gen=None, step=1, parts=None):
        s = _state.current()
        nc = cls.__new__(cls)
        NodeCollection._init(nc, ids, s, step, parts)
        if ids and gen is not None:
            object.__setattr__(nc, "_gen", gen)
        return nc

    def _derived(self, ids, step=1, parts=None):
        """A collection of some of this one's ids (same kernel state)."""
        nc = NodeCollection.__new__(NodeCollection)
        if ids:
            NodeCollection._init(nc, ids, self._st, step, parts)
            object.__setattr__(nc, "_gen", self._gen)
        else:
            NodeCollection._init(nc, (), _state.current())
        return nc

    def _check_valid(self):
        _state_of(self._gen)

    def _model_runs(self):
        return _runs(self._st, self._ids) if self._ids else []

    # ---- the set of ids ---------------------------------------------------------------

    def __len__(self):
        return len(self._ids)

    def __bool__(self):
        return bool(self._ids)

    def __iter__(self):
        self._check_valid()
        return (self._derived((i,)) for i in self._ids)

    def __contains__(self, node_id):
        if isinstance(node_id, NodeCollection) or isinstance(node_id, str):
            raise TypeError("an integer is required")
        try:
            i = _int_id(node_id)
        except TypeError:
            raise TypeError("an integer is required") from None
        k = bisect.bisect_left(self._ids, i)
        return k < len(self._ids) and self._ids[k] == i

    def __eq__(self, other):
        if not isinstance(other, NodeCollection):
            raise NotImplementedError(f"Cannot compare NodeCollection to {type(other).__name__}")
        if self._ids != other._ids or (self._parts is None) != (other._parts is None):
            return False
        if self._parts is not None and self._step != other._step:
            return False
        return [r[2] for r in self._model_runs()] == [r[2] for r in other._model_runs()]

    def __ne__(self, other):
        if not isinstance(other, NodeCollection):
            raise NotImplementedError(f"Cannot compare NodeCollection to {type(other).__name__}")
        return not self == other

    # NEST's NodeCollection is unhashable (it defines __eq__ only).
    __hash__ = None

    def __getitem__(self, key):
        ids = self._ids
        n = len(ids)
        if isinstance(key, slice):
            return self._slice(key)
        if isinstance(key, (int, np.integer)):
            key = int(key)
            if abs(key + (key >= 0)) > n:
                raise IndexError("index value outside of the NodeCollection")
            self._check_valid()
            return self._derived((ids[key],))
        if isinstance(key, (list, tuple)):
            if len(key) == 0:
                return NodeCollection()
            if all(isinstance(x, (bool, np.bool_)) for x in key):
                if len(key) != n:
                    raise IndexError("Bool index array must be the same length as NodeCollection")
                return self._take(np.flatnonzero(np.asarray(key, bool)))
            if all(
                isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))
                for x in key
            ):
                if len(set(int(x) for x in key)) != len(key):
                    raise ValueError("All node IDs in a NodeCollection have to be unique")
                return self._take([int(x) for x in key])
            raise TypeError("Indices must be integers or bools")
        if isinstance(key, np.ndarray):
            if len(key) == 0:
                return NodeCollection()
            if key.ndim != 1:
                raise TypeError("NumPy indices must one-dimensional")
            is_bool = np.issubdtype(key.dtype, np.bool_)
            if not (is_bool or np.issubdtype(key.dtype, np.integer)):
                raise TypeError("NumPy indices must be an array of integers or bools")
            if is_bool:
                if len(key) != n:
                    raise IndexError("Bool index array must be the same length as NodeCollection")
                return self._take(np.flatnonzero(key))
            if len(np.unique(key)) != len(key):
                raise ValueError("All node IDs in a NodeCollection have to be unique")
            return self._take([int(x) for x in key])
        raise IndexError("only integers, slices, lists, tuples, and numpy arrays are valid indices")

    def _take(self, positions):
        """NEST's take-by-array: positions in ascending order, each inside the collection."""
        self._check_valid()
        positions = [int(p) for p in positions]
        for p in positions:
            if p < 0 or p >= len(self._ids):
                raise IndexError(f"pos {p} points outside of the NodeCollection")
        if any(b <= a for a, b in zip(positions, positions[1:])):
            raise _k.BadProperty("Indices must be sorted in ascending order")
        return self._derived(tuple(self._ids[p] for p in positions))

    def _slice(self, key):
        """NEST 3.10's slicing, with its bounds checks (PyNEST's 1-based conversion and the
        kernel's `start < stop`), including its reading of a stop of 0 as "to the end"."""
        n = len(self._ids)
        if key.start is None:
            start = 1
        else:
            start = key.start + 1 if key.start >= 0 else key.start
            if abs(start) > n:
                raise IndexError("slice start value outside of the NodeCollection")
        if key.stop is None:
            stop = n
        else:
            stop = key.stop if key.stop > 0 else key.stop - 1
            if abs(stop) > n:
                raise IndexError("slice stop value outside of the NodeCollection")
        step = 1 if key.step is None else key.step
        if step < 1:
            raise IndexError("slicing step for NodeCollection must be strictly positive")
        self._check_valid()
        if self._parts is not None:
            raise _k.BadProperty("Cannot slice a sliced composite NodeCollection.")
        # The kernel's 1-based, inclusive [start, stop]; negative values count from the end.
        first = start if start > 0 else start + n + 1
        last = stop if stop > 0 else stop + n + 1
        if first > last:
            raise _k.BadParameter("start < stop required.")
        picked = self._ids[first - 1 : last : step]
        runs = self._model_runs()
        within_one = any(r[0] <= picked[0] and picked[-1] <= r[1] for r in runs)
        if step == 1 and within_one:
            return self._derived(picked)  # a primitive
        parts = tuple((r[0], r[1]) for r in runs)
        return self._derived(picked, step=step, parts=parts)

    def __add__(self, other):
        if not isinstance(other, NodeCollection):
            if isinstance(other, numbers.Number) and other == 0:
                other = NodeCollection()
            else:
                raise TypeError(
                    f"Cannot add object of type '{type(other).__name__}' to 'NodeCollection'"
                )
        for nc in (self, other):
            if nc._ids:
                nc._check_valid()
        if not other._ids:
            return self
        if not self._ids:
            return other
        # NEST raises this for a sliced composite on the left; on the right NEST 3.10 joins
        # the unsliced parts (a bug), spindle raises the same error instead.
        if self._parts is not None or other._parts is not None:
            raise _k.BadProperty("Cannot add NodeCollection to a sliced composite.")
        if set(self._ids) & set(other._ids):
            raise _k.BadProperty("Cannot join overlapping NodeCollections.")
        from ._spatial import layer_of

        if layer_of(self, required=False) or layer_of(other, required=False):
            raise _k.BadProperty("Can only join NodeCollections without metadata.")
        return self._derived(tuple(sorted(self._ids + other._ids)))

    def __radd__(self, other):
        return self + other

    def index(self, node_id):
        i = _int_id(node_id)
        k = bisect.bisect_left(self._ids, i)
        if k < len(self._ids) and self._ids[k] == i:
            return k
        raise ValueError(f"{node_id} is not in NodeCollection")

    def tolist(self):
        return list(self._ids)

    def __array__(self, dtype=None, copy=None):
        return np.array(self._ids, dtype=dtype if dtype is not None else np.int64)

    def _to_array(self, selection="all"):
        """PyNEST's debugging helper: the ids, of all nodes or of this rank's, in a dict;
        `"thread"`: by the thread that owns them, the same thread as the node's `thread` key
        (spindle's placement, docs/python.md; devices on thread 0)."""
        ids = list(self._ids)
        if selection == "all":
            return {"All": ids}
        if selection == "rank":
            return {"Rank 0": ids}
        if selection == "thread":
            threads, _ = _state_of(self._gen).placement(ids)
            by_thread = {}
            for i, t in zip(ids, threads):
                by_thread.setdefault(t, []).append(i)
            return dict(sorted(by_thread.items()))
        raise _k.BadParameter(
            f"to_array() accepts only 'all', 'rank', 'thread', but got '{selection}'."
        )

    @property
    def global_id(self):
        return self._ids[0] if len(self._ids) == 1 else tuple(self._ids)

    def __repr__(self):
        if not self._ids:
            return "NodeCollection(<empty>)"
        if self._parts is not None:
            lines = []
            ids = np.asarray(self._ids)
            runs = self._model_runs()
            for a, b in self._parts:
                got = ids[(ids >= a) & (ids <= b)]
                if not len(got):
                    continue
                model = next((r[2] for r in runs if r[0] <= got[0] <= r[1]), "?")
                line = f"model={model}, size={len(got)}, first={got[0]}, last={got[-1]}"
                if self._step > 1 and len(got) > 1:
                    line += f", step={self._step}"
                lines.append(line)
            return "NodeCollection(metadata=None,\n               " + ";\n               ".join(
                lines
            ) + ")"
        parts = []
        for first, last, model in self._model_runs():
            part = f"model={model}, size={last - first + 1}, first={first}"
            if last > first:
                part += f", last={last}"
            parts.append(part)
        if len(parts) == 1:
            return f"NodeCollection(metadata=None, {parts[0]})"
        return "NodeCollection(metadata=None,\n               " + ";\n               ".join(
            parts
        ) + ")"

    __str__ = __repr__

    # ---- parameters -------------------------------------------------------------------

    def _statuses(self):
        s = _state_of(self._gen)
        out = []
        for i in self._ids:
            d = s.status(i)
            d.setdefault("model_id", model_id(s, d["model"]))
            out.append(d)
        return out

    def get(self, *params, **kwargs):
        """PyNEST 3.10's `get`: no key → the whole status dict (values per node as tuples
        when there are several nodes, None where a node lacks a key); one key → its value
        (a tuple for several nodes); a list of keys → a dict; `get("events", "times")` or
        `get("events", ["times", "senders"])` → hierarchical addressing. `output="json"`
        gives a JSON string, `output="pandas"` a DataFrame indexed by node id."""
        if not self._ids:
            raise ValueError("Cannot get parameter of empty NodeCollection")
        output = ""
        if kwargs:
            if set(kwargs) != {"output"}:
                raise TypeError("Got unexpected keyword argument")
            output = kwargs["output"]
            if output == "pandas" and _pandas is None:
                raise ImportError("Pandas could not be imported")
        statuses = self._statuses()
        one = len(statuses) == 1

        def pick(key):
            if not isinstance(key, str):
                raise TypeError("Params should be either a string or an iterable")
            try:
                values = [d[key] for d in statuses]
            except KeyError:
                raise MissingKey(key) from None
            return values[0] if one else tuple(values)

        if not params:
            if one:
                result = statuses[0]
            else:
                keys = sorted({k for d in statuses for k in d})
                result = {k: tuple(d.get(k) for d in statuses) for k in keys}
        elif len(params) == 1:
            p = params[0]
            if isinstance(p, str):
                result = pick(p)
            elif hasattr(p, "__iter__"):  # a list, tuple, set, dict keys …: NEST's is_iterable
                result = {k: pick(k) for k in p}
            else:
                raise TypeError("Params should be either a string or an iterable")
        else:
            if not isinstance(params[0], str):
                raise TypeError(
                    "First argument must be a string, specifying path into hierarchical "
                    "dictionary"
                )
            values = pick(params[0])
            values = values if not one else (values,)
            if not all(isinstance(v, dict) for v in values) and all(
                isinstance(p, str) for p in params
            ):
                # `get("C_m", "V_th")`: NEST 3.10 fails here (a number is no dictionary to
                # address into); spindle reads it as `get(["C_m", "V_th"])`, as it always has.
                return self.get(list(params), **kwargs)
            last = params[-1]
            if isinstance(last, str):
                got = [v[last] for v in values]
                result = got[0] if one else got
            else:
                result = (
                    {k: values[0][k] for k in last}
                    if one
                    else {k: [v[k] for v in values] for k in last}
                )
        if output == "pandas":
            index = list(self._ids)
            if len(params) == 1 and isinstance(params[0], str):
                result = {params[0]: result}
            elif len(params) > 1 and isinstance(params[1], str):
                result = {params[1]: result}
            if one:
                result = {k: [v] for k, v in result.items()}
            return _pandas.DataFrame(result, index=index)
        if output == "json":
            from ._extras import to_json

            return to_json(result)
        if output:
            raise ValueError(f"output must be 'pandas' or 'json', not {output!r}")
        return result

    def set(self, params=None, **kwargs):
        """PyNEST 3.10's `set`: a dict for all nodes, a list of dicts (one per node), keyword
        arguments; a value given as a list, tuple or array for a parameter whose value is a
        single number is one value per node."""
        if not self._ids:
            return
        s = _state_of(self._gen)
        if kwargs and params is None:
            params = kwargs
        elif kwargs and params:
            raise TypeError("must either provide params or kwargs, but not both.")
        if params is None:
            return
        n = len(self._ids)
        if isinstance(params, (list, tuple)):
            if len(params) != n:
                raise _k.BadParameter(
                    "List of dictionaries must be the same size as the NodeCollection "
                    f"({n}), {len(params)} given."
                )
            s.set_params(self._ids, [dict(p) for p in params])
            return
        if not isinstance(params, dict):
            raise TypeError("params must be a dict, a list of dicts or keyword arguments")
        from ._parameter import Parameter
        from ._spatial import layer_of

        layer_keys = [k for k in ("center", "extent", "shape", "edge_wrap", "positions",
                                  "network_size") if k in params]
        if layer_keys and layer_of(self, required=False) is not None:
            raise _k.UnaccessedDictionaryEntry(
                "Unaccessed elements in params, in function set_status: "
                + " ".join(layer_keys)
                + " (the spatial properties of a layer are fixed at Create)"
            )
        if any(isinstance(v, Parameter) and v.is_spatial() for v in params.values()):
            # Spatial parameters (`nest.spatial.pos.x`, ...) are evaluated per node here.
            from ._spatial import node_values

            params = {k: (node_values(v, self) if isinstance(v, Parameter) and v.is_spatial()
                          else v) for k, v in params.items()}
        listed = [
            k
            for k, v in params.items()
            if isinstance(v, (list, tuple, np.ndarray)) and not _is_array_param(s, self._ids[0], k)
        ]
        if listed:
            dicts = []
            for i in range(n):
                d = dict(params)
                for k in listed:
                    d[k] = params[k][i]  # IndexError for a short list, as in NEST
                dicts.append(d)
            s.set_params(self._ids, dicts)
        else:
            s.set_params(self._ids, dict(params))

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if not self._ids:
            raise AttributeError("Cannot get attribute of empty NodeCollection")
        if name == "spatial":
            from . import _spatial

            layer = _spatial.layer_of(self, required=False)
            return None if layer is None else layer.spatial(self._ids)
        return self.get(name)

    def __setattr__(self, name, value):
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self.set({name: value})


def _is_array_param(s, node_id, key):
    """Whether `key` of this node's model takes a list (`record_from`, `tau_syn` of
    multi-port models): a list value for it is not one value per node."""
    model = s.entry(node_id).model
    default = _state._DEFAULTS.get(model, {}).get(key)
    detector_arrays = dict(_state._DETECTOR_ARRAYS.get(model, ()))
    return isinstance(default, (list, tuple, dict)) or key in detector_arrays


class SynapseCollection:
    """Connections as `GetConnections` returns them (NEST's `SynapseCollection`), in NEST's
    order (by source, then creation order).

    Each connection is a handle to its synapse in the engine, so `get` reads the current
    values (after `set`, after Simulate) and `set` / `Disconnect` act on exactly these
    synapses. Keys as NEST 3.10 lists them for `static_synapse`: `delay`, `port`, `receptor`,
    `source`, `synapse_id` (the model's `synapse_modelid`), `synapse_model`, `target`,
    `target_thread`, `weight` (NEST's internal `sizeof` is left out). `target_thread` and `port` say where the synapse is stored
    and depend on the thread count, as in NEST. Connections to spike recorders and from
    multimeters have no synapse in spindle: NaN weight and delay.
    """

    __slots__ = ("_source", "_target", "_handle", "_thread", "_port", "_gen")

    _KEYS = (
        "delay",
        "port",
        "receptor",
        "source",
        "synapse_id",
        "synapse_model",
        "target",
        "target_thread",
        "weight",
    )
    _SETTABLE = ("weight", "delay")
    _BASE_KEYS = ("delay", "port", "receptor", "source", "target", "target_thread", "weight")

    def __init__(self, source=(), target=(), handle=(), thread=(), port=(), gen=None):
        n = len(source)
        fill = lambda v: np.asarray(v if len(v) else np.zeros(n), np.int64)  # noqa: E731
        object.__setattr__(self, "_source", np.asarray(source, np.int64))
        object.__setattr__(self, "_target", np.asarray(target, np.int64))
        object.__setattr__(self, "_handle", fill(handle) if len(handle) else np.full(n, -1))
        object.__setattr__(self, "_thread", fill(thread))
        object.__setattr__(self, "_port", fill(port))
        object.__setattr__(
            self, "_gen", _state.current().generation if gen is None else gen
        )

    def _pick(self, key):
        return SynapseCollection(
            self._source[key],
            self._target[key],
            self._handle[key],
            self._thread[key],
            self._port[key],
            self._gen,
        )

    def __len__(self):
        return len(self._source)

    def __iter__(self):
        return (self._pick(slice(i, i + 1)) for i in range(len(self)))

    def __getitem__(self, key):
        if isinstance(key, (int, np.integer)):
            i = int(key)
            if not -len(self) <= i < len(self):
                raise IndexError("Index out of range")
            i %= len(self)
            key = slice(i, i + 1)
        elif not isinstance(key, slice):
            key = np.asarray(key)
        return self._pick(key)

    def _values(self):
        """(weights, delays, receptors) as they are now in the engine."""
        s = _state_of(self._gen)
        if not len(self) or s.engine is None:
            z = np.zeros(len(self))
            return z, z, z.astype(np.int64)
        w, d, r = s.engine.synapse_columns(self._handle.tolist())
        receptors = np.frombuffer(r, np.int64).copy()
        recorder_rows = np.flatnonzero(self._handle < 0)
        if len(recorder_rows):
            receptors[recorder_rows] = _sampler_receptors(
                s, self._source[recorder_rows], self._target[recorder_rows]
            )
        return np.frombuffer(w, np.float64), np.frombuffer(d, np.float64), receptors

    def _states(self):
        """Per connection, `synapse_model` and its model's own keys, from the engine."""
        s = _state_of(self._gen)
        if not len(self) or s.engine is None:
            return [{} for _ in range(len(self))]
        return s.engine.synapse_states(self._handle.tolist())

    def _all_keys(self):
        """NEST's keys of these connections: the static ones, and each model's own."""
        extra = sorted({k for d in self._states() for k in d} - set(self._KEYS)
                       - {"weight", "delay"})
        return [*self._KEYS, *extra]

    def _columns(self, keys):
        known = set(self._all_keys()) if any(k not in self._KEYS for k in keys) else self._KEYS
        for k in keys:
            if k not in known:
                raise MissingKey(k)
        values = None
        out = {}
        for k in keys:
            if k in ("weight", "delay", "receptor"):
                if values is None:
                    values = self._values()
                v = values[("weight", "delay", "receptor").index(k)].tolist()
            elif k == "synapse_id":
                ids = {m: i for i, m in enumerate(_state_of(self._gen).synapse_models())}
                v = [ids[d.get("synapse_model", "static_synapse")] for d in self._states()]
            elif k == "synapse_model" or k not in self._BASE_KEYS:
                states = self._states()
                v = [d.get(k, "static_synapse" if k == "synapse_model" else None) for d in states]
            else:
                v = {
                    "source": self._source,
                    "target": self._target,
                    "target_thread": self._thread,
                    "port": self._port,
                }[k].tolist()
            out[k] = v
        return out

    def get(self, keys=None, output=""):
        """PyNEST's `get`: no key → every key; one key → its value (one connection) or list;
        several → a dict. `output="pandas"` gives a DataFrame indexed by source, `"json"` a
        JSON string."""
        if output not in ("", "pandas", "json"):
            raise _k.NotImplemented(f"get(output={output!r}) is not supported by spindle")
        single = isinstance(keys, str)
        names = self._all_keys() if keys is None else [keys] if single else list(keys)
        cols = self._columns(names)
        if output == "pandas":
            import pandas

            return pandas.DataFrame(cols, index=self._source.tolist())
        if output == "json":
            import json

            return json.dumps(cols)
        if len(self) == 1:
            cols = {k: v[0] for k, v in cols.items()}
        return cols[keys] if single else cols

    @property
    def distance(self):
        """The distance between source and target of each connection (NaN where one of them
        has no position), wrapped where the target layer is periodic (NEST's
        SynapseCollection.distance); one number for one connection."""
        from ._spatial import connection_distances

        d = connection_distances(self._source, self._target).tolist()
        return d[0] if len(d) == 1 else d

    def sources(self):
        """PyNEST's `sources()`: an iterator over the source node ids, one per connection."""
        got = self.get("source")
        return iter(got if isinstance(got, list) else [got])

    def targets(self):
        """PyNEST's `targets()`: an iterator over the target node ids, one per connection."""
        got = self.get("target")
        return iter(got if isinstance(got, list) else [got])

    def set(self, params=None, **kwargs):
        """PyNEST's `set`: `weight` and `delay` (ms), each a number for all or a sequence with
        one value per connection; or a list of dicts, one per connection. A change acts from
        the next delivery on."""
        s = _state_of(self._gen)
        if params is None:
            params = kwargs
        elif kwargs:
            raise TypeError("set() takes a dict or keyword arguments, not both")
        if isinstance(params, (list, tuple)):
            if len(params) != len(self):
                raise IndexError("list index out of range")
            for i, d in enumerate(params):
                self._check_keys(d, i)
            for key in self._SETTABLE:
                if any(key in d for d in params):
                    if not all(key in d for d in params):
                        raise _k.BadProperty(f"set(): {key!r} must be in every dict or none")
                    self._send(s, key, [float(d[key]) for d in params])
            return
        self._check_keys(params)
        for key in self._SETTABLE:
            if key not in params:
                continue
            v = params[key]
            if isinstance(v, (list, tuple, np.ndarray)):
                v = np.asarray(v, np.float64).ravel()
                if len(v) != len(self):
                    raise IndexError("list index out of range")
                self._send(s, key, v.tolist())
            else:
                self._send(s, key, [float(v)])

    def _check_keys(self, d, index=None):
        bad = [k for k in d if k not in self._SETTABLE]
        if bad and self._set_model_keys(d, bad, index):
            bad = []
        if bad:
            raise _k.UnaccessedDictionaryEntry(
                "Unaccessed elements in params, in function connection.set():  "
                + " ".join(bad)
            )

    def _set_model_keys(self, d, keys, index=None):
        """Set the keys of a synapse model with state (`Kplus`, `tau_plus`, …) connection by
        connection through the engine, which checks them as NEST does; `False` if these are
        static synapses (the keys are then unknown)."""
        states = self._states()
        if not states or all(d_.get("synapse_model", "static_synapse") == "static_synapse"
                             for d_ in states):
            return False
        s = _state_of(self._gen)
        engine = s.ensure_engine()
        for i, h in enumerate(self._handle.tolist()):
            if index is not None and i != index:
                continue
            one = {}
            for k in keys:
                v = d[k]
                if index is None and isinstance(v, (list, tuple, np.ndarray)):
                    v = v[i]
                one[k] = float(v) if isinstance(v, (int, float, np.floating)) else v
            engine.set_synapse_status(int(h), one)
        s.note_synapse_change("SynapseCollection.set")
        return True

    def _send(self, s, key, values):
        if not len(self):
            return
        engine = s.ensure_engine()
        handles = self._handle.tolist()
        if key == "weight":
            engine.set_synapses(handles, weights=values)
        else:
            engine.set_synapses(handles, delays=values)
        s.note_synapse_change("SynapseCollection.set")

    def disconnect(self):
        """Remove these connections (NEST's `SynapseCollection.disconnect`)."""
        from . import Disconnect

        Disconnect(self)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return self.get(name)

    def __setattr__(self, name, value):
        if name.startswith("_"):
            raise AttributeError(f"{name} cannot be set")
        self.set({name: value})

    def __eq__(self, other):
        return (
            isinstance(other, SynapseCollection)
            and self._gen == other._gen
            and np.array_equal(self._source, other._source)
            and np.array_equal(self._target, other._target)
            and np.array_equal(self._handle, other._handle)
        )

    __hash__ = None

    def __repr__(self):
        if not len(self):
            return "The synapse collection does not contain any connections."
        w, d, _ = self._values()
        rows = [
            " source   target   synapse model   weight   delay ",
            "-------- -------- --------------- -------- -------",
        ]
        for s_, t, wi, di in zip(self._source, self._target, w, d):
            rows.append(f"{s_:7d}  {t:7d}  static_synapse  {wi:7.3f}  {di:6.3f}")
        return "\n".join(rows)

    __str__ = __repr__


def _sampler_receptors(s, sources, targets) -> np.ndarray:
    """The `receptor` of recorder connections as NEST reports it: a neuron numbers the
    multimeters (and voltmeters) that record it 1, 2, … (its data logger's index); a spike
    recorder's connection has 0. spindle numbers a neuron's samplers in the order of their
    node ids, which is NEST's numbering whenever they were connected in the order they were
    created."""
    samplers = {}  # target -> sorted sampler ids recording it
    src, tgt, handle = (np.frombuffer(b, np.int64) for b in s.ensure_engine().synapses()[:3])
    for a, b in zip(src[handle < 0].tolist(), tgt[handle < 0].tolist()):
        if s.entry(a).model in _state.SAMPLERS:
            samplers.setdefault(b, set()).add(a)
    out = np.zeros(len(sources), np.int64)
    for i, (a, b) in enumerate(zip(np.asarray(sources).tolist(), np.asarray(targets).tolist())):
        if b in samplers and a in samplers[b]:
            out[i] = sorted(samplers[b]).index(a) + 1
    return out
