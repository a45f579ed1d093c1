"""GetDefaults reports NEST 3.10's defaults (python/spindle/nest_defaults.json, written by
scripts/generate_py_defaults.py) for every model spindle implements, and they are spindle's
defaults too: a neuron given all of them explicitly behaves bit for bit as one given none."""

import json
from pathlib import Path

import numpy as np
import pytest

import spindle

TABLE = json.loads(
    (Path(spindle.__file__).parent / "nest_defaults.json").read_text()
)


def test_the_table_covers_the_registry():
    assert TABLE["nest_version"] == "3.10.0"
    assert set(spindle._spindle.model_names()) <= set(TABLE["models"])


# Neuron models with a membrane (the parrot has no parameters to speak of).
NEURONS = [
    m
    for m in spindle._spindle.model_names()
    if "V_m" in TABLE["models"].get(m, {}).get("recordables", [])
]


# The stochastic models draw from per-neuron streams, so two neurons fire differently; both
# get a setting that makes them deterministic (and that key is not tested here).
DETERMINISTIC = {
    "pp_psc_delta": {"c_2": 0.0},
    "gif_psc_exp": {"lambda_0": 0.0},
    "gif_cond_exp": {"lambda_0": 0.0},
    "gif_psc_exp_multisynapse": {"lambda_0": 0.0},
    "gif_cond_exp_multisynapse": {"lambda_0": 0.0},
}


@pytest.mark.parametrize("model", NEURONS)
def test_explicit_defaults_change_nothing(nest, model):
    defaults = nest.GetDefaults(model)
    fixed = DETERMINISTIC.get(model, {})
    keys = set(nest._spindle.model_keys(model)) - set(defaults["recordables"]) - set(fixed)
    explicit = {}
    for k in sorted(keys & set(defaults)):
        try:
            nest.Create(model, params={k: defaults[k]})
            explicit[k] = defaults[k]
        except nest.NESTError:
            pass  # state keys that only some mechanism settings accept
    nest.ResetKernel()
    assert len(explicit) >= len(keys & set(defaults)) - 4, sorted(keys - set(explicit))
    a = nest.Create(model, params=fixed)
    b = nest.Create(model, params={**explicit, **fixed})
    dc = nest.Create("dc_generator", params={"amplitude": 500.0})
    sg = nest.Create("spike_generator", params={"spike_times": [5.0, 7.0, 20.0]})
    mm = nest.Create("multimeter", params={"interval": 0.1, "record_from": ["V_m"]})
    nest.Connect(dc, a + b)
    nest.Connect(sg, a + b, syn_spec={"weight": 50.0, "receptor_type": 1 if "glif" in model or "multisynapse" in model else 0})
    nest.Connect(mm, a + b)
    nest.Simulate(50.0)
    ev = mm.events
    va = ev["V_m"][ev["senders"] == a.global_id]
    vb = ev["V_m"][ev["senders"] == b.global_id]
    # 50 ms at 0.1 ms, less the last min-delay slice, which NEST hands over at the next Simulate.
    assert len(va) == 490 and np.array_equal(va, vb)
