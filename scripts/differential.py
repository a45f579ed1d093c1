#!/usr/bin/env python3
"""Differential testing against NEST 3.10: random deterministic scenarios, run by both.

Writes N random scenarios (no Poisson input, so both simulators must agree step for step):
a few populations of the NEST-exact neuron models (every deterministic model spindle has, the
iaf and GLIF ones with random parameters, GLIF models with two or three ports, the others with
a random drive), spike generators (with weights, multiplicities and windows), a
parrot_neuron relay, dc and step current generators with activity windows and origins, random
neuron → neuron connections with random delays and receptor ports, a multimeter on every
common recordable and a spike recorder (both with random windows), one or several Simulate
calls, at a random resolution from 0.01 to 0.5 ms. Half of the scenarios change the network
between Simulate calls (`[[actions]]`): neuron parameters and state, the dc amplitude, new
spike times, a recorder window, and a neuron created with connections after the first run.
Relay and neuron → neuron connections onto single-port models use a random synapse model
with random parameters (`PLASTIC`: every STDP and short-term plasticity model spindle has,
`bernoulli_synapse` and `quantal_stp_synapse` in their deterministic limits, or
`static_synapse`). Each runs in NEST (`scripts/nest_run_scenario.py`) and in spindle;
spikes must be the same and traces agree to `--tol` (default 1e-6); where a scenario has
plastic synapses, both also run through `scripts/synapse_golden.py --dump` (NEST, and spindle
through `scripts/nest_shim` with `--spindle-python`) and the weights and synapse state after
every Simulate must agree to 1e-9 relative. A scenario that NEST refuses must be refused by
spindle too (and the other way round). Failing scenarios are kept in --out.

    cargo build --release -p spindle-cli
    python3 scripts/differential.py [-n 50] [--seed 1] [--out out/differential] \
        [--spindle-python VENV/bin/python]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RECORDABLES = {
    "iaf_psc_alpha": ["V_m", "I_syn_ex", "I_syn_in"],
    "iaf_psc_exp": ["V_m", "I_syn_ex", "I_syn_in"],
    "iaf_cond_exp": ["V_m", "g_ex", "g_in"],
    "glif_psc": ["V_m", "I", "I_syn", "threshold", "ASCurrents_sum"],
    "glif_cond": ["V_m", "I", "g_1", "g_2", "threshold", "ASCurrents_sum"],
    "iaf_psc_delta": ["V_m"],
    "iaf_psc_exp_htum": ["V_m", "I_syn_ex", "I_syn_in"],
    "iaf_cond_alpha": ["V_m", "g_ex", "g_in"],
    "iaf_cond_beta": ["V_m", "g_ex", "g_in"],
    "iaf_cond_exp_sfa_rr": ["V_m", "g_ex", "g_in", "g_sfa", "g_rr"],
    "aeif_cond_alpha": ["V_m", "g_ex", "g_in", "w"],
    "aeif_cond_exp": ["V_m", "g_ex", "g_in", "w"],
    "aeif_psc_alpha": ["V_m", "I_syn_ex", "I_syn_in", "w"],
    "aeif_psc_exp": ["V_m", "I_syn_ex", "I_syn_in", "w"],
    "aeif_psc_delta": ["V_m", "w"],
    "hh_psc_alpha": ["V_m", "Act_m", "Inact_h", "Act_n"],
    "hh_cond_exp_traub": ["V_m", "g_ex", "g_in"],
    "hh_cond_beta_gap_traub": ["V_m", "g_ex", "g_in"],
    "izhikevich": ["V_m", "U_m"],
    "mat2_psc_exp": ["V_m", "V_th"],
    "amat2_psc_exp": ["V_m", "V_th"],
    "iaf_tum_2000": ["V_m", "I_syn_ex", "I_syn_in"],
    "iaf_chxk_2008": ["V_m", "g_ex", "g_in", "g_ahp"],
}
# The models whose parameters neuron_params varies in detail; the others get a drive (I_e in
# the range given here) and sometimes an initial V_m.
DETAILED = {"iaf_psc_alpha", "iaf_psc_exp", "iaf_cond_exp", "glif_psc", "glif_cond"}
DRIVE = {
    "iaf_psc_delta": (0, 600), "iaf_psc_exp_htum": (0, 900), "iaf_cond_alpha": (0, 900),
    "iaf_cond_beta": (0, 900), "iaf_cond_exp_sfa_rr": (0, 900), "aeif_cond_alpha": (0, 900),
    "aeif_cond_exp": (0, 900), "aeif_psc_alpha": (0, 900), "aeif_psc_exp": (0, 900),
    "aeif_psc_delta": (0, 900), "hh_psc_alpha": (0, 900), "hh_cond_exp_traub": (0, 900), "hh_cond_beta_gap_traub": (0, 900),
    "izhikevich": (0, 15), "mat2_psc_exp": (0, 900), "amat2_psc_exp": (0, 900),
    "iaf_tum_2000": (0, 900), "iaf_chxk_2008": (0, 3000),
}


def is_conductance(model: str) -> bool:
    """Weights in nS (a conductance jump), which must stay small."""
    return "_cond" in model or model == "iaf_chxk_2008"


def is_delta(model: str) -> bool:
    """Weights in mV (a jump of the membrane potential)."""
    return model in ("iaf_psc_delta", "aeif_psc_delta", "izhikevich")


def spike_weight(r: random.Random, model: str) -> float:
    """A generator's weight that moves `model` noticeably without breaking it."""
    if is_conductance(model):
        return round(r.uniform(0.5, 8), 2)
    if is_delta(model):
        return round(r.uniform(0.5, 6), 2)
    return round(r.uniform(5, 80), 1)


