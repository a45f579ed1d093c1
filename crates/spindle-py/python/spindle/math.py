"""Functions of parameters (PyNEST's `nest.math`): `exp`, `sin`, `cos`, `min`, `max`,
`redraw`.

Each takes a `Parameter` (`_parameter.py`) and returns one, drawn anew each time it is used.
`min` and `max` compare with a number, as C++'s `std::min`/`std::max` do (a NaN draw is
kept); `redraw` draws again while the value is outside [min, max] (both included), and fails
with NEST's `KernelException` after 1000 draws.
"""

from ._parameter import Parameter, _parameter, _unary

__all__ = ["exp", "sin", "cos", "min", "max", "redraw"]


def exp(parameter):
    """The exponential of the parameter."""
    return _unary("exp", parameter)


def sin(parameter):
    """The sine of the parameter."""
    return _unary("sin", parameter)


def cos(parameter):
    """The cosine of the parameter."""
    return _unary("cos", parameter)


def min(parameter, value):  # noqa: A001 - NEST's name
    """The smaller of the parameter and the number `value`."""
    p = _parameter(parameter, "nest.math.min")
    return Parameter._of({"op": "min", "param": p._spec, "value": float(value)})


def max(parameter, value):  # noqa: A001 - NEST's name
    """The larger of the parameter and the number `value`."""
    p = _parameter(parameter, "nest.math.max")
    return Parameter._of({"op": "max", "param": p._spec, "value": float(value)})


def redraw(parameter, min, max):  # noqa: A002 - NEST's argument names
    """The parameter, drawn again while it is outside [min, max] (both included); at most
    1000 draws, then NEST's KernelException. min <= max (else BadParameterValue)."""
    p = _parameter(parameter, "nest.math.redraw")
    return Parameter._of(
        {"op": "redraw", "param": p._spec, "min": float(min), "max": float(max)}
    )
