#!/usr/bin/env python3
"""Golden data for `tests/set_status.rs`: what NEST 3.10 does when a generator is changed (or
created) between two `Simulate` calls.

Every case creates a generator (with `first`, before the first `Simulate`; or, for `late`
cases, with `second` after it), simulates `t1` ms, calls `SetStatus(second)`, simulates `t2` ms
and records, per model, what the generator sent:

- `spike_generator`, `pulsepacket_generator`: a spike recorder gives each stamp and its
  multiplicity, an
  `iaf_psc_delta` (weight 1, delay h, no leak to speak of, no threshold) the summed weight
  factors of each stamp (its V_m jump one step later);
- current generators (`ac_generator`, and `noise_generator` with `std = 0`, whose `I` is then
  its `mean`): a multimeter on the generator's own `I` (interval h), which is the current of
  the event stamped at the sample's step, or 0;
- `poisson_generator`, `sinusoidal_poisson_generator`, `inhomogeneous_poisson_generator`: a
  parrot neuron (delay h) behind a generator with 100 expected spikes per step, so that every
  step in which the generator is active shows (P(0) = e^-100).

The oscillator states `y_0`, `y_1` change during a run and are left out of `GetStatus` here.

It also writes NEST's exception name if the `SetStatus` was refused, and the generator's own
keys from `GetStatus` afterwards. Run with NEST 3.10.0 (it writes `tests/data/set_status.txt` beside this folder):

    python3 crates/spindle-devices/scripts/golden_set_status.py
"""
import os
import warnings

import nest

warnings.filterwarnings("ignore")
nest.set_verbosity("M_FATAL")
assert nest.__version__ == "3.10.0", nest.__version__

H = 0.1
# Every connection has delay h: after a `Simulate` NEST accepts no other delay, and the
# generators of `late` cases are connected then.
FAST = {"delay": H}
KEYS = {
    "spike_generator": ["spike_times", "spike_weights", "spike_multiplicities", "allow_offgrid_times",
                        "precise_times", "shift_now_spikes", "origin", "start", "stop"],
    "step_current_generator": ["amplitude_times", "amplitude_values", "allow_offgrid_times",
                               "origin", "start", "stop"],
    "dc_generator": ["amplitude", "origin", "start", "stop"],
    "poisson_generator": ["rate", "origin", "start", "stop"],
    "ac_generator": ["amplitude", "offset", "frequency", "phase", "origin", "start", "stop"],
    "noise_generator": ["mean", "std", "std_mod", "frequency", "phase", "dt", "origin", "start", "stop"],
    "sinusoidal_poisson_generator": ["rate", "amplitude", "frequency", "phase", "individual_spike_trains",
                                     "origin", "start", "stop"],
    "inhomogeneous_poisson_generator": ["rate_times", "rate_values", "allow_offgrid_times", "origin", "start", "stop"],
    "pulsepacket_generator": ["pulse_times", "activity", "sdev", "origin", "start", "stop"],
}
INT_LISTS = {"spike_multiplicities"}