def weight_scale(model: str) -> float:
    """The size of neuron-to-neuron weights onto `model` (either sign)."""
    return 5.0 if is_conductance(model) else 3.0 if is_delta(model) else 60.0
def _wmax(r: random.Random, w: float) -> float:
    return round(abs(w) * r.uniform(1.2, 3.0), 2) * (1 if w >= 0 else -1) or 1.0


def _stdp(r: random.Random, w: float) -> dict:
    return {"tau_plus": round(r.uniform(5, 30), 1), "lambda": round(r.uniform(0.005, 0.1), 3),
            "alpha": round(r.uniform(0.5, 1.5), 2), "mu_plus": r.choice([0.0, 0.5, 1.0]),
            "mu_minus": r.choice([0.0, 0.5, 1.0]), "Wmax": _wmax(r, w)}


def _tsodyks_state(r: random.Random) -> dict:
    x = round(r.uniform(0.3, 1.0), 2)
    return {"x": x, "y": round(r.uniform(0, 1 - x), 2), "u": round(r.uniform(0, 1), 2)}


def _quantal_limit(r: random.Random) -> dict:
    n = r.randint(0, 5)
    u = r.choice([0.0, 1.0])
    return {"U": u, "u": u, "n": n, "a": r.randint(0, n), "tau_rec": 1e-5 if u else round(r.uniform(20, 900), 0),
            "tau_fac": r.choice([0.0, round(r.uniform(5, 500), 0)])}


