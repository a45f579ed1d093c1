#!/usr/bin/env python3
"""Golden traces of NEST 3.10's glif_cond for spindle-models' tests.

Each scenario (one glif_cond, spike_generators into its ports, dc/step current generators into
port 0) runs in NEST and is written to tests/data/glif_cond/<name>.txt together with its
description, so that the Rust test (tests/glif_cond_nest_golden.rs) can rebuild and replay it:

    h <resolution ms>          T <simulated ms>
    p <key> <number>           pb <key> true|false        pl <key> <numbers...>
    spike <t ms> <delay ms> <receptor> <weight> <multiplicity>
    current <start ms> <stop ms> <amplitude pA> <weight> <delay ms> <receptor>
    record <recordable names...>
    spikes <spike stamps, in steps>
    sample <step> <values...>      (the recordables after the update of step-1 -> step)

A current line is a step_current_generator with amplitude_times [start] (a dc_generator when
start is 0): events stamped start <= S < stop. Floats are written with Python's repr, so the
Rust side parses the very doubles NEST produced.

Usage: python3 scripts/glif_cond_golden.py   (from crates/spindle-models; needs NEST 3.10.0)
"""
import os
import random

import nest

assert nest.__version__ == "3.10.0", f"golden data must come from NEST 3.10.0, not {nest.__version__}"

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "glif_cond")

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


def run(name, h, T, params, spikes, currents, record, every):
    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")
    nest.resolution = h
    n = nest.Create("glif_cond", params=params)
    for (t, d, rec, w, m) in spikes:
        sg = nest.Create("spike_generator", params={"spike_times": [t], "spike_multiplicities": [m]})
        nest.Connect(sg, n, syn_spec={"weight": w, "delay": d, "receptor_type": rec})
    for (start, stop, amp, w, d, rec) in currents:
        if start == 0:
            g = nest.Create("dc_generator", params={"amplitude": amp, "start": start, "stop": stop})
        else:
            g = nest.Create("step_current_generator", params={
                "amplitude_times": [start], "amplitude_values": [amp], "start": start, "stop": stop})
        nest.Connect(g, n, syn_spec={"weight": w, "delay": d, "receptor_type": rec})
    mm = nest.Create("multimeter", params={"interval": h * every, "record_from": record})
    nest.Connect(mm, n)
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(T)
    nest.Simulate(nest.min_delay)  # the multimeter delivers the last slice's samples late
    t_steps = round(T / h)
    ev = mm.get("events")
    stamps = [round(t / h) for t in sr.get("events")["times"]]

    lines = [f"# NEST {nest.__version__} glif_cond golden data, written by scripts/glif_cond_golden.py; do not edit",
             f"h {h!r}", f"T {T!r}"]
    for k, v in params.items():
        if isinstance(v, bool):
            lines.append(f"pb {k} {'true' if v else 'false'}")
        elif isinstance(v, list):
            lines.append(f"pl {k} " + " ".join(repr(float(x)) for x in v))
        else:
            lines.append(f"p {k} {float(v)!r}")
    lines += [f"spike {t!r} {d!r} {rec} {float(w)!r} {m}" for (t, d, rec, w, m) in spikes]
    lines += [f"current {a!r} {b!r} {float(amp)!r} {float(w)!r} {d!r} {rec}" for (a, b, amp, w, d, rec) in currents]
    lines.append("record " + " ".join(record))
    lines.append("spikes " + " ".join(str(s) for s in stamps if s <= t_steps))
    for i, t in enumerate(ev["times"]):
        step = round(t / h)
        if step <= t_steps:
            lines.append(f"sample {step} " + " ".join(repr(float(ev[r][i])) for r in record))
    with open(os.path.join(OUT, name + ".txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{name}: {len(stamps)} spikes")


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = random.Random(20240611)

    # Spec §8.2: the GLIF test stimulus without the Poisson branch, all five levels, h = 0.01.
    for level in LEVELS:
        spikes = [(t, 1.0, 1, 1.0, 1) for t in [10.0, 100.0, 400.0, 700.0]]
        spikes += [(t, 1.0, 2, 1.0, 1) for t in [15.0, 99.0, 300.0, 800.0]]
        run(f"stim82_{level}", 0.01, 1000.0, {**flags(level), "V_m": -78.85}, spikes,
            [(600.0, 900.0, 100.0, 3.0, 1.0, 0)], ["V_m", "threshold"], 200)

    # Big conductance jumps at h = 0.1 (weight 2000 into the 0.2 ms port): rejected RKF45 steps.
    for level in ["lif", "lif_r_asc_a"]:
        spikes = [(t, 1.0, 1, 2000.0, 1) for t in [10.0, 50.5, 51.0, 120.0, 200.3]]
        spikes += [(t, 1.0, 2, 500.0, 1) for t in [30.0, 90.0, 150.0]]
        spikes += [(t, 1.0, 1, -300.0, 1) for t in [60.0, 60.1]]
        run(f"big_jumps_{level}", 0.1, 300.0, flags(level), spikes,
            [(0.0, 1000.0, 250.0, 1.0, 1.0, 0)], ["V_m", "g_1"], 5)

    # Three ports, GLIF5, every settable initial state, E_L moved, t_ref off the grid,
    # multiplicities, negative weights, delays from 0.1 to 2.3 ms, two current sources.
    spikes = []
    for _ in range(120):
        spikes.append((round(rng.uniform(1, 490), 1), rng.choice([0.1, 0.5, 1.0, 2.3]),
                       rng.choice([1, 2, 3]), round(rng.uniform(-10, 40), 3), rng.choice([1, 1, 1, 2, 3])))
    params = {**flags("lif_r_asc_a"), "E_L": -70.0, "V_th": -50.0, "t_ref": 2.55, "C_m": 80.0,
              "g_m": 7.5, "tau_syn": [0.5, 1.5, 4.0], "E_rev": [0.0, -80.0, -20.0],
              "ASCurrents": [5.0, -10.0], "threshold_spike": 1.5, "threshold_voltage": -0.5,
              "V_m": -60.0}
    run("three_ports_glif5", 0.1, 500.0, params, spikes,
        [(0.0, 500.0, 180.0, 1.0, 0.5, 0), (100.0, 250.0, 150.0, 1.0, 1.3, 0)],
        ["V_m", "threshold", "ASCurrents_sum", "g_3"], 10)

    # Five ports (the integrator's run-time-dimension path), three after-spike currents.
    spikes = []
    for _ in range(200):
        spikes.append((round(rng.uniform(1, 290), 2), 1.0, rng.choice([1, 2, 3, 4, 5]),
                       round(rng.uniform(-5, 60), 3), rng.choice([1, 1, 2])))
    params = {**flags("lif_r_asc"), "tau_syn": [0.2, 0.7, 2.0, 5.0, 10.0],
              "E_rev": [0.0, 10.0, -85.0, -70.0, -20.0], "asc_init": [1.0, 2.0, 3.0],
              "asc_decay": [0.01, 0.05, 0.3], "asc_amps": [-5.0, -50.0, 20.0], "asc_r": [0.5, 1.0, 0.2],
              "ASCurrents": [1.0, 2.0, 3.0], "t_ref": 1.234}
    run("five_ports_three_ascs", 0.01, 300.0, params, spikes, [(0.0, 300.0, 260.0, 1.0, 1.0, 0)],
        ["V_m", "ASCurrents_sum", "g_5"], 100)


if __name__ == "__main__":
    main()
