"""The connection rules `symmetric_pairwise_bernoulli` and `pairwise_poisson`, `make_symmetric`,
the rules that cannot reach a recorder and a stimulating device's single synapse model.

Contract: what NEST 3.10 refuses (autapses or no multapses for the symmetric rule, a
`make_symmetric` other than true for it, `make_symmetric` with a rule other than one_to_one,
random parameters with `make_symmetric`, a negative `pairwise_avg_num_conns`, no multapses for
pairwise_poisson) spindle refuses with the same exception class, and what it makes for a
deterministic statement (one_to_one with `make_symmetric`) is NEST's list of connections. The
expectations are not written down: each case runs live on NEST 3.10 and on spindle (skipped
where NEST is not importable). The random rules draw from spindle's keyed streams, so their
connections are another realisation than NEST's: they are checked against the closed forms of
their statistics (NEST's own `connect/test_connect_*` files check the degree distributions),
for symmetry, and for being the same with any thread count.
"""

import numpy as np
import pytest
from test_kernel_keys import _outcome

SYM = {
    "rule": "symmetric_pairwise_bernoulli",
    "p": 0.3,
    "allow_autapses": False,
    "allow_multapses": True,
    "make_symmetric": True,
}


def _connect(m, conn, syn=None, n=5):
    a, b = m.Create("iaf_psc_alpha", n), m.Create("iaf_psc_alpha", n)
    m.Connect(a, b, conn, syn or {})
    c = m.GetConnections()
    return sorted(zip(c.get("source"), c.get("target"), c.get("weight"), c.get("delay")))


CASES = {
    "symmetric with autapses": lambda m: _connect(m, {**SYM, "allow_autapses": True}),
    "symmetric without multapses": lambda m: _connect(m, {**SYM, "allow_multapses": False}),
    "symmetric without make_symmetric": lambda m: _connect(m, {**SYM, "make_symmetric": False}),
    "symmetric with p = 1": lambda m: _connect(m, {**SYM, "p": 1.0}),
    "symmetric with p < 0": lambda m: _connect(m, {**SYM, "p": -0.1}),
    "symmetric with a random weight": lambda m: _connect(
        m, SYM, {"weight": m.random.uniform(1.0, 2.0)}
    ),
    "all_to_all make_symmetric": lambda m: _connect(m, {"rule": "all_to_all", "make_symmetric": True}),
    "fixed_indegree make_symmetric": lambda m: _connect(
        m, {"rule": "fixed_indegree", "indegree": 2, "make_symmetric": True}
    ),
    "pairwise_bernoulli make_symmetric": lambda m: _connect(
        m, {"rule": "pairwise_bernoulli", "p": 0.5, "make_symmetric": True}
    ),
    "one_to_one make_symmetric": lambda m: _connect(
        m, {"rule": "one_to_one", "make_symmetric": True}, {"weight": 2.5, "delay": 1.5}
    ),
    "one_to_one make_symmetric with arrays": lambda m: _connect(
        m,
        {"rule": "one_to_one", "make_symmetric": True},
        {"weight": [1.0, 2.0, 3.0, 4.0, 5.0], "delay": [1.0, 1.5, 2.0, 2.5, 3.0]},
    ),
    "one_to_one make_symmetric random delay": lambda m: _connect(
        m, {"rule": "one_to_one", "make_symmetric": True}, {"delay": m.random.uniform(1.0, 2.0)}
    ),
    "one_to_one make_symmetric random stdp alpha": lambda m: _connect(
        m,
        {"rule": "one_to_one", "make_symmetric": True},
        {"synapse_model": "stdp_synapse", "alpha": m.random.uniform()},
    ),
    "pairwise_poisson negative mean": lambda m: _connect(
        m, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": -1.0}
    ),
    "pairwise_poisson without multapses": lambda m: _connect(
        m, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": 1.0, "allow_multapses": False}
    ),
    "pairwise_poisson zero mean": lambda m: _connect(
        m, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": 0.0}
    ),
    "connection_rules": lambda m: sorted(m.connection_rules),
    # A random rule cannot reach a recorder (it has no proxies); all_to_all can.
    "fixed_indegree into a spike_recorder": lambda m: _to_recorder(
        m, {"rule": "fixed_indegree", "indegree": 1}
    ),
    "pairwise_bernoulli into a spike_recorder": lambda m: _to_recorder(
        m, {"rule": "pairwise_bernoulli", "p": 1.0}
    ),
    "pairwise_bernoulli p = 0 into a spike_recorder": lambda m: _to_recorder(
        m, {"rule": "pairwise_bernoulli", "p": 0.0}
    ),
    "all_to_all into a spike_recorder": lambda m: _to_recorder(m, {"rule": "all_to_all"}),
    # A stimulating device sends through one synapse model only.
    "generator with static_synapse twice": lambda m: _two_models(m, "static_synapse"),
    "generator with a copy of static_synapse": lambda m: _two_models(m, "copy_syn"),
}