# Random parameters of a connection with weight w, per synapse model; `None`: the weight's sign
# must be positive (the `_hom` STDP rules assume it). static_synapse_hom_w takes no weight.
PLASTIC = {
    "static_synapse": lambda r, w: {},
    "stdp_synapse": lambda r, w: {**_stdp(r, w), "Kplus": round(r.uniform(0, 1), 2)},
    "stdp_synapse_hom": lambda r, w: {"Kplus": round(r.uniform(0, 1), 2)},
    "stdp_pl_synapse_hom": lambda r, w: {"Kplus": round(r.uniform(0, 1), 2)},
    "stdp_triplet_synapse": lambda r, w: {
        "tau_plus": round(r.uniform(5, 30), 1), "tau_plus_triplet": round(r.uniform(50, 150), 1),
        "Aplus": round(r.uniform(0, 0.5), 3), "Aminus": round(r.uniform(0, 0.5), 3),
        "Aplus_triplet": round(r.uniform(0, 0.3), 3), "Aminus_triplet": round(r.uniform(0, 0.1), 3),
        "Wmax": _wmax(r, w), "Kplus": round(r.uniform(0, 1), 2),
        "Kplus_triplet": round(r.uniform(0, 1), 2)},
    "stdp_nn_symm_synapse": lambda r, w: _stdp(r, w),
    "stdp_nn_restr_synapse": lambda r, w: _stdp(r, w),
    "stdp_nn_pre_centered_synapse": lambda r, w: {**_stdp(r, w), "Kplus": round(r.uniform(0, 1), 2)},
    "vogels_sprekeler_synapse": lambda r, w: {
        "tau": round(r.uniform(5, 30), 1), "eta": round(r.uniform(0.01, 1), 3),
        "alpha": round(r.uniform(0, 0.5), 2), "Wmax": _wmax(r, w), "Kplus": round(r.uniform(0, 1), 2)},
    "tsodyks_synapse": lambda r, w: {
        "U": round(r.uniform(0.05, 0.9), 2), "tau_psc": round(r.uniform(1, 10), 1),
        "tau_rec": round(r.uniform(20, 900), 0), "tau_fac": r.choice([0.0, round(r.uniform(5, 500), 0)]),
        **_tsodyks_state(r)},
    "tsodyks_synapse_hom": lambda r, w: _tsodyks_state(r),
    "tsodyks2_synapse": lambda r, w: {
        "U": round(r.uniform(0.05, 0.9), 2), "u": round(r.uniform(0, 1), 2),
        "tau_rec": round(r.uniform(20, 900), 0), "tau_fac": r.choice([0.0, round(r.uniform(5, 500), 0)]),
        "x": round(r.uniform(0.3, 1), 2)},
    "static_synapse_hom_w": lambda r, w: {},
    # The random models where NEST is deterministic: every spike or none transmitted; all
    # available sites released and recovered at once (exp(-h/tau_rec) is 0 for any h of a
    # step of 0.001 ms or more) or none released.
    "bernoulli_synapse": lambda r, w: {"p_transmit": r.choice([0.0, 1.0])},
    "quantal_stp_synapse": lambda r, w: _quantal_limit(r),
}
POSITIVE_ONLY = ("stdp_synapse_hom", "stdp_pl_synapse_hom")
COMMON_WEIGHT = ("static_synapse_hom_w", "tsodyks_synapse_hom")


def synapse(r: random.Random, syn: dict) -> dict:
    """`syn` (weight, delay, receptor) with a random synapse model and its parameters."""
    model = r.choice(list(PLASTIC))
    if model in POSITIVE_ONLY:
        syn["weight"] = abs(syn["weight"]) or 1.0
    if model == "static_synapse":
        return syn
    params = PLASTIC[model](r, syn["weight"])
    if model in COMMON_WEIGHT:
        del syn["weight"]
    return {"synapse_model": model, **syn, **params}


GLIF_LEVELS = [(False, False, False), (True, False, False), (False, True, False), (True, True, False), (True, True, True)]


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return table(v)
    if isinstance(v, float):
        return repr(v)
    return str(v) if not isinstance(v, str) else f'"{v}"'


def table(d: dict) -> str:
    return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in d.items()) + " }"


def on_grid(r: random.Random, h: float, lo: float, hi: float) -> float:
    return round(r.randint(int(lo / h), int(hi / h)) * h, 6)


