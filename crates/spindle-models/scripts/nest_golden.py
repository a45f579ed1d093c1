"""Shared runner of the NEST 3.10 golden scenarios for spindle-models' tests (imported by
iaf_golden.py and glif_psc_golden.py; glif_cond_golden.py predates it and has its own copy).

A scenario is one neuron of `model` with spike generators, dc/step current generators, a
multimeter and a spike recorder. It runs in NEST and is written to
tests/data/<model>/<name>.txt together with its description, so that the Rust tests can rebuild
and replay it (tests/common/mod.rs, `Golden`):

    model <NEST model name>
    h <resolution ms>          T <simulated ms>
    p <key> <number>           pb <key> true|false        pl <key> <numbers...>
    spike <t ms> <delay ms> <receptor> <weight> <multiplicity>
    current <start ms> <stop ms> <amplitude pA> <weight> <delay ms> <receptor>
    record <recordable names...>
    spikes <spike stamps, in steps>
    offsets <the offset each spike carries>   (off-grid models only, see `run(offsets=True)`)
    sample <step> <values...>      (the recordables after the update of step-1 -> step)

A current line is a step_current_generator with amplitude_times [start] (a dc_generator when
start is 0): events stamped start <= S < stop. Floats are written with Python's repr, so the
Rust side parses the very doubles NEST produced.
"""
import os

import nest

assert nest.__version__ == "3.10.0", f"golden data must come from NEST 3.10.0, not {nest.__version__}"

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data")


def header(model, h, T, params, spikes, currents):
    """The lines that describe a scenario: model, grid, duration, parameters, stimulus."""
    script = os.path.basename(__import__("__main__").__file__)
    lines = [f"# NEST {nest.__version__} {model} golden data, written by scripts/{script}; do not edit",
             f"model {model}", f"h {h!r}", f"T {T!r}"]
    for k, v in params.items():
        if isinstance(v, bool):
            lines.append(f"pb {k} {'true' if v else 'false'}")
        elif isinstance(v, list):
            lines.append(f"pl {k} " + " ".join(repr(float(x)) for x in v))
        else:
            lines.append(f"p {k} {float(v)!r}")
    lines += [f"spike {t!r} {d!r} {rec} {float(w)!r} {m}" for (t, d, rec, w, m) in spikes]
    lines += [f"current {a!r} {b!r} {float(amp)!r} {float(w)!r} {d!r} {rec}" for (a, b, amp, w, d, rec) in currents]
    return lines


def write(model, name, lines):
    """Write tests/data/<model>/<name>.txt."""
    out = os.path.join(DATA, model)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, name + ".txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def run(model, name, h, T, params, spikes, currents, record, every, seed=None, offsets=False):
    """Run one scenario and write its file; returns the spike stamps. `seed`: NEST's rng_seed
    (its default if None). `offsets`: the model sends spikes with an offset (NEST's off-grid
    models, `iaf_chxk_2008` and `iaf_tum_2000`): the spike recorder records in steps, and the
    offsets are written too."""
    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")
    if seed is not None:
        nest.rng_seed = seed
    nest.resolution = h
    n = nest.Create(model, params=params)
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
    sr = nest.Create("spike_recorder", params={"time_in_steps": offsets})
    nest.Connect(n, sr)
    nest.Simulate(T)
    nest.Simulate(nest.min_delay)  # the multimeter delivers the last slice's samples late
    t_steps = round(T / h)
    ev = mm.get("events")
    sev = sr.get("events")
    stamps = [int(t) for t in sev["times"]] if offsets else [round(t / h) for t in sev["times"]]

    lines = header(model, h, T, params, spikes, currents)
    lines.append("record " + " ".join(record))
    lines.append("spikes " + " ".join(str(s) for s in stamps if s <= t_steps))
    if offsets:
        lines.append("offsets " + " ".join(repr(float(o)) for s, o in zip(stamps, sev["offsets"])
                                           if s <= t_steps))
    for i, t in enumerate(ev["times"]):
        step = round(t / h)
        if step <= t_steps:
            lines.append(f"sample {step} " + " ".join(repr(float(ev[r][i])) for r in record))
    write(model, name, lines)
    print(f"{model}/{name}: {len(stamps)} spikes, {len(ev['times'])} samples")
    return stamps


def run_seed_independent(*args):
    """`run` for a stochastic model in a scenario that NEST's draws must not decide: run under
    two seeds, fail if the spikes differ."""
    first = run(*args, seed=1)
    assert run(*args, seed=12345) == first, f"{args[0]}/{args[1]} depends on NEST's seed"
