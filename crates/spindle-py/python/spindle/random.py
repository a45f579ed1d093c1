"""Random parameters (PyNEST's `nest.random`): `uniform`, `uniform_int`, `normal`,
`lognormal`, `exponential`.

`nest.Connect(a, b, syn_spec={"weight": nest.random.uniform(0.5, 1.5)})` draws each
connection's weight; spindle draws from its own streams, keyed by (seed, connection
statement, target), so the values differ from NEST's but not between thread counts. Each
returns a `Parameter` (`_parameter.py`), which combines with numbers and other parameters
(`nest.random.normal(1.0, 0.2) * 2 + 0.5`, `nest.math.redraw(...)`).
"""

from ._parameter import CreateParameter, Parameter

__all__ = ["exponential", "lognormal", "normal", "uniform", "uniform_int"]

# The name of the class before parameters had operators; kept for code that checks it.
_Distribution = Parameter


def uniform(min=0.0, max=1.0):  # noqa: A002 - NEST's argument names
    """Uniform on [min, max) (min included, max excluded); min < max."""
    return CreateParameter("uniform", {"min": float(min), "max": float(max)})


def uniform_int(max):  # noqa: A002
    """An integer drawn uniformly from [0, max) (0 included, max excluded); max > 0."""
    return CreateParameter("uniform_int", {"max": max})


def normal(mean=0.0, std=1.0):
    """Normal with mean `mean` and standard deviation `std` > 0."""
    return CreateParameter("normal", {"mean": float(mean), "std": float(std)})


def exponential(beta=1.0):
    """Exponential with scale (mean) `beta`."""
    return CreateParameter("exponential", {"beta": float(beta)})


def lognormal(mean=0.0, std=1.0):
    """Log-normal: exp of a normal with mean `mean` and standard deviation `std` > 0 (the
    mean and standard deviation of the logarithm, as in NEST)."""
    return CreateParameter("lognormal", {"mean": float(mean), "std": float(std)})
