#!/usr/bin/env python3
"""Golden traces of NEST 3.10's gif_psc_exp, gif_cond_exp and their multisynapse variants for
spindle-models' tests
(tests/gif_nest_golden.rs). Format and runner: nest_golden.py.

The escape noise draws from NEST's generator, which spindle does not reproduce; these
scenarios are the deterministic ones: lambda_0 = 0 (the neuron never fires, no draw: membrane,
synapse and kernel traces), and a tiny Delta_V (1e-9 mV), for which lambda_0*exp((V-E_sfa)/Delta_V)
overflows to infinity above the threshold and underflows to 0 below, so that the neuron fires
exactly when V > E_sfa, whatever the draws (checked by running every scenario under two
seeds). Spikes of both signs (non-negative into gif_cond_exp_multisynapse, which refuses
others), multiplicities, several delays, every receptor port, dc and step currents,
h = 0.1 and 0.01 ms.

Usage: python3 scripts/gif_golden.py   (from crates/spindle-models; needs NEST 3.10.0)
"""
import random

from iaf_golden import random_spikes
from nest_golden import run_seed_independent


def main():
    rng = random.Random(20261206)
    kernels = {"tau_stc": [10.0, 80.0], "q_stc": [30.0, -5.0],
               "tau_sfa": [5.0, 120.0], "q_sfa": [8.0, 2.5]}

    # --- gif_psc_exp ---------------------------------------------------------------------------
    rec = ["V_m", "E_sfa", "I_stc", "I_syn_ex", "I_syn_in"]
    # Defaults but lambda_0 = 0: the membrane and currents without spikes.
    run_seed_independent("gif_psc_exp", "silent_h0.1", 0.1, 300.0, {"lambda_0": 0.0},
                   random_spikes(rng, 100, 290.0, (-200.0, 250.0)),
                   [(0.0, 200.0, 60.0, 1.0, 1.0, 0), (120.0, 260.0, -40.0, 1.0, 0.5, 0)], rec, 10)
    # Deterministic firing (tiny Delta_V), both kernels, every parameter moved.
    params = dict(kernels, **{"C_m": 120.0, "g_L": 6.0, "E_L": -65.0, "V_reset": -60.0,
                              "t_ref": 2.55, "V_T_star": -50.0, "Delta_V": 1e-9, "lambda_0": 5.0,
                              "tau_syn_ex": 3.0, "tau_syn_in": 6.0, "I_e": 50.0, "V_m": -62.0})
    run_seed_independent("gif_psc_exp", "firing_h0.01", 0.01, 200.0, params,
                   random_spikes(rng, 150, 190.0, (-300.0, 400.0), grid=0.01),
                   [(0.0, 150.0, 90.0, 1.0, 1.0, 0), (60.0, 120.0, 120.0, 1.0, 0.3, 0)], rec, 80)
    params = dict(kernels, **{"Delta_V": 1e-9, "V_T_star": -55.0, "t_ref": 0.0})
    run_seed_independent("gif_psc_exp", "firing_h0.1", 0.1, 400.0, params,
                   random_spikes(rng, 120, 390.0, (-200.0, 300.0)),
                   [(0.0, 300.0, 80.0, 1.0, 1.0, 0), (150.0, 350.0, 60.0, 2.0, 2.0, 0)], rec, 15)

    # --- gif_cond_exp --------------------------------------------------------------------------
    rec = ["V_m", "E_sfa", "I_stc", "g_ex", "g_in"]
    run_seed_independent("gif_cond_exp", "silent_h0.1", 0.1, 300.0, {"lambda_0": 0.0},
                   random_spikes(rng, 100, 290.0, (-15.0, 20.0)),
                   [(0.0, 200.0, 60.0, 1.0, 1.0, 0), (120.0, 260.0, -40.0, 1.0, 0.5, 0)], rec, 10)
    params = dict(kernels, **{"C_m": 120.0, "g_L": 6.0, "E_L": -65.0, "V_reset": -60.0,
                              "t_ref": 2.55, "V_T_star": -50.0, "Delta_V": 1e-9, "lambda_0": 5.0,
                              "tau_syn_ex": 3.0, "tau_syn_in": 6.0, "E_ex": 5.0, "E_in": -80.0,
                              "gsl_error_tol": 1e-4, "I_e": 50.0, "V_m": -62.0, "g_ex": 2.0,
                              "g_in": 1.0})
    run_seed_independent("gif_cond_exp", "firing_h0.01", 0.01, 200.0, params,
                   random_spikes(rng, 150, 190.0, (-20.0, 25.0), grid=0.01),
                   [(0.0, 150.0, 90.0, 1.0, 1.0, 0), (60.0, 120.0, 120.0, 1.0, 0.3, 0)], rec, 80)
    # Big conductance jumps force rejected RKF45 steps.
    params = dict(kernels, **{"Delta_V": 1e-9, "V_T_star": -55.0, "t_ref": 0.0})
    spikes = random_spikes(rng, 120, 390.0, (-15.0, 20.0))
    spikes += [(t, 1.0, 0, 200.0, 1) for t in (50.0, 50.1, 200.0)]
    spikes += [(t, 1.0, 0, -300.0, 2) for t in (120.0, 320.0)]
    run_seed_independent("gif_cond_exp", "firing_h0.1", 0.1, 400.0, params, spikes,
                   [(0.0, 300.0, 80.0, 1.0, 1.0, 0), (150.0, 350.0, 60.0, 2.0, 2.0, 0)], rec, 15)

    # --- gif_psc_exp_multisynapse ----------------------------------------------------------------
    rec = ["V_m", "E_sfa", "I_stc"]
    run_seed_independent("gif_psc_exp_multisynapse", "silent_one_port_h0.01", 0.01, 100.0,
                         {"lambda_0": 0.0},
                         random_spikes(rng, 100, 95.0, (-200.0, 250.0), grid=0.01, receptors=(1,)),
                         [(0.0, 80.0, 60.0, 1.0, 1.0, 0), (30.0, 70.0, -40.0, 1.0, 0.5, 0)], rec, 20)
    params = dict(kernels, **{"tau_syn": [1.0, 3.0, 8.0], "Delta_V": 1e-9, "V_T_star": -52.0,
                              "t_ref": 1.55, "C_m": 100.0, "g_L": 5.0, "E_L": -68.0,
                              "V_reset": -58.0, "lambda_0": 3.0, "I_e": 30.0, "V_m": -60.0})
    run_seed_independent("gif_psc_exp_multisynapse", "three_ports_h0.1", 0.1, 400.0, params,
                         random_spikes(rng, 150, 390.0, (-200.0, 300.0), receptors=(1, 2, 3)),
                         [(0.0, 300.0, 60.0, 1.0, 1.0, 0), (150.0, 350.0, 50.0, 2.0, 2.0, 0)],
                         rec, 15)

    # --- gif_cond_exp_multisynapse ---------------------------------------------------------------
    params = {"lambda_0": 0.0, "tau_syn": [2.0, 5.0], "E_rev": [0.0, -85.0],
              "gsl_error_tol": 1e-4}
    run_seed_independent("gif_cond_exp_multisynapse", "silent_two_ports_h0.01", 0.01, 100.0,
                         params,
                         random_spikes(rng, 100, 95.0, (0.0, 20.0), grid=0.01, receptors=(1, 2)),
                         [(0.0, 80.0, 60.0, 1.0, 1.0, 0), (30.0, 70.0, -40.0, 1.0, 0.5, 0)], rec, 20)
    params = dict(kernels, **{"tau_syn": [1.0, 3.0, 8.0], "E_rev": [0.0, -80.0, -20.0],
                              "Delta_V": 1e-9, "V_T_star": -52.0, "t_ref": 1.55, "C_m": 100.0,
                              "g_L": 5.0, "E_L": -68.0, "V_reset": -58.0, "lambda_0": 3.0,
                              "I_e": 30.0, "V_m": -60.0})
    spikes = random_spikes(rng, 150, 390.0, (0.0, 20.0), receptors=(1, 2, 3))
    spikes += [(t, 1.0, r, 250.0, 1) for (t, r) in ((50.0, 1), (50.1, 2), (200.0, 3))]
    run_seed_independent("gif_cond_exp_multisynapse", "three_ports_h0.1", 0.1, 400.0, params,
                         spikes,
                         [(0.0, 300.0, 60.0, 1.0, 1.0, 0), (150.0, 350.0, 50.0, 2.0, 2.0, 0)],
                         rec, 15)


if __name__ == "__main__":
    main()
