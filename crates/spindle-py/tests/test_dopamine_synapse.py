"""`stdp_dopamine_synapse` and `volume_transmitter` through PyNEST's API.

Contract: each case gives on spindle what it gives on NEST 3.10 — the same values (synapse
state and weights to 1e-9 relative), or an exception of the same class. Nothing is written
down: every case runs live on NEST 3.10 and on spindle (skipped where NEST is not
importable), each on a fresh kernel. The deterministic scenarios with golden data are in
`tests/plastic_synapses_nest.rs`.
"""

import numpy as np
import pytest

from test_surface import _outcome, _quiet


def _network(m, deliver_interval=1, threads=1, chunks=(120.0,), copy=False):
    """Pre and post spike trains through parrots onto a plastic synapse, three dopamine
    parrots (one spike train with repeated times) into a volume transmitter."""
    m.local_num_threads = threads
    sg_pre = m.Create("spike_generator", params={"spike_times": [5.0, 12.0, 30.0, 44.0, 61.0, 80.0, 95.0]})
    sg_post = m.Create("spike_generator", params={"spike_times": [8.0, 15.0, 28.0, 50.0, 63.0, 83.0]})
    sg_dopa = m.Create("spike_generator", params={"spike_times": [10.0, 11.0, 40.0, 41.0, 41.0, 70.0]})
    pre, post = m.Create("parrot_neuron"), m.Create("parrot_neuron")
    dopa = m.Create("parrot_neuron", 3)
    vt = m.Create("volume_transmitter", params={"deliver_interval": deliver_interval})
    m.Connect(sg_pre, pre)
    m.Connect(sg_post, post)
    m.Connect(sg_dopa, dopa)
    m.Connect(dopa, vt, syn_spec={"delay": 2.0})
    common = {"volume_transmitter": vt, "A_plus": 0.5, "A_minus": 0.6, "b": 0.01}
    model = "stdp_dopamine_synapse"
    if copy:
        m.CopyModel(model, "dopa_copy", common)
        model = "dopa_copy"
    else:
        m.SetDefaults(model, common)
    m.Connect(pre, post, syn_spec={"synapse_model": model, "weight": 20.0, "delay": 1.5})
    out = []
    for t in chunks:
        m.Simulate(t)
        out.append(m.GetConnections(synapse_model=model).get(["weight", "c", "n", "Kplus"]))
    return out


def _vt_and_neurons(m):
    return m.Create("volume_transmitter"), m.Create("iaf_psc_alpha", 2)


def _with_vt(m, syn, model="stdp_dopamine_synapse"):
    vt, n = _vt_and_neurons(m)
    m.SetDefaults(model, {"volume_transmitter": vt})
    m.Connect(n, n, syn_spec={"synapse_model": model, **syn})
    return m.GetConnections(synapse_model=model).get(["weight", "c", "n", "Kplus"])


CASES = {
    "one run": lambda m: _network(m),
    "deliver every 3 min-delays": lambda m: _network(m, deliver_interval=3),
    "two threads, chunks": lambda m: _network(m, threads=2, chunks=(17.3, 40.0, 62.7)),
    "a copy of the model": lambda m: _network(m, copy=True, deliver_interval=2),
    "defaults": lambda m: m.GetDefaults("stdp_dopamine_synapse"),
    "transmitter status": lambda m: m.Create("volume_transmitter").get("deliver_interval"),
    "deliver_interval as a float": lambda m: m.Create("volume_transmitter").set(deliver_interval=2.5),
    "unknown transmitter key": lambda m: m.Create("volume_transmitter").set(foo=1),
    "connect without transmitter": lambda m: (
        lambda vt, n: m.Connect(n, n, syn_spec={"synapse_model": "stdp_dopamine_synapse"})
    )(*_vt_and_neurons(m)),
    "transmitter is a neuron": lambda m: m.SetDefaults(
        "stdp_dopamine_synapse", {"volume_transmitter": _vt_and_neurons(m)[1][:1]}
    ),
    "transmitter of two nodes": lambda m: m.SetDefaults(
        "stdp_dopamine_synapse", {"volume_transmitter": _vt_and_neurons(m)[1]}
    ),
    "transmitter as an int": lambda m: m.SetDefaults("stdp_dopamine_synapse", {"volume_transmitter": 1}),
    "common key in syn_spec": lambda m: _with_vt(m, {"A_plus": 2.0}),
    "state in syn_spec": lambda m: _with_vt(m, {"c": 2.0, "n": 0.5, "Kplus": 1.0, "weight": -5.0}),
    "negative Kplus": lambda m: _with_vt(m, {"Kplus": -1.0}),
    "the _hpc variant": lambda m: _with_vt(m, {"c": 0.3}, model="stdp_dopamine_synapse_hpc"),
    "c with two threads": lambda m: (
        setattr(m, "local_num_threads", 2),
        _with_vt(m, {"c": 2.0}),
    ),
    "set the state": lambda m: (
        _with_vt(m, {}),
        m.GetConnections().set({"c": 0.25, "n": 0.75, "Kplus": 2.0}),
        m.GetConnections().get(["c", "n", "Kplus"]),
    )[2],
    "device into the transmitter": lambda m: m.Connect(
        m.Create("spike_generator"), m.Create("volume_transmitter")
    ),
    "transmitter as a source": lambda m: m.Connect(*_vt_and_neurons(m)),
    "fixed_indegree into the transmitter": lambda m: (
        lambda vt, n: m.Connect(n, vt, {"rule": "fixed_indegree", "indegree": 1})
    )(*_vt_and_neurons(m)),
    "stdp synapse into the transmitter": lambda m: (
        lambda vt, n: m.Connect(n, vt, syn_spec={"synapse_model": "stdp_synapse"})
    )(*_vt_and_neurons(m)),
}

# NEST's model ids and counts differ from spindle's (its catalog holds more models).
_UNCOMPARED = {"synapse_modelid", "num_connections", "has_delay", "requires_symmetric"}


def _close(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        keys = (set(a) | set(b)) - _UNCOMPARED
        return all(k in a and k in b and _close(a[k], b[k]) for k in keys)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    return a == b


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_outcome_as_nest(name, real_nest, nest):
    case = CASES[name]
    with _quiet():
        expected = _outcome(real_nest, case)
        got = _outcome(nest, case)
    if expected[0] == "raises":
        assert got[0] == "raises" and expected[1][0] in got[1], (name, expected, got)
    else:
        assert got[0] == "ok" and _close(got[1], expected[1]), (name, expected, got)


def test_results_do_not_depend_on_threads_or_chunks(nest):
    one = _network(nest, chunks=(120.0,))[-1]
    nest.ResetKernel()
    many = _network(nest, threads=3, chunks=(0.7, 33.3, 41.0, 45.0))[-1]
    assert one == many
    assert np.isfinite(one["weight"]) and one["c"] != 0.0
