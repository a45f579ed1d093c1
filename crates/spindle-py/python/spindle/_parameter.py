"""NEST's `Parameter` objects and `CreateParameter`, as PyNEST 3.10 has them.

A parameter stands where a number is expected and is drawn per use: a synapse's weight or
delay (per connection), a node parameter (per node). `nest.random.*`, `nest.math.*`,
`nest.logic.conditional`, the arithmetic operators (`+ - * / **` with numbers or parameters,
in either order, unary minus) and the comparisons (`< <= == != >= >`, giving 1 or 0) build
one; PyNEST's spelling of each operation is kept (`1 - p` is `p * -1 + 1`, `2 / p` is
`p ** -1 * 2`), so the values are NEST's.

Here a parameter is only its description: `to_spec()` returns the nested dict that the
engine reads (`spindle_core::parameter::Parameter::from_value`: a number is a constant,
`{"distribution": "uniform", "min": .., "max": ..}` a distribution, `{"op": "add", "left":
.., "right": ..}` an operation, ...). The engine draws from its own keyed streams, so the
values are a different realisation from NEST's with the same distribution, the same for any
thread count. `GetValue()` draws one value here in Python (numpy), from a stream seeded by
`seed` — it is for looking at a parameter, not a source of the network's values.

Arguments are checked when a parameter is made, with NEST's exceptions and messages (e.g.
`BadProperty: nest::NormalParameter: std > 0 required.`); NaN fails the checks whose message
states a requirement (`min < max`, `std > 0`). Spatial parameters (`nest.spatial`,
`nest.spatial_distributions`: `{"spatial": KIND, ...}` specs) are evaluated in Python by
`_spatial.py` when a spatial Connect or a layer's node parameters use them.
"""

from __future__ import annotations

import copy
import numbers

import numpy as np

from . import kernel as _k

__all__ = ["Parameter", "CreateParameter", "seed"]

#: How often `nest.math.redraw` draws its parameter before giving up (NEST's `max_redraws_`).
MAX_REDRAWS = 1000

#: The distributions of `CreateParameter`, with their arguments and NEST's defaults
#: (`None`: required).
_DISTRIBUTIONS = {
    "constant": {"value": None},
    "uniform": {"min": 0.0, "max": 1.0},
    "normal": {"mean": 0.0, "std": 1.0},
    "lognormal": {"mean": 0.0, "std": 1.0},
    "exponential": {"beta": 1.0},
    "uniform_int": {"max": 1},
}

#: NEST's spatial parameter types (evaluated by `_spatial.py`).
_SPATIAL_TYPES = {
    "distance",
    "position",
    "gaussian",
    "gaussian2d",
    "exp_distribution",
    "gamma",
    "gabor",
}

# NEST's default seed (`rng_seed`), so that GetValue is reproducible from the start.
_DEFAULT_SEED = 143202461
_rng = np.random.default_rng(_DEFAULT_SEED)


def seed(value: int) -> None:
    """Restart the stream that `GetValue` draws from (e.g. with the kernel's `rng_seed`)."""
    global _rng
    _rng = np.random.default_rng(int(value))


def _is_number(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, Parameter)


def _number(kind: str, key: str, x) -> float:
    if not _is_number(x):
        raise _k.TypeMismatch(
            f"Expected datatype: Failed to cast '{key}' from {type(x).__name__} to type "
            f"double (CreateParameter('{kind}', ...))."
        )
    return float(x)


def _check(spec) -> None:
    """NEST's constructor checks of one node of a parameter (not of its operands)."""
    if not isinstance(spec, dict):
        return
    kind = spec.get("distribution") or spec.get("op")
    if kind == "uniform" and not spec["min"] < spec["max"]:
        raise _k.BadProperty("nest::UniformParameter: min < max required.")
    if kind in ("normal", "lognormal") and not spec["std"] > 0:
        name = "NormalParameter" if kind == "normal" else "LognormalParameter"
        raise _k.BadProperty(f"nest::{name}: std > 0 required.")
    if kind == "uniform_int" and not spec["max"] > 0:
        raise _k.BadProperty("nest::UniformIntParameter: max > 0 required.")
    if kind == "redraw" and not spec["min"] <= spec["max"]:
        raise _k.BadParameterValue("min <= max required.")


def _spec_of(x):
    """The spec of a parameter or a number (NEST's `_arg_as_parameter`)."""
    if isinstance(x, Parameter):
        return x._spec
    if _is_number(x):
        return float(x)
    raise NotImplementedError()


