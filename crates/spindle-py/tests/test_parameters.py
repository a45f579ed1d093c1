"""NEST's parameters in Python (`nest.random`, `nest.math`, `nest.logic`, operators,
`CreateParameter`): each builds the spec the engine reads (`spindle_core::parameter`), spelled
as PyNEST spells the operation, refuses what NEST refuses with NEST's exception and message,
and `GetValue` draws from the distribution it names (closed-form mean and variance).

These tests are pure Python: they load the package's modules without its native half."""

import importlib
import math
import sys
import tomllib
import types
from pathlib import Path

import numpy as np
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "python" / "spindle"


def _load():
    name = "_spindle_pure_python"
    if name not in sys.modules:
        pkg = types.ModuleType(name)
        pkg.__path__ = [str(PACKAGE)]
        sys.modules[name] = pkg
    return types.SimpleNamespace(
        **{
            m.lstrip("_"): importlib.import_module(f"{name}.{m}")
            for m in ("kernel", "_parameter", "random", "math", "logic", "_toml")
        }
    )


S = _load()
P, K = S.parameter, S.kernel
U01 = {"distribution": "uniform", "min": 0.0, "max": 1.0}


def spec(p):
    return p.to_spec()


def test_operators_build_pynest_s_expressions():
    p = S.random.uniform()
    q = S.random.normal(1.0, 2.0)
    N = spec(q)
    assert spec(p) == U01
    assert spec(p + 1) == {"op": "add", "left": U01, "right": 1.0}
    assert spec(1 + p) == {"op": "add", "left": U01, "right": 1.0}
    assert spec(p - q) == {"op": "sub", "left": U01, "right": N}
    # PyNEST: lhs - p is p * -1 + lhs, lhs / p is p ** -1 * lhs, -p is p * -1.
    assert spec(2 - p) == {"op": "add", "left": {"op": "mul", "left": U01, "right": -1.0}, "right": 2.0}
    assert spec(-p) == {"op": "mul", "left": U01, "right": -1.0}
    assert +p is p
    assert spec(3 * p) == spec(p * 3) == {"op": "mul", "left": U01, "right": 3.0}
    assert spec(p / q) == {"op": "div", "left": U01, "right": N}
    assert spec(2 / p) == {
        "op": "mul",
        "left": {"op": "pow", "param": U01, "exponent": -1.0},
        "right": 2.0,
    }
    assert spec(p**2) == {"op": "pow", "param": U01, "exponent": 2.0}
    for symbol, made in [
        ("<", p < q), ("<=", p <= q), ("==", p == q), ("!=", p != q), (">=", p >= q), (">", p > q),
    ]:
        assert spec(made) == {"op": "compare", "comparator": symbol, "left": U01, "right": N}
    # A number on the left is reflected by Python, as with PyNEST: 0.5 < p is p > 0.5.
    assert spec(0.5 < p)["comparator"] == ">"
    assert spec(p + True)["right"] == 1.0


def test_operators_refuse_what_pynest_refuses():
    p = S.random.uniform()
    with pytest.raises(TypeError):
        p ** S.random.uniform()
    with pytest.raises(TypeError):
        2**p
    with pytest.raises(NotImplementedError):
        p + "a"
    with pytest.raises(TypeError):
        hash(p)
    with pytest.raises(TypeError):
        P.Parameter({"distribution": "uniform"})


def test_math_and_logic_build_their_specs():
    p = S.random.normal()
    N = spec(p)
    for f in ("exp", "sin", "cos"):
        assert spec(getattr(S.math, f)(p)) == {"op": f, "param": N}
    assert spec(S.math.min(p, 2)) == {"op": "min", "param": N, "value": 2.0}
    assert spec(S.math.max(p, -1)) == {"op": "max", "param": N, "value": -1.0}
    assert spec(S.math.redraw(p, -1, 1)) == {"op": "redraw", "param": N, "min": -1.0, "max": 1.0}
    c = S.logic.conditional(p < 0, 1, p)
    assert spec(c) == {
        "op": "conditional",
        "condition": {"op": "compare", "comparator": "<", "left": N, "right": 0.0},
        "if_true": 1.0,
        "if_false": N,
    }
    for bad in (lambda: S.math.exp(1.0), lambda: S.logic.conditional(0.3, 1.0, 2.0)):
        with pytest.raises(TypeError):
            bad()
    with pytest.raises(TypeError):
        S.math.min(p, p)


