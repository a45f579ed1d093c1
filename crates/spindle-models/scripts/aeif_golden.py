#!/usr/bin/env python3
"""Golden traces of NEST 3.10's AdEx models (aeif_cond_alpha, aeif_cond_exp, aeif_psc_alpha,
aeif_psc_exp, aeif_psc_delta) for spindle-models' tests (tests/aeif_nest_golden.rs). Format and
runner: nest_golden.py.

Per model: defaults with dc and step currents and spikes of both signs, multiplicities 1-3 and
delays of 0.1-2.3 ms at h = 0.1 ms; every parameter moved at h = 0.01 ms; Delta_T = 0 (V_th
detects spikes); and NEST's NumericalInstability, once through w > 1e6 and once through
V_m < -1e3. An instability file holds the scenario in the same format (no samples) and a line
`# fails <step> <V_m> <w>`: the step whose update threw (the scenario has no connection longer
than one step, so Simulate stops right at it) and the state NEST left.

Usage: python3 scripts/aeif_golden.py   (from crates/spindle-models; needs NEST 3.10.0)
"""
import os
import random

import nest

from nest_golden import DATA, run
from iaf_golden import random_spikes

MODELS = ["aeif_cond_alpha", "aeif_cond_exp", "aeif_psc_alpha", "aeif_psc_exp", "aeif_psc_delta"]

RECORD = {
    "aeif_cond_alpha": ["V_m", "g_ex", "g_in", "w"],
    "aeif_cond_exp": ["V_m", "g_ex", "g_in", "w"],
    "aeif_psc_alpha": ["V_m", "I_syn_ex", "I_syn_in", "w"],
    "aeif_psc_exp": ["V_m", "I_syn_ex", "I_syn_in", "w"],
    "aeif_psc_delta": ["V_m", "w"],
}

# Spike weights: nS for conductances, pA for currents, mV for delta synapses.
WEIGHTS = {
    "aeif_cond_alpha": (-15.0, 20.0),
    "aeif_cond_exp": (-15.0, 20.0),
    "aeif_psc_alpha": (-400.0, 500.0),
    "aeif_psc_exp": (-400.0, 500.0),
    "aeif_psc_delta": (-3.0, 4.0),
}

# Every parameter moved (synaptic ones where the model has them) and an initial state.
MOVED = {"V_th": -52.0, "V_peak": -10.0, "V_reset": -58.0, "t_ref": 1.234, "g_L": 25.0,
         "C_m": 200.0, "E_L": -65.0, "Delta_T": 1.5, "tau_w": 100.0, "a": 2.0, "b": 60.0,
         "I_e": 300.0, "gsl_error_tol": 1e-4, "V_m": -62.0, "w": 10.0}
MOVED_SYN = {
    "aeif_cond_alpha": {"E_ex": 5.0, "E_in": -80.0, "tau_syn_ex": 1.0, "tau_syn_in": 3.0,
                        "g_ex": 2.0, "dg_ex": 1.0, "g_in": 1.5, "dg_in": 0.5},
    "aeif_cond_exp": {"E_ex": 5.0, "E_in": -80.0, "tau_syn_ex": 1.0, "tau_syn_in": 3.0,
                      "g_ex": 2.0, "g_in": 1.5},
    "aeif_psc_alpha": {"tau_syn_ex": 1.0, "tau_syn_in": 3.0, "I_syn_ex": 50.0,
                       "dI_syn_ex": 20.0, "I_syn_in": 30.0, "dI_syn_in": 10.0},
    "aeif_psc_exp": {"tau_syn_ex": 1.0, "tau_syn_in": 3.0, "I_syn_ex": 50.0, "I_syn_in": 30.0},
    "aeif_psc_delta": {},
}