class Parameter:
    """A NEST parameter (`nest.random.uniform(0, 1)`, `p * 2 + 1`, ...); made by
    `CreateParameter` and the functions of `nest.random`, `nest.math` and `nest.logic`."""

    __slots__ = ("_spec",)

    def __init__(self, *args, **kwargs):
        raise TypeError(
            "Expected low-level parameter object; use the 'CreateParameter()' function to "
            "create a 'Parameter'."
        )

    @classmethod
    def _of(cls, spec) -> "Parameter":
        _check(spec)
        p = object.__new__(cls)
        p._spec = spec
        return p

    def to_spec(self):
        """The parameter as the engine reads it: a number, or a nested dict."""
        return copy.deepcopy(self._spec)

    def scenario_table(self):
        """The parameter as a scenario value (the same as `to_spec()`)."""
        return self.to_spec()

    # ---- operators, spelled as PyNEST spells them -------------------------------------

    def _binary(self, op, other, first=True):
        a, b = self._spec, _spec_of(other)
        if not first:
            a, b = b, a
        return Parameter._of({"op": op, "left": a, "right": b})

    def __add__(self, other):
        return self._binary("add", other)

    def __radd__(self, lhs):
        return self + lhs

    def __sub__(self, other):
        return self._binary("sub", other)

    def __rsub__(self, lhs):
        return self * (-1) + lhs

    def __pos__(self):
        return self

    def __neg__(self):
        return self * (-1)

    def __mul__(self, other):
        return self._binary("mul", other)

    def __rmul__(self, lhs):
        return self * lhs

    def __truediv__(self, other):
        return self._binary("div", other)

    def __rtruediv__(self, lhs):
        return self**-1 * lhs

    def __pow__(self, exponent):
        # NEST's exponent is a number: float() refuses a Parameter with a TypeError.
        return Parameter._of({"op": "pow", "param": self._spec, "exponent": float(exponent)})

    def _compare(self, symbol, other):
        return Parameter._of(
            {"op": "compare", "comparator": symbol, "left": self._spec, "right": _spec_of(other)}
        )

    def __lt__(self, other):
        return self._compare("<", other)

    def __le__(self, other):
        return self._compare("<=", other)

    def __eq__(self, other):
        return self._compare("==", other)

    def __ne__(self, other):
        return self._compare("!=", other)

    def __ge__(self, other):
        return self._compare(">=", other)

    def __gt__(self, other):
        return self._compare(">", other)

    # __eq__ builds a parameter, so a parameter is not hashable (as in PyNEST).
    __hash__ = None

    # ---- values ---------------------------------------------------------------------------

    def GetValue(self):
        """One value drawn from the parameter (in Python; see the module documentation)."""
        if self.is_spatial():
            raise _k.KernelException(
                "Parameter: a spatial parameter has no value without nodes (use apply())"
            )
        with np.errstate(all="ignore"):
            return float(_draw(self._spec, _rng))

    def is_spatial(self):
        from ._spatial import is_spatial

        return is_spatial(self._spec)

    def apply(self, spatial_nc, positions=None):
        """The values for the nodes of a layer, or (with `positions`) for pairs of the
        layer's single node and each position (NEST's Parameter.apply)."""
        from ._spatial import apply

        return apply(self, spatial_nc, positions)

    def __repr__(self):
        return f"<Parameter {_show(self._spec)}>"


def _show(spec) -> str:
    if not isinstance(spec, dict):
        return repr(spec)
    if "distribution" in spec:
        args = ", ".join(f"{k}={v!r}" for k, v in spec.items() if k != "distribution")
        return f"{spec['distribution']}({args})"
    op = spec["op"]
    infix = {"add": "+", "sub": "-", "mul": "*", "div": "/"}
    if op in infix:
        return f"({_show(spec['left'])} {infix[op]} {_show(spec['right'])})"
    if op == "compare":
        return f"({_show(spec['left'])} {spec['comparator']} {_show(spec['right'])})"
    if op == "pow":
        return f"({_show(spec['param'])} ** {spec['exponent']!r})"
    args = [_show(spec[k]) if isinstance(spec[k], dict) else repr(spec[k])
            for k in spec if k != "op"]
    return f"{op}({', '.join(args)})"


def _cpp_min(a, b):
    return b if b < a else a


def _cpp_max(a, b):
    return b if a < b else a


_COMPARE = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
}


