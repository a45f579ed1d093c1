"""Choices between parameters (PyNEST's `nest.logic`): `conditional`."""

from ._parameter import Parameter, _parameter, _spec_of

__all__ = ["conditional"]


def conditional(condition, param_if_true, param_if_false):
    """`param_if_true` where `condition` (a Parameter, usually a comparison such as
    `nest.random.uniform() < 0.3`) is not 0, else `param_if_false`; each a Parameter or a
    number. Only the branch taken is drawn."""
    c = _parameter(condition, "nest.logic.conditional")
    return Parameter._of(
        {
            "op": "conditional",
            "condition": c._spec,
            "if_true": _spec_of(param_if_true),
            "if_false": _spec_of(param_if_false),
        }
    )