def instability(model, name, h, params, spikes):
    """Simulate until NEST throws NumericalInstability; write where and with which state."""
    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")
    nest.resolution = h
    n = nest.Create(model, params=params)
    for (t, d, rec, w, m) in spikes:
        assert round(d / h) == 1, "a longer delay would make Simulate stop at a slice start"
        sg = nest.Create("spike_generator", params={"spike_times": [t], "spike_multiplicities": [m]})
        nest.Connect(sg, n, syn_spec={"weight": w, "delay": d, "receptor_type": rec})
    T = 100.0
    try:
        nest.Simulate(T)
        raise AssertionError(f"{model}/{name}: no NumericalInstability")
    except nest.NESTErrors.NumericalInstability:
        pass
    fails = round(nest.biological_time / h)
    v, w = n.get("V_m"), n.get("w")
    lines = [f"# NEST {nest.__version__} {model} golden data, written by scripts/aeif_golden.py; do not edit",
             f"# fails {fails} {float(v)!r} {float(w)!r}",
             f"model {model}", f"h {h!r}", f"T {fails * h!r}"]
    lines += [f"p {k} {float(v)!r}" for k, v in params.items()]
    lines += [f"spike {t!r} {d!r} {rec} {float(w)!r} {m}" for (t, d, rec, w, m) in spikes]
    lines.append("record V_m w")
    lines.append("spikes")
    with open(os.path.join(DATA, model, name + ".txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{model}/{name}: NumericalInstability at step {fails}, V_m {v}, w {w}")


def validation():
    """NEST's verdict on bad (and some good) parameter sets: tests/data/aeif_validation.txt,
    lines `<model> | <key>=<value>,... | <exception or ok> | <message>`."""
    common = [{"V_reset": 1.0}, {"V_peak": -60.0}, {"V_peak": -55.0}, {"Delta_T": -1.0},
              {"Delta_T": 0.01}, {"Delta_T": -1.0, "V_reset": 5.0}, {"C_m": 0.0},
              {"C_m": -1.0, "t_ref": -1.0}, {"t_ref": -0.1}, {"tau_w": 0.0},
              {"gsl_error_tol": 0.0}, {"gsl_error_tol": -1.0, "tau_w": -1.0},
              {"V_peak": -51.0, "V_th": -50.0, "Delta_T": 0.0},
              {"V_peak": -50.0, "V_th": -50.0, "Delta_T": 0.0, "V_reset": -50.5},
              {"Delta_T": 0.0, "V_peak": 1e6}, {"g_L": -5.0, "a": -1.0, "b": -1.0},
              {"V_m": -1e4, "w": -1e5}]
    extra = {
        "aeif_cond_alpha": [{"tau_syn_ex": 0.0}, {"tau_syn_in": -1.0, "C_m": -1.0},
                            {"g_ex": -1.0}, {"g_in": -0.5}, {"dg_ex": -1.0, "dg_in": -1.0},
                            {"E_ex": -100.0, "E_in": 50.0}],
        "aeif_cond_exp": [{"tau_syn_ex": 0.0}, {"tau_syn_in": -1.0, "C_m": -1.0},
                          {"g_ex": -1.0}, {"g_in": -0.5}, {"E_ex": -100.0, "E_in": 50.0}],
        "aeif_psc_alpha": [{"tau_syn_ex": 0.0}, {"tau_syn_in": -1.0, "C_m": -1.0},
                           {"I_syn_ex": -1.0}, {"I_syn_in": -0.5},
                           {"dI_syn_ex": -1.0, "dI_syn_in": -1.0}],
        "aeif_psc_exp": [{"tau_syn_ex": 0.0}, {"tau_syn_in": -1.0, "C_m": -1.0},
                         {"I_syn_ex": -1.0}, {"I_syn_in": -0.5}],
        "aeif_psc_delta": [{"refractory_input": True}, {"refractory_input": True, "C_m": -1.0}],
    }
    lines = [f"# NEST {nest.__version__} parameter validation of the AdEx models, written by "
             f"scripts/aeif_golden.py; do not edit"]
    for model in MODELS:
        for params in common + extra[model]:
            nest.ResetKernel()
            nest.set_verbosity("M_ERROR")
            try:
                nest.Create(model, params=params)
                verdict, message = "ok", ""
            except nest.NESTError as e:
                verdict = type(e).__name__
                message = str(e).split(": ", 1)[1]
            given = ",".join(f"{k}={str(v).lower() if isinstance(v, bool) else repr(float(v))}"
                             for k, v in params.items())
            lines.append(f"{model} | {given} | {verdict} | {message}")
    with open(os.path.join(DATA, "aeif_validation.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    validation()
    rng = random.Random(20260101)
    for model in MODELS:
        rec, weights = RECORD[model], WEIGHTS[model]
        # Defaults: a dc drive, a negative step current, mixed-sign spikes with multiplicities.
        run(model, "mixed_h0.1", 0.1, 300.0, {},
            random_spikes(rng, 100, 290.0, weights),
            [(0.0, 250.0, 1000.0, 1.0, 1.0, 0), (100.0, 200.0, -300.0, 1.0, 0.5, 0)], rec, 10)
        # Every parameter moved, t_ref off the grid, an initial state.
        params = dict(MOVED, **MOVED_SYN[model])
        run(model, "params_h0.01", 0.01, 100.0, params,
            random_spikes(rng, 100, 99.0, weights, grid=0.01),
            [(0.0, 100.0, 250.0, 1.0, 1.0, 0), (30.0, 60.0, 300.0, 1.0, 0.3, 0)], rec, 40)
        # Delta_T = 0: no exponential term, V_th detects spikes; a refractory period.
        params = {"Delta_T": 0.0, "V_th": -55.0, "t_ref": 2.0, "b": 30.0}
        run(model, "delta_t0_h0.1", 0.1, 200.0, params,
            random_spikes(rng, 60, 190.0, weights),
            [(0.0, 200.0, 600.0, 1.0, 1.0, 0)], rec, 10)
        # t_ref = 0 and a huge drive: several spikes within one step, each adding b.
        run(model, "burst_h0.1", 0.1, 20.0, {"I_e": 2e5, "b": 2000.0, "tau_w": 5.0}, [],
            [(0.0, 20.0, 5e4, 1.0, 1.0, 0)], rec, 1)
        # w past 1e6: no refractoriness and a huge spike-triggered adaptation.
        instability(model, "instability_w_h0.1", 0.1, {"I_e": 1e6, "b": 1e5}, [])
        # V_m below -1e3: a strong hyperpolarising input (conductances: towards E_in = -5 V;
        # aeif_psc_delta: a -2000 mV jump).
        w = {"aeif_cond_alpha": -1e3, "aeif_cond_exp": -1e3, "aeif_psc_alpha": -1e7,
             "aeif_psc_exp": -1e7, "aeif_psc_delta": -2000.0}[model]
        params = {"E_in": -5000.0} if model.startswith("aeif_cond") else {}
        instability(model, "instability_v_h0.1", 0.1, params, [(5.0, 0.1, 0, w, 1)])
    # aeif_psc_delta's refractory_input: input held while refractory. NEST's decay factor
    # overflows (see aeif_psc_delta.rs): V_m turns NaN after the first refractory period.
    run("aeif_psc_delta", "refractory_input_h0.1", 0.1, 100.0,
        {"refractory_input": True, "t_ref": 2.0, "I_e": 900.0},
        random_spikes(rng, 40, 90.0, WEIGHTS["aeif_psc_delta"]),
        [(0.0, 100.0, 200.0, 1.0, 1.0, 0)], RECORD["aeif_psc_delta"], 5)
    # refractory_input without refractoriness changes nothing.
    run("aeif_psc_delta", "refractory_input_t_ref0_h0.1", 0.1, 100.0,
        {"refractory_input": True, "I_e": 900.0},
        random_spikes(rng, 40, 90.0, WEIGHTS["aeif_psc_delta"]),
        [(0.0, 100.0, 200.0, 1.0, 1.0, 0)], RECORD["aeif_psc_delta"], 5)


if __name__ == "__main__":
    main()
