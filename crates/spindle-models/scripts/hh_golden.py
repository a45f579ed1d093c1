#!/usr/bin/env python3
"""Golden traces of NEST 3.10's hh_psc_alpha, hh_cond_exp_traub, izhikevich, mat2_psc_exp and
amat2_psc_exp for spindle-models' tests (tests/hh_nest_golden.rs). Format and runner:
nest_golden.py.

Every scenario drives one neuron with a dc and a step current and with spike generators of
positive and negative weights, multiplicities 1-3 and delays of 0.1-2.3 ms; each model runs with
its defaults at h = 0.1 ms and with every parameter (and the initial state) moved at h = 0.01 ms.
izhikevich also runs its published integration (consistent_integration false) at h = 1.0 and
0.1 ms, with V_min.

Usage: python3 scripts/hh_golden.py   (from crates/spindle-models; needs NEST 3.10.0)
"""
import random

from iaf_golden import random_spikes
from nest_golden import run


def main():
    rng = random.Random(20261206)

    # --- hh_psc_alpha --------------------------------------------------------------------------
    rec = ["V_m", "I_syn_ex", "I_syn_in", "Act_m", "Inact_h", "Act_n"]
    run("hh_psc_alpha", "mixed_h0.1", 0.1, 300.0, {},
        random_spikes(rng, 100, 290.0, (-400.0, 600.0)),
        [(0.0, 150.0, 700.0, 1.0, 1.0, 0), (100.0, 250.0, -300.0, 1.0, 0.5, 0)], rec, 10)
    params = {"t_ref": 1.55, "g_Na": 11000.0, "g_K": 4000.0, "g_L": 25.0, "C_m": 120.0,
              "E_Na": 55.0, "E_K": -80.0, "E_L": -60.0, "tau_syn_ex": 0.5, "tau_syn_in": 3.0,
              "I_e": 300.0, "V_m": -62.0, "Act_m": 0.1, "Inact_h": 0.5, "Act_n": 0.35}
    run("hh_psc_alpha", "params_h0.01", 0.01, 100.0, params,
        random_spikes(rng, 120, 99.0, (-400.0, 600.0), grid=0.01),
        [(0.0, 100.0, 500.0, 1.0, 1.0, 0), (30.0, 60.0, -400.0, 1.0, 0.3, 0)], rec, 25)

    # --- hh_cond_exp_traub ---------------------------------------------------------------------
    rec = ["V_m", "g_ex", "g_in", "Act_m", "Inact_h", "Act_n"]
    run("hh_cond_exp_traub", "mixed_h0.1", 0.1, 300.0, {},
        random_spikes(rng, 100, 290.0, (-30.0, 40.0)),
        [(0.0, 150.0, 400.0, 1.0, 1.0, 0), (100.0, 250.0, -200.0, 1.0, 0.5, 0)], rec, 10)
    params = {"g_Na": 18000.0, "g_K": 5000.0, "g_L": 15.0, "C_m": 250.0, "E_Na": 55.0,
              "E_K": -85.0, "E_L": -65.0, "V_T": -58.0, "E_ex": 5.0, "E_in": -75.0,
              "tau_syn_ex": 3.0, "tau_syn_in": 8.0, "t_ref": 3.05, "I_e": 150.0, "V_m": -62.0,
              "Act_m": 0.01, "Inact_h": 0.9, "Act_n": 0.05}
    run("hh_cond_exp_traub", "params_h0.01", 0.01, 100.0, params,
        random_spikes(rng, 120, 99.0, (-30.0, 40.0), grid=0.01),
        [(0.0, 100.0, 300.0, 1.0, 1.0, 0), (30.0, 60.0, -250.0, 1.0, 0.3, 0)], rec, 25)

    # --- izhikevich ----------------------------------------------------------------------------
    rec = ["V_m", "U_m"]
    run("izhikevich", "mixed_h0.1", 0.1, 400.0, {},
        random_spikes(rng, 120, 390.0, (-6.0, 9.0)),
        [(0.0, 250.0, 10.0, 1.0, 1.0, 0), (100.0, 300.0, -6.0, 1.0, 0.5, 0)], rec, 10)
    params = {"a": 0.03, "b": 0.25, "c": -60.0, "d": 4.0, "I_e": 3.0, "V_th": 25.0,
              "V_min": -80.0, "V_m": -70.0, "U_m": -15.0}
    spikes = random_spikes(rng, 150, 99.0, (-6.0, 9.0), grid=0.01)
    spikes += [(t, 1.0, 0, -40.0, 2) for t in (30.0, 60.0)]
    run("izhikevich", "params_v_min_h0.01", 0.01, 100.0, params, spikes,
        [(0.0, 100.0, 12.0, 1.0, 1.0, 0), (40.0, 70.0, 8.0, 1.0, 0.3, 0)], rec, 25)
    params = {"consistent_integration": False, "V_min": -75.0}
    spikes = [(float(rng.randrange(2, 498)), rng.choice([1.0, 2.0, 3.0]), 0,
               round(rng.uniform(-8.0, 10.0), 3), rng.choice([1, 1, 2, 3])) for _ in range(120)]
    spikes += [(t, 1.0, 0, -50.0, 1) for t in (100.0, 300.0)]
    run("izhikevich", "published_h1.0", 1.0, 500.0, params, spikes,
        [(0.0, 300.0, 10.0, 1.0, 1.0, 0), (200.0, 400.0, 5.0, 1.0, 2.0, 0)], rec, 1)
    run("izhikevich", "published_h0.1", 0.1, 300.0, {"consistent_integration": False, "d": 2.0},
        random_spikes(rng, 80, 290.0, (-6.0, 9.0)),
        [(0.0, 200.0, 14.0, 1.0, 1.0, 0), (150.0, 250.0, -4.0, 1.0, 0.5, 0)], rec, 10)

    # --- mat2_psc_exp --------------------------------------------------------------------------
    rec = ["V_m", "V_th"]
    run("mat2_psc_exp", "mixed_h0.1", 0.1, 400.0, {},
        random_spikes(rng, 120, 390.0, (-300.0, 500.0)),
        [(0.0, 250.0, 450.0, 1.0, 1.0, 0), (100.0, 300.0, -200.0, 1.0, 0.5, 0)], rec, 10)
    params = {"E_L": -65.0, "C_m": 150.0, "tau_m": 8.0, "t_ref": 1.55, "I_e": 100.0,
              "tau_syn_ex": 0.5, "tau_syn_in": 4.0, "tau_1": 8.0, "tau_2": 150.0,
              "alpha_1": 20.0, "alpha_2": 3.0, "omega": -52.0, "V_m": -60.0,
              "V_th_alpha_1": 5.0, "V_th_alpha_2": 1.0}
    run("mat2_psc_exp", "params_h0.01", 0.01, 100.0, params,
        random_spikes(rng, 150, 99.0, (-300.0, 500.0), grid=0.01),
        [(0.0, 100.0, 350.0, 1.0, 1.0, 0), (30.0, 70.0, 200.0, 1.0, 0.2, 0)], rec, 25)

    # --- amat2_psc_exp -------------------------------------------------------------------------
    rec = ["V_m", "V_th", "V_th_v", "I_syn_ex", "I_syn_in"]
    run("amat2_psc_exp", "mixed_h0.1", 0.1, 400.0, {},
        random_spikes(rng, 120, 390.0, (-200.0, 300.0)),
        [(0.0, 250.0, 180.0, 1.0, 1.0, 0), (100.0, 300.0, -100.0, 1.0, 0.5, 0)], rec, 10)
    params = {"E_L": -65.0, "C_m": 150.0, "tau_m": 8.0, "t_ref": 1.55, "I_e": 50.0,
              "tau_syn_ex": 0.5, "tau_syn_in": 4.0, "tau_1": 8.0, "tau_2": 150.0,
              "alpha_1": 8.0, "alpha_2": 1.5, "beta": 0.4, "tau_v": 3.0, "omega": -58.0,
              "V_m": -60.0, "V_th_alpha_1": 2.0, "V_th_alpha_2": 0.5, "V_th_v": 1.0}
    run("amat2_psc_exp", "params_beta_h0.01", 0.01, 100.0, params,
        random_spikes(rng, 150, 99.0, (-200.0, 300.0), grid=0.01),
        [(0.0, 100.0, 150.0, 1.0, 1.0, 0), (30.0, 70.0, 150.0, 1.0, 0.2, 0)], rec, 25)


if __name__ == "__main__":
    main()
