"""NEST's `connect_arrays`: `Connect(array, array, "one_to_one", syn_spec)` with ids in any
order and repeated, per-pair weights, delays and receptor types.

Contract: the connections (`GetConnections`: source, target, weight, delay, receptor, in
NEST's order) and the spikes they cause are NEST 3.10's. Every case runs live on NEST 3.10
and on spindle (skipped where NEST is not importable). An exported scenario carries the
statement as `sources`/`targets` and `spindle run` reproduces the Python run's spikes.
"""

import subprocess

import numpy as np
import pytest

SOURCES = [3, 1, 1, 5, 2, 4, 4, 1]
TARGETS = [1, 2, 2, 1, 5, 3, 3, 4]


def _network(m):
    m.Create("iaf_psc_alpha", 5, params={"I_e": 400.0})
    m.Create("iaf_psc_exp_multisynapse", 2, params={"tau_syn": [2.0, 5.0, 7.0]})


CASES = {
    "weights and delays": lambda m: m.Connect(
        np.array(SOURCES), np.array(TARGETS), "one_to_one",
        {"weight": np.linspace(-20.0, 50.0, 8), "delay": np.arange(1.0, 9.0) * 0.3},
    ),
    "model name, default weight and delay": lambda m: m.Connect(
        SOURCES, TARGETS, "one_to_one", "static_synapse"
    ),
    "no syn_spec": lambda m: m.Connect(np.array(SOURCES), np.array(TARGETS), "one_to_one"),
    "dict conn_spec, lists": lambda m: m.Connect(
        SOURCES, TARGETS, {"rule": "one_to_one"}, {"weight": [float(i) for i in range(8)]}
    ),
    "receptor types": lambda m: m.Connect(
        np.array([1, 2, 3, 1]), np.array([6, 7, 6, 6]), "one_to_one",
        {"receptor_type": np.array([1, 3, 2, 2]), "weight": np.array([5.0, 6.0, 7.0, 8.0])},
    ),
    "autapses are kept": lambda m: m.Connect([1, 2, 2], [1, 2, 3], "one_to_one"),
}


def _connections(m):
    c = m.GetConnections()
    return [
        (int(s), int(t), float(w), round(float(d), 9), int(r))
        for s, t, w, d, r in zip(
            c.get("source"), c.get("target"), c.get("weight"), c.get("delay"),
            c.get("receptor"),
        )
    ]


def _spikes(m):
    rec = m.Create("spike_recorder")
    m.Connect(m.NodeCollection(list(range(1, 8))), rec)
    m.Simulate(60.0)
    ev = rec.get("events")
    return sorted(zip(ev["senders"].tolist(), np.round(ev["times"], 9).tolist()))


@pytest.fixture(scope="module")
def real_nest():
    nest = pytest.importorskip("nest")
    nest.set_verbosity("M_ERROR")
    return nest


@pytest.mark.parametrize("name", sorted(CASES))
def test_connections_and_spikes_are_nests(name, real_nest, nest):
    got = {}
    for label, m in (("nest", real_nest), ("spindle", nest)):
        m.ResetKernel()
        _network(m)
        CASES[name](m)
        got[label] = (_connections(m), _spikes(m))
    assert got["spindle"][0] == got["nest"][0]
    assert got["spindle"][1] == got["nest"][1]
    assert got["nest"][1], "the case should make spikes"


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda m: m.Connect([1, 2], [3, 99], "one_to_one"), "UnknownNode"),
        (lambda m: m.Connect([1, 1], [3, 4], "one_to_one", return_synapsecollection=True),
         "ValueError"),
        (lambda m: m.Connect([1, 1], [3, 4], "one_to_one", {"weight": [1.0, 2.0, 3.0]}),
         "ValueError"),
        (lambda m: m.Connect([1, 1], [3, 4], "one_to_one", {"weights": [1.0, 2.0]}),
         "ValueError"),
        (lambda m: m.Connect([1, 1], [3, 4], "one_to_one", {"delay": [1.0, 0.01]}), "BadDelay"),
        (lambda m: m.Connect([1, 1], [3, 4], "one_to_one", {"weight": 2.0}), "TypeError"),
    ],
)
def test_bad_input_raises_what_nest_raises(call, error, real_nest, nest):
    for m in (real_nest, nest):
        m.ResetKernel()
        _network(m)
        with pytest.raises(Exception) as e:
            call(m)
        names = [c.__name__ for c in type(e.value).__mro__]
        assert error in names or error in str(e.value), (m.__name__, e.value)


def test_export_round_trip_keeps_the_pairs(nest, spindle_bin, tmp_path):
    h5py = pytest.importorskip("h5py")
    _network(nest)
    CASES["weights and delays"](nest)
    rec = nest.Create("spike_recorder")
    nest.Connect(nest.NodeCollection(list(range(1, 8))), rec)
    nest.Simulate(60.0)
    ev = rec.get("events")
    path = tmp_path / "arrays.toml"
    nest.export_scenario(path)
    text = path.read_text()
    assert "sources = [3, 1, 1, 5, 2, 4, 4, 1]" in text
    out = tmp_path / "out.h5"
    subprocess.run(
        [str(spindle_bin), "run", str(path), "--output", str(out), "--quiet", "--overwrite"],
        check=True,
    )
    with h5py.File(out, "r") as f:
        (group,) = [g for g in f.values() if g.attrs.get("model") == "spike_recorder"]
        assert np.array_equal(group["times"][()], ev["times"])
        assert np.array_equal(group["senders"][()], ev["senders"])
