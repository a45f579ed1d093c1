#!/usr/bin/env python3
"""Golden traces of NEST 3.10's aeif_cond_alpha_multisynapse, aeif_cond_beta_multisynapse,
glif_psc_double_alpha, hh_cond_beta_gap_traub (without gap junctions) and ignore_and_fire for spindle-models' tests (tests/more_nest_golden.rs).
Format and runner: nest_golden.py.

The multi-port models get dc and step currents and spikes on every port (non-negative weights
for the conductance models, which NEST requires; both signs for glif_psc_double_alpha),
multiplicities 1-3 and delays of 0.1-2.3 ms, at h = 0.1 and 0.01 ms, defaults and every
parameter moved. ignore_and_fire has no recordables: its files hold spike steps only (input is
ignored, so they carry spikes and currents that must change nothing).

Usage: python3 scripts/more_golden.py   (from crates/spindle-models; needs NEST 3.10.0)
"""
import random

from iaf_golden import random_spikes
from nest_golden import run

ADEX_MOVED = {"V_th": -52.0, "V_peak": -10.0, "V_reset": -58.0, "t_ref": 1.234, "g_L": 25.0,
              "C_m": 200.0, "E_L": -65.0, "Delta_T": 1.5, "tau_w": 100.0, "a": 2.0, "b": 60.0,
              "I_e": 300.0, "gsl_error_tol": 1e-4, "V_m": -62.0, "w": 10.0}


