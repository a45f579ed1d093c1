#!/usr/bin/env python3
"""Golden traces of NEST 3.10's iaf_cond_alpha, iaf_cond_beta and iaf_cond_exp_sfa_rr for
spindle-models' tests (tests/iaf_cond_nest_golden.rs). Format and runner: nest_golden.py.

Every model gets a scenario with its defaults at h = 0.1 ms and one with every parameter and
state variable moved at h = 0.01 ms: dc and step currents, spike generators of positive and
negative weights (both conductances), multiplicities 1-3, delays of 0.1-2.3 ms, and a few big
conductance kicks that make GSL's RKF45 reject trial steps. Spikes and currents arrive on
receptor 0, the only port of these models.

Usage: python3 scripts/cond_golden.py   (from crates/spindle-models; needs NEST 3.10.0)
"""
import random

from iaf_golden import random_spikes
from nest_golden import run


def kicks(times, weight, mult=1):
    return [(t, 1.0, 0, weight, mult) for t in times]


def main():
    rng = random.Random(20261206)
    rec_rise_decay = ["V_m", "g_ex", "g_in", "t_ref_remaining"]

    # --- iaf_cond_alpha ------------------------------------------------------------------------
    spikes = random_spikes(rng, 120, 390.0, (-40.0, 60.0))
    spikes += kicks((50.0, 50.1, 200.0), 300.0) + kicks((120.0, 320.0), -500.0, 2)
    run("iaf_cond_alpha", "mixed_h0.1", 0.1, 400.0, {}, spikes,
        [(0.0, 250.0, 500.0, 1.0, 1.0, 0), (100.0, 300.0, -250.0, 1.0, 0.5, 0)],
        rec_rise_decay, 15)
    params = {"E_L": -65.0, "g_L": 25.0, "C_m": 300.0, "E_ex": 10.0, "E_in": -80.0,
              "tau_syn_ex": 1.0, "tau_syn_in": 5.0, "t_ref": 1.234, "V_th": -50.0,
              "V_reset": -65.0, "I_e": 100.0, "V_m": -58.0, "g_ex": 5.0, "dg_ex": 2.0,
              "g_in": 2.0, "dg_in": 1.5}
    run("iaf_cond_alpha", "params_h0.01", 0.01, 100.0, params,
        random_spikes(rng, 150, 99.0, (-30.0, 40.0), grid=0.01),
        [(0.0, 100.0, 450.0, 1.0, 1.0, 0), (20.0, 50.0, -300.0, 1.0, 0.4, 0)],
        rec_rise_decay, 40)

    # --- iaf_cond_beta -------------------------------------------------------------------------
    # Defaults: rise = decay, so both normalisation factors are the alpha function's.
    spikes = random_spikes(rng, 120, 390.0, (-40.0, 60.0))
    spikes += kicks((60.0, 60.1, 210.0), 300.0) + kicks((130.0, 330.0), -500.0, 2)
    run("iaf_cond_beta", "mixed_h0.1", 0.1, 400.0, {}, spikes,
        [(0.0, 250.0, 500.0, 1.0, 1.0, 0), (100.0, 300.0, -250.0, 1.0, 0.5, 0)],
        rec_rise_decay, 15)
    params = {"E_L": -65.0, "g_L": 25.0, "C_m": 300.0, "E_ex": 10.0, "E_in": -80.0,
              "tau_rise_ex": 0.5, "tau_decay_ex": 3.0, "tau_rise_in": 1.5, "tau_decay_in": 7.0,
              "t_ref": 1.234, "V_th": -50.0, "V_reset": -65.0, "I_e": 100.0, "V_m": -58.0,
              "g_ex": 5.0, "dg_ex": 2.0, "g_in": 2.0, "dg_in": 1.5}
    run("iaf_cond_beta", "params_h0.01", 0.01, 100.0, params,
        random_spikes(rng, 150, 99.0, (-30.0, 40.0), grid=0.01),
        [(0.0, 100.0, 450.0, 1.0, 1.0, 0), (20.0, 50.0, -300.0, 1.0, 0.4, 0)],
        rec_rise_decay, 40)
    # Rise slower than decay (the beta function is symmetric in the two times).
    params = {"tau_rise_ex": 2.0, "tau_decay_ex": 0.7, "tau_rise_in": 4.0, "tau_decay_in": 4.5,
              "I_e": 250.0}
    run("iaf_cond_beta", "slow_rise_h0.1", 0.1, 200.0, params,
        random_spikes(rng, 80, 190.0, (-40.0, 50.0)),
        [(0.0, 200.0, 200.0, 1.0, 1.0, 0)], rec_rise_decay, 8)

    # --- iaf_cond_exp_sfa_rr -------------------------------------------------------------------
    # Defaults: q_rr = 3214 nS kicks g_rr at every spike of the neuron (rejected RKF45 steps).
    spikes = random_spikes(rng, 120, 390.0, (-40.0, 60.0))
    spikes += kicks((50.0, 50.1, 200.0), 300.0) + kicks((120.0, 320.0), -500.0, 2)
    run("iaf_cond_exp_sfa_rr", "mixed_h0.1", 0.1, 400.0, {}, spikes,
        [(0.0, 250.0, 600.0, 1.0, 1.0, 0), (100.0, 300.0, -250.0, 1.0, 0.5, 0)],
        ["V_m", "g_ex", "g_in", "g_sfa", "g_rr"], 15)
    params = {"E_L": -65.0, "g_L": 25.0, "C_m": 300.0, "E_ex": 10.0, "E_in": -80.0,
              "tau_syn_ex": 1.0, "tau_syn_in": 5.0, "t_ref": 1.234, "V_th": -50.0,
              "V_reset": -62.0, "I_e": 100.0, "tau_sfa": 50.0, "tau_rr": 3.0, "E_sfa": -75.0,
              "E_rr": -80.0, "q_sfa": 20.0, "q_rr": 500.0, "V_m": -58.0, "g_ex": 5.0,
              "g_in": 2.0, "g_sfa": 3.0, "g_rr": 10.0}
    run("iaf_cond_exp_sfa_rr", "params_h0.01", 0.01, 100.0, params,
        random_spikes(rng, 150, 99.0, (-30.0, 40.0), grid=0.01),
        [(0.0, 100.0, 550.0, 1.0, 1.0, 0), (20.0, 50.0, -300.0, 1.0, 0.4, 0)],
        ["V_m", "g_ex", "g_in", "g_sfa", "g_rr"], 40)


if __name__ == "__main__":
    main()
