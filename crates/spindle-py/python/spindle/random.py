"""Random distributions for `syn_spec` weights and delays (PyNEST's `nest.random`).

`nest.Connect(a, b, syn_spec={"weight": nest.random.uniform(0.5, 1.5)})` draws each
connection's weight; spindle draws from its own streams, keyed by (seed, connection
statement, target), so the values differ from NEST's but not between thread counts. Node
parameters cannot be drawn this way yet (give arrays instead).
"""


class _Distribution:
    def __init__(self, **table):
        self._table = table

    def scenario_table(self) -> dict:
        """The distribution as a scenario `syn` table (docs/scenario-format.md)."""
        return dict(self._table)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._table.items() if k != "distribution")
        return f"{self._table['distribution']}({args})"


def uniform(min=0.0, max=1.0):  # noqa: A002 - NEST's argument names
    """Uniform on [min, max)."""
    return _Distribution(distribution="uniform", low=float(min), high=float(max))


def normal(mean=0.0, std=1.0):
    """Normal with mean and standard deviation std."""
    return _Distribution(distribution="normal", mean=float(mean), std=float(std))
