#!/usr/bin/env python3
"""Golden traces of NEST 3.10's pp_psc_delta for spindle-models' tests
(tests/pp_psc_delta_nest_golden.rs). Format and runner: nest_golden.py.

pp_psc_delta draws its spikes from NEST's generator, which spindle does not reproduce; these
scenarios are the deterministic ones: a rate of 0 (c_1 = c_2 = 0: membrane and adaptation
traces, no draw), and rates so steep that the firing probability -expm1(-rate*h*1e-3) is
exactly 0 or 1 except in a band of V_eff = V_m - E_sfa narrower than 1e-6 mV (c_3 = 1e9 for
the exponential part, c_1 = 1e15 for the linear one), so the neuron fires exactly when
V_eff > 0, whatever the draws (checked by running every scenario under two seeds). Dead time
on and off the grid and below h, with and without reset, t_ref_remaining, adaptation kernels
given as lists and as numbers, spikes of both signs with multiplicities and several delays,
dc and step currents, h = 0.1 and 0.01 ms.

Usage: python3 scripts/pp_golden.py   (from crates/spindle-models; needs NEST 3.10.0)
"""
import random

from iaf_golden import random_spikes
from nest_golden import run_seed_independent


def main():
    rng = random.Random(20261207)
    rec = ["V_m", "E_sfa"]
    # Rate 0: the membrane with every input, never a draw.
    run_seed_independent("pp_psc_delta", "silent_h0.1", 0.1, 300.0, {"c_1": 0.0, "c_2": 0.0},
                         random_spikes(rng, 100, 290.0, (-3.0, 4.0)),
                         [(0.0, 200.0, 60.0, 1.0, 1.0, 0), (120.0, 260.0, -40.0, 1.0, 0.5, 0)],
                         rec, 10)
    # Exponential rate as a sharp threshold at V_eff = 0; two kernels; dead time off the grid;
    # reset; a remaining dead time at the start; every parameter moved.
    params = {"tau_m": 15.0, "C_m": 200.0, "dead_time": 2.35, "with_reset": True,
              "tau_sfa": [20.0, 100.0], "q_sfa": [3.0, 0.5], "c_1": 0.0, "c_2": 1.0, "c_3": 1e9,
              "I_e": 30.0, "t_ref_remaining": 3.0, "V_m": 2.0}
    run_seed_independent("pp_psc_delta", "threshold_h0.1", 0.1, 400.0, params,
                         random_spikes(rng, 120, 390.0, (-4.0, 6.0)),
                         [(0.0, 300.0, 40.0, 1.0, 1.0, 0), (150.0, 350.0, 80.0, 2.0, 2.0, 0)],
                         rec, 15)
    # Linear rate; no reset; a dead time below h (NEST raises it to h); one kernel given as
    # numbers (NEST appends it).
    params = {"tau_m": 8.0, "C_m": 100.0, "dead_time": 0.005, "with_reset": False,
              "tau_sfa": 30.0, "q_sfa": 4.0, "c_1": 1e15, "c_2": 0.0, "c_3": 0.5, "I_e": 20.0,
              "V_m": -1.0}
    run_seed_independent("pp_psc_delta", "linear_no_reset_h0.01", 0.01, 200.0, params,
                         random_spikes(rng, 150, 190.0, (-3.0, 4.0), grid=0.01),
                         [(0.0, 150.0, 30.0, 1.0, 1.0, 0), (60.0, 120.0, 50.0, 1.0, 0.3, 0)],
                         rec, 80)


if __name__ == "__main__":
    main()