def test_random_functions_and_create_parameter_take_nest_s_arguments_and_defaults():
    assert spec(S.random.uniform(max=3)) == {"distribution": "uniform", "min": 0.0, "max": 3.0}
    assert spec(S.random.normal(mean=1, std=2)) == {"distribution": "normal", "mean": 1.0, "std": 2.0}
    assert spec(S.random.lognormal()) == {"distribution": "lognormal", "mean": 0.0, "std": 1.0}
    assert spec(S.random.exponential(2)) == {"distribution": "exponential", "beta": 2.0}
    assert spec(S.random.uniform_int(5)) == {"distribution": "uniform_int", "max": 5}
    assert spec(P.CreateParameter("constant", {"value": 2})) == 2.0
    assert spec(P.CreateParameter("uniform", {})) == U01
    assert spec(P.CreateParameter("uniform_int", {})) == {"distribution": "uniform_int", "max": 1}
    # The method the package used before parameters had operators still works.
    assert S.random.uniform(0.5, 1.5).scenario_table() == {
        "distribution": "uniform", "min": 0.5, "max": 1.5,
    }


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: S.random.uniform(1, 1), "BadProperty", "nest::UniformParameter: min < max required."),
        (lambda: S.random.uniform(2, 1), "BadProperty", "nest::UniformParameter: min < max required."),
        (lambda: S.random.uniform(math.nan, 1), "BadProperty", "min < max required."),
        (lambda: S.random.normal(0, 0), "BadProperty", "nest::NormalParameter: std > 0 required."),
        (lambda: S.random.normal(0, -1), "BadProperty", "nest::NormalParameter: std > 0 required."),
        (lambda: S.random.lognormal(0, 0), "BadProperty", "nest::LognormalParameter: std > 0 required."),
        (lambda: S.random.uniform_int(0), "BadProperty", "nest::UniformIntParameter: max > 0 required."),
        (lambda: S.math.redraw(S.random.normal(), 6, 5), "BadParameterValue", "min <= max required."),
        (lambda: P.CreateParameter("bogus", {}), "UndefinedName", "The name bogus is not defined."),
        (
            lambda: P.CreateParameter("uniform", {"min": 0.0, "foo": 3}),
            "UnaccessedDictionaryEntry",
            "Unaccessed elements in param, in function create_parameter:  foo",
        ),
        (lambda: P.CreateParameter("uniform", {"min": "a"}), "TypeMismatch", "Failed to cast 'min'"),
        (lambda: P.CreateParameter("uniform", [1, 2]), "TypeMismatch", "to type Dictionary"),
        (
            lambda: P.CreateParameter("gamma", {"x": 1.0, "kappa": 1.0, "theta": 1.0}),
            "TypeMismatch",
            "Failed to cast 'x' from double",
        ),
    ],
)
def test_bad_arguments_raise_nest_s_exceptions(make, error, message):
    with pytest.raises(getattr(K, error)) as info:
        make()
    assert message in str(info.value)
    assert isinstance(info.value, K.KernelException)


def test_arguments_nest_refuses_with_python_exceptions():
    # NEST: RuntimeError "The dictionary value with key max does not hold a numeric integer type."
    for bad in (2.5, 3.0):
        with pytest.raises(RuntimeError, match="does not hold a numeric integer type"):
            S.random.uniform_int(bad)
    with pytest.raises(IndexError):
        P.CreateParameter("constant", {})


def draws(p, n=40_000):
    P.seed(12345)
    return np.array([p.GetValue() for _ in range(n)])


def check_moments(p, mean, var, excess_kurtosis, n=40_000):
    """Mean and variance within five standard errors of the closed forms."""
    x = draws(p, n)
    se_mean = math.sqrt(var / n)
    se_var = var * math.sqrt((excess_kurtosis + 2.0) / n)
    assert abs(x.mean() - mean) < 5 * se_mean, (x.mean(), mean)
    assert abs(x.var(ddof=1) - var) < 5 * se_var, (x.var(ddof=1), var)
    return x


