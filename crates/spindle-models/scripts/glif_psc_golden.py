#!/usr/bin/env python3
"""Golden traces of NEST 3.10's glif_psc for spindle-models' tests (tests/glif_psc_nest_golden.rs).
Format and runner: nest_golden.py.

Usage: python3 scripts/glif_psc_golden.py   (from crates/spindle-models; needs NEST 3.10.0)
"""
import random

from nest_golden import run

LEVELS = {
    "lif": (False, False, False),
    "lif_r": (True, False, False),
    "lif_asc": (False, True, False),
    "lif_r_asc": (True, True, False),
    "lif_r_asc_a": (True, True, True),
}


def flags(level):
    r, asc, a = LEVELS[level]
    return {"spike_dependent_threshold": r, "after_spike_currents": asc, "adapting_threshold": a}


def main():
    rng = random.Random(20250102)

    # Spec §8.2: NEST's glif_psc test stimulus without the Poisson branch, all five levels,
    # h = 0.01 (spike_weights +-20 with connection weight 1 are written as weights +-20).
    for level in LEVELS:
        spikes = [(t, 1.0, 1, 20.0, 1) for t in [10.0, 100.0, 400.0, 700.0]]
        spikes += [(t, 1.0, 1, -20.0, 1) for t in [15.0, 99.0, 300.0, 800.0]]
        run("glif_psc", f"stim82_{level}", 0.01, 1000.0, {**flags(level), "V_m": -78.85}, spikes,
            [(600.0, 900.0, 100.0, 3.0, 1.0, 0)], ["V_m", "threshold"], 500)

    # Three ports, GLIF5, every settable initial state, E_L moved, t_ref off the grid,
    # multiplicities, negative weights, mixed delays, two current sources, all recordables.
    spikes = []
    for _ in range(100):
        spikes.append((round(rng.uniform(1, 290), 1), rng.choice([0.1, 0.5, 1.0, 2.3]),
                       rng.choice([1, 2, 3]), round(rng.uniform(-40, 120), 3), rng.choice([1, 1, 1, 2, 3])))
    params = {**flags("lif_r_asc_a"), "E_L": -70.0, "V_th": -50.0, "t_ref": 2.55, "C_m": 80.0,
              "g": 7.5, "tau_syn": [0.5, 1.5, 4.0], "ASCurrents": [5.0, -10.0],
              "threshold_spike": 1.5, "threshold_voltage": -0.5, "V_m": -60.0}
    run("glif_psc", "three_ports_glif5", 0.1, 300.0, params, spikes,
        [(0.0, 300.0, 180.0, 1.0, 0.5, 0), (100.0, 250.0, 150.0, 1.0, 1.3, 0)],
        ["V_m", "I", "I_syn", "ASCurrents_sum", "threshold", "threshold_spike", "threshold_voltage"], 15)

    # tau_m = C_m/g = 10 ms equal to the first port's tau_syn (the propagators' singular limit),
    # three after-spike currents started from asc_init (= ASCurrents, which NEST needs).
    spikes = []
    for _ in range(150):
        spikes.append((round(rng.uniform(1, 195), 2), 1.0, rng.choice([1, 2]),
                       round(rng.uniform(-60, 150), 3), rng.choice([1, 1, 2])))
    params = {**flags("lif_r_asc"), "C_m": 100.0, "g": 10.0, "tau_syn": [10.0, 0.5],
              "asc_init": [1.0, 2.0, 3.0], "asc_decay": [0.01, 0.05, 0.3],
              "asc_amps": [-5.0, -50.0, 20.0], "asc_r": [0.5, 1.0, 0.2],
              "ASCurrents": [1.0, 2.0, 3.0], "t_ref": 1.234}
    run("glif_psc", "singular_port_three_ascs", 0.01, 200.0, params, spikes,
        [(0.0, 200.0, 230.0, 1.0, 1.0, 0)], ["V_m", "I_syn", "ASCurrents_sum", "threshold"], 80)


if __name__ == "__main__":
    main()