def neuron_params(r: random.Random, model: str) -> dict:
    p: dict = {}
    if model not in DETAILED:
        p["I_e"] = round(r.uniform(*DRIVE[model]), 1)
        if r.random() < 0.3 and not model.startswith("hh_"):
            p["V_m"] = round(r.uniform(-72, -60), 1)
        if model == "iaf_tum_2000":
            # Short-term plasticity in the sender: facilitating, depressing, tau_fac = 0.
            x = round(r.uniform(0.2, 1.0), 2)
            p.update(U=round(r.uniform(0.02, 0.9), 2), tau_psc=round(r.uniform(0.5, 5), 2),
                     tau_rec=round(r.uniform(20, 900), 1), x=x, u=round(r.uniform(0, 1), 2),
                     tau_fac=r.choice([0.0, round(r.uniform(10, 1000), 1)]))
        if model == "iaf_chxk_2008" and r.random() < 0.5:
            p["ahp_bug"] = True
        return p
    if model.startswith("iaf"):
        p["I_e"] = round(r.uniform(0, 900), 1)
        if r.random() < 0.5:
            p["t_ref"] = round(r.choice([0.5, 1.0, 2.0, 3.3]), 1)
        if model != "iaf_cond_exp":
            p["tau_syn_ex"] = round(r.uniform(0.3, 5), 2)
            p["tau_syn_in"] = round(r.uniform(0.3, 5), 2)
        if r.random() < 0.3:
            p["V_m"] = round(r.uniform(-75, -56), 1)
        if r.random() < 0.3:
            p.update(E_L=round(r.uniform(-75, -60), 1), C_m=round(r.uniform(100, 400), 1))
            if model == "iaf_cond_exp":
                p["g_L"] = round(r.uniform(8, 30), 1)
            else:
                p["tau_m"] = round(r.uniform(5, 30), 1)
            p["V_th"] = round(p["E_L"] + r.uniform(8, 20), 1)
            p["V_reset"] = round(p["E_L"] - r.uniform(0, 5), 1)
    else:
        if r.random() < 0.3:
            p.update(C_m=round(r.uniform(30, 90), 1), t_ref=round(r.uniform(1, 5), 1), E_L=round(r.uniform(-80, -70), 1))
        s, a, t = r.choice(GLIF_LEVELS)
        p.update(spike_dependent_threshold=s, after_spike_currents=a, adapting_threshold=t)
        ports = r.choice([2, 2, 3])
        p["tau_syn"] = [round(r.uniform(0.3, 4), 2) for _ in range(ports)]
        if model == "glif_cond":
            p["E_rev"] = [0.0, -80.0, -20.0][:ports]
    return p