SG, SC, DC, PG = "spike_generator", "step_current_generator", "dc_generator", "poisson_generator"
AC, NG, SP = "ac_generator", "noise_generator", "sinusoidal_poisson_generator"
IP, PP = "inhomogeneous_poisson_generator", "pulsepacket_generator"
SPIKES = (SG, PP)  # read with a spike recorder and a membrane
DRAWN = (PG, SP, IP)  # read with a busy parrot
BUSY = 1e6  # spikes/s: 100 per 0.1 ms step
CASES = [
    # (name, model, first (None = created after t1 with `second`), second, t1, t2)
    ("sg_new_times_past_now_future", SG, {"spike_times": [1.0, 2.0, 3.0]}, {"spike_times": [4.0, 5.0, 5.1, 6.0]}, 5.0, 5.0),
    ("sg_shift_now_spikes", SG, {"spike_times": [1.0, 2.0, 3.0]}, {"spike_times": [4.0, 5.0, 5.1, 6.0], "shift_now_spikes": True}, 5.0, 5.0),
    ("sg_flag_without_times", SG, {"spike_times": [1.0, 2.0, 3.0]}, {"shift_now_spikes": False}, 5.0, 5.0),
    ("sg_origin_resends", SG, {"spike_times": [1.0, 2.0, 3.0]}, {"origin": 5.0}, 5.0, 5.0),
    ("sg_start_midway", SG, {"spike_times": [1.0, 2.0, 3.0, 7.0, 8.0]}, {"start": 7.0}, 5.0, 5.0),
    ("sg_stop_midway", SG, {"spike_times": [1.0, 7.0, 8.0]}, {"stop": 7.0}, 5.0, 5.0),
    ("sg_weights_multiplicities", SG, {"spike_times": [1.0, 7.0, 8.0]}, {"spike_weights": [0.5, 2.0, -1.5], "spike_multiplicities": [2, 3, 1]}, 5.0, 5.0),
    ("sg_weights_wrong_length", SG, {"spike_times": [1.0, 7.0]}, {"spike_weights": [1.0]}, 5.0, 5.0),
    ("sg_unsorted", SG, {"spike_times": [1.0, 7.0]}, {"spike_times": [8.0, 6.0]}, 5.0, 5.0),
    ("sg_offgrid", SG, {"spike_times": [1.0, 7.0]}, {"spike_times": [6.04, 7.05], "allow_offgrid_times": True}, 5.0, 5.0),
    ("sg_shift_with_new_origin", SG, {}, {"spike_times": [3.0, 8.0], "shift_now_spikes": True, "origin": 2.0}, 5.0, 10.0),
    ("sg_stop_before_start", SG, {"spike_times": [1.0, 7.0]}, {"spike_times": [6.0], "start": 2.0, "stop": 1.0}, 5.0, 5.0),
    ("sg_start_off_grid", SG, {"spike_times": [1.0, 7.0]}, {"spike_times": [6.0], "start": 2.05}, 5.0, 5.0),
    ("sg_late", SG, None, {"spike_times": [0.0, 2.0, 5.0, 6.0], "shift_now_spikes": True}, 5.0, 5.0),
    ("sc_new_table", SC, {"amplitude_times": [0.5, 1.0, 3.0], "amplitude_values": [1.0, 2.0, 3.0]}, {"amplitude_times": [1.0, 2.0, 2.1, 3.0], "amplitude_values": [10.0, 20.0, 21.0, 30.0]}, 2.0, 2.0),
    ("sc_past_table_keeps_level", SC, {"amplitude_times": [0.5, 1.0, 3.0], "amplitude_values": [1.0, 2.0, 3.0]}, {"amplitude_times": [1.0, 2.5], "amplitude_values": [10.0, 25.0]}, 2.0, 2.0),
    ("sc_values_alone", SC, {"amplitude_times": [0.5, 1.0, 3.0], "amplitude_values": [1.0, 2.0, 3.0]}, {"amplitude_values": [4.0, 5.0, 6.0]}, 2.0, 2.0),
    ("sc_offgrid_flag_alone", SC, {"amplitude_times": [0.5, 1.0, 3.0], "amplitude_values": [1.0, 2.0, 3.0]}, {"allow_offgrid_times": True}, 2.0, 2.0),
    ("sc_origin_does_not_shift", SC, {"amplitude_times": [0.5, 1.0, 3.0], "amplitude_values": [1.0, 2.0, 3.0]}, {"origin": 1.0}, 2.0, 2.0),
    ("sc_window_midway", SC, {"amplitude_times": [0.5, 1.0, 3.0], "amplitude_values": [1.0, 2.0, 3.0]}, {"start": 2.5, "stop": 3.5}, 2.0, 2.0),
    ("sc_offgrid_times", SC, {"amplitude_times": [0.5, 1.0, 3.0], "amplitude_values": [1.0, 2.0, 3.0]}, {"amplitude_times": [2.55, 2.7], "amplitude_values": [-1.0, 2.0], "allow_offgrid_times": True}, 2.0, 2.0),
    ("sc_offgrid_times_collide", SC, {"amplitude_times": [0.5, 1.0, 3.0], "amplitude_values": [1.0, 2.0, 3.0]}, {"amplitude_times": [2.55, 2.6], "amplitude_values": [-1.0, 2.0], "allow_offgrid_times": True}, 2.0, 2.0),
    ("sc_zero_time", SC, {"amplitude_times": [0.5, 1.0, 3.0], "amplitude_values": [1.0, 2.0, 3.0]}, {"amplitude_times": [0.0, 2.5], "amplitude_values": [1.0, 2.0]}, 2.0, 2.0),
    ("sc_not_increasing", SC, {"amplitude_times": [0.5, 1.0, 3.0], "amplitude_values": [1.0, 2.0, 3.0]}, {"amplitude_times": [2.5, 2.5], "amplitude_values": [1.0, 2.0]}, 2.0, 2.0),
    ("sc_late", SC, None, {"amplitude_times": [1.0, 2.0, 2.1, 3.0], "amplitude_values": [10.0, 20.0, 21.0, 30.0]}, 2.0, 2.0),
    ("dc_amplitude", DC, {"amplitude": 100.0}, {"amplitude": 200.0}, 2.0, 2.0),
    ("dc_start", DC, {"amplitude": 100.0}, {"start": 3.0}, 2.0, 2.0),
    ("dc_origin_start", DC, {"amplitude": 100.0}, {"origin": 1.0, "start": 2.0}, 2.0, 2.0),
    ("dc_stop", DC, {"amplitude": 100.0, "stop": 1.0}, {"stop": 3.0}, 2.0, 2.0),
    ("dc_late", DC, None, {"amplitude": 5.0, "start": 1.0, "stop": 3.0}, 2.0, 2.0),
    ("pg_rate_off", PG, {"rate": BUSY}, {"rate": 0.0}, 2.0, 2.0),
    ("pg_rate_on", PG, {"rate": 0.0}, {"rate": BUSY}, 2.0, 2.0),
    ("pg_start", PG, {"rate": BUSY}, {"start": 3.0}, 2.0, 2.0),
    ("pg_reopen", PG, {"rate": BUSY, "stop": 1.0}, {"stop": 3.0}, 2.0, 2.0),
    ("pg_negative_rate", PG, {"rate": BUSY}, {"rate": -1.0}, 2.0, 2.0),
    ("pg_late", PG, None, {"rate": BUSY, "start": 1.0, "stop": 3.0}, 2.0, 2.0),
    ("ac_amplitude_phase", AC, {"amplitude": 100.0, "frequency": 250.0, "offset": 5.0}, {"amplitude": 50.0, "phase": 90.0}, 2.0, 2.0),
    ("ac_frequency_offset", AC, {"amplitude": 100.0, "frequency": 250.0, "phase": 33.0}, {"frequency": 777.7, "offset": -12.5}, 2.0, 2.0),
    ("ac_window", AC, {"amplitude": 100.0, "frequency": 100.0}, {"start": 3.0, "stop": 3.5}, 2.0, 2.0),
    ("ac_late", AC, None, {"amplitude": 20.0, "frequency": 300.0, "offset": -3.0, "start": 2.5}, 2.0, 2.0),
    ("ng_mean", NG, {"mean": 100.0, "dt": 0.3}, {"mean": 200.0}, 2.0, 2.0),
    ("ng_dt", NG, {"mean": 100.0, "dt": 0.3}, {"dt": 0.5, "mean": -50.0}, 2.0, 2.0),
    ("ng_window", NG, {"mean": 100.0, "dt": 0.7}, {"start": 2.5, "stop": 3.5}, 2.0, 2.0),
    ("ng_modulation_params", NG, {"mean": 10.0}, {"frequency": 12.0, "phase": 45.0}, 2.0, 2.0),
    ("ng_mod_above_std", NG, {"mean": 1.0}, {"std": 1.0, "std_mod": 2.0}, 2.0, 2.0),
    ("ng_negative_std", NG, {"mean": 1.0}, {"std": -1.0}, 2.0, 2.0),
    ("ng_dt_off_grid", NG, {"mean": 1.0}, {"dt": 0.25}, 2.0, 2.0),
    ("ng_late", NG, None, {"mean": 30.0, "dt": 0.4}, 2.0, 2.0),
    ("sp_rate_off", SP, {"rate": BUSY, "amplitude": 1e5, "frequency": 50.0}, {"rate": 0.0, "amplitude": 0.0}, 2.0, 2.0),
    ("sp_window", SP, {"rate": BUSY, "amplitude": 1e5}, {"start": 2.5, "stop": 3.5}, 2.0, 2.0),
    ("sp_units", SP, {"rate": BUSY}, {"frequency": 33.0, "phase": 17.0, "amplitude": 1234.5}, 2.0, 2.0),
    ("sp_individual_after_create", SP, {"rate": BUSY}, {"individual_spike_trains": True}, 2.0, 2.0),
    ("sp_late", SP, None, {"rate": BUSY, "start": 2.5, "stop": 3.0}, 2.0, 2.0),
    ("ip_new_rates", IP, {"rate_times": [0.5, 3.0], "rate_values": [BUSY, 0.0]}, {"rate_times": [2.5, 3.5], "rate_values": [0.0, BUSY]}, 2.0, 2.0),
    ("ip_past_time", IP, {"rate_times": [0.5], "rate_values": [BUSY]}, {"rate_times": [1.0, 3.0], "rate_values": [0.0, 0.0]}, 2.0, 2.0),
    ("ip_now_is_past", IP, {"rate_times": [0.5], "rate_values": [BUSY]}, {"rate_times": [2.0], "rate_values": [0.0]}, 2.0, 2.0),
    ("ip_values_alone", IP, {"rate_times": [0.5], "rate_values": [BUSY]}, {"rate_values": [0.0]}, 2.0, 2.0),
    ("ip_sizes_differ", IP, {"rate_times": [0.5], "rate_values": [BUSY]}, {"rate_times": [2.5, 3.0], "rate_values": [0.0]}, 2.0, 2.0),
    ("ip_offgrid", IP, {}, {"rate_times": [2.55, 3.04], "rate_values": [BUSY, 0.0], "allow_offgrid_times": True}, 2.0, 2.0),
    ("ip_offgrid_flag_alone", IP, {"rate_times": [0.5], "rate_values": [BUSY]}, {"allow_offgrid_times": True}, 2.0, 2.0),
    ("ip_off_grid_refused", IP, {}, {"rate_times": [2.55], "rate_values": [BUSY]}, 2.0, 2.0),
    ("ip_not_increasing", IP, {}, {"rate_times": [2.5, 2.5], "rate_values": [BUSY, 0.0]}, 2.0, 2.0),
    ("ip_window", IP, {"rate_times": [0.5], "rate_values": [BUSY]}, {"start": 3.0, "origin": 0.5}, 2.0, 2.0),
    ("ip_late", IP, None, {"rate_times": [2.5], "rate_values": [BUSY], "stop": 3.5}, 2.0, 2.0),
    ("pp_new_times", PP, {"pulse_times": [1.0, 3.0], "activity": 2}, {"pulse_times": [3.5, 2.5], "activity": 3}, 2.0, 2.0),
    ("pp_activity", PP, {"pulse_times": [1.0, 2.5, 3.0], "activity": 2}, {"activity": 4}, 2.0, 2.0),
    ("pp_stop", PP, {"pulse_times": [1.0, 2.5, 3.2], "activity": 1}, {"stop": 2.9}, 2.0, 2.0),
    ("pp_start", PP, {"pulse_times": [1.0, 3.2, 3.5], "activity": 1}, {"start": 3.0}, 2.0, 2.0),
    ("pp_past_pulses", PP, {"pulse_times": [3.0], "activity": 1}, {"pulse_times": [0.5, 1.5, 2.05, 2.95]}, 2.0, 2.0),
    ("pp_negative_activity", PP, {"pulse_times": [3.0], "activity": 1}, {"activity": -1}, 2.0, 2.0),
    ("pp_late", PP, None, {"pulse_times": [2.0, 2.5, 3.33], "activity": 2}, 2.0, 2.0),
]


