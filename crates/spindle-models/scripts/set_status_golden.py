#!/usr/bin/env python3
"""Golden data of NEST 3.10's GetStatus/SetStatus for spindle-models' tests
(tests/set_status_nest_golden.rs): per model

* tests/data/set_status/<model>.txt — two neurons of one model, created with different
  parameters, driven by the same dc current and spikes; after T1 ms each gets its own SetStatus
  (parameters and state, E_L moved with and without V_m), then the run goes on for T2 ms. The
  file holds the scenario, the recordables of both neurons (every step, or every n-th), their
  spikes and their GetStatus at the end;
* tests/data/set_status/defaults.txt — GetStatus of a fresh neuron of every model, without the
  keys the kernel adds to every node.

Format (floats in Python's repr, so that Rust parses NEST's very doubles):

    model <name>            h <ms>           T1 <ms>          T2 <ms>        neurons <n>
    create <neuron> <kind> <key> <values...>     kind: f (number), i (integer), b (bool),
                                                 l (list)
    set <neuron> <kind> <key> <values...>        the SetStatus after T1
    spike <t ms> <delay ms> <receptor> <weight>  to every neuron
    current <amplitude pA> <receptor>            a dc_generator to every neuron, delay 1 ms
    record <names...>
    spikes <neuron> <stamps...>
    sample <neuron> <step> <values...>
    status <neuron> <kind> <key> <values...>     GetStatus at the end (defaults.txt: of a
                                                 fresh neuron, with <model> for <neuron>)

Usage: python3 scripts/set_status_golden.py   (from crates/spindle-models; needs NEST 3.10.0)
"""
import os

import nest

assert nest.__version__ == "3.10.0", f"golden data must come from NEST 3.10.0, not {nest.__version__}"

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "set_status")

# Keys every node has (Node, ArchivingNode, StructuralPlasticityNode and the kernel), which the
# models' Parameters_::get and State_::get do not write.
GENERIC = {"Ca", "archiver_length", "beta_Ca", "element_type", "frozen", "global_id",
           "ignore_and_spike", "ignore_and_spike_interval", "ignore_and_spike_offset", "local",
           "model", "model_id", "node_uses_wfr", "post_trace", "recordables",
           "synaptic_elements", "t_spike", "tau_Ca", "tau_minus", "tau_minus_triplet", "thread",
           "thread_local_id", "vp"}

LIF_R_ASC_A = {"spike_dependent_threshold": True, "after_spike_currents": True,
               "adapting_threshold": True}