def test_get_value_follows_the_distributions():
    x = check_moments(S.random.uniform(-1, 3), 1.0, 16 / 12, -1.2)
    assert x.min() >= -1 and x.max() < 3
    check_moments(S.random.normal(3, 2), 3.0, 4.0, 0.0)
    mu, s2 = 0.5, 0.25
    check_moments(
        S.random.lognormal(mu, math.sqrt(s2)),
        math.exp(mu + s2 / 2),
        (math.exp(s2) - 1) * math.exp(2 * mu + s2),
        math.exp(4 * s2) + 2 * math.exp(3 * s2) + 3 * math.exp(2 * s2) - 6,
    )
    check_moments(S.random.exponential(2), 2.0, 4.0, 6.0)
    k = 5
    x = check_moments(S.random.uniform_int(k), (k - 1) / 2, (k * k - 1) / 12, -6 * (k * k + 1) / (5 * (k * k - 1)))
    assert set(x) == set(range(k))
    q = 0.3
    c = S.logic.conditional(S.random.uniform() < q, 1.0, 0.0)
    check_moments(c, q, q * (1 - q), (1 - 6 * q * (1 - q)) / (q * (1 - q)))
    check_moments(1 - S.random.normal() * 3, 1.0, 9.0, 0.0)


def test_get_value_computes_what_nest_computes():
    c = lambda x: P.CreateParameter("constant", {"value": x})  # noqa: E731
    assert (c(2) + 3).GetValue() == 5.0
    assert (2 - c(3)).GetValue() == -1.0
    assert (c(3) / 2).GetValue() == 1.5
    assert (2 / c(4)).GetValue() == 0.5
    assert (c(2) ** 3).GetValue() == 8.0
    assert S.math.exp(c(1)).GetValue() == math.exp(1)
    assert S.math.min(c(2), 1).GetValue() == 1.0
    assert S.math.max(c(2), 1).GetValue() == 2.0
    # std::min / std::max keep a NaN parameter; a NaN condition is true; 1/0 is inf.
    assert math.isnan(S.math.min(c(math.nan), 1).GetValue())
    assert math.isnan(S.math.max(c(math.nan), 1).GetValue())
    assert S.logic.conditional(c(math.nan), 1.0, 2.0).GetValue() == 1.0
    assert S.logic.conditional(c(0), 1.0, 2.0).GetValue() == 2.0
    assert (c(1) / 0).GetValue() == math.inf
    assert [(c(x) < 1).GetValue() for x in (0, 1, 2)] == [1.0, 0.0, 0.0]
    assert [(c(x) >= 1).GetValue() for x in (0, 1, 2)] == [0.0, 1.0, 1.0]
    assert isinstance(S.random.uniform_int(3).GetValue(), float)


def test_redraw_keeps_within_its_bounds_and_gives_up_as_nest_does():
    x = draws(S.math.redraw(S.random.normal(), -0.5, 1.0), 5000)
    assert x.min() >= -0.5 and x.max() <= 1.0
    assert S.math.redraw(P.CreateParameter("constant", {"value": 1.0}), 0, 1).GetValue() == 1.0
    with pytest.raises(K.KernelException, match="^Number of redraws exceeded limit of 1000$"):
        S.math.redraw(S.random.normal(), 50, 60).GetValue()


def test_get_value_is_reproducible_from_the_seed():
    p = S.random.normal() * S.random.uniform()
    assert list(draws(p, 10)) == list(draws(p, 10))


def test_specs_survive_the_scenario_text():
    """The spec written into a scenario (TOML) reads back as the same nested table."""
    p = S.math.redraw(S.logic.conditional(S.random.uniform() < 0.5, S.random.lognormal(0, 0.5), 2 - S.random.exponential()), 0.1, math.inf)
    text = "x = " + S.toml.value(p.to_spec())
    assert tomllib.loads(text)["x"] == p.to_spec()


def test_spatial_parameters_are_spatial_and_need_their_arguments():
    # As NEST: a spatial distribution needs all its arguments (IndexError "map::at"), and
    # `GetValue` of a spatial parameter has no nodes to draw for.
    with pytest.raises(IndexError):
        P.CreateParameter("gaussian", {})
    import spindle

    d = spindle.spatial.distance
    assert d.is_spatial() and spindle.spatial_distributions.gaussian(d * 2.0).is_spatial()
    assert S.random.uniform().is_spatial() is False
    with pytest.raises(spindle.kernel.KernelException):
        d.GetValue()