def _to_recorder(m, conn):
    m.Connect(m.Create("iaf_psc_alpha"), m.Create("spike_recorder", 2), conn)
    return m.num_connections


def _two_models(m, second):
    m.CopyModel("static_synapse", "copy_syn")
    g, n = m.Create("poisson_generator"), m.Create("iaf_psc_alpha", 2)
    m.Connect(g, n[0], syn_spec="static_synapse")
    m.Connect(g, n[1], syn_spec=second)
    return m.num_connections


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_outcome_as_nest(nest, name):
    nest_sim = pytest.importorskip("nest")
    assert _outcome(nest, CASES[name]) == _outcome(nest_sim, CASES[name])


def _matrix(nest, pre, post):
    c = nest.GetConnections(pre, post)
    m = np.zeros((len(pre), len(post)), int)
    for s, t in zip(c.get("source"), c.get("target")):
        m[s - pre[0].global_id, t - post[0].global_id] += 1
    return m


def test_symmetric_pairwise_bernoulli_is_symmetric_and_binomial(nest):
    n, p = 100, 0.3
    pop = nest.Create("iaf_psc_alpha", n)
    nest.Connect(pop, pop, SYM | {"p": p})
    m = _matrix(nest, pop, pop)
    assert np.array_equal(m, m.T)
    assert not np.diag(m).any()
    assert m.max() <= 2
    # Each target draws Binomial(n, p) distinct sources; each pair is connected both ways.
    mean, var = 2 * n * n * p, 4 * n * n * p * (1 - p)
    assert abs(m.sum() - mean) < 4 * np.sqrt(var)


def test_pairwise_poisson_mean_count_per_pair(nest):
    n, mean = 80, 0.7
    a, b = nest.Create("iaf_psc_alpha", n), nest.Create("iaf_psc_alpha", n)
    nest.Connect(a, b, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": mean})
    m = _matrix(nest, a, b)
    # A sum of n² Poisson counts is Poisson(n² mean); a pair's count has variance = mean.
    assert abs(m.sum() - n * n * mean) < 4 * np.sqrt(n * n * mean)
    assert abs(m.var() - mean) < 0.1


@pytest.mark.parametrize(
    "conn",
    [SYM, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": 0.5, "allow_autapses": False}],
)
def test_the_same_connections_for_any_thread_count(nest, conn):
    found = []
    for threads in (1, 3):
        nest.ResetKernel()
        nest.local_num_threads = threads
        pop = nest.Create("iaf_psc_alpha", 40)
        nest.Connect(pop, pop, conn)
        c = nest.GetConnections()
        found.append(sorted(zip(c.get("source"), c.get("target"))))
    assert found[0] == found[1]
    assert all(s != t for s, t in found[0])


@pytest.mark.parametrize(
    "conn, word",
    [
        ({"rule": "fixed_indegree", "indegree": 4, "allow_multapses": False}, "Indegree"),
        ({"rule": "fixed_outdegree", "outdegree": 4, "allow_multapses": False}, "Outdegree"),
    ],
)
def test_impossible_degrees_are_refused_with_nests_words(nest, conn, word):
    """NEST's message names the degree (its regression test ticket 451 matches on it)."""
    nest_sim = pytest.importorskip("nest")
    for m in (nest, nest_sim):
        m.ResetKernel()
        a, b = m.Create("iaf_psc_alpha", 3), m.Create("iaf_psc_alpha", 3)
        with pytest.raises(m.NESTErrors.BadProperty, match=word):
            m.Connect(a, b, conn)


def test_synapse_id_is_the_models_synapse_modelid(nest):
    """NEST's relation, checked on both: a connection's `synapse_id` is its model's
    `synapse_modelid` (the numbers themselves are each simulator's own)."""
    nest_sim = pytest.importorskip("nest")
    for m in (nest, nest_sim):
        m.ResetKernel()
        n = m.Create("iaf_psc_alpha", 3)
        m.Connect(n, n)
        m.Connect(n[0], n[1], syn_spec={"synapse_model": "stdp_synapse"})
        c = m.GetConnections()
        ids = [m.GetDefaults(model, "synapse_modelid") for model in c.get("synapse_model")]
        assert c.get("synapse_id") == ids
        assert "synapse_id" in c[0].get()