def scenario(r: random.Random) -> str:
    h = r.choice([0.1, 0.1, 0.05, 0.2, 0.025, 0.01, 0.5])
    lines = [f"[kernel]\nresolution = {h}\nseed = {r.randint(1, 1000)}\n"]
    pops = []
    for i in range(r.randint(1, 3)):
        model = r.choice(list(RECORDABLES))
        n = r.randint(1, 3)
        pops.append((f"p{i}", model, n))
        lines.append(f'[[nodes]]\nname = "p{i}"\nmodel = "{model}"\nn = {n}\nparams = {table(neuron_params(r, model))}\n')
    end = r.choice([50.0, 100.0, 150.0])
    times = sorted(on_grid(r, h, h, end - 5) for _ in range(r.randint(1, 8)))
    sg = {"spike_times": times}
    if r.random() < 0.2:
        sg["start"] = on_grid(r, h, 0, 20)
        sg["stop"] = sg["start"] + on_grid(r, h, 5, end)
    if r.random() < 0.5:
        sg["spike_weights"] = [round(r.uniform(-3, 3), 2) for _ in times]
    if r.random() < 0.3:
        sg["spike_multiplicities"] = [r.randint(1, 3) for _ in times]
    lines.append(f'[[nodes]]\nname = "sg"\nmodel = "spike_generator"\nparams = {table(sg)}\n')
    start = on_grid(r, h, 0, 30)
    lines.append(f'[[nodes]]\nname = "dc"\nmodel = "dc_generator"\nparams = {table({"amplitude": round(r.uniform(-100, 300), 1), "start": start, "stop": start + on_grid(r, h, 5, 60)})}\n')
    st = sorted({on_grid(r, h, h, end) for _ in range(3)})
    step = {"amplitude_times": st, "amplitude_values": [round(r.uniform(-100, 300), 1) for _ in st]}
    if r.random() < 0.3:
        step["start"] = on_grid(r, h, 0, 20)
        step["stop"] = step["start"] + on_grid(r, h, 10, end)
    if r.random() < 0.2:
        step["origin"] = on_grid(r, h, 0, 10)
    lines.append(f'[[nodes]]\nname = "step"\nmodel = "step_current_generator"\nparams = {table(step)}\n')

    def port(model: str) -> int:
        return r.choice([1, 2]) if model.startswith("glif") else 0

    used_delays: list[float] = []

    def delay() -> float:
        d = round(r.choice([h, 2 * h, 1.0, r.uniform(h, 3)]), 3)
        used_delays.append(d)
        return d

    interval = r.choice([1, 1, 2, 5]) * h
    mm_params: dict = {}
    if r.random() < 0.3:
        mm_params["start"] = on_grid(r, h, 0, 20)
        mm_params["stop"] = mm_params["start"] + on_grid(r, h, 10, end)
    if r.random() < 0.2:
        mm_params["origin"] = on_grid(r, h, 0, 10)
    sr_params: dict = {}
    if r.random() < 0.3:
        sr_params["start"] = on_grid(r, h, 0, 20)
        sr_params["stop"] = sr_params["start"] + on_grid(r, h, 10, end)
    rec = sorted({x for _, m, _ in pops for x in RECORDABLES[m]} & set.intersection(*[set(RECORDABLES[m]) for _, m, _ in pops]))
    mm_params.update(interval=round(interval, 6), record_from=rec)
    lines.append(f'[[nodes]]\nname = "mm"\nmodel = "multimeter"\nparams = {table(mm_params)}\n')
    sr_line = f"params = {table(sr_params)}\n" if sr_params else ""
    lines.append(f'[[nodes]]\nname = "sr"\nmodel = "spike_recorder"\n{sr_line}')
    relay = r.random() < 0.4
    if relay:
        lines.append('[[nodes]]\nname = "relay"\nmodel = "parrot_neuron"\n')
        lines.append(f'[[connect]]\npre = "sg"\npost = "relay"\nsyn = {table({"delay": delay()})}\n')

    for name, model, _ in pops:
        if relay and r.random() < 0.6:
            relay_w = round(r.uniform(0.5, 5), 2) if model == "glif_cond" else round(r.uniform(-0.5, 1) * weight_scale(model), 2)
            syn = {"weight": relay_w, "delay": delay(), "receptor_type": port(model)}
            if port(model) == 0 and model != "glif_cond" and r.random() < 0.7:
                syn = synapse(r, syn)
            lines.append(f'[[connect]]\npre = "relay"\npost = "{name}"\nsyn = {table(syn)}\n')
        w = spike_weight(r, model)
        lines.append(f'[[connect]]\npre = "sg"\npost = "{name}"\nsyn = {table({"weight": w, "delay": delay(), "receptor_type": port(model)})}\n')
        for dev in ["dc", "step"]:
            if r.random() < 0.7:
                syn = {"weight": round(r.uniform(0.2, 1.5), 2)}
                if model == "iaf_psc_exp" and r.random() < 0.5:
                    syn["receptor_type"] = 1  # the current filtered through the excitatory synapse
                lines.append(f'[[connect]]\npre = "{dev}"\npost = "{name}"\nsyn = {table(syn)}\n')
    for _ in range(r.randint(0, 4)):
        (a, ma, _), (b, mb, _) = r.choice(pops), r.choice(pops)
        if ma == "iaf_tum_2000" and mb == "iaf_chxk_2008":
            continue  # NEST refuses it (IllegalConnection)
        w = round(r.uniform(-1, 1) * weight_scale(mb), 2)
        if mb == "glif_cond":
            w = abs(w)
        syn = {"weight": w, "delay": delay(), "receptor_type": port(mb)}
        if mb == "iaf_tum_2000" and (ma == "iaf_tum_2000" or r.random() < 0.5):
            # Receptor 1 scales the weight by the sender's offset (u*x of an iaf_tum_2000,
            # the precise spike time of an iaf_chxk_2008, 0 of the others).
            syn["receptor_type"] = 1
        if port(mb) == 0 and mb != "glif_cond" and r.random() < 0.5:
            syn = synapse(r, syn)
        lines.append(f'[[connect]]\npre = "{a}"\npost = "{b}"\nsyn = {table(syn)}\n')
    names = [p[0] for p in pops]
    lines.append(f'[[connect]]\npre = "mm"\npost = {toml_value(names)}\n')
    lines.append(f'[[connect]]\npre = {toml_value(names)}\npost = "sr"\n')
    if r.random() < 0.5:
        lines.extend(live_changes(r, h, end, pops, used_delays))
    elif r.random() < 0.4:
        cut = on_grid(r, h, h, end - h)
        lines.append(f"[simulate]\ntime = [{cut}, {round(end - cut, 6)}]\n")
    else:
        lines.append(f"[simulate]\ntime = {end}\n")
    return "\n".join(lines)


