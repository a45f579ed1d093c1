"""`NodeCollection` and `SynapseCollection`, with PyNEST's behaviour.

A `NodeCollection` is a sorted set of node ids, as in NEST 3: `+` joins two (sorted, never
overlapping), indexing and slicing select ids, iteration yields one-node collections.
Parameters are read with `.get(...)` or as attributes and written with `.set(...)` or by
assigning attributes; recorders also have `.events` and `.n_events`.
"""

from __future__ import annotations

import numpy as np

from . import _state
from . import kernel as _k


class MissingKey(KeyError, AttributeError):
    """An unknown parameter: a `KeyError` as in PyNEST, and an `AttributeError` so that
    `hasattr(nodes, "x")` answers False."""


def _state_of(gen: int) -> _state.State:
    s = _state.current()
    if s.generation != gen:
        raise _k.KernelException(
            "This NodeCollection was created before the last ResetKernel and is no longer valid."
        )
    return s


class NodeCollection:
    """A sorted set of node ids (NEST's `NodeCollection`)."""

    __slots__ = ("_ids", "_gen")

    def __init__(self, data=None):
        s = _state.current()
        if data is None:
            ids = ()
        elif isinstance(data, NodeCollection):
            ids = data._ids
        else:
            if isinstance(data, (int, np.integer)):
                data = [data]
            ids = tuple(sorted({int(i) for i in data}))
            for i in ids:
                if not 1 <= i < s.next_id:
                    raise _k.UnknownNode(f"Node with id {i} does not exist.")
        object.__setattr__(self, "_ids", ids)
        object.__setattr__(self, "_gen", s.generation)

    @classmethod
    def _of(cls, ids, gen=None):
        nc = cls.__new__(cls)
        object.__setattr__(nc, "_ids", tuple(ids))
        object.__setattr__(nc, "_gen", _state.current().generation if gen is None else gen)
        return nc

    # ---- the set of ids ---------------------------------------------------------------

    def __len__(self):
        return len(self._ids)

    def __bool__(self):
        return bool(self._ids)

    def __iter__(self):
        return (NodeCollection._of((i,), self._gen) for i in self._ids)

    def __contains__(self, node_id):
        return int(node_id) in set(self._ids)

    def __eq__(self, other):
        return isinstance(other, NodeCollection) and self._ids == other._ids

    def __hash__(self):
        return hash(self._ids)

    def __getitem__(self, key):
        ids = self._ids
        if isinstance(key, (int, np.integer)):
            try:
                return NodeCollection._of((ids[int(key)],), self._gen)
            except IndexError:
                raise IndexError("index value outside of the NodeCollection") from None
        if isinstance(key, slice):
            if key.step is not None and key.step < 1:
                raise IndexError("slicing step for NodeCollection must be strictly positive")
            return NodeCollection._of(ids[key], self._gen)
        key = np.asarray(key)
        if key.dtype == bool:
            if len(key) != len(ids):
                raise IndexError("bool index array must be the same length as NodeCollection")
            return NodeCollection._of(np.asarray(ids)[key].tolist(), self._gen)
        picked = sorted({ids[int(i)] for i in key})
        return NodeCollection._of(picked, self._gen)

    def __add__(self, other):
        if not isinstance(other, NodeCollection):
            return NotImplemented
        if set(self._ids) & set(other._ids):
            raise _k.BadProperty("Cannot join overlapping NodeCollections.")
        return NodeCollection._of(sorted(self._ids + other._ids), self._gen)

    def index(self, node_id):
        try:
            return self._ids.index(int(node_id))
        except ValueError:
            raise ValueError(f"{node_id} is not in NodeCollection") from None

    def tolist(self):
        return list(self._ids)

    @property
    def global_id(self):
        return self._ids[0] if len(self._ids) == 1 else tuple(self._ids)

    def __repr__(self):
        if not self._ids:
            return "NodeCollection(<empty>)"
        s = _state.current()
        parts = []
        for first, count in _state.ranges(self._ids):
            for e_first, e_count, model in _model_runs(s, first, count, self._gen):
                part = f"model={model}, size={e_count}, first={e_first}"
                if e_count > 1:
                    part += f", last={e_first + e_count - 1}"
                parts.append(part)
        if len(parts) == 1:
            return f"NodeCollection(metadata=None, {parts[0]})"
        return "NodeCollection(metadata=None,\n               " + ";\n               ".join(
            parts
        ) + ")"

    __str__ = __repr__

    # ---- parameters -------------------------------------------------------------------

    def get(self, *params, output=""):
        """PyNEST's `get`: one key → a value (one node) or a tuple (several); several keys
        → a dict; no key → the whole status dict (of tuples for several nodes)."""
        if output:
            raise _k.NotImplemented(f"get(output={output!r}) is not supported by spindle")
        s = _state_of(self._gen)
        statuses = [s.status(i) for i in self._ids]
        one = len(statuses) == 1

        def pick(key):
            try:
                values = [d[key] for d in statuses]
            except KeyError:
                raise MissingKey(key) from None
            return values[0] if one else tuple(values)

        if not params:
            if one:
                return statuses[0]
            keys = [k for k in statuses[0] if all(k in d for d in statuses)] if statuses else []
            return {k: pick(k) for k in keys}
        if len(params) == 1 and isinstance(params[0], str):
            return pick(params[0])
        keys = params[0] if len(params) == 1 else params
        return {k: pick(k) for k in keys}

    def set(self, params=None, **kwargs):
        """PyNEST's `set`: a dict for all nodes, a list of dicts (one per node), keyword
        arguments, and per-node values given as sequences of the collection's length."""
        s = _state_of(self._gen)
        if params is None:
            params = kwargs
        elif kwargs:
            raise TypeError("set() takes a dict or keyword arguments, not both")
        if isinstance(params, (list, tuple)):
            if len(params) != len(self._ids):
                raise _k.BadProperty("set(): one parameter dict per node is needed")
            s.set_params(self._ids, [dict(p) for p in params])
            return
        n = len(self._ids)
        per_node = {
            k: v
            for k, v in params.items()
            if isinstance(v, (list, tuple, np.ndarray))
            and len(v) == n
            and n > 1
            and not _is_array_param(s, self._ids[0], k)
        }
        if per_node:
            dicts = []
            for i in range(n):
                d = dict(params)
                d.update({k: v[i] for k, v in per_node.items()})
                dicts.append(d)
            s.set_params(self._ids, dicts)
        else:
            s.set_params(self._ids, dict(params))

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return self.get(name)

    def __setattr__(self, name, value):
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self.set({name: value})