SCENARIOS = [
    # model, recordables, dc amplitude, spike receptors, weights,
    # creation params of neurons 0 and 1, SetStatus of neurons 0 and 1
    ("iaf_psc_alpha", ["V_m", "I_syn_ex", "I_syn_in"], 380.0, [0], (-150.0, 200.0),
     {}, {"I_e": 100.0, "tau_syn_ex": 0.5, "V_min": -80.0},
     {"I_e": 50.0, "V_th": -50.0, "E_L": -65.0, "V_m": -60.0, "tau_m": 15.0},
     {"E_L": -75.0, "tau_syn_in": 4.0, "C_m": 200.0}),
    ("iaf_psc_exp", ["V_m", "I_syn_ex", "I_syn_in"], 420.0, [0], (-150.0, 200.0),
     {}, {"I_e": 80.0, "tau_syn_ex": 1.0},
     {"I_e": 50.0, "V_th": -50.0, "E_L": -65.0, "V_m": -60.0, "t_ref": 3.0},
     {"E_L": -72.0, "tau_m": 7.0, "V_reset": -68.0}),
    ("iaf_cond_exp", ["V_m", "g_ex", "g_in"], 300.0, [0], (-20.0, 30.0),
     {}, {"g_L": 20.0, "I_e": 50.0},
     {"I_e": 100.0, "V_th": -52.0, "E_L": -65.0, "V_m": -60.0, "g_ex": 3.0},
     {"tau_syn_ex": 0.5, "E_ex": 5.0, "t_ref": 1.0, "g_in": 2.0}),
    ("iaf_cond_alpha", ["V_m", "g_ex", "g_in", "t_ref_remaining"], 300.0, [0], (-20.0, 30.0),
     {}, {"g_L": 20.0, "I_e": 50.0},
     {"I_e": 100.0, "V_th": -52.0, "E_L": -65.0, "V_m": -60.0, "dg_ex": 3.0},
     {"tau_syn_ex": 0.5, "E_ex": 5.0, "t_ref": 1.0, "g_in": 2.0, "dg_in": -1.0}),
    ("iaf_cond_beta", ["V_m", "g_ex", "g_in", "t_ref_remaining"], 300.0, [0], (-20.0, 30.0),
     {}, {"tau_rise_ex": 0.5, "tau_decay_ex": 2.0, "I_e": 50.0},
     {"I_e": 100.0, "V_th": -52.0, "tau_decay_in": 5.0, "V_m": -60.0, "g_ex": 3.0},
     {"tau_rise_ex": 0.2, "tau_rise_in": 0.8, "t_ref": 1.0, "dg_in": 2.0}),
    ("iaf_cond_exp_sfa_rr", ["V_m", "g_ex", "g_in", "g_sfa", "g_rr"], 450.0, [0],
     (-20.0, 30.0), {}, {"q_sfa": 30.0, "I_e": 50.0},
     {"I_e": 100.0, "V_th": -52.0, "E_L": -65.0, "V_m": -60.0, "g_sfa": 5.0},
     {"tau_rr": 5.0, "E_sfa": -80.0, "q_rr": 100.0, "g_rr": 20.0}),
    ("glif_psc", ["V_m", "I_syn", "ASCurrents_sum", "threshold", "threshold_spike",
                  "threshold_voltage"], 450.0, [1], (-100.0, 150.0),
     dict(LIF_R_ASC_A), {"tau_syn": [1.5]},
     {"V_th": -50.0, "E_L": -75.0, "V_m": -70.0, "threshold_spike": 1.0,
      "threshold_voltage": -0.5, "ASCurrents": [5.0, -3.0], "tau_syn": [1.0]},
     {"E_L": -70.0, "g": 12.0, "after_spike_currents": True, "asc_init": [10.0, 20.0]}),
    ("glif_cond", ["V_m", "g_1", "g_2", "ASCurrents_sum", "threshold", "threshold_spike",
                   "threshold_voltage"], 450.0, [1, 2], (0.5, 8.0),
     dict(LIF_R_ASC_A), {"tau_syn": [0.5, 3.0]},
     {"V_th": -50.0, "E_L": -75.0, "V_m": -70.0, "threshold_spike": 1.0,
      "threshold_voltage": -0.5, "ASCurrents": [5.0, -3.0], "E_rev": [5.0, -80.0]},
     {"E_L": -70.0, "g_m": 12.0, "spike_dependent_threshold": True, "tau_syn": [1.0, 1.5]}),
    # The AdEx models, sampled every 5th step. gsl_error_tol set after the first Simulate is
    # reported but not used (NEST built the step controller at the first Simulate).
    ("aeif_cond_alpha", ["V_m", "g_ex", "g_in", "w"], 700.0, [0], (-10.0, 15.0),
     {}, {"I_e": 100.0, "tau_syn_ex": 0.5, "a": 2.0},
     {"I_e": 200.0, "V_th": -52.0, "E_L": -65.0, "V_m": -60.0, "gsl_error_tol": 1e-2, "w": 5.0},
     {"E_L": -72.0, "b": 40.0, "dg_ex": 2.0, "t_ref": 1.0}, 5),
    ("aeif_cond_exp", ["V_m", "g_ex", "g_in", "w"], 700.0, [0], (-10.0, 15.0),
     {}, {"I_e": 100.0, "tau_syn_in": 4.0, "E_ex": 5.0},
     {"I_e": 200.0, "V_peak": -20.0, "E_L": -65.0, "V_m": -60.0, "gsl_error_tol": 1e-2},
     {"E_L": -72.0, "tau_w": 50.0, "g_ex": 3.0, "Delta_T": 0.0}, 5),
    ("aeif_psc_alpha", ["V_m", "I_syn_ex", "I_syn_in", "w"], 700.0, [0], (-300.0, 400.0),
     {}, {"I_e": 100.0, "tau_syn_ex": 0.5, "C_m": 250.0},
     {"I_e": 200.0, "V_reset": -55.0, "E_L": -65.0, "V_m": -60.0, "gsl_error_tol": 1e-2},
     {"E_L": -72.0, "a": 8.0, "dI_syn_in": 20.0, "t_ref": 1.5}, 5),
    ("aeif_psc_exp", ["V_m", "I_syn_ex", "I_syn_in", "w"], 700.0, [0], (-300.0, 400.0),
     {}, {"I_e": 100.0, "tau_syn_in": 1.0, "g_L": 20.0},
     {"I_e": 200.0, "V_th": -52.0, "E_L": -65.0, "V_m": -60.0, "gsl_error_tol": 1e-2},
     {"E_L": -72.0, "b": 100.0, "I_syn_ex": 50.0, "w": -20.0}, 5),
    ("aeif_psc_delta", ["V_m", "w"], 700.0, [0], (-2.0, 3.0),
     {}, {"I_e": 100.0, "refractory_input": True, "Delta_T": 1.0},
     {"I_e": 200.0, "V_th": -52.0, "E_L": -65.0, "V_m": -60.0, "gsl_error_tol": 1e-2},
     {"E_L": -72.0, "refractory_input": False, "t_ref": 1.0, "Delta_T": 0.0}, 5),
    ("iaf_psc_delta", ["V_m"], 370.0, [0], (-2.0, 3.0),
     {}, {"refractory_input": True, "t_ref": 4.0, "V_min": -75.0},
     {"I_e": 50.0, "V_th": -50.0, "E_L": -65.0, "V_m": -60.0, "refractory_input": True},
     {"E_L": -72.0, "tau_m": 7.0, "refractory_input": False}),
    ("iaf_psc_exp_multisynapse", ["V_m", "I_syn", "I_syn_1"], 420.0, [1], (-150.0, 200.0),
     {}, {"I_e": 80.0, "tau_syn": [1.0]},
     {"I_e": 50.0, "V_th": -50.0, "E_L": -65.0, "V_m": -60.0, "t_ref": 3.0},
     {"E_L": -72.0, "tau_m": 7.0, "tau_syn": [3.0]}),
    ("iaf_psc_alpha_multisynapse", ["V_m", "I_syn", "I_syn_1"], 380.0, [1], (-150.0, 200.0),
     {}, {"I_e": 100.0, "tau_syn": [0.5], "V_min": -80.0},
     {"I_e": 50.0, "V_th": -50.0, "E_L": -65.0, "V_m": -60.0, "tau_m": 15.0},
     {"E_L": -75.0, "tau_syn": [4.0], "C_m": 200.0}),
    ("iaf_psc_exp_htum", ["V_m", "I_syn_ex", "I_syn_in"], 600.0, [0], (-150.0, 200.0),
     {}, {"I_e": 80.0, "tau_syn_ex": 1.0, "t_ref_tot": 5.0},
     {"I_e": 50.0, "V_th": -50.0, "E_L": -65.0, "V_m": -60.0, "t_ref_abs": 0.5},
     {"E_L": -72.0, "tau_m": 7.0, "t_ref_tot": 2.5}),
    ("hh_psc_alpha", ["V_m", "I_syn_ex", "I_syn_in", "Act_m", "Inact_h", "Act_n"], 600.0, [0],
     (-300.0, 500.0),
     {}, {"I_e": 100.0, "tau_syn_ex": 0.5, "V_m": -60.0},
     {"E_L": -60.0, "g_K": 3000.0, "Act_n": 0.4},
     {"C_m": 120.0, "t_ref": 3.0, "V_m": -50.0}),
    ("hh_cond_exp_traub", ["V_m", "g_ex", "g_in", "Act_m", "Inact_h", "Act_n"], 300.0, [0],
     (-20.0, 30.0),
     {}, {"V_T": -60.0, "I_e": 50.0},
     {"E_L": -65.0, "V_m": -55.0, "Inact_h": 0.8},
     {"tau_syn_ex": 3.0, "E_ex": 5.0, "t_ref": 1.0}),
    ("izhikevich", ["V_m", "U_m"], 10.0, [0], (-5.0, 8.0),
     {}, {"a": 0.1, "d": 2.0},
     {"V_m": -70.0, "U_m": -10.0, "consistent_integration": False},
     {"V_min": -70.0, "c": -55.0, "I_e": 2.0}),
    ("mat2_psc_exp", ["V_m", "V_th"], 450.0, [0], (-300.0, 500.0),
     {}, {"I_e": 50.0, "omega": -55.0},
     {"E_L": -65.0, "V_m": -60.0, "V_th_alpha_1": 3.0},
     {"E_L": -72.0, "tau_1": 5.0, "alpha_2": 4.0}),
    ("amat2_psc_exp", ["V_m", "V_th", "V_th_v", "I_syn_ex", "I_syn_in"], 180.0, [0],
     (-200.0, 300.0),
     {}, {"beta": 0.3, "tau_v": 4.0},
     {"E_L": -65.0, "beta": 0.5, "V_th_v": 1.0},
     {"E_L": -72.0, "omega": -60.0, "V_m": -68.0}),
    # The stochastic models where NEST's draws do not decide: a tiny Delta_V (fires exactly
    # when V_m > E_sfa), lambda_0 = 0 (never fires), a rate of 0 or a steep one. pp_psc_delta
    # has no adaptation kernels here: NEST appends a second set of elements at the first run
    # after a SetStatus and reads past q_sfa's end (see docs/models/pp_psc_delta.md).
    ("gif_psc_exp", ["V_m", "E_sfa", "I_stc", "I_syn_ex", "I_syn_in"], 150.0, [0],
     (-100.0, 150.0),
     {"Delta_V": 1e-9, "tau_sfa": [10.0], "q_sfa": [5.0]},
     {"lambda_0": 0.0, "tau_stc": [5.0], "q_stc": [10.0]},
     {"E_L": -65.0, "V_m": -50.0, "tau_stc": [8.0], "q_stc": [15.0], "t_ref": 2.0},
     {"g_L": 5.0, "tau_syn_ex": 1.0, "V_T_star": -40.0}),
    ("gif_cond_exp", ["V_m", "E_sfa", "I_stc", "g_ex", "g_in"], 150.0, [0], (-10.0, 15.0),
     {"Delta_V": 1e-9, "tau_sfa": [10.0], "q_sfa": [5.0], "gsl_error_tol": 1e-4},
     {"lambda_0": 0.0, "g_in": 2.0},
     {"E_L": -65.0, "tau_stc": [8.0], "q_stc": [15.0], "g_ex": 3.0},
     {"E_in": -75.0, "tau_syn_in": 4.0, "V_m": -60.0}),
    ("pp_psc_delta", ["V_m", "E_sfa"], 30.0, [0], (-2.0, 3.0),
     {"c_2": 1.0, "c_3": 1e9, "dead_time": 1.55},
     {"c_1": 0.0, "c_2": 0.0, "t_ref_remaining": 2.0},
     {"V_m": 1.0, "with_reset": False, "dead_time": 3.0, "c_1": 1e15, "c_2": 0.0},
     {"E_sfa": 2.0, "I_e": 20.0, "tau_m": 15.0}),
    ("gif_psc_exp_multisynapse", ["V_m", "E_sfa", "I_stc"], 150.0, [1, 2], (-100.0, 150.0),
     {"Delta_V": 1e-9, "tau_sfa": [10.0], "q_sfa": [5.0], "tau_syn": [1.0, 4.0]},
     {"lambda_0": 0.0, "tau_stc": [5.0], "q_stc": [10.0], "tau_syn": [2.0, 3.0]},
     {"E_L": -65.0, "V_m": -50.0, "tau_syn": [2.0, 6.0], "t_ref": 2.0},
     {"g_L": 5.0, "V_T_star": -40.0, "tau_syn": [0.5, 3.0]}),
    ("gif_cond_exp_multisynapse", ["V_m", "E_sfa", "I_stc"], 150.0, [1, 2], (0.0, 15.0),
     {"Delta_V": 1e-9, "tau_sfa": [10.0], "q_sfa": [5.0], "tau_syn": [1.0, 4.0],
      "E_rev": [0.0, -80.0], "gsl_error_tol": 1e-4},
     {"lambda_0": 0.0, "tau_syn": [2.0, 3.0], "E_rev": [-10.0, -70.0]},
     {"E_L": -65.0, "tau_stc": [8.0], "q_stc": [15.0], "E_rev": [5.0, -75.0]},
     {"V_m": -60.0, "tau_syn": [3.0, 1.0], "E_rev": [0.0, -85.0]}),
    # The multi-port models keep the port count they were created with (one port here).
    ("aeif_cond_alpha_multisynapse", ["V_m", "w", "g_1"], 700.0, [1], (0.0, 15.0),
     {}, {"I_e": 100.0, "tau_syn": [0.5], "E_rev": [5.0], "a": 2.0},
     {"I_e": 200.0, "V_th": -52.0, "E_L": -65.0, "V_m": -60.0, "gsl_error_tol": 1e-2, "w": 5.0},
     {"E_L": -72.0, "b": 40.0, "tau_syn": [3.0], "E_rev": [-10.0], "t_ref": 1.0}, 5),
    ("aeif_cond_beta_multisynapse", ["V_m", "w", "g_1"], 700.0, [1], (0.0, 15.0),
     {}, {"I_e": 100.0, "tau_rise": [0.5], "tau_decay": [3.0], "Delta_T": 1.0},
     {"I_e": 200.0, "V_peak": -20.0, "E_L": -65.0, "V_m": -60.0, "gsl_error_tol": 1e-2},
     {"E_L": -72.0, "tau_w": 50.0, "tau_rise": [1.0], "tau_decay": [1.0], "Delta_T": 0.0}, 5),
    ("glif_psc_double_alpha", ["V_m", "I_syn", "ASCurrents_sum", "threshold",
                               "threshold_spike", "threshold_voltage"], 450.0, [1],
     (-100.0, 150.0),
     dict(LIF_R_ASC_A), {"tau_syn_fast": [1.5], "amp_slow": [0.6]},
     {"V_th": -50.0, "E_L": -75.0, "V_m": -70.0, "threshold_spike": 1.0,
      "threshold_voltage": -0.5, "ASCurrents": [5.0, -3.0], "tau_syn_slow": [4.0]},
     {"E_L": -70.0, "g": 12.0, "after_spike_currents": True, "tau_syn_fast": [0.8],
      "tau_syn_slow": [9.0], "amp_slow": [1.2]}),
    ("hh_cond_beta_gap_traub", ["V_m", "g_ex", "g_in", "Act_m", "Inact_h", "Act_n"], 300.0, [0],
     (-20.0, 30.0),
     {}, {"V_T": -55.0, "I_e": 50.0, "tau_rise_ex": 0.2},
     {"E_L": -65.0, "V_m": -55.0, "Inact_h": 0.8},
     {"tau_decay_ex": 3.0, "E_ex": 5.0, "t_ref": 1.0}),
    # Any SetStatus restarts the phase (NEST recomputes it in set_status).
    ("ignore_and_fire", [], 0.0, [0], (-10.0, 10.0),
     {}, {"rate": 150.0, "phase": 0.5},
     {"rate": 200.0}, {}),
    # The synaptic state x, y, u is set as well; a generator's spikes on receptor 1 add nothing.
    ("iaf_tum_2000", ["V_m", "I_syn_ex", "I_syn_in"], 420.0, [0, 1], (-150.0, 200.0),
     {}, {"I_e": 80.0, "U": 0.2, "x": 0.8, "tau_fac": 0.0},
     {"I_e": 50.0, "V_th": -50.0, "E_L": -65.0, "V_m": -60.0, "x": 0.5, "y": 0.1, "u": 0.3,
      "tau_rec": 100.0},
     {"E_L": -72.0, "tau_psc": 3.0, "U": 0.9}),
    ("iaf_chxk_2008", ["V_m", "g_ex", "g_in", "g_ahp"], 1800.0, [0], (-30.0, 40.0),
     {}, {"I_e": 100.0, "ahp_bug": True},
     {"V_th": -50.0, "E_L": -65.0, "V_m": -55.0, "g_ahp": 300.0},
     {"tau_ahp": 1.0, "ahp_bug": False, "C_m": 800.0}),
]