def live_changes(r: random.Random, h: float, end: float, pops: list, delays: list) -> list[str]:
    """A first Simulate, changes to the running network as `[[actions]]`, and the rest of the
    run (in one or two more Simulate calls)."""
    cut = on_grid(r, h, h, end - h)
    out = [f"[simulate]\ntime = {cut}\n"]

    def action(key: str, value: dict | float) -> None:
        out.append(f"[[actions]]\n{key} = {toml_value(value) if isinstance(value, float) else table(value)}\n")

    def set_(nodes: str, params: dict) -> None:
        out.append(f'[[actions]]\nset = {{ nodes = "{nodes}", params = {table(params)} }}\n')

    for name, model, _ in pops:
        if r.random() < 0.6:
            params: dict = {"V_m": round(r.uniform(-75, -55), 2)}
            if model.startswith("iaf") or model in DRIVE:
                params["I_e"] = round(r.uniform(0, DRIVE.get(model, (0, 800))[1] / 2), 1)
            set_(name, params)
    if r.random() < 0.5:
        set_("dc", {"amplitude": round(r.uniform(-100, 300), 1)})
    if r.random() < 0.5:
        times = sorted({on_grid(r, h, h, end - h) for _ in range(r.randint(1, 5))})
        # Weights and multiplicities of the new length (NEST refuses an empty list here).
        set_("sg", {"spike_times": times, "spike_weights": [round(r.uniform(-3, 3), 2) for _ in times], "spike_multiplicities": [r.randint(1, 2) for _ in times]})
    if r.random() < 0.3:
        set_("sr", {"start": on_grid(r, h, 0, end)})
    if r.random() < 0.5 and delays:
        action("create", {"name": "late", "model": "iaf_psc_alpha", "params": {"I_e": round(r.uniform(300, 500), 1)}})
        out.append(f'[[actions]]\nconnect = {{ pre = "sg", post = "late", syn = {table({"weight": round(r.uniform(50, 400), 1), "delay": r.choice(delays)})} }}\n')
        out.append('[[actions]]\nconnect = { pre = "late", post = "sr" }\n')
    rest = round(end - cut, 6)
    if r.random() < 0.3 and rest > 2 * h:
        mid = on_grid(r, h, h, rest - h)
        action("simulate", mid)
        action("simulate", round(rest - mid, 6))
    else:
        action("simulate", rest)
    return out


def compare(nest_h5: Path, ours_h5: Path, tol: float) -> list[str]:
    a, b = h5py.File(nest_h5, "r"), h5py.File(ours_h5, "r")
    problems = []
    # spindle sorts each slice's spikes by (time, sender); a spike of iaf_tum_2000 is recorded
    # at its stamp minus u*x (up to 1 ms, NEST's time), which can precede the spikes of an
    # earlier slice (docs/output-format.md): compare in (time, sender) order.
    order = {f: np.lexsort((f["sr/senders"][:], f["sr/times"][:])) for f in (a, b)}
    for key in ("times", "senders"):
        x, y = a[f"sr/{key}"][:][order[a]], b[f"sr/{key}"][:][order[b]]
        if x.shape != y.shape or not np.array_equal(x, y):
            problems.append(f"spike {key}: NEST {len(x)}, spindle {len(y)}")
    for key in a["mm"]:
        if not isinstance(a["mm"][key], h5py.Dataset) or key == "senders":
            continue
        x, y = a["mm"][key][:], b["mm"][key][:]
        if x.shape != y.shape:
            problems.append(f"mm/{key}: shape {x.shape} vs {y.shape}")
        elif np.max(np.abs(x - y), initial=0.0) > tol:
            problems.append(f"mm/{key}: max |Δ| {np.max(np.abs(x - y)):.3g}")
    return problems


