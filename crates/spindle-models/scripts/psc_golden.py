#!/usr/bin/env python3
"""Golden traces of NEST 3.10's iaf_psc_delta, iaf_psc_exp_multisynapse,
iaf_psc_alpha_multisynapse and iaf_psc_exp_htum for spindle-models' tests (tests/psc_nest_golden.rs). Format and
runner: nest_golden.py.

Every scenario drives one neuron with dc and step currents and with spike generators of positive
and negative weights, multiplicities 1-3 and delays of 0.1-2.3 ms, at h = 0.1 and h = 0.01 ms;
the multisynapse scenarios spread the spikes over every receptor port.

Usage: python3 scripts/psc_golden.py   (from crates/spindle-models; needs NEST 3.10.0)
"""
import random

from iaf_golden import random_spikes
from nest_golden import run


def main():
    rng = random.Random(20251206)

    # --- iaf_psc_delta -------------------------------------------------------------------------
    rec = ["V_m"]
    # Defaults; a dc drive below threshold, a negative step current, mixed-sign jumps.
    run("iaf_psc_delta", "mixed_h0.1", 0.1, 400.0, {},
        random_spikes(rng, 150, 390.0, (-2.5, 4.0)),
        [(0.0, 250.0, 370.0, 1.0, 1.0, 0), (100.0, 300.0, -200.0, 1.0, 0.5, 0)], rec, 10)
    # Every parameter moved, t_ref off the grid, refractory input buffered, V_min reached.
    params = {"E_L": -65.0, "V_th": -52.0, "V_reset": -70.0, "V_min": -72.0, "t_ref": 2.55,
              "tau_m": 15.0, "C_m": 200.0, "I_e": 150.0, "V_m": -60.0, "refractory_input": True}
    spikes = random_spikes(rng, 250, 99.0, (-3.0, 5.0), grid=0.01)
    spikes += [(t, 1.0, 0, -9.0, 2) for t in (30.0, 30.5, 70.0)]
    run("iaf_psc_delta", "params_refractory_input_h0.01", 0.01, 100.0, params, spikes,
        [(0.0, 100.0, 80.0, 1.0, 1.0, 0), (40.0, 60.0, 120.0, 2.0, 0.3, 0)], rec, 40)
    # refractory_input at h = 0.1: strong drive, dense input, long refractory periods.
    params = {"refractory_input": True, "t_ref": 5.0, "I_e": 200.0}
    run("iaf_psc_delta", "refractory_input_h0.1", 0.1, 300.0, params,
        random_spikes(rng, 400, 295.0, (-2.0, 3.0)),
        [(0.0, 300.0, 250.0, 1.0, 1.0, 0)], rec, 6)

    # --- iaf_psc_exp_multisynapse ---------------------------------------------------------------
    model = "iaf_psc_exp_multisynapse"
    rec1 = ["V_m", "I_syn", "I_syn_1"]
    run(model, "mixed_h0.1", 0.1, 400.0, {},
        random_spikes(rng, 120, 390.0, (-150.0, 250.0), receptors=(1,)),
        [(0.0, 250.0, 385.0, 1.0, 1.0, 0), (100.0, 300.0, -150.0, 1.0, 0.5, 0)], rec1, 15)
    # Four ports (one 5e-3 ms from tau_m), every parameter moved, t_ref = 0.
    params = {"E_L": -60.0, "V_th": -52.0, "V_reset": -66.0, "t_ref": 0.0, "tau_m": 8.0,
              "C_m": 180.0, "I_e": 90.0, "V_m": -55.0, "tau_syn": [0.5, 2.0, 8.005, 20.0]}
    rec4 = ["V_m", "I_syn", "I_syn_1", "I_syn_2", "I_syn_3", "I_syn_4"]
    run(model, "four_ports_h0.01", 0.01, 100.0, params,
        random_spikes(rng, 200, 99.0, (-120.0, 150.0), grid=0.01, receptors=(1, 2, 3, 4)),
        [(0.0, 100.0, 100.0, 1.0, 1.0, 0), (30.0, 70.0, 200.0, 1.0, 0.2, 0)], rec4, 40)
    params = {"tau_syn": [0.3, 1.0, 5.0], "t_ref": 1.55, "V_th": -50.0}
    rec3 = ["V_m", "I_syn", "I_syn_1", "I_syn_2", "I_syn_3"]
    run(model, "three_ports_h0.1", 0.1, 300.0, params,
        random_spikes(rng, 150, 295.0, (-200.0, 300.0), receptors=(1, 2, 3)),
        [(0.0, 300.0, 395.0, 1.0, 1.0, 0)], rec3, 12)

    # --- iaf_psc_alpha_multisynapse -------------------------------------------------------------
    model = "iaf_psc_alpha_multisynapse"
    run(model, "mixed_h0.1", 0.1, 400.0, {},
        random_spikes(rng, 120, 390.0, (-300.0, 450.0), receptors=(1,)),
        [(0.0, 250.0, 420.0, 1.0, 1.0, 0), (100.0, 300.0, -200.0, 1.0, 0.5, 0)], rec1, 15)
    # Three ports, one equal to tau_m (the propagators' singular limit), V_min reached.
    params = {"E_L": -65.0, "V_th": -50.0, "V_reset": -72.0, "V_min": -75.0, "t_ref": 2.55,
              "tau_m": 15.0, "C_m": 200.0, "I_e": 300.0, "V_m": -60.0,
              "tau_syn": [0.5, 15.0, 3.0]}
    spikes = random_spikes(rng, 200, 99.0, (-150.0, 200.0), grid=0.01, receptors=(1, 2, 3))
    spikes += [(t, 1.0, 3, -3000.0, 2) for t in (30.0, 30.5, 70.0)]
    run(model, "three_ports_h0.01", 0.01, 100.0, params, spikes,
        [(0.0, 100.0, 120.0, 1.0, 1.0, 0), (40.0, 60.0, 300.0, 2.0, 0.3, 0)], rec3, 40)
    params = {"tau_syn": [0.2, 1.0, 4.0, 9.0], "tau_m": 12.0, "t_ref": 1.0}
    run(model, "four_ports_h0.1", 0.1, 300.0, params,
        random_spikes(rng, 160, 295.0, (-200.0, 300.0), receptors=(1, 2, 3, 4)),
        [(0.0, 300.0, 340.0, 1.0, 1.0, 0)], rec4, 12)

    # --- iaf_psc_exp_htum ----------------------------------------------------------------------
    model = "iaf_psc_exp_htum"
    rec = ["V_m", "I_syn_ex", "I_syn_in"]
    # Defaults (absolute = total refractory period); zero-weight spikes go to I_syn_ex.
    spikes = random_spikes(rng, 120, 390.0, (-150.0, 250.0))
    spikes += [(t, 1.0, 0, 0.0, 1) for t in (20.0, 220.0)]
    run(model, "mixed_h0.1", 0.1, 400.0, {}, spikes,
        [(0.0, 250.0, 400.0, 1.0, 1.0, 0), (100.0, 300.0, -150.0, 1.0, 0.5, 0)], rec, 15)
    # A relative refractory period (t_ref_tot > t_ref_abs), off-grid, every parameter moved.
    params = {"E_L": -60.0, "V_th": -52.0, "V_reset": -66.0, "t_ref_abs": 0.55, "t_ref_tot": 3.02,
              "tau_m": 8.0, "C_m": 180.0, "tau_syn_ex": 8.0, "tau_syn_in": 1.5, "I_e": 1000.0,
              "V_m": -55.0}
    run(model, "relative_refractory_h0.01", 0.01, 100.0, params,
        random_spikes(rng, 200, 99.0, (-200.0, 160.0), grid=0.01),
        [(0.0, 100.0, 150.0, 1.0, 1.0, 0), (30.0, 70.0, 200.0, 1.0, 0.2, 0)], rec, 40)
    params = {"t_ref_abs": 0.5, "t_ref_tot": 6.0, "I_e": 1200.0}
    run(model, "relative_refractory_h0.1", 0.1, 300.0, params,
        random_spikes(rng, 150, 295.0, (-200.0, 300.0)),
        [(0.0, 300.0, 200.0, 1.0, 1.0, 0)], rec, 12)


if __name__ == "__main__":
    main()