# Record every n-th step only for the models with many recordables (small data files).
RECORD_EVERY = {"hh_psc_alpha": 5, "hh_cond_exp_traub": 5, "hh_cond_beta_gap_traub": 5, "izhikevich": 2, "mat2_psc_exp": 2,
                "amat2_psc_exp": 4, "glif_psc_double_alpha": 4}


def entries(tag, who, d):
    """Lines `tag who kind key values` of a dictionary, in key order."""
    out = []
    for k in sorted(d):
        v = d[k]
        if isinstance(v, bool):
            out.append(f"{tag} {who} b {k} {'true' if v else 'false'}")
        elif isinstance(v, int):
            out.append(f"{tag} {who} i {k} {v}")
        elif isinstance(v, float):
            out.append(f"{tag} {who} f {k} {float(v)!r}")
        else:
            out.append(f"{tag} {who} l {k} " + " ".join(repr(float(x)) for x in v))
    return out


def own_keys(status):
    return {k: v for k, v in status.items() if k not in GENERIC}


def scenario(model, record, dc, receptors, weights, create0, create1, set0, set1, every=1):
    import random
    rng = random.Random(sum(map(ord, model)))
    h, t1, t2 = 0.1, 30.0, 30.0
    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")
    nest.resolution = h
    n = nest.Create(model, 2)
    n[0].set(create0)
    n[1].set(create1)
    spikes = sorted((round(rng.randrange(10, int((t1 + t2) / h) - 30) * h, 4), 1.0,
                     rng.choice(receptors), round(rng.uniform(*weights), 3)) for _ in range(40))
    for (t, d, rec, w) in spikes:
        sg = nest.Create("spike_generator", params={"spike_times": [t]})
        nest.Connect(sg, n, syn_spec={"weight": w, "delay": d, "receptor_type": rec})
    dcg = nest.Create("dc_generator", params={"amplitude": dc})
    nest.Connect(dcg, n, syn_spec={"delay": 1.0})
    mm = nest.Create("multimeter", params={"interval": h * RECORD_EVERY.get(model, every),
                                           "record_from": record})
    nest.Connect(mm, n)
    # In steps: the off-grid models' spikes are recorded at stamp - offset otherwise.
    sr = nest.Create("spike_recorder", params={"time_in_steps": True})
    nest.Connect(n, sr)
    nest.Simulate(t1)
    n[0].set(set0)
    n[1].set(set1)
    nest.Simulate(t2)
    end = [own_keys(n[i].get()) for i in range(2)]
    nest.Simulate(nest.min_delay)  # the multimeter delivers the last slice's samples late
    t_steps = round((t1 + t2) / h)
    ev = mm.get("events")
    sev = sr.get("events")

    lines = [f"# NEST {nest.__version__} GetStatus/SetStatus golden data, written by "
             f"scripts/set_status_golden.py; do not edit",
             f"model {model}", f"h {h!r}", f"T1 {t1!r}", f"T2 {t2!r}", "neurons 2"]
    lines += entries("create", 0, create0) + entries("create", 1, create1)
    lines += entries("set", 0, set0) + entries("set", 1, set1)
    lines += [f"spike {t!r} {d!r} {rec} {float(w)!r}" for (t, d, rec, w) in spikes]
    lines.append(f"current {dc!r} 0")
    lines.append("record " + " ".join(record))
    for i, node in enumerate(n):
        stamps = [int(t) for t, s in zip(sev["times"], sev["senders"])
                  if s == node.global_id and int(t) <= t_steps]
        lines.append(f"spikes {i} " + " ".join(str(s) for s in stamps))
    for k, t in enumerate(ev["times"]):
        step = round(t / h)
        if step <= t_steps:
            i = 0 if ev["senders"][k] == n[0].global_id else 1
            lines.append(f"sample {i} {step} " + " ".join(repr(float(ev[r][k])) for r in record))
    for i in range(2):
        lines += entries("status", i, end[i])
    with open(os.path.join(OUT, model + ".txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{model}: spikes {len(sev['times'])}, samples {len(ev['times'])}")


def defaults():
    lines = [f"# NEST {nest.__version__} GetStatus of a fresh neuron, without the kernel's keys; "
             f"written by scripts/set_status_golden.py; do not edit"]
    for model in ["iaf_psc_alpha", "iaf_psc_exp", "iaf_cond_exp", "iaf_cond_alpha",
                  "iaf_cond_beta", "iaf_cond_exp_sfa_rr", "glif_psc", "glif_cond",
                  "parrot_neuron", "aeif_cond_alpha", "aeif_cond_exp", "aeif_psc_alpha",
                  "aeif_psc_exp", "aeif_psc_delta", "iaf_psc_delta", "iaf_psc_exp_multisynapse",
                  "iaf_psc_alpha_multisynapse", "iaf_psc_exp_htum", "hh_psc_alpha",
                  "hh_cond_exp_traub", "izhikevich", "mat2_psc_exp", "amat2_psc_exp",
                  "gif_psc_exp", "gif_cond_exp", "pp_psc_delta", "gif_psc_exp_multisynapse",
                  "gif_cond_exp_multisynapse",
                  "aeif_cond_alpha_multisynapse", "aeif_cond_beta_multisynapse",
                  "glif_psc_double_alpha", "hh_cond_beta_gap_traub", "ignore_and_fire",
                  "iaf_tum_2000", "iaf_chxk_2008"]:
        nest.ResetKernel()
        lines += entries("status", model, own_keys(nest.Create(model).get()))
    with open(os.path.join(OUT, "defaults.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    for s in SCENARIOS:
        scenario(*s)
    defaults()


if __name__ == "__main__":
    main()
