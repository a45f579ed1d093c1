"""`iaf_tum_2000` and `iaf_chxk_2008` in networks: the offset each spike carries (the released
fraction u*x of iaf_tum_2000's short-term plasticity, iaf_chxk_2008's precise spike time), how a
target iaf_tum_2000 scales a spike on receptor 1 by it, spike recorder times `stamp - offset`,
NEST's connection checks and parameter validation.

Contract: each case gives on spindle what it gives on NEST 3.10 — the same values, bit for bit,
or an exception of the same class. The expectations are not written down: every case runs live
on NEST 3.10 and on spindle (skipped where NEST is not importable), each on a fresh kernel, and
the two outcomes are compared.
"""

import numpy as np
import pytest
from test_kernel_keys import _outcome


STP = {"x": 1.0, "u": 0.0, "U": 0.2, "tau_psc": 3.0, "tau_rec": 200.0, "tau_fac": 300.0}


def _pair(m, syn, post_model="iaf_tum_2000", post_params=None, pre_model="iaf_tum_2000"):
    """A dc-driven presynaptic neuron, a postsynaptic one connected by `syn`; returns the
    postsynaptic traces, the presynaptic spike times and both neurons' status afterwards."""
    pre_params = dict(STP, I_e=400.0) if pre_model == "iaf_tum_2000" else {"I_e": 1800.0}
    pre = m.Create(pre_model, params=pre_params)
    post = m.Create(post_model, params=post_params or {})
    m.Connect(pre, post, syn_spec=syn)
    mm = m.Create("multimeter", params={"interval": 0.1, "record_from": ["V_m", "I_syn_ex"]
                                        if post_model != "iaf_chxk_2008" else ["V_m", "g_ex"]})
    m.Connect(mm, post)
    sr = m.Create("spike_recorder")
    m.Connect(pre, sr)
    m.Simulate(300.0)
    keys = ["V_m", "x", "y", "u"] if pre_model == "iaf_tum_2000" else ["V_m"]
    ev = mm.get("events")
    return (
        {k: ev[k] for k in ev if k not in ("senders",)},
        sr.get("events")["times"],
        pre.get(keys),
    )


def _static(receptor, weight=250.0, delay=1.0):
    return {"synapse_model": "static_synapse", "weight": weight, "delay": delay,
            "receptor_type": receptor}


def _threads(m):
    """Ten facilitating neurons into ten others on two threads (all_to_all, a delay per
    source)."""
    m.SetKernelStatus({"local_num_threads": 2})
    pre = m.Create("iaf_tum_2000", 10, params=dict(STP, I_e=380.0))
    pre.set(I_e=[380.0 + 10.0 * i for i in range(10)])
    post = m.Create("iaf_tum_2000", 10)
    for i in range(10):
        m.Connect(pre[i], post, "all_to_all",
                  {"weight": 40.0, "delay": 0.5 + 0.1 * i, "receptor_type": 1})
    mm = m.Create("multimeter", params={"interval": 1.0, "record_from": ["I_syn_ex"]})
    m.Connect(mm, post)
    m.Simulate(300.0)
    ev = mm.get("events")
    order = np.lexsort((ev["senders"], ev["times"]))
    return ev["I_syn_ex"][order], post.get("V_m")