def _is_array_param(s, node_id, key):
    return isinstance(_state._DEFAULTS.get(s.entry(node_id).model, {}).get(key), list)


def _model_runs(s, first, count, gen):
    """(first, count, model) runs of one id range, split where the model changes."""
    if s.generation != gen:
        return [(first, count, "?")]
    out = []
    for i in range(first, first + count):
        model = s.entry(i).user_model
        if out and out[-1][2] == model:
            out[-1][1] += 1
        else:
            out.append([i, 1, model])
    return [tuple(r) for r in out]


class SynapseCollection:
    """Connections as `GetConnections` returns them (NEST's `SynapseCollection`).

    `source`, `target`, `weight`, `delay` (ms) and `synapse_model` can be read. Connections to
    spike recorders and from multimeters have no weight or delay in spindle: NaN.
    """

    __slots__ = ("_source", "_target", "_weight", "_delay")

    _KEYS = ("source", "target", "weight", "delay", "synapse_model")

    def __init__(self, source, target, weight, delay):
        object.__setattr__(self, "_source", np.asarray(source, np.int64))
        object.__setattr__(self, "_target", np.asarray(target, np.int64))
        object.__setattr__(self, "_weight", np.asarray(weight, np.float64))
        object.__setattr__(self, "_delay", np.asarray(delay, np.float64))

    def __len__(self):
        return len(self._source)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __getitem__(self, key):
        if isinstance(key, (int, np.integer)):
            key = slice(int(key), int(key) + 1 if int(key) != -1 else None)
        return SynapseCollection(
            self._source[key], self._target[key], self._weight[key], self._delay[key]
        )

    def _column(self, key):
        if key == "synapse_model":
            values = ["static_synapse"] * len(self)
        elif key in ("source", "target", "weight", "delay"):
            values = getattr(self, "_" + key).tolist()
        else:
            raise MissingKey(key)
        return values[0] if len(values) == 1 else values

    def get(self, keys=None, output=""):
        if output:
            raise _k.NotImplemented(f"get(output={output!r}) is not supported by spindle")
        if keys is None:
            return {k: self._column(k) for k in self._KEYS}
        if isinstance(keys, str):
            return self._column(keys)
        return {k: self._column(k) for k in keys}

    def set(self, *args, **kwargs):
        raise _k.NotImplemented("spindle cannot change connections once they are made")

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return self._column(name)

    def __setattr__(self, name, value):
        self.set({name: value})

    def __eq__(self, other):
        return isinstance(other, SynapseCollection) and all(
            np.array_equal(getattr(self, a), getattr(other, a), equal_nan=True)
            for a in ("_source", "_target", "_weight", "_delay")
        )

    __hash__ = None

    def __repr__(self):
        rows = [" source   target   synapse model   weight   delay ", "-" * 50]
        for s, t, w, d in zip(self._source, self._target, self._weight, self._delay):
            rows.append(f"{s:7d}  {t:7d}  static_synapse  {w:7.3f}  {d:6.4f}")
        return "\n".join(rows)

    __str__ = __repr__