def main():
    rng = random.Random(20261206)

    # --- aeif_cond_alpha_multisynapse / aeif_cond_beta_multisynapse ------------------------------
    for model, taus3, taus1 in [
        ("aeif_cond_alpha_multisynapse", {"tau_syn": [0.5, 2.0, 6.0]}, {"tau_syn": [1.5]}),
        ("aeif_cond_beta_multisynapse",
         {"tau_rise": [0.3, 1.0, 4.0], "tau_decay": [2.0, 1.0, 15.0]},
         {"tau_rise": [1.0], "tau_decay": [5.0]}),
    ]:
        # Defaults: one port, spikes, a dc drive and a negative step current.
        run(model, "defaults_h0.1", 0.1, 400.0, {},
            random_spikes(rng, 120, 390.0, (0.0, 12.0), receptors=(1,)),
            [(0.0, 250.0, 500.0, 1.0, 1.0, 0), (100.0, 300.0, -300.0, 1.0, 0.5, 0)],
            ["V_m", "w", "g_1"], 15)
        # Three ports (excitatory, shunting, inhibitory), every parameter moved.
        params = dict(ADEX_MOVED, E_rev=[0.0, -65.0, -85.0], b=5.0, **taus3)
        rec3 = ["V_m", "w", "g_1", "g_2", "g_3"]
        run(model, "three_ports_h0.01", 0.01, 100.0, params,
            random_spikes(rng, 200, 99.0, (0.0, 3.0), grid=0.01, receptors=(1, 2, 3)),
            [(0.0, 100.0, 1000.0, 1.0, 1.0, 0), (30.0, 70.0, 600.0, 1.0, 0.2, 0)], rec3, 40)
        params = dict(E_rev=[10.0, -90.0, -70.0], t_ref=2.0, **taus3)
        run(model, "three_ports_h0.1", 0.1, 300.0, params,
            random_spikes(rng, 180, 295.0, (0.0, 20.0), receptors=(1, 2, 3)),
            [(0.0, 300.0, 1100.0, 1.0, 1.0, 0)], rec3, 12)
        # Delta_T = 0 (V_th detects spikes), one moved port.
        params = dict(Delta_T=0.0, E_rev=[5.0], **taus1)
        run(model, "delta_t_0_h0.1", 0.1, 300.0, params,
            random_spikes(rng, 100, 295.0, (0.0, 20.0), receptors=(1,)),
            [(0.0, 300.0, 800.0, 1.0, 1.0, 0)], ["V_m", "w", "g_1"], 10)

    # --- glif_psc_double_alpha ------------------------------------------------------------------
    model = "glif_psc_double_alpha"
    rec = ["V_m", "I", "I_syn", "ASCurrents_sum", "threshold", "threshold_spike",
           "threshold_voltage"]
    run(model, "lif_h0.1", 0.1, 400.0, {},
        random_spikes(rng, 120, 390.0, (-150.0, 250.0), receptors=(1,)),
        [(0.0, 250.0, 260.0, 1.0, 1.0, 0), (100.0, 300.0, -100.0, 1.0, 0.5, 0)], rec, 15)
    # All three mechanisms, three ports with their own slow components, every parameter moved.
    params = {"spike_dependent_threshold": True, "after_spike_currents": True,
              "adapting_threshold": True, "E_L": -75.0, "V_th": -50.0, "V_reset": -72.0,
              "C_m": 70.0, "g": 8.0, "t_ref": 2.05, "th_spike_add": 0.5, "th_spike_decay": 0.02,
              "voltage_reset_fraction": 0.3, "voltage_reset_add": 15.0,
              "th_voltage_index": 0.01, "th_voltage_decay": 0.1, "asc_init": [0.0, 0.0],
              "asc_decay": [0.005, 0.08], "asc_amps": [-10.0, -150.0], "asc_r": [1.0, 0.9],
              "tau_syn_fast": [0.5, 2.0, 4.0], "tau_syn_slow": [3.0, 8.0, 4.0],
              "amp_slow": [0.5, 0.2, 1.5], "V_m": -70.0}
    run(model, "lif_r_asc_a_three_ports_h0.01", 0.01, 100.0, params,
        random_spikes(rng, 200, 99.0, (-100.0, 200.0), grid=0.01, receptors=(1, 2, 3)),
        [(0.0, 100.0, 150.0, 1.0, 1.0, 0), (30.0, 70.0, 100.0, 1.0, 0.2, 0)], rec, 40)
    params = {"spike_dependent_threshold": True, "after_spike_currents": True,
              "tau_syn_fast": [1.0, 3.0], "tau_syn_slow": [5.0, 10.0], "amp_slow": [0.4, 0.7]}
    run(model, "lif_r_asc_two_ports_h0.1", 0.1, 300.0, params,
        random_spikes(rng, 150, 295.0, (-150.0, 250.0), receptors=(1, 2)),
        [(0.0, 300.0, 280.0, 1.0, 1.0, 0)], rec, 12)

    # --- hh_cond_beta_gap_traub (no gap junctions) ----------------------------------------------
    model = "hh_cond_beta_gap_traub"
    rec = ["V_m", "g_ex", "g_in", "Act_m", "Inact_h", "Act_n"]
    run(model, "defaults_h0.1", 0.1, 300.0, {},
        random_spikes(rng, 120, 290.0, (-20.0, 30.0)),
        [(0.0, 200.0, 400.0, 1.0, 1.0, 0), (100.0, 250.0, -150.0, 1.0, 0.5, 0)], rec, 12)
    params = {"g_Na": 18000.0, "g_K": 5500.0, "g_L": 12.0, "C_m": 180.0, "E_Na": 55.0,
              "E_K": -85.0, "E_L": -62.0, "V_T": -55.0, "E_ex": 5.0, "E_in": -75.0,
              "tau_rise_ex": 0.3, "tau_decay_ex": 3.0, "tau_rise_in": 1.0, "tau_decay_in": 1.0,
              "t_ref": 1.55, "I_e": 200.0, "V_m": -65.0, "Act_m": 0.1, "Inact_h": 0.7,
              "Act_n": 0.3}
    run(model, "params_h0.01", 0.01, 100.0, params,
        random_spikes(rng, 150, 99.0, (-25.0, 30.0), grid=0.01),
        [(0.0, 100.0, 150.0, 1.0, 1.0, 0), (40.0, 60.0, 300.0, 2.0, 0.3, 0)], rec, 40)

    # --- ignore_and_fire ------------------------------------------------------------------------
    model = "ignore_and_fire"
    noise = random_spikes(rng, 50, 290.0, (-500.0, 500.0))
    drive = [(0.0, 300.0, 1000.0, 1.0, 1.0, 0)]
    run(model, "defaults_h0.1", 0.1, 300.0, {}, noise, drive, [], 1)
    # Periods and phases off the grid (rounded to the tic, then up to the step).
    run(model, "rate_phase_h0.1", 0.1, 300.0, {"rate": 30.0, "phase": 0.37}, noise, drive, [], 1)
    run(model, "rate_phase_h0.01", 0.01, 100.0, {"rate": 77.0, "phase": 0.0123}, [], [], [], 1)


if __name__ == "__main__":
    main()
