"""weight_recorder: the events of the synapses whose model names it.

Contract: on deterministic networks (spike generators through parrot neurons, plastic and
static synapses with several delays, multapses, a receptor port, stepped runs) a
weight_recorder gives on spindle what it gives on a one-thread NEST 3.10 — the same senders,
targets, times, weights (to 1e-12 relative), receptors and ports, row for row — and the same
events for every thread count. NEST runs live in the same process (skipped where it is not
importable). Its bad input fails with NEST's exception classes.
"""

import numpy as np
import pytest

KEYS = ("senders", "targets", "times", "weights", "receptors", "ports")


def _network(m, threads=1, stepped=False, filters=None, static=True):
    m.ResetKernel()
    m.local_num_threads = threads
    wr = m.Create("weight_recorder")
    m.CopyModel("stdp_synapse", "stdp_rec", {"weight_recorder": wr, "weight": 2.0})
    m.CopyModel("static_synapse", "static_rec", {"weight_recorder": wr, "weight": 3.0})
    sg = m.Create("spike_generator", params={"spike_times": [10.0, 15.0, 15.0, 40.0, 55.0]})
    sg2 = m.Create("spike_generator", params={"spike_times": [12.0, 30.0, 41.0]})
    pre = m.Create("parrot_neuron", 3)
    post = m.Create("parrot_neuron", 3)
    m.Connect(sg, pre[:2])
    m.Connect(sg2, pre[2])
    m.Connect(sg2, post[1])
    m.Connect(pre, post, syn_spec={"synapse_model": "stdp_rec", "delay": 1.5})
    m.Connect(pre[0], post[2], syn_spec={"synapse_model": "stdp_rec", "delay": 3.0})
    if static:
        m.Connect(pre, post, "one_to_one", syn_spec={"synapse_model": "static_rec", "delay": 2.0})
    if filters:
        wr.set(filters(m))
    if stepped:
        for _ in range(8):
            m.Simulate(10.0)
    else:
        m.Simulate(80.0)
    ev = wr.events
    return {k: np.asarray(ev[k]) for k in KEYS}, wr


def _nest():
    return pytest.importorskip("nest")


def _same(got, want, order_free=False):
    assert len(got["times"]) == len(want["times"]) > 0
    if order_free:
        key = lambda e: np.lexsort([e[k] for k in ("weights", "targets", "senders", "times")])
        got = {k: v[key(got)] for k, v in got.items()}
        want = {k: v[key(want)] for k, v in want.items()}
    for k in ("senders", "targets", "times", "receptors"):
        assert got[k].tolist() == want[k].tolist(), k
    np.testing.assert_allclose(got["weights"], want["weights"], rtol=1e-12, atol=0)


def test_events_as_nest(nest):
    want, _ = _network(_nest())
    got, wr = _network(nest)
    # NEST lists a spike's events by synapse model, then port; spindle by the synapse's
    # place in GetConnections: the same rows, in another order within a spike.
    _same(got, want, order_free=True)
    assert wr.n_events == len(want["times"])


def test_one_model_in_nest_order(nest):
    """With one synapse model, a one-thread NEST's order and ports are spindle's."""
    want, _ = _network(_nest(), static=False)
    got, _ = _network(nest, static=False)
    _same(got, want)
    assert got["ports"].tolist() == want["ports"].tolist()


def test_stepped_runs_and_threads_give_the_same_events(nest):
    """Every column but `ports`, which are positions among a thread's connections (in NEST
    too) and follow GetConnections (test_weights_are_those_of_get_connections)."""
    one, _ = _network(nest)
    for threads, stepped in [(1, True), (3, False), (2, True)]:
        other, _ = _network(nest, threads, stepped)
        for k in KEYS:
            if k != "ports":
                assert other[k].tolist() == one[k].tolist(), (threads, stepped, k)


@pytest.mark.parametrize(
    "filters",
    [
        lambda m: {"senders": m.NodeCollection([4, 5])},
        lambda m: {"targets": m.NodeCollection([7, 9])},
        lambda m: {"start": 12.0, "stop": 42.0},
    ],
)
def test_filters_as_nest(nest, filters):
    want, _ = _network(_nest(), filters=filters)
    got, _ = _network(nest, filters=filters)
    _same(got, want, order_free=True)


def test_weights_are_those_of_get_connections(nest):
    """The last recorded weight of every synapse is its weight, found by its port."""
    _, wr = _network(nest, threads=2, static=False)
    conns = nest.GetConnections(synapse_model="stdp_rec")
    last = {}
    ev = wr.events
    for s, t, p, w in zip(ev["senders"], ev["targets"], ev["ports"], ev["weights"]):
        last[(s, t, p)] = w
    got = conns.get(["source", "target", "port", "weight"])
    for s, t, p, w in zip(got["source"], got["target"], got["port"], got["weight"]):
        assert last[(s, t, p)] == w


def _outcome(m, case):
    m.ResetKernel()
    try:
        case(m)
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return type(e).__name__
    return "ok"


BAD = {
    "not a weight recorder": lambda m: m.CopyModel(
        "stdp_synapse", "x", {"weight_recorder": m.Create("parrot_neuron")}
    ),
    "a number": lambda m: m.CopyModel(
        "stdp_synapse", "x", {"weight_recorder": m.Create("weight_recorder").get("global_id")}
    ),
    "in a syn_spec": lambda m: m.Connect(
        m.Create("parrot_neuron"),
        m.Create("parrot_neuron"),
        syn_spec={"synapse_model": "stdp_synapse", "weight_recorder": m.Create("weight_recorder")},
    ),
    "connect into it": lambda m: m.Connect(m.Create("parrot_neuron"), m.Create("weight_recorder")),
    "connect from it": lambda m: m.Connect(m.Create("weight_recorder"), m.Create("parrot_neuron")),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_as_nest(nest, name):
    assert _outcome(nest, BAD[name]) == _outcome(_nest(), BAD[name])