def fmt(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    return "[" + ",".join(fmt(x) for x in v) + "]"


def fmt_dict(d):
    return " ".join(f"{k}={fmt(v)}" for k, v in sorted(d.items()))


def status(gen, model):
    st = gen.get(KEYS[model])
    out = {}
    for k in KEYS[model]:
        v = st[k]
        if hasattr(v, "tolist"):
            v = v.tolist()
        if isinstance(v, list):
            v = [int(x) for x in v] if k in INT_LISTS else [float(x) for x in v]
        out[k] = v
    return out


def run(out, name, model, first, second, t1, t2):
    nest.ResetKernel()
    nest.resolution = H
    total = round((t1 + t2) / H)

    def attach(gen):
        if model in SPIKES:
            sr = nest.Create("spike_recorder")
            nest.Connect(gen, sr, syn_spec=FAST)
            n = nest.Create("iaf_psc_delta", params={"V_th": 1e9, "E_L": 0.0, "V_m": 0.0, "V_reset": 0.0, "tau_m": 1e9})
            nest.Connect(gen, n, syn_spec={"weight": 1.0, "delay": H})
            mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": H})
            nest.Connect(mm, n, syn_spec=FAST)
            return sr, mm
        if model in DRAWN:
            p = nest.Create("parrot_neuron")
            sr = nest.Create("spike_recorder")
            nest.Connect(gen, p, syn_spec={"delay": H})
            nest.Connect(p, sr, syn_spec=FAST)
            return sr, None
        mm = nest.Create("multimeter", params={"record_from": ["I"], "interval": H})
        nest.Connect(mm, gen, syn_spec=FAST)
        # A target, so that the generator is connected as in a network.
        nest.Connect(gen, nest.Create("iaf_psc_alpha"), syn_spec=FAST)
        return None, mm

    err = "-"
    if first is not None:
        gen = nest.Create(model, params=first)
        rec = attach(gen)
        nest.Simulate(t1)
        try:
            gen.set(second)
        except nest.NESTError as e:
            err = type(e).__name__.replace("NESTErrors.", "")
    else:
        nest.Simulate(t1)
        gen = nest.Create(model, params=second)
        rec = attach(gen)
    st = status(gen, model)
    nest.Simulate(t2)
    nest.Simulate(2.0)  # flush the multimeter's held-back last slice
    sr, mm = rec
    events = []
    if model in SPIKES:
        counts = {}
        for t in sr.events["times"]:
            s = round(t / H)
            counts[s] = counts.get(s, 0) + 1
        v = dict(zip((round(t / H) for t in mm.events["times"]), mm.events["V_m"]))
        for s in sorted(counts):
            if s <= total:
                jump = v[s + 1] - v[s]
                events.append(f"{s}:{counts[s]}:{round(float(jump), 6)!r}")
    elif model in DRAWN:
        stamps = sorted({round(t / H) - 1 for t in sr.events["times"]})
        events = [str(s) for s in stamps if s <= total]
    else:
        for t, i in zip(mm.events["times"], mm.events["I"]):
            s = round(t / H)
            if s <= total and i != 0.0:
                events.append(f"{s}:{float(i)!r}")
    print = lambda line: out.write(line + "\n")  # noqa: E731
    print(f"case {name} model={model} late={fmt(first is None)} t1={round(t1 / H)} t2={round(t2 / H)} h={H!r}")
    print("first " + fmt_dict(first or {}))
    print("second " + fmt_dict(second))
    print("error " + err)
    print("status " + fmt_dict(st))
    print("events " + " ".join(events))


if __name__ == "__main__":
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "set_status.txt")
    with open(path, "w") as out:
        out.write("# NEST 3.10.0, made by crates/spindle-devices/scripts/golden_set_status.py; see there.\n")
        for case in CASES:
            run(out, *case)