def _draw(spec, rng) -> np.float64:
    """One draw with NEST's semantics (C++ doubles: no Python exceptions on inf or NaN)."""
    if not isinstance(spec, dict):
        return np.float64(spec)
    kind = spec.get("distribution")
    if kind == "uniform":
        return spec["min"] + rng.random() * (np.float64(spec["max"]) - spec["min"])
    if kind == "normal":
        return np.float64(rng.normal(spec["mean"], spec["std"]))
    if kind == "lognormal":
        return np.float64(rng.lognormal(spec["mean"], spec["std"]))
    if kind == "exponential":
        return spec["beta"] * -np.log(1.0 - rng.random())
    if kind == "uniform_int":
        return np.float64(rng.integers(0, spec["max"]))
    op = spec["op"]
    if op in ("add", "sub", "mul", "div"):
        a, b = _draw(spec["left"], rng), _draw(spec["right"], rng)
        return {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide}[op](a, b)
    if op == "pow":
        return np.power(_draw(spec["param"], rng), np.float64(spec["exponent"]))
    if op in ("exp", "sin", "cos"):
        return getattr(np, op)(_draw(spec["param"], rng))
    if op == "min":
        return _cpp_min(_draw(spec["param"], rng), np.float64(spec["value"]))
    if op == "max":
        return _cpp_max(_draw(spec["param"], rng), np.float64(spec["value"]))
    if op == "redraw":
        for _ in range(MAX_REDRAWS):
            v = _draw(spec["param"], rng)
            if not (v < spec["min"] or v > spec["max"]):
                return v
        raise _k.KernelException(f"Number of redraws exceeded limit of {MAX_REDRAWS}")
    if op == "compare":
        a, b = _draw(spec["left"], rng), _draw(spec["right"], rng)
        return np.float64(1.0 if _COMPARE[spec["comparator"]](a, b) else 0.0)
    if op == "conditional":
        # Only the branch taken is drawn; a NaN condition is true, as in C++.
        taken = "if_true" if _draw(spec["condition"], rng) != 0 else "if_false"
        return _draw(spec[taken], rng)
    raise _k.InternalError(f"unknown parameter operation {op!r}")


def CreateParameter(parametertype, specs):
    """A parameter of `parametertype` (NEST's CreateParameter): 'constant' {'value'},
    'uniform' {'min', 'max'}, 'normal' {'mean', 'std'}, 'lognormal' {'mean', 'std'} (of the
    logarithm), 'exponential' {'beta'}, 'uniform_int' {'max'}; missing arguments take NEST's
    defaults."""
    if not isinstance(parametertype, str):
        raise TypeError(
            f"CreateParameter: parametertype must be a string, not {type(parametertype).__name__}"
        )
    if parametertype in _SPATIAL_TYPES:
        from ._spatial import spatial_parameter

        return spatial_parameter(parametertype, specs)
    if parametertype not in _DISTRIBUTIONS:
        raise _k.UndefinedName(f"The name {parametertype} is not defined.")
    if not isinstance(specs, dict):
        raise _k.TypeMismatch(
            f"Expected datatype: Failed to cast '{parametertype}' from "
            f"{type(specs).__name__} to type Dictionary."
        )
    known = _DISTRIBUTIONS[parametertype]
    unknown = [k for k in specs if k not in known]
    if unknown:
        raise _k.UnaccessedDictionaryEntry(
            "Unaccessed elements in param, in function create_parameter:  " + " ".join(unknown)
        )
    if parametertype == "constant":
        if "value" not in specs:
            raise IndexError("CreateParameter('constant', ...): specs need a 'value'")
        return Parameter._of(_number("constant", "value", specs["value"]))
    spec = {"distribution": parametertype}
    for key, default in known.items():
        x = specs.get(key, default)
        if parametertype == "uniform_int":
            if not isinstance(x, numbers.Integral) or isinstance(x, bool):
                raise RuntimeError(
                    f"The dictionary value with key {key} does not hold a numeric integer type."
                )
            spec[key] = int(x)
        else:
            spec[key] = _number(parametertype, key, x)
    return Parameter._of(spec)


def _parameter(x, where: str) -> Parameter:
    if not isinstance(x, Parameter):
        raise TypeError(f"{where}: expected a Parameter, not {type(x).__name__}")
    return x


def _unary(op: str, parameter) -> Parameter:
    return Parameter._of({"op": op, "param": _parameter(parameter, f"nest.math.{op}")._spec})