def compare_synapses(path: Path, spindle_python: str) -> list[str]:
    """Weights and synapse state after every Simulate, NEST against spindle (through the
    shim), to 1e-9 relative."""
    dumps = []
    for who, python, extra in (("nest", sys.executable, None), ("spindle", spindle_python, ROOT / "scripts/nest_shim")):
        env = dict(os.environ)
        if extra is not None:
            env["PYTHONPATH"] = f"{extra}:{env.get('PYTHONPATH', '')}"
        out = path.with_suffix(f".{who}.synapses.json")
        run = subprocess.run([python, str(ROOT / "scripts/synapse_golden.py"), "--dump", str(path), str(out)], capture_output=True, text=True, env=env)
        if run.returncode:
            return [f"synapse dump by {who} failed: {run.stderr.strip()[-300:]}"]
        dumps.append(json.loads(out.read_text()))
        out.unlink()

    def key(row):
        # NEST lists a delay of 24 steps of 0.1 ms as 2.4000000000000004, spindle as 2.4.
        return (row[0], row[1], row[2], round(row[4], 9))

    problems = []
    for k, (a, b) in enumerate(zip(dumps[0]["chunks"], dumps[1]["chunks"])):
        a, b = sorted(a, key=key), sorted(b, key=key)
        if [key(x) for x in a] != [key(x) for x in b]:
            problems.append(f"chunk {k}: synapses differ ({len(a)} in NEST, {len(b)} in spindle)")
            continue
        for x, y in zip(a, b):
            values = [(x[3], y[3])] + [(x[5][s], y[5].get(s, float("nan"))) for s in x[5]]
            if any(not np.isclose(u, v, rtol=1e-9, atol=0.0) for u, v in values):
                problems.append(f"chunk {k}: {x} but spindle has {y}")
                break
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tol", type=float, default=1e-6)
    parser.add_argument("--out", type=Path, default=ROOT / "out/differential")
    parser.add_argument("--spindle", default=str(ROOT / "target/release/spindle"))
    parser.add_argument("--spindle-python", default=sys.executable,
                        help="a Python with spindle installed (weights of plastic synapses)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    r = random.Random(args.seed)
    failed = refused = 0
    for i in range(args.n):
        path = args.out / f"case{i:03d}.toml"
        path.write_text(scenario(r))
        n = subprocess.run([sys.executable, str(ROOT / "scripts/nest_run_scenario.py"), str(path), "-o", str(path.with_suffix(".nest.h5"))], capture_output=True, text=True)
        s = subprocess.run([args.spindle, "run", str(path), "-o", str(path.with_suffix(".spindle.h5")), "--overwrite", "-q", "--threads", "2"], capture_output=True, text=True)
        if n.returncode or s.returncode:
            if bool(n.returncode) != bool(s.returncode):
                failed += 1
                print(f"{path.name}: NEST exit {n.returncode}, spindle exit {s.returncode}\n  NEST: {n.stderr.strip()[-300:]}\n  spindle: {s.stderr.strip()[-300:]}")
            else:
                refused += 1
            continue
        problems = compare(path.with_suffix(".nest.h5"), path.with_suffix(".spindle.h5"), args.tol)
        if "synapse_model" in path.read_text():
            problems += compare_synapses(path, args.spindle_python)
        if problems:
            failed += 1
            print(f"{path.name}: " + "; ".join(problems))
        else:
            for suffix in (".toml", ".nest.h5", ".spindle.h5"):
                path.with_suffix(suffix).unlink(missing_ok=True)
    print(f"differential: {args.n - failed - refused} agree, {refused} refused by both, {failed} differ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