CASES = {
    # iaf_tum_2000 -> iaf_tum_2000 on receptor 1: the weight times u*x of each spike.
    "tum to tum, receptor 1": lambda m: _pair(m, _static(1)),
    "tum to tum, receptor 1, inhibitory": lambda m: _pair(m, _static(1, weight=-300.0)),
    "tum to tum, receptor 1, delay 0.1": lambda m: _pair(m, _static(1, delay=0.1)),
    # A plastic synapse delivers the scaled weight too.
    "tum to tum, stdp_synapse": lambda m: _pair(
        m, {"synapse_model": "stdp_synapse", "weight": 200.0, "receptor_type": 1}),
    # Other targets take the weight as it is.
    "tum to iaf_psc_exp": lambda m: _pair(m, _static(0), post_model="iaf_psc_exp"),
    # iaf_chxk_2008's offset (its precise spike time) scales the weight on receptor 1 too.
    "chxk to tum, receptor 1": lambda m: _pair(m, _static(1, weight=5000.0),
                                               pre_model="iaf_chxk_2008"),
    "chxk to chxk": lambda m: _pair(m, _static(0, weight=20.0), post_model="iaf_chxk_2008",
                                    pre_model="iaf_chxk_2008"),
    # Spikes without an offset (devices, grid-based neurons) add nothing on receptor 1.
    "poisson to tum, receptor 1": lambda m: (
        lambda pg, n, mm: (m.Connect(pg, n, syn_spec=_static(1)), m.Connect(mm, n),
                           m.Simulate(100.0), mm.get("events")["I_syn_ex"].max())[-1]
    )(m.Create("poisson_generator", params={"rate": 5000.0}), m.Create("iaf_tum_2000"),
      m.Create("multimeter", params={"record_from": ["I_syn_ex"]})),
    "parrot to tum, receptor 1 and 0": lambda m: (
        lambda sg, p, n, mm: (m.Connect(sg, p), m.Connect(p, n, syn_spec=_static(1)),
                              m.Connect(p, n, syn_spec=_static(0, weight=30.0)),
                              m.Connect(mm, n), m.Simulate(50.0), mm.get("events")["I_syn_ex"])[-1]
    )(m.Create("spike_generator", params={"spike_times": [5.0, 10.0, 10.5]}),
      m.Create("parrot_neuron"), m.Create("iaf_tum_2000"),
      m.Create("multimeter", params={"record_from": ["I_syn_ex"], "interval": 0.1})),
    "threads": _threads,
    # Connection checks.
    "tum to tum, receptor 0": lambda m: m.Connect(
        m.Create("iaf_tum_2000"), m.Create("iaf_tum_2000"), syn_spec={"receptor_type": 0}),
    "tum to tum, receptor 0, rule": lambda m: m.Connect(
        m.Create("iaf_tum_2000", 3), m.Create("iaf_tum_2000", 2), "all_to_all"),
    "tum to tum, receptor 2": lambda m: m.Connect(
        m.Create("iaf_tum_2000"), m.Create("iaf_tum_2000"), syn_spec={"receptor_type": 2}),
    "tum to chxk": lambda m: m.Connect(m.Create("iaf_tum_2000"), m.Create("iaf_chxk_2008")),
    "chxk receptor 1": lambda m: m.Connect(
        m.Create("iaf_psc_exp"), m.Create("iaf_chxk_2008"), syn_spec={"receptor_type": 1}),
    "dc to tum, receptor 1": lambda m: (
        lambda dc, n, mm: (m.Connect(dc, n, syn_spec={"receptor_type": 1}), m.Connect(mm, n),
                           m.Simulate(20.0), mm.get("events")["V_m"])[-1]
    )(m.Create("dc_generator", params={"amplitude": 300.0}), m.Create("iaf_tum_2000"),
      m.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})),
    # Validation.
    "tum U > 1": lambda m: m.Create("iaf_tum_2000", params={"U": 1.5}),
    "tum u < 0": lambda m: m.Create("iaf_tum_2000", params={"u": -0.1}),
    "tum x + y > 1": lambda m: m.Create("iaf_tum_2000", params={"x": 0.7, "y": 0.5}),
    "tum tau_fac < 0": lambda m: m.Create("iaf_tum_2000", params={"tau_fac": -1.0}),
    "tum tau_fac = 0": lambda m: m.Create("iaf_tum_2000", params={"tau_fac": 0.0}).get("tau_fac"),
    "tum tau_psc = 0": lambda m: m.Create("iaf_tum_2000", params={"tau_psc": 0.0}),
    "tum tau_rec = 0": lambda m: m.Create("iaf_tum_2000").set(tau_rec=0.0),
    "tum V_reset >= V_th": lambda m: m.Create("iaf_tum_2000", params={"V_reset": -50.0}),
    "tum E_L moves V_th": lambda m: (lambda n: (n.set(E_L=-60.0), n.get(["V_th", "V_m"]))[1])(
        m.Create("iaf_tum_2000")),
    "chxk C_m = 0": lambda m: m.Create("iaf_chxk_2008", params={"C_m": 0.0}),
    "chxk tau_ahp = 0": lambda m: m.Create("iaf_chxk_2008", params={"tau_ahp": 0.0}),
    "chxk tau_syn_in < 0": lambda m: m.Create("iaf_chxk_2008").set(tau_syn_in=-1.0),
    "chxk ahp_bug": lambda m: (lambda n: (n.set(ahp_bug=True), n.get("ahp_bug"))[1])(
        m.Create("iaf_chxk_2008")),
    "chxk E_L keeps V_m": lambda m: m.Create("iaf_chxk_2008", params={"E_L": -70.0}).get("V_m"),
    "defaults": lambda m: [
        {k: v for k, v in m.GetDefaults(model).items()
         if k in ("V_m", "V_th", "E_L", "U", "x", "y", "u", "tau_fac", "tau_psc", "tau_rec",
                  "g_ahp", "tau_ahp", "E_ahp", "ahp_bug", "g_L", "C_m")}
        for model in ("iaf_tum_2000", "iaf_chxk_2008")],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_matches_nest(name, real_nest):
    import spindle

    case = CASES[name]
    want = _outcome(real_nest, case)
    got = _outcome(spindle, case)
    assert got == want, f"{name}: spindle {got!r:.600}, NEST {want!r:.600}"
