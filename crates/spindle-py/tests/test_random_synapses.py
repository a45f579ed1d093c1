"""The synapses that draw random numbers (`bernoulli_synapse`, `quantal_stp_synapse`) through
the Python API, against NEST 3.10 run live: where NEST is deterministic (`p_transmit` 1 and 0;
`U = u = 1` with a recovery so fast that every site is back at the next spike; `U = u = 0`)
the weight recorder events, the synapse state (`u`, `a`) and the spikes are NEST's; the
defaults of the models' own keys are NEST's; a dropped spike leaves no weight recorder event;
bad parameters raise NEST's exception with NEST's message; and the transmitted fraction of a `bernoulli_synapse`
is NEST's `p_transmit` within three standard deviations."""

import numpy as np

import pytest


def limits(nest):
    nest.ResetKernel()
    sg = nest.Create(
        "spike_generator",
        params={
            "spike_times": [2.0, 9.3, 15.0, 15.0, 31.7, 40.1, 52.6, 53.0, 70.4],
        },
    )
    p = nest.Create("parrot_neuron")
    n = nest.Create("iaf_psc_alpha", 2, params={"I_e": 370.0})
    wr_q, wr_b = nest.Create("weight_recorder"), nest.Create("weight_recorder")
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, p)
    # One recorder per model: NEST lists the events of one spike by synapse model first.
    nest.CopyModel("quantal_stp_synapse", "q_rec", {"weight_recorder": wr_q})
    nest.CopyModel("bernoulli_synapse", "b_rec", {"weight_recorder": wr_b})
    nest.Connect(p, n, syn_spec={"synapse_model": "b_rec", "weight": 70.0, "delay": 1.2})
    nest.Connect(p, n, syn_spec={"synapse_model": "b_rec", "weight": 900.0, "p_transmit": 0.0})
    nest.Connect(
        p,
        n,
        syn_spec={
            "synapse_model": "q_rec",
            "weight": 20.0,
            "delay": 2.1,
            "U": 1.0,
            "u": 1.0,
            "tau_rec": 0.001,
            "tau_fac": 10.0,
            "n": 3,
            "a": 2,
        },
    )
    nest.Connect(
        p,
        n,
        syn_spec={"synapse_model": "q_rec", "weight": 900.0, "U": 0.0, "u": 0.0, "n": 4, "a": 4},
    )
    nest.Connect(n, sr)
    nest.Simulate(40.0)
    nest.Simulate(45.0)
    out = {"events_q": wr_q.get("events"), "events_b": wr_b.get("events"), "spikes": sr.get("events")}
    c = nest.GetConnections(synapse_model="q_rec")
    out["quantal"] = c.get(["source", "target", "weight", "u", "a", "n", "U", "tau_rec"])
    c = nest.GetConnections(synapse_model="b_rec")
    out["bernoulli"] = c.get(["source", "target", "weight", "p_transmit"])
    out["defaults"] = {
        m: {k: nest.GetDefaults(m)[k] for k in keys}
        for m, keys in (
            ("quantal_stp_synapse", ("U", "u", "n", "a", "tau_rec", "tau_fac", "weight")),
            ("bernoulli_synapse", ("p_transmit", "weight")),
        )
    }
    return out


def test_deterministic_limits_match_nest(nest, real_nest):
    got = limits(nest)
    want = limits(real_nest)
    for events in ("events_q", "events_b"):
        assert len(want[events]["times"]) > 10
        for k in ("times", "senders", "targets", "weights"):
            assert list(got[events][k]) == list(want[events][k]), (events, k)
    for k in ("times", "senders"):
        assert list(got["spikes"][k]) == list(want["spikes"][k]), k
    for m in ("quantal", "bernoulli"):
        for k, v in want[m].items():
            assert list(got[m][k]) == list(v), (m, k)
    assert got["defaults"] == want["defaults"]


def errors(nest):
    nest.ResetKernel()
    n = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(n[0], n[1], syn_spec={"synapse_model": "bernoulli_synapse", "p_transmit": 0.5})
    got = []
    for spec in [
        {"synapse_model": "bernoulli_synapse", "p_transmit": 1.1},
        {"synapse_model": "bernoulli_synapse", "p_transmit": -0.1},
        {"synapse_model": "quantal_stp_synapse", "U": 2.0},
        {"synapse_model": "quantal_stp_synapse", "u": -1.0},
        {"synapse_model": "quantal_stp_synapse", "tau_rec": 0.0},
        {"synapse_model": "quantal_stp_synapse", "tau_fac": -2.0},
        {"synapse_model": "quantal_stp_synapse", "n": 7, "a": 9},
    ]:
        try:
            nest.Connect(n[0], n[1], syn_spec=spec)
            got.append("ok")
        except Exception as e:  # noqa: BLE001 - the exception's name is what is compared
            got.append(f"{type(e).__name__}: {e}")
    for model, params in (("bernoulli_synapse", {"p_transmit": 3.0}), ("quantal_stp_synapse", {"U": -0.5})):
        try:
            nest.SetDefaults(model, params)
            got.append("ok")
        except Exception as e:  # noqa: BLE001
            got.append(f"{type(e).__name__}: {e}")
    c = nest.GetConnections(synapse_model="bernoulli_synapse")
    try:
        c.set({"p_transmit": 1.5})
        got.append("ok")
    except Exception as e:  # noqa: BLE001
        got.append(type(e).__name__)
    return got


def test_bad_parameters_fail_as_in_nest(nest, real_nest):
    got = errors(nest)
    assert got == errors(real_nest)
    assert sum(g.startswith("BadProperty") for g in got) == 9


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bernoulli_transmits_its_fraction(nest, seed):
    nest.rng_seed = seed
    sg = nest.Create("spike_generator", params={"spike_times": np.arange(1.0, 1000.0)})
    pre, post = nest.Create("parrot_neuron"), nest.Create("parrot_neuron", 3)
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, pre)
    nest.Connect(pre, post, syn_spec={"synapse_model": "bernoulli_synapse", "p_transmit": 0.25})
    nest.Connect(post, sr)
    nest.Simulate(1002.0)
    n, p = 999 * 3, 0.25
    assert abs(len(sr.events["times"]) - n * p) <= 3 * (n * p * (1 - p)) ** 0.5
